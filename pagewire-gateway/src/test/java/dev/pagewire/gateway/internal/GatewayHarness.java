package dev.pagewire.gateway.internal;

import dev.pagewire.Pagewire;
import dev.pagewire.client.PagewireClient;
import dev.pagewire.gateway.GatewaySettings;
import dev.pagewire.netty.ServerSettings;
import dev.pagewire.netty.internal.NettyServer;
import dev.pagewire.spi.Protocol;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The gateway's page side without its forwarder: the application, {@link GatewayPages},
 * {@link PublishApi} and the embedded server, with a {@link TestBackend} for the webhooks. A test
 * "renders" a page by calling the {@link Renders} as the forwarder would and serving the HTML the
 * backend would have answered as a static file at the page's own path, which a
 * {@link PagewireClient} then opens like a browser. Retries wait 10 ms instead of 0.5 s.
 */
final class GatewayHarness implements AutoCloseable {

    static final String SECRET = SignaturesTest.SECRET;

    private static final AtomicInteger PAGES = new AtomicInteger();

    final TestBackend backend = new TestBackend();
    final Pagewire app;
    final GatewayPages pages;
    final NettyServer server;
    private final Path html;
    private final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();

    GatewayHarness(Consumer<GatewaySettings.Builder> config) {
        GatewaySettings.Builder builder = GatewaySettings.builder(backend.uri(), SECRET)
                .webhookTimeout(Duration.ofSeconds(5))
                .webhookRetries(2);
        config.accept(builder);
        GatewaySettings settings = builder.build();
        try {
            html = Files.createTempDirectory("gateway-pages");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        app = Pagewire.create(settings.app());
        app.staticFiles("/pages", html);
        URI[] api = new URI[1];
        pages = GatewayPages.install(app, settings, () -> api[0], Duration.ofMillis(10));
        server = NettyServer.start(
                new GatewayProtocol(Protocol.of(app), new PublishApi(app, settings, pages)),
                ServerSettings.builder().host("127.0.0.1").port(0).build());
        api[0] = URI.create(server.uri() + "_pagewire/api");
    }

    GatewayHarness() {
        this(b -> {});
    }

    /** The gateway's URL of {@code path}. */
    URI uri(String path) {
        return URI.create(server.uri() + path.substring(1));
    }

    /** What the forwarder does for a navigation whose backend answers HTML with {@code headers}. */
    record Rendered(String path, String pageId, String script, HttpHeaders forwarded, HttpHeaders answer) {}

    /**
     * A navigation to a new page path (under {@code /pages/}) with {@code query}, answered {@code 200}
     * {@code text/html} with {@code headers}.
     */
    Rendered render(String query, Map<String, String> headers) {
        String path = "/pages/p" + PAGES.incrementAndGet() + ".html";
        Renders.Render render =
                pages.begin(path + query, new DefaultHttpHeaders(), new InetSocketAddress("127.0.0.1", 1));
        HttpHeaders forwarded = new DefaultHttpHeaders();
        render.addRequestHeaders(forwarded);
        HttpHeaders answer = new DefaultHttpHeaders().set("Content-Type", "text/html; charset=utf-8");
        headers.forEach(answer::add);
        String script = render.answered(200, answer, true);
        if (script != null) {
            try {
                Files.writeString(
                        html.resolve(path.substring("/pages/".length())),
                        "<!doctype html><html><head>" + script + "</head><body>hi</body></html>");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Rendered(path, forwarded.get(PageRender.PAGE_ID), script, forwarded, answer);
    }

    /** A browser that opens the rendered page. */
    PagewireClient open(Rendered page) throws IOException, InterruptedException {
        return open(page, c -> {});
    }

    /** A browser that opens the rendered page, with its listeners set up before it connects. */
    PagewireClient open(Rendered page, Consumer<PagewireClient> setup) throws IOException, InterruptedException {
        PagewireClient client = PagewireClient.open(uri(page.path()), o -> o.setup(setup));
        clients.add(client);
        return client;
    }

    PagewireClient openEndpoint(String path, Object params) throws IOException, InterruptedException {
        PagewireClient client = PagewireClient.openEndpoint(uri(path), params);
        clients.add(client);
        return client;
    }

    @Override
    public void close() {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        server.close();
        pages.shuttingDown();
        app.close();
        pages.close();
        backend.close();
    }
}
