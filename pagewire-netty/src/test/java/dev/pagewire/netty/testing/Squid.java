package dev.pagewire.netty.testing;

import com.microsoft.playwright.options.Proxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;

/**
 * A real squid forward proxy on loopback, the kind a corporate network puts between browsers and
 * the internet: plain HTTP requests go through it as {@code GET http://host:port/path}, TLS and
 * WebSockets through {@code CONNECT host:port} tunnels.
 *
 * <pre>{@code
 * try (Squid squid = Squid.start()) {
 *   BrowserContext context =
 *       chromium.newContext(new Browser.NewContextOptions().setProxy(squid.playwrightProxy()));
 *   context.newPage().navigate("http://127.0.0.1:" + appPort + "/chat");
 *   assertTrue(squid.accessLogLines().stream().anyMatch(line -> line.contains("/chat")));
 * }
 * }</pre>
 *
 * <p>It accepts clients on 127.0.0.1 only and forwards only to loopback addresses, but to any
 * port, CONNECT included (squid's stock configuration tunnels only to port 443). Nothing is
 * cached.
 *
 * <p><b>Browsers skip proxies for loopback</b> unless told otherwise: Chromium connects to
 * {@code 127.0.0.1} and {@code localhost} directly whatever the proxy settings say, so a test
 * would pass without its traffic ever touching squid. The bypass rule {@code <-loopback>} turns
 * that off; {@link #playwrightProxy()} includes it. Set by hand, a context needs {@code new
 * Proxy("http://127.0.0.1:" + port).setBypass("<-loopback>")}. (Playwright 1.56 adds the rule
 * itself unless {@code PLAYWRIGHT_DISABLE_FORCED_CHROMIUM_PROXIED_LOOPBACK} is set; say it anyway,
 * so the test does not hang on Playwright's defaults.) A per-context proxy works on a browser
 * launched without one, as {@link Chromium} launches it. Through squid, Chromium fetches pages
 * with {@code GET http://…} and opens WebSockets through a {@code CONNECT} tunnel. Assert on
 * {@link #accessLogLines()} that the traffic really went through.
 *
 * <p>When run as root, squid drops privileges to the user {@code proxy} (or {@code nobody} where
 * there is no such user); its directory is then given to that user so it can write its logs.
 *
 * <p>The executable is {@code /usr/sbin/squid} (Debian package {@code squid}) or {@code
 * $PAGEWIRE_SQUID}; when it is missing the test is skipped, or fails on CI. See {@link
 * LoopbackProcess} for starting, stopping and threads.
 */
public final class Squid implements AutoCloseable {

    /** Where the Debian package {@code squid} installs the executable. */
    public static final Path DEFAULT_EXECUTABLE = Path.of("/usr/sbin/squid");

    private final LoopbackProcess process;

    private Squid(LoopbackProcess process) {
        this.process = process;
    }

    /**
     * Starts squid in the foreground ({@code -N}) and waits until it listens.
     *
     * @throws org.opentest4j.TestAbortedException if squid is missing and not on CI
     * @throws org.opentest4j.AssertionFailedError if squid is missing on CI or does not start
     */
    public static Squid start() {
        Path executable = LoopbackProcess.executable("PAGEWIRE_SQUID", DEFAULT_EXECUTABLE);
        return new Squid(LoopbackProcess.start("squid", executable, "squid", List.of("cache.log"), (dir, port) -> {
            String user = LoopbackProcess.runningAsRoot() ? unprivilegedUser(dir) : null;
            Path config = dir.resolve("squid.conf");
            Files.writeString(config, config(dir, port, user));
            return List.of(executable.toString(), "-N", "-f", config.toString());
        }));
    }

    static String config(Path dir, int port, String user) {
        return """
            # Written by dev.pagewire.netty.testing.Squid.
            http_port %s:%d
            # localhost (src 127.0.0.1, ::1) and to_localhost (dst 127.0.0.0/8, ::1) are built in.
            # The stock "deny !Safe_ports" and "deny CONNECT !SSL_ports" are left out on purpose:
            # tests tunnel to whatever port their server got.
            http_access allow localhost to_localhost
            http_access deny all
            cache deny all
            cache_mem 0 MB
            # Log whole URLs, query included, so tests can tell their requests apart.
            strip_query_terms off
            access_log stdio:%s
            cache_log %s
            cache_store_log none
            pid_filename %s
            coredump_dir %s
            logfile_rotate 0
            pinger_enable off
            # Stop at once on SIGTERM instead of letting open connections finish for 30 s.
            shutdown_lifetime 0 seconds
            %s
            """.formatted(
                        FreePorts.LOOPBACK,
                        port,
                        dir.resolve("access.log"),
                        dir.resolve("cache.log"),
                        dir.resolve("squid.pid"),
                        dir,
                        user == null ? "" : "cache_effective_user " + user);
    }

    /**
     * The user squid becomes when started as root; hands {@code dir} to it, since squid creates
     * its logs only after dropping privileges.
     */
    private static String unprivilegedUser(Path dir) throws IOException {
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        for (String name : List.of("proxy", "nobody")) {
            UserPrincipal user;
            try {
                user = users.lookupPrincipalByName(name);
            } catch (UserPrincipalNotFoundException e) {
                continue;
            }
            Files.setOwner(dir, user);
            return name;
        }
        throw new IOException("neither the user proxy nor nobody exists for squid to run as");
    }

    /** The loopback port squid listens on. */
    public int port() {
        return process.port();
    }

    /** 127.0.0.1 and {@link #port()}. */
    public InetSocketAddress address() {
        return process.address();
    }

    /** {@code http://127.0.0.1:<port>}, the proxy's URL as browsers and tools are given it. */
    public String url() {
        return "http://" + FreePorts.LOOPBACK + ":" + port();
    }

    /** A selector that sends every request of a {@code java.net.http.HttpClient} through squid. */
    public ProxySelector proxySelector() {
        return ProxySelector.of(address());
    }

    /**
     * The proxy for {@code Browser.NewContextOptions.setProxy}: squid's URL with the bypass rule
     * {@code <-loopback>}, without which Chromium would reach loopback servers directly.
     */
    public Proxy playwrightProxy() {
        return new Proxy(url()).setBypass("<-loopback>");
    }

    /**
     * squid's access log: one line per request, written when the request ends (for a CONNECT
     * tunnel: when the tunnel closes), e.g. {@code "… TCP_MISS/200 626 GET
     * http://127.0.0.1:40123/ - HIER_DIRECT/127.0.0.1 text/html"} or {@code "… TCP_TUNNEL/200
     * 557 CONNECT 127.0.0.1:40123 - HIER_DIRECT/127.0.0.1 -"}. The start-up check that squid
     * listens leaves one line too, {@code "error:transaction-end-before-headers"}.
     */
    public Path accessLog() {
        return process.dir().resolve("access.log");
    }

    /** The lines of {@link #accessLog()} so far; for {@link Wait}ing on a request to be logged. */
    public List<String> accessLogLines() {
        try {
            return Files.exists(accessLog()) ? Files.readAllLines(accessLog(), StandardCharsets.ISO_8859_1) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read squid's access log " + accessLog(), e);
        }
    }

    /** squid's own log: start-up, configuration warnings, errors. */
    public Path cacheLog() {
        return process.dir().resolve("cache.log");
    }

    /** Stops squid and deletes its directory. Idempotent. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "squid on " + url();
    }
}
