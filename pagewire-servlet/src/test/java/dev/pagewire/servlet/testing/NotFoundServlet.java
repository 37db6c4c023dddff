package dev.pagewire.servlet.testing;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The application of a container that has none of its own: every request Pagewire does not take is a 404. */
final class NotFoundServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(404);
        response.setContentType("text/plain; charset=utf-8");
        response.getWriter().write("not found\n");
    }
}
