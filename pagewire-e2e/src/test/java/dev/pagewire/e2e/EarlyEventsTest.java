package dev.pagewire.e2e;

import com.microsoft.playwright.Page;
import com.sun.net.httpserver.HttpServer;
import dev.pagewire.Pagewire;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.servlet.testing.RunningServer;
import dev.pagewire.servlet.testing.Servers;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An event the server emits as soon as the page connects reaches the listener of a page script
 * that loads later than the channel connects (a slow asset), on every server: the client holds
 * events until the page's module scripts have run (DOMContentLoaded).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Servers.class)
class EarlyEventsTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @Parameter
    Servers kind;

    private HttpServer assets;
    private Pagewire app;
    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
        if (assets != null) {
            assets.stop(0);
        }
    }

    @Test
    void anEventEmittedOnConnectReachesAPageScriptThatLoadsAfterIt() throws Exception {
        CompletableFuture<Void> emitted = new CompletableFuture<>();
        // The page's script comes from elsewhere and only once the event is on its way.
        assets = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        assets.createContext("/late.js", exchange -> {
            try {
                emitted.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new java.io.IOException("the page never connected", e);
            }
            byte[] js = "pagewire.page.on('me', (d) => { window.me = d; });".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/javascript");
            exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
            exchange.sendResponseHeaders(200, js.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(js);
            }
        });
        assets.start();
        String late = "http://127.0.0.1:" + assets.getAddress().getPort() + "/late.js";

        app = Pagewire.create();
        app.page("/early", (request, page) -> {
            page.onConnect(() -> {
                page.emit("me", "first");
                emitted.complete(null);
            });
            return "<!doctype html><html><head><title>e</title></head><body>" + "<script type=\"module\" src=\"" + late
                    + "\"></script></body></html>";
        });
        server = kind.start(app);

        Page page = chromium.newContext().newPage();
        page.navigate(server.uri().resolve("/early").toString());
        page.waitForFunction("() => window.me === 'first'");
    }
}
