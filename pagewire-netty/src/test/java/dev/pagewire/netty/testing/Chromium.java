package dev.pagewire.netty.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * JUnit 5 extension that gives browser tests a real, headless Chromium driven by Playwright.
 *
 * <p>Register it on a static field and ask it for contexts:
 *
 * <pre>{@code
 * @RegisterExtension static final Chromium chromium = new Chromium();
 *
 * @Test void greetsTheVisitor() {
 *   Page page = chromium.newContext().newPage();
 *   page.navigate(url);
 *   assertThat(page.locator("#greeting")).hasText("Hello");
 * }
 * }</pre>
 *
 * or, with {@code @ExtendWith(Chromium.class)}, declare a {@link BrowserContext} or {@link Page}
 * test parameter and receive a fresh one.
 *
 * <p><b>Lifecycle.</b> One Playwright driver and one browser are started lazily, on the first
 * {@link #newContext()} of a test class, and closed after the class (the outermost class when
 * {@code @Nested} classes share it). Each {@link BrowserContext} is a separate browser profile:
 * pages opened in one context share cookies and storage, pages in different contexts share
 * nothing. Contexts live for one test: every context handed out is closed after the test that
 * created it. Navigation and actions time out after {@link #DEFAULT_TIMEOUT} instead of
 * Playwright's 30 s, so a broken test fails quickly.
 *
 * <p><b>Which browser.</b> The Debian package {@code chromium} at {@code /usr/bin/chromium}, or
 * the executable named by the environment variable {@code PAGEWIRE_CHROMIUM}. Playwright never
 * downloads a browser. When the browser is missing or will not start, tests are skipped with a
 * message that says what to install; when the environment variable {@code CI} is {@code true}
 * they fail instead, because on CI a missing browser is a broken build, not a choice (the rule
 * of {@link Unavailable}).
 *
 * <p><b>Threads.</b> Not thread-safe: like all Playwright objects, use it only from the test
 * thread (do not combine it with JUnit parallel execution within one class).
 */
public final class Chromium implements BeforeAllCallback, AfterEachCallback, AfterAllCallback, ParameterResolver {

    /** Where the Debian package {@code chromium} installs the browser. */
    public static final Path DEFAULT_EXECUTABLE = Path.of("/usr/bin/chromium");

    /** Default timeout for navigation and actions in every context handed out. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Command-line switches for every launch. Tests run as root in containers without a GPU and
     * must not touch the network beyond the servers they start, so: no sandbox (Chromium refuses
     * to run as root with it), no GPU, and none of Chromium's background traffic (component
     * updates, sync) or QUIC. Playwright 1.56 already passes some of these itself; they are listed
     * anyway so the contract does not hang on Playwright's defaults.
     */
    static final List<String> ARGS = List.of(
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic");

    private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(30);

    private final Path executable;
    private final List<BrowserContext> contexts = new ArrayList<>();
    private String ownerId;
    private Playwright playwright;
    private Browser browser;
    /** Set once the browser failed to start, so later tests skip or fail without retrying. */
    private Unavailable unavailable;

    /** Uses {@code $PAGEWIRE_CHROMIUM} if set and not blank, else {@link #DEFAULT_EXECUTABLE}. */
    public Chromium() {
        String override = System.getenv("PAGEWIRE_CHROMIUM");
        this.executable = override == null || override.isBlank() ? DEFAULT_EXECUTABLE : Path.of(override.strip());
    }

    /** The Chromium executable this extension launches. */
    public Path executable() {
        return executable;
    }

    /**
     * Opens a new browser profile (context) with default options, starting the browser first if
     * this is the first use in the test class. Closed automatically after the current test.
     *
     * @throws TestAbortedException if Chromium is unavailable and not on CI
     * @throws AssertionFailedError if Chromium is unavailable on CI
     */
    public BrowserContext newContext() {
        return newContext(new Browser.NewContextOptions());
    }

    /**
     * Opens a new browser profile (context) with the given options, e.g. a locale or extra HTTP
     * headers; otherwise as {@link #newContext()}.
     */
    public BrowserContext newContext(Browser.NewContextOptions options) {
        BrowserContext context = browser().newContext(options);
        contexts.add(context);
        context.setDefaultTimeout(DEFAULT_TIMEOUT.toMillis());
        return context;
    }

    /**
     * The running browser, started on first call. Prefer {@link #newContext()}: contexts opened
     * directly on the browser are not closed after the test.
     */
    public Browser browser() {
        if (browser == null) {
            if (unavailable != null) {
                // Already reported with Playwright's error as the cause; repeat only the message.
                new Unavailable(unavailable.message(), null).skipOrFail();
            }
            unavailable = Files.isExecutable(executable) ? launch() : notFound();
            if (unavailable != null) {
                unavailable.report("Chromium"); // Once: later tests skip or fail without repeating it.
                unavailable.skipOrFail();
            }
        }
        return browser;
    }

    private Unavailable notFound() {
        return new Unavailable(
                "Chromium not found at "
                        + executable
                        + ": install the Debian package chromium (CI installs it in .ci/run)",
                null);
    }

    /** Starts Playwright and the browser; returns why not if that failed, else null. */
    private Unavailable launch() {
        try {
            // Also set here, not only by surefire, so runs from an IDE never download a browser.
            Map<String, String> env = Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
            playwright = Playwright.create(new Playwright.CreateOptions().setEnv(env));
            browser = playwright
                    .chromium()
                    .launch(new BrowserType.LaunchOptions()
                            .setExecutablePath(executable)
                            .setHeadless(true)
                            .setArgs(ARGS)
                            .setTimeout(LAUNCH_TIMEOUT.toMillis()));
            return null;
        } catch (RuntimeException e) {
            RuntimeException cleanup = closeBrowser();
            if (cleanup != null) {
                e.addSuppressed(cleanup);
            }
            return new Unavailable(
                    "Chromium at "
                            + executable
                            + " could not be started by Playwright ("
                            + summary(e)
                            + "): check that the Debian package chromium is installed and that `"
                            + executable
                            + " --headless --no-sandbox --version` runs (CI installs it in .ci/run)",
                    e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (ownerId == null) {
            ownerId = context.getUniqueId();
        }
        // Availability is checked per test, in browser(), not here: surefire reports a class aborted
        // in beforeAll as "Tests run: 0" and drops the message, so the skip would go unnoticed.
    }

    @Override
    public void afterEach(ExtensionContext context) {
        throwIfAny(closeContexts());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!context.getUniqueId().equals(ownerId)) {
            return; // A @Nested class finished; the outer class still owns the browser.
        }
        ownerId = null;
        RuntimeException failure = closeContexts();
        RuntimeException close = closeBrowser();
        if (failure == null) {
            failure = close;
        } else if (close != null) {
            failure.addSuppressed(close);
        }
        throwIfAny(failure);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == BrowserContext.class || type == Page.class;
    }

    /**
     * Resolves a {@link BrowserContext} parameter to a fresh context, and a {@link Page} parameter
     * to a fresh page in its own fresh context; both are closed after the test.
     */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        BrowserContext browserContext = newContext();
        return parameter.getParameter().getType() == Page.class ? browserContext.newPage() : browserContext;
    }

    /** Closes every context handed out; returns the first failure with the others suppressed. */
    private RuntimeException closeContexts() {
        RuntimeException failure = null;
        for (BrowserContext context : contexts) {
            try {
                context.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        contexts.clear();
        return failure;
    }

    /** Closes the browser and the Playwright driver; returns the failure, if any. */
    private RuntimeException closeBrowser() {
        RuntimeException failure = null;
        if (browser != null) {
            try {
                browser.close();
            } catch (RuntimeException e) {
                failure = e;
            }
            browser = null;
        }
        if (playwright != null) {
            try {
                // Stops the driver process, which also kills a browser that did not close cleanly.
                playwright.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            playwright = null;
        }
        return failure;
    }

    private static void throwIfAny(RuntimeException failure) {
        if (failure != null) {
            throw failure;
        }
    }

    /** Playwright's own message without its multi-line call log and stack. */
    private static String summary(RuntimeException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int quoted = message.indexOf("message='");
        String text = quoted >= 0 ? message.substring(quoted + "message='".length()) : message;
        return text.strip().lines().findFirst().orElse(e.getClass().getName());
    }
}
