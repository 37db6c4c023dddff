package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.Access;
import dev.pagewire.CallException;
import dev.pagewire.Channel;
import dev.pagewire.ChannelRequest;
import dev.pagewire.Settings;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.testing.FakeConnection;
import dev.pagewire.testing.Wait;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/PROTOCOL.md §12 through the SPI: channels to endpoints on a page's connection, and endpoint connections. */
class EndpointChannelsTest {

    private static final String PAGE = "/p";

    private final BlockingQueue<Channel> opened = new LinkedBlockingQueue<>();
    private final List<String> closed = new CopyOnWriteArrayList<>();
    private final BlockingQueue<ChannelRequest> asked = new LinkedBlockingQueue<>();
    private App app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    /** An app with page {@code /p} and endpoint {@code /echo}: echoes events, answers {@code add}, records opens and closes. */
    private Tab start(Consumer<Settings.Builder> settings) {
        Settings.Builder builder = Settings.builder();
        settings.accept(builder);
        app = new App(builder.build());
        app.page(PAGE, (request, page) -> "<p>p</p>");
        app.endpoint("/echo", channel -> {
            channel.on(
                    "say",
                    e -> channel.emit("echo", new Echo(e.data().path("text").asText(), channel.params())));
            channel.handle(
                    "add",
                    args -> args.data().path("a").asInt()
                            + args.data().path("b").asInt());
            channel.onClose(() -> closed.add(channel.params().path("name").asText()));
            opened.add(channel);
        });
        app.endpoint(
                "/guarded",
                request -> {
                    asked.add(request);
                    return "sesame".equals(request.params().path("key").asText())
                            ? Access.grant()
                            : Access.deny("wrong key for " + request.path());
                },
                channel -> channel.on("x", e -> channel.emit("y", (Object) null)));
        app.endpoint("/broken", channel -> {
            throw new IllegalStateException("boom");
        });
        return Tab.open(app, PAGE);
    }

    private Tab start() {
        return start(s -> {});
    }

    record Echo(String text, JsonNode params) {}

    /** The next frame that is not a standalone ack or ping. */
    private static String next(FakeConnection c) {
        while (true) {
            String text = c.nextText();
            if (!text.startsWith("[\"ack\"") && !text.equals("[\"ping\"]")) {
                return text;
            }
        }
    }

    /**
     * Asserts {@code actual} is the data frame {@code expected} (written with its sequence number
     * and without an ack), with or without a piggybacked ack: whether one rides along depends on
     * when the delayed-ack timer ran, not on the behaviour under test.
     */
    private static void assertFrame(String expected, String actual) {
        String body = expected.substring(0, expected.length() - 1);
        assertTrue(
                actual.equals(expected) || actual.matches(java.util.regex.Pattern.quote(body) + ",\\d+]"),
                "expected " + expected + " (with or without an ack), got " + actual);
    }

    /** The client opens channel 1 to /echo as its frame 1; returns the server's Channel once {@code chok} arrived. */
    private Channel openEcho(FakeConnection c, String params) throws InterruptedException {
        c.receive("[\"chopen\",1,\"/echo\"," + params + ",1]");
        assertFrame("[\"chok\",1,1]", next(c));
        return awaitOpened();
    }

    private Channel awaitOpened() throws InterruptedException {
        Channel channel = opened.poll(Wait.LONG.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(channel != null, "the endpoint's handler ran");
        return channel;
    }

    @Test
    void anEndpointsHandlersLogWithItsPageAndPathInTheMdc() throws Exception {
        Tab tab = start();
        FakeConnection c = tab.connect();
        Channel channel = openEcho(c, "{}");
        CompletableFuture<String> inHandler = new CompletableFuture<>();
        channel.on(
                "where",
                e -> inHandler.complete(
                        org.slf4j.MDC.get("pagewire.page") + " " + org.slf4j.MDC.get("pagewire.endpoint")));
        c.receive("[1,\"ev\",\"where\",null,2]");
        assertEquals(tab.page().id() + " /echo", inHandler.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aChannelOpensAndCarriesEventsBothWaysInThePagesSequence() throws Exception {
        Tab tab = start();
        FakeConnection c = tab.connect();
        c.receive("[\"chopen\",1,\"/echo\",{\"name\":\"a\"},1]");
        assertFrame("[\"chok\",1,1]", next(c));
        Channel channel = awaitOpened();
        assertEquals("/echo", channel.path());
        assertEquals(tab.page(), channel.page());
        c.receive("[1,\"ev\",\"say\",{\"text\":\"hi\"},2]");
        assertFrame("[1,\"ev\",\"echo\",{\"text\":\"hi\",\"params\":{\"name\":\"a\"}},2]", next(c));
        tab.page().emit("own", 1);
        assertFrame("[\"ev\",\"own\",1,3]", next(c));
    }

    @Test
    void threeChannelsOneClosedTheOthersAndThePageCarryOn() throws Exception {
        Tab tab = start();
        tab.page().on("ping", e -> tab.page().emit("pong", (Object) null));
        FakeConnection c = tab.connect();
        long seq = 0;
        for (int n = 1; n <= 3; n++) {
            c.receive("[\"chopen\"," + n + ",\"/echo\",{\"name\":\"c" + n + "\"}," + ++seq + "]");
            assertTrue(next(c).startsWith("[\"chok\"," + n + ","));
            awaitOpened();
        }
        c.receive("[\"chclose\",2,\"closed\",\"done\"," + ++seq + "]");
        Wait.await("the closed channel's hook ran", () -> closed.contains("c2"));
        assertEquals(List.of("c2"), closed);
        c.receive("[2,\"ev\",\"say\",{\"text\":\"late\"}," + ++seq + "]"); // crossed the close: dropped
        c.receive("[1,\"ev\",\"say\",{\"text\":\"one\"}," + ++seq + "]");
        c.receive("[3,\"ev\",\"say\",{\"text\":\"three\"}," + ++seq + "]");
        c.receive("[\"ev\",\"ping\",null," + ++seq + "]");
        List<String> got = List.of(next(c), next(c), next(c));
        assertTrue(got.stream().anyMatch(f -> f.startsWith("[1,\"ev\",\"echo\",{\"text\":\"one\"")), got.toString());
        assertTrue(got.stream().anyMatch(f -> f.startsWith("[3,\"ev\",\"echo\",{\"text\":\"three\"")), got.toString());
        assertTrue(got.stream().anyMatch(f -> f.startsWith("[\"ev\",\"pong\"")), got.toString());
        assertTrue(got.stream().noneMatch(f -> f.startsWith("[2,")), got.toString());
        assertFalse(c.isClosed());
        assertEquals(2, ((LivePage) tab.page()).channels().size());
    }

    @Test
    void callsWorkBothWaysOnAChannel() throws Exception {
        Tab tab = start();
        FakeConnection c = tab.connect();
        Channel channel = openEcho(c, "null");
        c.receive("[1,\"call\",7,\"add\",{\"a\":2,\"b\":3},2]");
        assertFrame("[1,\"res\",7,true,5,2]", next(c));
        CompletableFuture<JsonNode> reply = channel.call("confirm", Map.of("q", 1));
        assertFrame("[1,\"call\",1,\"confirm\",{\"q\":1},3]", next(c));
        c.receive("[1,\"res\",1,true,\"yes\",3]");
        assertEquals("yes", reply.get(10, TimeUnit.SECONDS).asText());
    }

    @Test
    void anOpenToNoEndpointIsRefusedAsNotFound() {
        Tab tab = start();
        FakeConnection c = tab.connect();
        c.receive("[\"chopen\",1,\"/nowhere\",null,1]");
        assertFrame("[\"chclose\",1,\"not_found\",\"no endpoint at /nowhere\",1]", next(c));
        Wait.await(
                "the refused channel forgotten",
                () -> ((LivePage) tab.page()).channels().size() == 0);
    }

    @Test
    void theAuthorizerSeesTheRequestAndItsReasonReachesTheClient() throws Exception {
        Tab tab = start();
        FakeConnection c = tab.connect();
        c.receive("[\"chopen\",1,\"/guarded\",{\"key\":\"guess\"},1]");
        assertFrame("[\"chclose\",1,\"refused\",\"wrong key for /guarded\",1]", next(c));
        ChannelRequest request = asked.take();
        assertEquals(tab.page(), request.page());
        assertNull(request.origin());
        c.receive("[1,\"ev\",\"x\",null,2]"); // the refused channel's frames are dropped, not errors
        c.receive("[\"chopen\",2,\"/guarded\",{\"key\":\"sesame\"},3]");
        assertTrue(next(c).startsWith("[\"chok\",2,"));
        c.receive("[2,\"ev\",\"x\",null,4]");
        assertTrue(next(c).startsWith("[2,\"ev\",\"y\",null,"));
    }

    @Test
    void anOpenHandlerThatThrowsClosesThatChannelWithAGenericReason() {
        Tab tab = start();
        FakeConnection c = tab.connect();
        c.receive("[\"chopen\",1,\"/broken\",null,1]");
        assertTrue(next(c).startsWith("[\"chok\",1,"));
        assertFrame("[\"chclose\",1,\"error\",\"the endpoint failed to open the channel\",2]", next(c));
        assertFalse(c.isClosed());
    }

    @Test
    void channelsBeyondMaxChannelsAreRefusedWithLimit() throws Exception {
        Tab tab = start(s -> s.maxChannels(2));
        FakeConnection c = tab.connect();
        c.receive("[\"chopen\",1,\"/echo\",null,1]");
        c.receive("[\"chopen\",2,\"/echo\",null,2]");
        c.receive("[\"chopen\",3,\"/echo\",null,3]");
        List<String> got = List.of(next(c), next(c), next(c));
        assertTrue(
                got.contains("[\"chclose\",3,\"limit\",\"too many channels (2)\",3]")
                        || got.stream()
                                .anyMatch(f -> f.startsWith("[\"chclose\",3,\"limit\",\"too many channels (2)\"")),
                got.toString());
        awaitOpened();
        c.receive("[\"chclose\",1,\"closed\",\"\",4]");
        Wait.await(
                "channel 1 forgotten", () -> ((LivePage) tab.page()).channels().size() == 1);
        c.receive("[\"chopen\",4,\"/echo\",null,5]");
        assertTrue(next(c).startsWith("[\"chok\",4,"));
    }

    @Test
    void aChannelWhoseHandlersFallBehindIsClosedWithLimitAndThePageGoesOn() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Tab tab = start(s -> s.maxQueuedEvents(2));
        app.endpoint("/slow", channel -> channel.on("work", e -> release.await()));
        tab.page().on("ping", e -> tab.page().emit("pong", (Object) null));
        FakeConnection c = tab.connect();
        c.receive("[\"chopen\",1,\"/slow\",null,1]");
        assertTrue(next(c).startsWith("[\"chok\",1,"));
        for (int seq = 2; seq <= 6; seq++) {
            c.receive("[1,\"ev\",\"work\",null," + seq + "]");
        }
        assertTrue(next(c).startsWith("[\"chclose\",1,\"limit\",\"too many events queued (limit 2)\""));
        c.receive("[\"ev\",\"ping\",null,7]");
        assertTrue(next(c).startsWith("[\"ev\",\"pong\""));
        assertFalse(c.isClosed());
        release.countDown();
    }

    @Test
    void aReusedChannelNumberIsAProtocolError() {
        Tab tab = start();
        FakeConnection c = tab.connect();
        c.receive("[\"chopen\",2,\"/echo\",null,1]");
        c.receive("[\"chopen\",1,\"/echo\",null,2]");
        FakeConnection.Close close = c.awaitClose();
        assertEquals(CloseCodes.BAD_FRAME, close.code());
        assertEquals("channel number 1 was used before", close.reason());
    }

    @Test
    void theServerClosesAChannelAndLaterClientFramesForItAreDroppedButAcked() throws Exception {
        Tab tab = start();
        FakeConnection c = tab.connect();
        Channel channel = openEcho(c, "{\"name\":\"s\"}");
        channel.close();
        assertFrame("[\"chclose\",1,\"closed\",\"closed by the server\",2]", next(c));
        assertTrue(channel.isClosed());
        Wait.await("close hook", () -> closed.contains("s"));
        channel.emit("after", 1); // a no-op once closed
        c.receive("[1,\"ev\",\"say\",{\"text\":\"crossed\"},2]");
        assertEquals("[\"ack\",2]", c.nextText());
        assertFalse(c.isClosed());
    }

    @Test
    void channelFramesAreReplayedOnResumeLikeThePagesOwn() throws Exception {
        Tab tab = start();
        FakeConnection c = tab.connect();
        c.receive("[\"chopen\",1,\"/echo\",null,1]");
        assertTrue(next(c).startsWith("[\"chok\",1,1"));
        Channel channel = awaitOpened();
        c.end();
        channel.emit("while-away", 1);
        tab.page().emit("own", 2);
        FakeConnection again = tab.resume(0);
        assertEquals("[\"chok\",1,1]", again.nextText());
        assertEquals("[1,\"ev\",\"while-away\",1,2]", again.nextText());
        assertEquals("[\"ev\",\"own\",2,3]", again.nextText());
        again.receive("[\"chopen\",1,\"/echo\",null,1]"); // a resent open: a duplicate, not a second channel
        assertEquals(1, ((LivePage) tab.page()).channels().size());
    }

    @Test
    void closingThePageClosesItsChannels() throws Exception {
        Tab tab = start();
        FakeConnection c = tab.connect();
        c.receive("[\"chopen\",1,\"/echo\",{\"name\":\"p\"},1]");
        Channel channel = awaitOpened();
        tab.page().close();
        Wait.await("the channel's close hook ran with its page", () -> closed.contains("p"));
        assertTrue(channel.isClosed());
    }

    @Test
    void aTopicBroadcastReachesAChannelMemberOnItsNumber() throws Exception {
        Tab tab = start();
        FakeConnection c = tab.connect();
        Channel channel = openEcho(c, "null");
        channel.join("ticker");
        tab.page().join("ticker");
        app.topic("ticker").emitExcept(tab.page(), "tick", 42);
        assertFrame("[1,\"ev\",\"tick\",42,2]", next(c));
        assertEquals(2, app.topic("ticker").size());
        channel.close();
        Wait.await(
                "the closed channel left its topic", () -> app.topic("ticker").size() == 1);
    }

    // ---- endpoint connections (§12.2)

    @Test
    void anEndpointConnectionIsAPageWithoutHtmlWhoseOwnChannelIsTheEndpoint() throws Exception {
        start();
        Answer answer = app.openEndpoint("/echo", "{\"params\":{\"name\":\"direct\"}}", "https://other.example");
        assertEquals(200, answer.status(), answer.body());
        assertEquals("application/json", answer.contentType());
        JsonNode body = Json.mapper().readTree(answer.body());
        assertTrue(body.path("config").has("connectTimeout"), answer.body());
        Channel channel = awaitOpened();
        assertEquals(channel, channel.page());
        FakeConnection c = new FakeConnection();
        c.attachTo(app, "/echo", body.path("token").asText(), null);
        assertTrue(c.nextText().startsWith("[\"hello\""));
        c.receive("[\"ev\",\"say\",{\"text\":\"hi\"},1]");
        assertFrame("[\"ev\",\"echo\",{\"text\":\"hi\",\"params\":{\"name\":\"direct\"}},1]", next(c));
        c.receive("[\"bye\"]");
        Wait.await("closing the connection's page closed the channel", () -> closed.contains("direct"));
    }

    @Test
    void anEndpointConnectionTheAuthorizerRefusesGetsA403WithTheReason() throws Exception {
        start();
        Answer answer = app.openEndpoint("/guarded", "{\"params\":{\"key\":\"no\"}}", "https://other.example");
        assertEquals(403, answer.status());
        assertEquals("{\"code\":\"refused\",\"reason\":\"wrong key for /guarded\"}", answer.body());
        ChannelRequest request = asked.take();
        assertEquals("https://other.example", request.origin());
        assertNull(request.page());
        assertEquals(1, app.pageCount(), "no page was created for the refused open (only the tab's)");
    }

    @Test
    void malformedEndpointOpensAreRefusedWithTheirStatus() {
        start();
        assertEquals(404, app.openEndpoint("/nowhere", "{}", null).status());
        assertEquals(400, app.openEndpoint("/echo", "[1]", null).status());
        assertEquals(400, app.openEndpoint("/echo", "{not json", null).status());
        assertEquals(200, app.openEndpoint("/echo", "", null).status(), "no body means no params");
        assertEquals(200, app.openEndpoint("/echo", " \r\n\t", null).status(), "nor does JSON whitespace");
    }

    @Test
    void anOpensBodyIsOneJsonObjectAndNothingElse() {
        start();
        // EndpointOpensFuzzTest's shrunk counterexamples. Jackson read the first as {} and ignored
        // the rest; isBlank took the second, a vertical tab, for no body.
        assertEquals(400, app.openEndpoint("/echo", "{}\"params\":null}", null).status());
        assertEquals(400, app.openEndpoint("/echo", "\u000B", null).status());
        assertEquals(
                400,
                app.openEndpoint("/echo", "{\"params\":1} {\"params\":2}", null).status());
        assertEquals(200, app.openEndpoint("/echo", "{\"params\":1} \n", null).status(), "whitespace may follow");
    }

    @Test
    void endpointsAndPagesCannotShareAPath() {
        start();
        assertThrows(IllegalArgumentException.class, () -> app.endpoint(PAGE, channel -> {}));
        assertThrows(IllegalArgumentException.class, () -> app.page("/echo", (r, p) -> ""));
        assertThrows(IllegalArgumentException.class, () -> app.endpoint("/_pagewire/x", channel -> {}));
        assertThrows(IllegalArgumentException.class, () -> Access.deny(""));
        assertThrows(IllegalArgumentException.class, () -> Access.deny("x".repeat(124)));
    }

    @Test
    void aFailedChannelCallFailsWithClosedWhenTheChannelCloses() throws Exception {
        Tab tab = start();
        FakeConnection c = tab.connect();
        Channel channel = openEcho(c, "null");
        CompletableFuture<JsonNode> reply = channel.call("never", null);
        next(c);
        c.receive("[\"chclose\",1,\"closed\",\"bye\",2]");
        ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(10, TimeUnit.SECONDS));
        assertEquals(
                "closed", assertInstanceOf(CallException.class, e.getCause()).code());
    }
}
