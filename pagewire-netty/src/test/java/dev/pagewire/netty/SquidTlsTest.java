package dev.pagewire.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.pagewire.netty.testing.Chromium;
import dev.pagewire.netty.testing.EchoApp;
import dev.pagewire.netty.testing.Squid;
import dev.pagewire.netty.testing.Wait;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the embedded server through a real forward proxy: Chromium tunnels through squid's CONNECT
 * and carries a WebSocket over wss. The other intermediaries are proven on every server in
 * pagewire-e2e's ProxyEndToEndTest.
 */
class SquidTlsTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @TempDir
    Path certificates;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        closing.add(resource);
        return resource;
    }

    private EchoApp app(Consumer<dev.pagewire.Settings.Builder> settings) {
        return closeLater(new EchoApp(settings));
    }

    private PagewireServer serve(EchoApp app, Consumer<ServerSettings.Builder> settings) {
        return closeLater(PagewireServer.start(app.app, s -> {
            s.host("127.0.0.1").port(0);
            settings.accept(s);
        }));
    }

    @Test
    void squidTunnellingTlsThroughConnectCarriesAWebSocketOverWss() throws Exception {
        DevCertificate certificate = DevCertificate.generate(certificates);
        EchoApp app = app(s -> {});
        PagewireServer server = serve(app, s -> s.tls(certificate.certificateFile(), certificate.privateKeyFile()));
        Squid squid = closeLater(Squid.start());
        Page page = chromium.newContext(new Browser.NewContextOptions()
                        .setProxy(squid.playwrightProxy())
                        .setIgnoreHTTPSErrors(true))
                .newPage();
        List<String> sockets = new ArrayList<>();
        page.onWebSocket(ws -> sockets.add(ws.url()));
        URI uri = URI.create("https://127.0.0.1:" + server.port() + EchoApp.PATH);
        assertEquals("websocket", app.connectAndExchange(page, uri));
        assertTrue(sockets.stream().allMatch(url -> url.startsWith("wss://")), sockets.toString());
        Wait.await(
                Duration.ofSeconds(5),
                "squid's access log to show the CONNECT tunnel",
                () -> String.join("\n", squid.accessLogLines()).contains("CONNECT 127.0.0.1:" + server.port()));
    }
}
