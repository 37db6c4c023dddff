package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pagewire.Settings;
import dev.pagewire.internal.App;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.testing.FakeConnection;
import dev.pagewire.testing.FakeExchange;
import dev.pagewire.testing.Wait;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the server logs about channels (docs/OPERATIONS.md, "Logs"), as an operator reads it: one
 * line per refused connection that says why and what to do, and never a token, a cookie or what a
 * page sent, whatever happens.
 */
class LogLinesTest {

    private static final Pattern TOKEN = Pattern.compile("data-pagewire-token=\"([^\"]+)\"");
    private static final String COOKIE = "session=cookie-that-must-not-be-logged";
    private static final String PAYLOAD = "payload-that-must-not-be-logged";

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private App app;

    @BeforeEach
    void capture() {
        lines.start();
        root().addAppender(lines);
    }

    @AfterEach
    void stop() {
        root().detachAppender(lines);
        if (app != null) {
            app.close();
        }
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private void start(Settings.Builder settings) {
        app = new App(settings.pollTimeout(Duration.ofMillis(300)).build());
        app.page("/chat", (request, page) -> {
            page.on("say", e -> {
                throw new IllegalStateException("the handler failed"); // logged, with the event's name only
            });
            return "<html><head></head><body>chat</body></html>";
        });
    }

    private String render() {
        FakeExchange get = FakeExchange.get("/chat").header("Cookie", COOKIE);
        assertTrue(app.handle(get));
        Matcher m = TOKEN.matcher(get.response().bodyText());
        assertTrue(m.find());
        return m.group(1);
    }

    /** Every line as an operator's log file would hold it: message, MDC and the exception's text. */
    private List<String> text() {
        return lines.list.stream()
                .map(e -> e.getLevel() + " " + e.getFormattedMessage() + " " + e.getMDCPropertyMap()
                        + (e.getThrowableProxy() == null
                                ? ""
                                : " " + e.getThrowableProxy().getMessage()))
                .toList();
    }

    private List<String> refusals() {
        return text().stream().filter(l -> l.contains("refused a ")).toList();
    }

    @Test
    void aRefusedConnectionIsOneLineWithTheReasonAndTheFix() {
        start(Settings.builder());
        render();
        FakeConnection ws = new FakeConnection("websocket");
        FakeExchange forged =
                FakeExchange.upgrade("/chat?pagewire=v1.forged.token&ack=0").header("Cookie", COOKIE);
        assertTrue(app.handle(forged));
        forged.openWebSocket(ws);
        assertEquals(CloseCodes.BAD_TOKEN, ws.awaitClose().code());

        List<String> refused = refusals();
        assertEquals(1, refused.size(), text().toString());
        String line = refused.getFirst();
        assertTrue(line.startsWith("INFO refused a WebSocket connection to the page at /chat from "), line);
        assertTrue(line.contains("invalid page token (4401)"), line);
        assertTrue(line.contains("Settings.secret"), "names the fix: " + line);
        assertFalse(line.contains("forged"), "no token: " + line);
    }

    @Test
    void theSameRefusalAgainAndAgainIsLoggedOnceAMinuteAtInfoAndElseAtDebug() {
        start(Settings.builder());
        root().setLevel(ch.qos.logback.classic.Level.DEBUG);
        try {
            for (int i = 0; i < 5; i++) {
                FakeExchange sse = FakeExchange.get("/chat?pagewire=v1.forged" + i + "&transport=sse&ack=0");
                assertTrue(app.handle(sse));
                sse.stream().awaitEnd();
            }
        } finally {
            root().setLevel(ch.qos.logback.classic.Level.INFO);
        }
        List<String> refused = refusals();
        assertEquals(5, refused.size(), refused.toString());
        assertEquals(1, refused.stream().filter(l -> l.startsWith("INFO ")).count(), refused.toString());
        assertTrue(refused.getFirst().startsWith("INFO refused a SSE connection"), refused.getFirst());
    }

    @Test
    void noLineHoldsATokenACookieOrWhatThePageSent() {
        start(Settings.builder());
        String token = render();
        // The token of another server's page: it looks like one, and is refused.
        String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        FakeConnection ws = new FakeConnection("websocket");
        FakeExchange upgrade =
                FakeExchange.upgrade("/chat?pagewire=" + token + "&ack=0").header("Cookie", COOKIE);
        assertTrue(app.handle(upgrade));
        dev.pagewire.spi.Session session = upgrade.openWebSocket(ws);
        assertTrue(ws.nextText().startsWith("[\"hello\""));
        session.text("[\"ev\",\"say\",{\"text\":\"" + PAYLOAD + "\"},1]"); // its handler throws
        Wait.await(
                Wait.LONG,
                "the handler's failure logged",
                () -> text().stream().anyMatch(l -> l.contains("handler of event 'say'")));
        FakeExchange late = FakeExchange.get("/chat?pagewire=" + forged + "&transport=longpolling&ack=0")
                .header("Cookie", COOKIE);
        assertTrue(app.handle(late));
        assertTrue(late.answered(Wait.LONG));
        FakeExchange otherSite = FakeExchange.upgrade("/chat?pagewire=" + token + "&ack=0")
                .header("Origin", "https://evil.example")
                .header("Sec-Fetch-Site", "cross-site")
                .header("Cookie", COOKIE);
        assertTrue(app.handle(otherSite));
        assertEquals(403, otherSite.response().status());

        List<String> all = text();
        assertTrue(
                all.stream().anyMatch(l -> l.contains("refused a long-polling connection") && l.contains("(4401)")),
                late.response().status() + " " + late.response().bodyText() + " " + all);
        assertTrue(all.stream().anyMatch(l -> l.contains("from origin https://evil.example")), all.toString());
        assertTrue(
                all.stream().anyMatch(l -> l.contains("handler of event 'say'") && l.contains("pagewire.page=")),
                "a handler's failure names its page in the MDC: " + all);
        for (String line : all) {
            for (String secret : List.of(token, forged, "cookie-that-must-not-be-logged", PAYLOAD)) {
                assertFalse(line.contains(secret), "a log line holds " + secret + ": " + line);
            }
        }
    }
}
