package dev.pagewire.bench.servers;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The application servlet of the container bench servers, mapped to {@code /}: Tomcat runs a
 * context's filters (Pagewire's among them) only for requests that a servlet maps. Pagewire serves
 * every request of the bench; anything that reaches this servlet is answered 404.
 */
final class NotFoundServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(404);
        response.setContentType("text/plain; charset=utf-8");
        response.getWriter().write("not found\n");
    }
}
