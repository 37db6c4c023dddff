package dev.pagewire.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.netty.testing.Autobahn;
import dev.pagewire.servlet.internal.ServletExchange;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.server.ServerContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RFC 6455 conformance of a container's WebSocket layer as Pagewire uses it: the Autobahn fuzzing
 * client against an echo that goes through the Servlet adapter's own upgrade, endpoint and connection
 * ({@link ServletExchange#upgrade}), minus the page protocol. Takes several minutes per container, so
 * it runs on request: {@code mvn -pl pagewire-servlet -am verify -Dautobahn.containers=true
 * -Dtest=ContainerAutobahnTest -Dsurefire.failIfNoSpecifiedTests=false}. Every case must pass (OK,
 * NON-STRICT or INFORMATIONAL, as for the embedded server); what each container did is written to
 * {@code target/autobahn-<server>/summary.txt} and reported in docs/SERVERS.md.
 */
@EnabledIfSystemProperty(named = "autobahn.containers", matches = "true")
class ContainerAutobahnTest {

    /** Upgrades every request to an {@link Autobahn.Echo}, through the adapter. */
    private static final class EchoServlet extends HttpServlet {
        private final Settings settings;

        EchoServlet(Settings settings) {
            this.settings = settings;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) {
            ServerContainer container =
                    (ServerContainer) getServletContext().getAttribute("jakarta.websocket.server.ServerContainer");
            new ServletExchange(request, response, settings, container).upgrade(Autobahn.Echo::new);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Servers.class,
            names = {"TOMCAT", "JETTY"})
    void theContainersWebSocketLayerUnderTheFuzzingClient(Servers kind) throws Exception {
        // Autobahn's largest messages are 16 MiB (cases 9.x).
        Pagewire app = Pagewire.create(s -> s.maxMessageBytes(20 * 1024 * 1024));
        Path reports = Path.of("target", "autobahn-" + kind).toAbsolutePath();
        Autobahn.Results results;
        try (RunningServer server =
                kind.start(app, Servers.Options.defaults().withServlet(new EchoServlet(app.settings())))) {
            results = Autobahn.run("ws://127.0.0.1:" + server.port() + "/echo", reports);
        } finally {
            app.close();
        }
        Map<String, Integer> counts = new TreeMap<>();
        results.behaviours().values().forEach(b -> counts.merge(b, 1, Integer::sum));
        StringBuilder summary =
                new StringBuilder(kind + ": " + results.behaviours().size() + " cases, " + counts + "\n");
        results.failed().forEach(f -> summary.append(f).append('\n'));
        Files.writeString(reports.resolve("summary.txt"), summary);
        System.out.println(summary);
        assertTrue(
                results.behaviours().size() > 250,
                "expected about 300 cases, ran " + results.behaviours().size());
        assertEquals(
                List.of(), results.failed(), "Autobahn cases that failed on " + kind + " (reports in " + reports + ")");
    }
}
