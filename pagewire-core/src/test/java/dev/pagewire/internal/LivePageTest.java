package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Event;
import dev.pagewire.EventException;
import dev.pagewire.Page;
import dev.pagewire.Settings;
import dev.pagewire.internal.protocol.Frame;
import dev.pagewire.internal.protocol.FrameCodec;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.OutFrame;
import dev.pagewire.testing.FakeConnection;
import dev.pagewire.testing.FakeConnection.Close;
import dev.pagewire.testing.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A page's life as its connections see it: events, errors, hooks, reconnects, expiry and limits. */
class LivePageTest {

    private static final String PATH = "/p";
    private static final FrameCodec CODEC = new FrameCodec(32, 64 * 1024);

    /** What hooks and handlers report, in the order they ran. */
    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();

    private App app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    /** Starts an application whose page route at {@link #PATH} sets pages up with {@code setup}. */
    private void start(Consumer<Settings.Builder> settings, Consumer<Page> setup) {
        Settings.Builder builder = Settings.builder();
        settings.accept(builder);
        app = new App(builder.build());
        app.page(PATH, (request, page) -> {
            setup.accept(page);
            return "<html><head></head><body></body></html>";
        });
    }

    private void start(Consumer<Page> setup) {
        start(s -> {}, setup);
    }

    private Tab open() {
        return Tab.open(app, PATH);
    }

    private String nextLog() throws InterruptedException {
        String entry = log.poll(Wait.LONG.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(entry, "nothing logged within " + Wait.LONG);
        return entry;
    }

    private static String ev(String name, String dataJson) {
        return "[\"ev\",\"" + name + "\"," + dataJson + "]";
    }

    /** An event as the server sends it: with its sequence number. */
    private static String ev(String name, String dataJson, long seq) {
        return "[\"ev\",\"" + name + "\"," + dataJson + "," + seq + "]";
    }

    /** A binary event message without a sequence number, as a hand-written client sends it. */
    private static byte[] binary(String name, byte[] payload) {
        byte[] header = ("[\"ev\",\"" + name + "\"]").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(4 + header.length + payload.length)
                .putInt(header.length)
                .put(header)
                .put(payload)
                .array();
    }

    // ---- events

    @Test
    void eventsRunTheirHandlerOnAVirtualThread() throws Exception {
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        start(page -> page.on("where", e -> ranOn.complete(Thread.currentThread())));
        FakeConnection c = open().connect();
        c.receive("[\"ev\",\"where\"]");
        Thread thread = ranOn.get(10, TimeUnit.SECONDS);
        assertTrue(thread.isVirtual(), thread.toString());
        assertFalse(thread == Thread.currentThread(), "never on the transport's thread");
    }

    @Test
    void theRenderAndTheHandlersLogWithThePageAndNodeInTheMdc() throws Exception {
        CompletableFuture<String> atRender = new CompletableFuture<>();
        CompletableFuture<String> inHandler = new CompletableFuture<>();
        start(page -> {
            atRender.complete(org.slf4j.MDC.get("pagewire.page") + "@" + org.slf4j.MDC.get("pagewire.node"));
            page.on(
                    "where",
                    e -> inHandler.complete(
                            org.slf4j.MDC.get("pagewire.page") + "@" + org.slf4j.MDC.get("pagewire.node")));
        });
        Tab tab = open();
        String id = tab.page().id();
        assertEquals(id + "@0", atRender.get(10, TimeUnit.SECONDS), "the route's own log lines name the page");
        assertNull(org.slf4j.MDC.get("pagewire.page"), "the rendering thread's MDC is left as it was");
        tab.connect().receive("[\"ev\",\"where\"]");
        assertEquals(id + "@0", inHandler.get(10, TimeUnit.SECONDS));
    }

    @Test
    void handlerGetsTheEventsNameAndData() throws Exception {
        CompletableFuture<Event> got = new CompletableFuture<>();
        start(page -> page.on("say", got::complete));
        open().connect().receive(ev("say", "{\"text\":\"hi\",\"n\":[1,2]}"));
        Event e = got.get(10, TimeUnit.SECONDS);
        assertEquals("say", e.name());
        assertEquals("hi", e.data().get("text").textValue());
        assertFalse(e.isBinary());
    }

    @Test
    void eventWithoutDataHasJsonNullData() throws Exception {
        CompletableFuture<Event> got = new CompletableFuture<>();
        start(page -> page.on("go", got::complete));
        open().connect().receive("[\"ev\",\"go\"]");
        assertTrue(got.get(10, TimeUnit.SECONDS).data().isNull());
    }

    @Test
    void eventsOfOnePageRunOneAtATimeInArrivalOrder() {
        int n = 500; // in one burst: beyond the default events per second, which this test is not about
        List<Integer> seen = new ArrayList<>(); // unsynchronised on purpose: one handler at a time
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger handled = new AtomicInteger();
        start(
                s -> s.clientLimits(new Settings.ClientLimits(20, 20, 10_000, null)),
                page -> page.on("n", e -> {
                    if (running.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    seen.add(e.data().intValue());
                    Thread.yield();
                    running.decrementAndGet();
                    handled.incrementAndGet();
                }));
        FakeConnection c = open().connect();
        for (int i = 0; i < n; i++) {
            c.receive(ev("n", Integer.toString(i)));
        }
        Wait.await("every event to be handled", () -> handled.get() == n);
        assertEquals(0, overlaps.get(), "handlers overlapping");
        assertEquals(IntStream.range(0, n).boxed().toList(), seen);
    }

    @Test
    void differentPagesHandleTheirEventsInParallel() throws Exception {
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch fastHandled = new CountDownLatch(1);
        start(page -> {
            page.on("slow", e -> {
                slowStarted.countDown();
                release.await(10, TimeUnit.SECONDS);
            });
            page.on("fast", e -> fastHandled.countDown());
        });
        try {
            FakeConnection one = open().connect();
            FakeConnection two = open().connect();
            one.receive("[\"ev\",\"slow\"]");
            assertTrue(slowStarted.await(10, TimeUnit.SECONDS));
            two.receive("[\"ev\",\"fast\"]");
            assertTrue(fastHandled.await(10, TimeUnit.SECONDS), "a blocked handler only holds up its own page");
        } finally {
            release.countDown();
        }
    }

    @Test
    void handlerEmitsReachTheBrowser() {
        start(page -> page.on("echo", e -> page.emit("echoed", e.data())));
        FakeConnection c = open().connect();
        c.receive(ev("echo", "{\"a\":[1,2]}"));
        assertEquals(ev("echoed", "{\"a\":[1,2]}", 1), c.nextText());
    }

    @Test
    void emitsFromAnyThreadArriveInEmitOrder() throws Exception {
        start(page -> {});
        Tab tab = open();
        FakeConnection c = tab.connect();
        Thread.ofPlatform()
                .start(() -> {
                    tab.page().emit("n", 1);
                    tab.page().emit("n", 2);
                })
                .join();
        assertEquals(ev("n", "1", 1), c.nextText());
        assertEquals(ev("n", "2", 2), c.nextText());
    }

    @Test
    void binaryEventsReachTheHandlerAsBytesAndTravelBack() throws Exception {
        start(page -> page.on("blob", e -> page.emit("reversed", reverse(e.bytes()))));
        FakeConnection c = open().connect();
        c.receiveBinary(binary("blob", new byte[] {1, 2, 3}));
        OutFrame frame = c.next();
        assertTrue(frame.binary());
        Frame.BinaryEmit decoded = assertInstanceOf(Frame.BinaryEmit.class, CODEC.decodeBinary(frame.payload()));
        assertEquals("reversed", decoded.name());
        assertEquals(1, decoded.seq());
        assertArrayEquals(new byte[] {3, 2, 1}, decoded.bytes());
    }

    @Test
    void pingIsAnsweredWithPong() {
        start(page -> {});
        FakeConnection c = open().connect();
        c.receive("[\"ping\"]");
        assertEquals("[\"pong\"]", c.nextText());
        c.receive("[\"pong\"]");
        assertFalse(c.isClosed());
    }

    @Test
    void aConnectionSendingEventsFasterThanItsRateIsClosedWith4429AndThePageStays() {
        AtomicInteger handled = new AtomicInteger();
        start(
                s -> s.clientLimits(new Settings.ClientLimits(20, 20, 10, null)),
                page -> page.on("n", e -> {
                    handled.incrementAndGet();
                }));
        Tab tab = open();
        FakeConnection c = tab.connect();
        // A burst of twice the rate passes; the next event in the same instant is one too many.
        for (int i = 1; i <= 21 && !c.isClosed(); i++) {
            c.receive("[\"ev\",\"n\"," + i + "," + i + "]");
        }
        Close close = c.awaitClose();
        assertEquals(CloseCodes.TOO_MANY_EVENTS, close.code());
        assertTrue(close.reason().contains("10 events a second"), close.reason());
        assertFalse(tab.page().isClosed(), "the page waits for its client to come back");
        Wait.await("the events within the rate handled", () -> handled.get() == 20);
    }

    @Test
    void manyPingsInOneSecondGetOnePong() {
        start(page -> {});
        FakeConnection c = open().connect();
        for (int i = 0; i < 1000; i++) {
            c.receive("[\"ping\"]");
        }
        assertEquals("[\"pong\"]", c.nextText());
        assertEquals(1, c.sentTexts().stream().filter("[\"pong\"]"::equals).count(), "one pong, not a thousand");
        assertFalse(c.isClosed());
    }

    @Test
    void pongsToAClientThatDoesNotReadCountAgainstTheOutboundLimit() {
        // The limit is below one pong: the first unread pong already makes the client a slow consumer.
        start(s -> s.maxOutboundBytes(4), page -> {});
        Tab tab = open();
        FakeConnection stalled = tab.connect();
        assertFalse(stalled.isClosed());
        stalled.stall();
        stalled.receive("[\"ping\"]");
        Close close = stalled.awaitClose();
        assertEquals(CloseCodes.SLOW_CONSUMER, close.code());
        assertFalse(tab.page().isClosed(), "the page keeps its replay buffer");
    }

    @Test
    void registeringAHandlerWithABadNameFails() {
        start(page -> {});
        Page page = open().page();
        assertThrows(IllegalArgumentException.class, () -> page.on("", e -> {}));
        assertThrows(IllegalArgumentException.class, () -> page.on("x".repeat(129), e -> {}));
        assertThrows(NullPointerException.class, () -> page.on("x", null));
    }

    // ---- errors

    @Test
    void unknownEventGetsAnUnknownEventError() {
        start(page -> {});
        FakeConnection c = open().connect();
        c.receive(ev("nope", "1"));
        assertEquals("[\"err\",\"unknown_event\",\"no handler for event 'nope'\",1]", c.nextText());
        assertFalse(c.isClosed(), "an err frame leaves the connection open");
    }

    @Test
    void eventExceptionBecomesAnErrorWithItsCodeAndMessage() {
        start(page -> page.on("say", e -> {
            throw new EventException("too_long", "say less");
        }));
        FakeConnection c = open().connect();
        c.receive(ev("say", "\"blah\""));
        assertEquals("[\"err\",\"too_long\",\"say less\",1]", c.nextText());
    }

    @Test
    void dataOfTheWrongShapeIsABadDataError() {
        record Point(int x, int y) {}
        start(page -> page.on("move", e -> e.as(Point.class)));
        FakeConnection c = open().connect();
        c.receive(ev("move", "\"north\""));
        assertEquals("[\"err\",\"bad_data\",\"data of event 'move' is not a Point\",1]", c.nextText());
    }

    @Test
    void otherExceptionsBecomeAGenericHandlerErrorAndThePageKeepsWorking() {
        start(page -> {
            page.on("boom", e -> {
                throw new IllegalStateException("expected by the test: password=hunter2");
            });
            page.on("echo", e -> page.emit("echoed", e.data()));
        });
        FakeConnection c = open().connect();
        c.receive(ev("boom", "1"));
        String err = c.nextText();
        assertEquals("[\"err\",\"handler_error\",\"the handler of event 'boom' failed\",1]", err);
        c.receive(ev("echo", "2"));
        assertEquals(ev("echoed", "2", 2), c.nextText());
    }

    @Test
    void malformedFrameClosesTheConnectionWith4400AndKeepsThePage() {
        start(page -> {});
        Tab tab = open();
        FakeConnection c = tab.connect();
        c.receive("{\"not\":\"a frame\"}");
        Close close = c.awaitClose();
        assertEquals(CloseCodes.BAD_FRAME, close.code());
        assertEquals("frame is not a JSON array", close.reason());
        assertFalse(tab.page().isConnected());
        assertFalse(tab.page().isClosed(), "the browser may reconnect");
        tab.connect();
        assertTrue(tab.page().isConnected());
    }

    @Test
    void malformedBinaryFrameClosesTheConnectionWith4400() {
        start(page -> {});
        FakeConnection c = open().connect();
        c.receiveBinary(new byte[] {0, 0});
        assertEquals(CloseCodes.BAD_FRAME, c.awaitClose().code());
    }

    // ---- connections and hooks

    @Test
    void emitsBeforeTheFirstConnectionArriveAfterHello() {
        start(page -> page.emit("early", 0));
        Tab tab = open();
        tab.page().emit("early", 1);
        FakeConnection c = tab.connect();
        assertEquals(ev("early", "0", 1), c.nextText());
        assertEquals(ev("early", "1", 2), c.nextText());
    }

    @Test
    void secondConnectionReplacesTheFirstWhichIsClosedWith4409() {
        start(page -> {});
        Tab tab = open();
        FakeConnection first = tab.connect();
        FakeConnection second = tab.connect();
        assertEquals(new Close(CloseCodes.REPLACED, "replaced by a newer connection"), first.awaitClose());
        tab.page().emit("news", 1);
        assertEquals(ev("news", "1", 1), second.nextText());
        assertEquals(1, first.sent().size(), "only its hello reached the replaced connection");

        first.end();
        assertTrue(tab.page().isConnected(), "the end of the replaced connection does not disconnect the page");
        assertFalse(second.isClosed());
    }

    @Test
    void connectDisconnectAndCloseHooksRunInOrderOnVirtualThreads() throws Exception {
        start(page -> {
            page.onConnect(() -> log.add("connect " + Thread.currentThread().isVirtual()));
            page.onDisconnect(
                    () -> log.add("disconnect " + Thread.currentThread().isVirtual()));
            page.onClose(() -> log.add("close " + Thread.currentThread().isVirtual()));
        });
        Tab tab = open();
        FakeConnection c = tab.connect();
        assertEquals("connect true", nextLog());
        c.end();
        assertEquals("disconnect true", nextLog());
        assertFalse(tab.page().isConnected());
        assertFalse(tab.page().isClosed());
        FakeConnection again = tab.connect();
        assertEquals("connect true", nextLog());
        again.receive("[\"bye\"]");
        assertEquals("close true", nextLog());
    }

    @Test
    void replacingAConnectionRunsTheDisconnectThenTheConnectHooks() throws Exception {
        start(page -> {
            page.onConnect(() -> log.add("connect"));
            page.onDisconnect(() -> log.add("disconnect"));
        });
        Tab tab = open();
        tab.connect();
        tab.connect();
        assertEquals(List.of("connect", "disconnect", "connect"), List.of(nextLog(), nextLog(), nextLog()));
    }

    @Test
    void hooksAndEventsRunInTheOrderTheyHappened() throws Exception {
        start(page -> {
            page.onConnect(() -> log.add("connect"));
            page.on("ev", e -> log.add("event"));
        });
        FakeConnection c = open().connect();
        c.receive("[\"ev\",\"ev\"]");
        assertEquals("connect", nextLog());
        assertEquals("event", nextLog());
    }

    @Test
    void aFailingHookDoesNotStopThePage() throws Exception {
        start(page -> {
            page.onConnect(() -> {
                throw new IllegalStateException("expected by the test");
            });
            page.on("ev", e -> log.add("event"));
        });
        FakeConnection c = open().connect();
        c.receive("[\"ev\",\"ev\"]");
        assertEquals("event", nextLog());
    }

    @Test
    void disconnectedPageKeepsWhatItEmitsForTheReconnect() {
        start(page -> {});
        Tab tab = open();
        FakeConnection c = tab.connect();
        c.end();
        assertFalse(tab.page().isConnected());
        assertNull(tab.page().transport());
        tab.page().emit("missed", 1);
        tab.page().emit("missed", 2);
        FakeConnection again = tab.connect();
        assertEquals(ev("missed", "1", 1), again.nextText());
        assertEquals(ev("missed", "2", 2), again.nextText());
    }

    // ---- closing

    @Test
    void byeClosesThePageAndFreesIt() throws Exception {
        start(page -> {
            page.join("room");
            page.onClose(() -> log.add("closed"));
        });
        Tab tab = open();
        FakeConnection c = tab.connect();
        assertEquals(1, app.pageCount());
        c.receive("[\"bye\"]");
        assertEquals(new Close(CloseCodes.NORMAL, "page left"), c.awaitClose());
        assertTrue(tab.page().isClosed());
        assertFalse(tab.page().isConnected());
        assertEquals(0, app.pageCount());
        assertNull(app.page(tab.page().id()));
        assertEquals(0, app.topic("room").size(), "a closed page leaves its topics");
        assertEquals(List.of(), List.copyOf(tab.page().topics()));
        assertEquals("closed", nextLog());
        assertEquals(new Attachment.Refused(CloseCodes.PAGE_GONE, "page expired"), tab.attach(new FakeConnection()));
    }

    @Test
    void serverClosingThePageClosesItsConnectionWith4000() throws Exception {
        start(page -> page.onClose(() -> log.add("closed")));
        Tab tab = open();
        FakeConnection c = tab.connect();
        tab.page().close();
        assertEquals(new Close(CloseCodes.PAGE_CLOSED, "page closed by the server"), c.awaitClose());
        assertEquals(0, app.pageCount());
        assertEquals("closed", nextLog());
        tab.page().close();
        tab.page().emit("ignored", 1);
        assertEquals(1, c.sent().size(), "nothing is sent after close");
        assertTrue(log.isEmpty(), "close hooks run once: " + log);
    }

    @Test
    void eventsTakenBeforeTheByeAreStillHandledBeforeTheCloseHooks() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        start(page -> {
            page.on("ev", e -> {
                if (e.data().asInt() == 1) {
                    busy.await(); // still handling the first when the second and the bye arrive
                }
                log.add("handled " + e.data().asInt());
            });
            page.onClose(() -> log.add("closed"));
        });
        Tab tab = open();
        FakeConnection c = tab.connect();
        c.receive(ev("ev", "1"));
        c.receive(ev("ev", "2"));
        c.receive("[\"bye\"]");
        assertEquals(new Close(CloseCodes.NORMAL, "page left"), c.awaitClose());
        busy.countDown();
        assertEquals("handled 1", nextLog());
        assertEquals("handled 2", nextLog(), "a tab that raises an event and leaves does not lose it");
        assertEquals("closed", nextLog());
    }

    @Test
    void eventsArrivingAfterThePageClosedAreNotHandled() throws Exception {
        start(page -> page.on("ev", e -> log.add("handled")));
        Tab tab = open();
        FakeConnection c = tab.connect();
        tab.page().close();
        c.receive("[\"ev\",\"ev\"]");
        c.receive("[\"ev\",\"nope\"]");
        FakeConnection other = open().connect();
        other.receive("[\"ev\",\"ev\"]");
        assertEquals("handled", nextLog(), "the other page's event");
        assertTrue(log.isEmpty(), "nothing ran for the closed page: " + log);
        assertEquals(1, c.sent().size(), "no err frame either");
    }

    @Test
    void gracePeriodExpiryClosesADisconnectedPage() throws Exception {
        start(s -> s.closeGracePeriod(Duration.ofMillis(200)), page -> page.onClose(() -> log.add("closed")));
        Tab tab = open();
        tab.connect().end();
        assertEquals(1, app.pageCount(), "the page waits for its browser to come back");
        Wait.await(
                "the grace period to close and free the page", () -> tab.page().isClosed() && app.pageCount() == 0);
        assertEquals("closed", nextLog());
        assertEquals(new Attachment.Refused(CloseCodes.PAGE_GONE, "page expired"), tab.attach(new FakeConnection()));
    }

    @Test
    void connectedPageOutlivesTheGracePeriod() {
        start(s -> s.closeGracePeriod(Duration.ofMillis(200)), page -> {});
        Tab connected = open();
        FakeConnection c = connected.connect();
        Tab dropped = open();
        dropped.connect().end();
        Wait.await("the dropped page to be closed", dropped.page()::isClosed);
        assertFalse(connected.page().isClosed());
        assertFalse(c.isClosed());
    }

    @Test
    void reconnectWithinTheGracePeriodKeepsThePage() {
        start(s -> s.closeGracePeriod(Duration.ofSeconds(30)), page -> {});
        Tab tab = open();
        tab.connect().end();
        tab.connect();
        assertTrue(tab.page().isConnected());
    }

    @Test
    void neverConnectedPageIsClosedAfterTokenTtlAndRefusedLater() throws Exception {
        start(s -> s.tokenTtl(Duration.ofMillis(200)), page -> page.onClose(() -> log.add("closed")));
        Tab tab = open();
        Wait.await(
                "the never-connected page to be closed and freed",
                () -> tab.page().isClosed() && app.pageCount() == 0);
        assertEquals("closed", nextLog());
        Attachment.Refused refused = assertInstanceOf(Attachment.Refused.class, tab.attach(new FakeConnection()));
        assertEquals(CloseCodes.PAGE_GONE, refused.code());
    }

    // ---- heartbeats

    @Test
    void silentConnectionIsPinged() {
        start(s -> s.heartbeatInterval(Duration.ofMillis(50)).idleTimeout(Duration.ofSeconds(30)), page -> {});
        FakeConnection c = open().connect();
        assertEquals("[\"ping\"]", c.nextText());
    }

    @Test
    void connectionThatSendsNothingForIdleTimeoutIsClosedWith4408() {
        start(s -> s.heartbeatInterval(Duration.ofMillis(50)).idleTimeout(Duration.ofMillis(300)), page -> {});
        Tab tab = open();
        FakeConnection c = tab.connect();
        assertEquals(CloseCodes.IDLE_TIMEOUT, c.awaitClose().code());
        Wait.await("the page to be disconnected", () -> !tab.page().isConnected());
        assertFalse(tab.page().isClosed(), "the browser may reconnect");
    }

    @Test
    void connectionThatAnswersPingsStaysOpenPastIdleTimeout() {
        Duration idle = Duration.ofMillis(600);
        start(s -> s.heartbeatInterval(Duration.ofMillis(50)).idleTimeout(idle), page -> {});
        FakeConnection c = open().connect();
        long start = System.nanoTime();
        while (System.nanoTime() - start < idle.toNanos() * 3 / 2) {
            assertEquals("[\"ping\"]", c.nextText());
            c.receive("[\"pong\"]");
        }
        assertFalse(c.isClosed(), "closed: " + c);
    }

    // ---- limits

    @Test
    void tooManyQueuedEventsCloseTheConnectionWith4429() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(
                s -> s.maxQueuedEvents(2),
                page -> page.on("slow", e -> {
                    started.countDown();
                    release.await(10, TimeUnit.SECONDS);
                }));
        Tab tab = open();
        FakeConnection c = tab.connect();
        try {
            c.receive("[\"ev\",\"slow\"]");
            assertTrue(started.await(10, TimeUnit.SECONDS));
            c.receive("[\"ev\",\"slow\"]");
            c.receive("[\"ev\",\"slow\"]");
            assertFalse(c.isClosed(), "two events may wait");
            c.receive("[\"ev\",\"slow\"]");
            assertEquals(new Close(CloseCodes.TOO_MANY_EVENTS, "too many events queued (limit 2)"), c.awaitClose());
            assertFalse(tab.page().isConnected());
            assertFalse(tab.page().isClosed());
        } finally {
            release.countDown();
        }
    }

    @Test
    void slowConsumerIsDisconnectedWith4503AndResumesWithoutAGap() {
        start(s -> s.maxOutboundBytes(1000), page -> {});
        Tab tab = open();
        FakeConnection slow = tab.connect(new FakeConnection().stall());
        String chunk = "x".repeat(100);
        int emitted = 0;
        while (!slow.isClosed() && emitted < 20) {
            tab.page().emit("data", chunk);
            emitted++;
        }
        Close close = slow.awaitClose();
        assertEquals(CloseCodes.SLOW_CONSUMER, close.code());
        assertTrue(close.reason().contains("slow consumer"), close.reason());
        assertFalse(tab.page().isConnected());
        assertFalse(tab.page().isClosed(), "the page keeps its replay buffer");

        tab.page().emit("after", 1);
        FakeConnection next = tab.connect();
        for (int i = 1; i <= emitted; i++) {
            assertEquals(ev("data", "\"" + chunk + "\"", i), next.nextText());
        }
        assertEquals(ev("after", "1", emitted + 1), next.nextText());
    }

    private static byte[] reverse(byte[] bytes) {
        byte[] r = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            r[i] = bytes[bytes.length - 1 - i];
        }
        return r;
    }
}
