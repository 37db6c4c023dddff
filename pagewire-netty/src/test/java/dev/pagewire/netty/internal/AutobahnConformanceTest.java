package dev.pagewire.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Page;
import dev.pagewire.Pagewire;
import dev.pagewire.Settings;
import dev.pagewire.netty.ServerSettings;
import dev.pagewire.netty.testing.Autobahn;
import dev.pagewire.spi.HttpExchange;
import dev.pagewire.spi.Protocol;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455 conformance of the WebSocket pipeline that page channels use: the Autobahn|Testsuite
 * fuzzing client ({@link Autobahn}) against an echo route built on exactly that pipeline (handshake,
 * frame limits, UTF-8 validation, reassembly, close handshake), minus the page protocol. Reports land
 * in {@code target/autobahn/index.html}. {@code mvn verify} runs every case but 9 (large messages,
 * most of the run's time) and 12/13 ({@link Autobahn#EXCLUDED_BY_DEFAULT}); with
 * {@code -Dautobahn.full=true} it runs cases 9 too (about 300 cases).
 */
class AutobahnConformanceTest {

    @Test
    void webSocketPipelinePassesTheAutobahnFuzzingClientWithNoFailures() throws Exception {
        // Autobahn's largest messages are 16 MiB (cases 9.x); the limit is a setting, the pipeline is the same.
        Pagewire app = Pagewire.create(s -> s.maxMessageBytes(20 * 1024 * 1024));
        NettyServer server = NettyServer.start(
                new EchoAt("/echo", Protocol.of(app)),
                ServerSettings.builder().host("127.0.0.1").port(0).build());
        Path reports = Path.of("target", "autobahn").toAbsolutePath();
        Autobahn.Results results;
        try {
            results = Autobahn.run(
                    "ws://127.0.0.1:" + server.port() + "/echo",
                    reports,
                    Autobahn.full() ? Autobahn.EXCLUDED : Autobahn.EXCLUDED_BY_DEFAULT);
        } finally {
            server.close();
            app.close();
        }
        int expected = Autobahn.full() ? 250 : 200;
        assertTrue(
                results.behaviours().size() > expected,
                "expected over " + expected + " cases, ran "
                        + results.behaviours().size());
        assertEquals(List.of(), results.failed(), "Autobahn cases that failed (reports in " + reports + ")");
    }
    /**
     * The application's protocol, but a WebSocket to {@code path} gets an {@link Autobahn.Echo} instead of a
     * page: the adapter's whole WebSocket layer, minus the page protocol.
     */
    private record EchoAt(String path, Protocol app) implements Protocol {
        @Override
        public Settings settings() {
            return app.settings();
        }

        @Override
        public boolean claims(HttpExchange exchange) {
            return exchange.target().equals(path) || app.claims(exchange);
        }

        @Override
        public boolean handle(HttpExchange exchange) {
            if (!exchange.target().equals(path)) {
                return app.handle(exchange);
            }
            exchange.upgrade(Autobahn.Echo::new);
            return true;
        }

        @Override
        public void batchHandlerStarts(Executor endOfPass) {
            app.batchHandlerStarts(endOfPass);
        }

        @Override
        public String clientScript(Page page, String contextPath) {
            return app.clientScript(page, contextPath);
        }

        @Override
        public String injectClient(String html, Page page, String contextPath) {
            return app.injectClient(html, page, contextPath);
        }
    }
}
