package dev.pagewire.bench.pageload;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A headless Chromium driven by Playwright, as the end-to-end tests start it: the executable
 * given (the Debian package's {@code /usr/bin/chromium} by default), never one Playwright
 * downloads. Playwright's driver runs on the Node found on {@code PATH} when there is one (the
 * bench needs Node for Socket.IO anyway), so the bench jar does not carry Playwright's own Node.
 * Not thread-safe: use it from one thread, as every Playwright object.
 */
final class HeadlessChromium implements AutoCloseable {

    /**
     * No sandbox (Chromium refuses it as root in containers), no GPU, none of Chromium's own
     * traffic (component updates, sync) or QUIC: the only requests are the page's.
     */
    static final List<String> ARGS = List.of(
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic");

    private final Playwright playwright;
    private final Browser browser;

    private HeadlessChromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    /**
     * Starts Chromium at {@code executable}.
     *
     * @throws IllegalStateException if it is not there or does not start, saying what to install
     */
    static HeadlessChromium launch(Path executable) {
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("no Chromium at " + executable
                    + ": install the Debian package chromium, or name another with --chromium");
        }
        Path node = onPath("node");
        if (node != null) {
            // Playwright's own switch (DriverJar): run the driver on this Node instead of extracting its own.
            System.setProperty("playwright.nodejs.path", node.toString());
        }
        Playwright playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            Browser browser = playwright
                    .chromium()
                    .launch(new BrowserType.LaunchOptions()
                            .setExecutablePath(executable)
                            .setHeadless(true)
                            .setArgs(ARGS)
                            .setTimeout(60_000));
            return new HeadlessChromium(playwright, browser);
        } catch (RuntimeException e) {
            playwright.close();
            throw new IllegalStateException("Chromium at " + executable + " did not start: " + e.getMessage(), e);
        }
    }

    Browser browser() {
        return browser;
    }

    /** The browser's version, e.g. {@code 142.0.7444.175}. */
    String version() {
        return browser.version();
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            playwright.close();
        }
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
