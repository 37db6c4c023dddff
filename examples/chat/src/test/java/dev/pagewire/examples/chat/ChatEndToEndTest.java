package dev.pagewire.examples.chat;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.Cookie;
import com.sun.net.httpserver.HttpServer;
import dev.pagewire.netty.testing.Chromium;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chat example in a real Chromium: what a newcomer sees when they open two tabs, and what the
 * channel refuses. One chat server serves the whole class; every test uses fresh browser contexts,
 * and each test's messages carry a text no other test sends.
 */
class ChatEndToEndTest {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private static final Pattern TOKEN = Pattern.compile("data-pagewire-token=\"([^\"]+)\"");
    private static final Pattern GUEST = Pattern.compile("Guest \\d+");
    private static final Pattern CLOCK = Pattern.compile("\\d\\d:\\d\\d:\\d\\d");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /**
     * Opens a WebSocket from the page, optionally sends {@code send} once the server's first frame
     * (hello) arrived, else closes with 1000 then; resolves when the socket closes with what the
     * page saw. Rejects after a deadline, so a socket that never closes fails the test instead of
     * hanging it.
     */
    private static final String OPEN_RAW_SOCKET = """
        ({url, send}) => new Promise((resolve, reject) => {
          const seen = { opened: false, error: false, frames: [] };
          const socket = new WebSocket(url);
          const deadline = setTimeout(
              () => reject(new Error('socket did not close within 10 s: ' + JSON.stringify(seen))), 10000);
          socket.onopen = () => { seen.opened = true; };
          socket.onerror = () => { seen.error = true; };
          socket.onmessage = (e) => {
            seen.frames.push(e.data);
            if (seen.frames.length === 1) {
              if (send == null) socket.close(1000); else socket.send(send);
            }
          };
          socket.onclose = (e) => {
            clearTimeout(deadline);
            resolve({ ...seen, code: e.code, reason: e.reason });
          };
        })
        """;

    /** The channel URL of the page the script runs in: its own URL, ws: for http:, no query. */
    private static final String OWN_CHANNEL_URL = "() => location.origin.replace(/^http/, 'ws') + location.pathname";

    private static ChatApp.Running chat;
    private static URI chatUri;
    /** Serves an empty page on another port of 127.0.0.1: a different origin than the chat's. */
    private static HttpServer elsewhere;

    private static String elsewhereUri;

    @BeforeAll
    static void start() throws IOException {
        // Match Playwright's assertion deadline to the one the contexts use for actions.
        PlaywrightAssertions.setDefaultAssertionTimeout(Chromium.DEFAULT_TIMEOUT.toMillis());
        chat = ChatApp.start(s -> s.host("127.0.0.1").port(0));
        chatUri = chat.server().uri();
        elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        elsewhere.createContext("/", exchange -> {
            byte[] body =
                    "<!doctype html><title>elsewhere</title><p>another origin</p>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        elsewhere.start();
        elsewhereUri = "http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/";
    }

    @AfterAll
    static void stop() {
        if (elsewhere != null) {
            elsewhere.stop(0);
        }
        if (chat != null) {
            chat.close();
        }
    }

    @Test
    void statusSaysConnectedOverWebSocket() {
        Page tab = chromium.newContext().newPage();
        tab.navigate(chatUri.toString());

        assertThat(tab.locator("#status")).hasAttribute("data-state", "connected");
        assertThat(tab.locator("#status")).containsText("connected");
        assertThat(tab.locator("#status")).containsText("websocket");
    }

    @Test
    void messageTypedInOneTabAppearsInEveryTab() {
        BrowserContext context = chromium.newContext();
        Page a = openChat(context);
        Page b = openChat(context);
        String nameA = myName(a);

        a.locator("#message").fill("hello from A");
        a.locator("#send").click();

        String line = nameA + ": hello from A";
        assertThat(messages(b, "hello from A")).hasText(line);
        assertThat(messages(a, "hello from A")).hasText(line);
        assertThat(a.locator("#message")).hasValue("");
    }

    @Test
    void tabsOnDifferentTransportsChatWithEachOtherAndKeepTheirOwnNames() {
        BrowserContext context = chromium.newContext();
        Map<String, Page> tabs = new java.util.LinkedHashMap<>();
        for (String transport : List.of("websocket", "sse", "longpolling")) {
            Page tab = context.newPage();
            tab.navigate(chatUri.resolve("/?pagewire-transport=" + transport).toString());
            assertThat(tab.locator("#status")).hasAttribute("data-state", "connected");
            assertThat(tab.locator("#status")).containsText(transport);
            tabs.put(transport, tab);
        }
        List<String> names =
                tabs.values().stream().map(ChatEndToEndTest::myName).toList();
        assertEquals(3, names.stream().distinct().count(), "every tab has its own name: " + names);
        for (Map.Entry<String, Page> sender : tabs.entrySet()) {
            String text = "over " + sender.getKey() + " " + System.nanoTime();
            sender.getValue().locator("#message").fill(text);
            sender.getValue().locator("#send").click();
            String line = myName(sender.getValue()) + ": " + text;
            for (Page tab : tabs.values()) {
                assertThat(messages(tab, text)).hasText(line);
            }
        }
        for (Page tab : tabs.values()) {
            assertThat(tab.locator("#clock")).hasText(CLOCK);
        }
    }

    @Test
    void clockArrivesUnaskedAndTicks() {
        Page tab = chromium.newContext().newPage();
        List<String> sent = recordFramesSent(tab);
        tab.navigate(chatUri.toString());

        assertThat(tab.locator("#clock")).hasText(CLOCK);
        String first = tab.locator("#clock").textContent();
        assertThat(tab.locator("#clock")).not().hasText(first);
        assertThat(tab.locator("#clock")).hasText(CLOCK);

        // The page never asked: it sent no event at all (pongs would be fine, but none are due).
        assertTrue(sent.stream().noneMatch(frame -> frame.startsWith("[\"ev\"")), sent::toString);
    }

    @Test
    void tabsOfOneBrowserProfileAreSeparatePagesWithTheirOwnPrivateEvents() {
        BrowserContext context = chromium.newContext();
        context.addCookies(List.of(new Cookie("visitor", "same").setUrl(chatUri.toString())));
        Page a = context.newPage();
        Page b = context.newPage();
        List<String> receivedByA = recordFramesReceived(a);
        List<String> receivedByB = recordFramesReceived(b);

        a.navigate(chatUri.toString());
        assertThat(a.locator("#me")).hasText(GUEST);
        b.navigate(chatUri.toString());
        assertThat(b.locator("#me")).hasText(GUEST);
        String nameA = myName(a);
        String nameB = myName(b);

        assertEquals("visitor=same", a.evaluate("document.cookie"));
        assertEquals("visitor=same", b.evaluate("document.cookie"), "the tabs share their cookies");
        assertNotEquals(nameA, nameB, "each tab is its own page with its own name");
        // B's "me" was emitted before anything B says next, and a page's events arrive in order: once
        // A shows B's message, a "me" wrongly sent to A would have arrived already.
        b.locator("#message").fill("B is here");
        b.locator("#send").click();
        assertThat(messages(a, "B is here")).hasText(nameB + ": B is here");

        assertEquals(List.of(nameA), namesIn(receivedByA), "the me events tab A received");
        assertEquals(List.of(nameB), namesIn(receivedByB), "the me events tab B received");
        assertThat(a.locator("#me")).hasText(nameA);
        assertThat(b.locator("#me")).hasText(nameB);
    }

    @Test
    void channelRequestFromAForeignOriginIsRefused() throws Exception {
        String token = renderAndTakeToken();
        String channel = "ws://127.0.0.1:" + chatUri.getPort() + "/?pagewire=" + token;
        Page foreign = chromium.newContext().newPage();
        List<String> console = new CopyOnWriteArrayList<>();
        foreign.onConsoleMessage(message -> console.add(message.text()));
        foreign.navigate(elsewhereUri);

        Map<?, ?> refused = openRawSocket(foreign, channel, null);

        assertEquals(false, refused.get("opened"), refused::toString);
        assertEquals(true, refused.get("error"), refused::toString);
        assertEquals(1006, refused.get("code"), refused::toString);
        // A browser script never sees the status of a failed handshake; Chromium's console does.
        foreign.waitForCondition(
                () -> console.stream().anyMatch(line -> line.contains("Unexpected response code: 403")));

        // Control: the same, still unused token from the chat's own origin gets its hello.
        Page own = openChat(chromium.newContext());
        Map<?, ?> accepted = openRawSocket(own, channel, null);

        assertEquals(true, accepted.get("opened"), accepted::toString);
        assertEquals(1000, accepted.get("code"), accepted::toString);
        assertTrue(firstFrame(accepted).startsWith("[\"hello\","), accepted::toString);
    }

    @Test
    void tamperedTokenIsRefusedWith4401AndLeavesThePageConnected() {
        Page tab = openChat(chromium.newContext());
        String token =
                (String) tab.evaluate("document.querySelector('script[data-pagewire-token]').dataset.pagewireToken");
        String channel = tab.evaluate(OWN_CHANNEL_URL) + "?pagewire=" + tamper(token);

        Map<?, ?> refused = openRawSocket(tab, channel, null);

        // The upgrade completes so that the browser can read why it was refused.
        assertEquals(true, refused.get("opened"), refused::toString);
        assertEquals(4401, refused.get("code"), refused::toString);
        assertEquals(List.of(), refused.get("frames"), refused::toString);
        assertThat(tab.locator("#status")).hasAttribute("data-state", "connected");
    }

    @Test
    void pageRenderedWithATamperedTokenEndsExpired() {
        Page tab = chromium.newContext().newPage();
        // Tampers with the token as soon as the parser inserts the client's script element, before the
        // module runs (modules run after parsing). Rewriting the HTML with page.route would not do:
        // Chromium treats a document fulfilled by Playwright as public and then blocks its sockets to
        // 127.0.0.1 (Local Network Access) before they reach the server.
        tab.addInitScript("""
            const alphabet = '%s';
            new MutationObserver((changes, observer) => {
              const script = document.querySelector('script[data-pagewire-token]');
              if (!script) return;
              observer.disconnect();
              const token = script.dataset.pagewireToken;
              const last = alphabet.indexOf(token.at(-1));
              script.dataset.pagewireToken = token.slice(0, -1) + alphabet[last ^ 1];
            }).observe(document, { childList: true, subtree: true });
            // Records the close code of every socket the page opens, the client's included.
            window.closeCodes = [];
            window.WebSocket = class extends WebSocket {
              constructor(...args) {
                super(...args);
                this.addEventListener('close', (e) => window.closeCodes.push(e.code));
              }
            };
            """.formatted(BASE64URL));

        tab.navigate(chatUri.toString());

        assertThat(tab.locator("#status")).hasAttribute("data-state", "expired");
        assertThat(tab.locator("#status")).not().containsText("connected");
        assertEquals("expired", tab.evaluate("window.pagewire.state"));
        assertEquals(List.of(4401), tab.evaluate("window.closeCodes"));
        assertThat(tab.locator("#me")).hasText("…");
    }

    @Test
    void malformedFrameClosesOnlyThatConnection() {
        BrowserContext context = chromium.newContext();
        Page a = openChat(context);
        Page b = openChat(context);
        String nameA = myName(a);
        String nameB = myName(b);
        // A channel of its own: a new render's token, so A's own channel is not replaced by it.
        String token = (String) a.evaluate("""
            async () => {
              const html = await (await fetch('/')).text();
              return new DOMParser().parseFromString(html, 'text/html')
                  .querySelector('script[data-pagewire-token]').dataset.pagewireToken;
            }
            """);
        String channel = a.evaluate(OWN_CHANNEL_URL) + "?pagewire=" + token;

        Map<?, ?> closed = openRawSocket(a, channel, "[not json");

        assertTrue(firstFrame(closed).startsWith("[\"hello\","), closed::toString);
        assertEquals(4400, closed.get("code"), closed::toString);
        assertThat(a.locator("#status")).hasAttribute("data-state", "connected");
        assertThat(b.locator("#status")).hasAttribute("data-state", "connected");
        a.locator("#message").fill("A after the bad frame");
        a.locator("#send").click();
        assertThat(messages(b, "A after the bad frame")).hasText(nameA + ": A after the bad frame");
        b.locator("#message").fill("B after the bad frame");
        b.locator("#send").click();
        assertThat(messages(a, "B after the bad frame")).hasText(nameB + ": B after the bad frame");
    }

    /** A new tab of {@code context} showing the chat, once its channel is connected. */
    private static Page openChat(BrowserContext context) {
        Page tab = context.newPage();
        tab.navigate(chatUri.toString());
        assertThat(tab.locator("#status")).hasAttribute("data-state", "connected");
        return tab;
    }

    /** The name the server gave this tab, once it arrived. */
    private static String myName(Page tab) {
        assertThat(tab.locator("#me")).hasText(GUEST);
        return tab.locator("#me").textContent();
    }

    /** The chat lines of {@code tab} containing {@code text}. */
    private static Locator messages(Page tab, String text) {
        return tab.locator("#messages li").filter(new Locator.FilterOptions().setHasText(text));
    }

    private static Map<?, ?> openRawSocket(Page tab, String url, String send) {
        Map<String, Object> arg = new HashMap<>();
        arg.put("url", url);
        arg.put("send", send); // Map.of refuses null; the page gets undefined, which means "none"
        return (Map<?, ?>) tab.evaluate(OPEN_RAW_SOCKET, arg);
    }

    private static String firstFrame(Map<?, ?> seen) {
        List<?> frames = (List<?>) seen.get("frames");
        return frames.isEmpty() ? "" : (String) frames.get(0);
    }

    /**
     * The token with its last character changed in its lowest bit only (pageRenderedWithATamperedToken…
     * does the same in the page). That bit is one the base64
     * decoder ignores (43 characters carry 258 bits for a 256-bit MAC), so this is the change a
     * server comparing decoded bytes instead of the text would miss.
     */
    private static String tamper(String token) {
        int last = BASE64URL.indexOf(token.charAt(token.length() - 1));
        assertTrue(last >= 0, "a token ends in a base64url character: " + token);
        return token.substring(0, token.length() - 1) + BASE64URL.charAt(last ^ 1);
    }

    /** Renders a chat page outside the browser and returns its token, never used so far. */
    private static String renderAndTakeToken() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> page =
                    http.send(HttpRequest.newBuilder(chatUri).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            Matcher token = TOKEN.matcher(page.body());
            assertTrue(token.find(), page.body());
            return token.group(1);
        }
    }

    /** Text frames the page's sockets send, from now on, recorded as Playwright sees them. */
    private static List<String> recordFramesSent(Page tab) {
        List<String> frames = new CopyOnWriteArrayList<>();
        tab.onWebSocket(socket -> socket.onFrameSent(frame -> frames.add(frame.text())));
        return frames;
    }

    /** Text frames the page's sockets receive, from now on, recorded as Playwright sees them. */
    private static List<String> recordFramesReceived(Page tab) {
        List<String> frames = new CopyOnWriteArrayList<>();
        tab.onWebSocket(socket -> socket.onFrameReceived(frame -> frames.add(frame.text())));
        return frames;
    }

    /** The names carried by the {@code me} events among {@code frames}. */
    private static List<String> namesIn(List<String> frames) {
        return frames.stream()
                .map(ChatEndToEndTest::parse)
                .filter(f ->
                        f.path(0).asText().equals("ev") && f.path(1).asText().equals("me"))
                .map(f -> f.path(2).path("name").asText())
                .toList();
    }

    private static JsonNode parse(String frame) {
        try {
            return JSON.readTree(frame);
        } catch (IOException e) {
            throw new AssertionError("not a JSON frame: " + frame, e);
        }
    }
}
