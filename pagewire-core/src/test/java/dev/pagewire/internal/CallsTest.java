package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.CallException;
import dev.pagewire.EventException;
import dev.pagewire.Page;
import dev.pagewire.Settings;
import dev.pagewire.internal.protocol.Frame;
import dev.pagewire.internal.protocol.FrameCodec;
import dev.pagewire.testing.FakeConnection;
import dev.pagewire.testing.Wait;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/PROTOCOL.md §11 through the SPI: calls from the browser and calls to it. */
class CallsTest {

    private static final String PATH = "/p";
    private static final FrameCodec CODEC = new FrameCodec(32, 64 * 1024);

    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();
    private App app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private Tab open(Consumer<Settings.Builder> settings, Consumer<Page> setup) {
        Settings.Builder builder = Settings.builder();
        settings.accept(builder);
        app = new App(builder.build());
        app.page(PATH, (request, page) -> {
            setup.accept(page);
            return "<p>p</p>";
        });
        return Tab.open(app, PATH);
    }

    private Tab open(Consumer<Page> setup) {
        return open(s -> {}, setup);
    }

    /** The next data frame the page sent, decoded, skipping standalone acks and pings. */
    private static Frame.Result nextResult(FakeConnection c) throws Exception {
        while (true) {
            String text = c.nextText();
            if (!text.startsWith("[\"ack\"") && !text.equals("[\"ping\"]")) {
                return assertInstanceOf(Frame.Result.class, CODEC.decode(text), text);
            }
        }
    }

    private static CallException failure(CompletableFuture<JsonNode> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(CallException.class, e.getCause());
    }

    // ---- the browser calls the server

    @Test
    void aCallIsAnsweredWithWhatTheHandlerReturns() {
        record Sum(int total) {}
        Tab tab = open(page -> page.handle(
                "sum",
                args -> new Sum(
                        args.data().get(0).intValue() + args.data().get(1).intValue())));
        FakeConnection c = tab.connect();
        c.receive("[\"call\",7,\"sum\",[1,2]]");
        assertEquals("[\"res\",7,true,{\"total\":3},1]", c.nextText());
    }

    @Test
    void aHandlerReturningNothingAnswersNull() {
        Tab tab = open(page -> page.handle("noop", args -> null));
        FakeConnection c = tab.connect();
        c.receive("[\"call\",1,\"noop\"]");
        assertEquals("[\"res\",1,true,null,1]", c.nextText());
    }

    @Test
    void anEventExceptionAnswersItsCodeAndMessage() {
        Tab tab = open(page -> page.handle("buy", args -> {
            throw new EventException("sold_out", "none left");
        }));
        FakeConnection c = tab.connect();
        c.receive("[\"call\",2,\"buy\",{}]");
        assertEquals("[\"res\",2,false,{\"code\":\"sold_out\",\"message\":\"none left\"},1]", c.nextText());
    }

    @Test
    void anyOtherFailureAnswersAGenericHandlerError() {
        Tab tab = open(page -> {
            page.handle("boom", args -> {
                throw new IllegalStateException("expected by the test: secret=42");
            });
            page.handle("unencodable", args -> new Object());
        });
        FakeConnection c = tab.connect();
        c.receive("[\"call\",3,\"boom\",null]");
        assertEquals(
                "[\"res\",3,false,{\"code\":\"handler_error\",\"message\":\"the handler of call 'boom' failed\"},1]",
                c.nextText());
        c.receive("[\"call\",4,\"unencodable\",null]");
        assertEquals(
                "[\"res\",4,false,{\"code\":\"handler_error\",\"message\":\"the handler of call 'unencodable'"
                        + " failed\"},2]",
                c.nextText());
    }

    @Test
    void aCallWithoutAHandlerIsAnUnknownCall() {
        Tab tab = open(page -> {});
        FakeConnection c = tab.connect();
        c.receive("[\"call\",5,\"nope\",1]");
        assertEquals(
                "[\"res\",5,false,{\"code\":\"unknown_call\",\"message\":\"no handler for call 'nope'\"},1]",
                c.nextText());
    }

    @Test
    void callsRunOnThePagesMailboxInOrderWithEvents() throws Exception {
        Tab tab = open(page -> {
            page.on("ev", e -> log.add("event " + e.text()));
            page.handle("f", args -> {
                log.add("call " + Thread.currentThread().isVirtual());
                return 1;
            });
        });
        FakeConnection c = tab.connect();
        c.receive("[\"ev\",\"ev\",\"a\"]");
        c.receive("[\"call\",1,\"f\"]");
        c.receive("[\"ev\",\"ev\",\"b\"]");
        List<String> seen = List.of(poll(), poll(), poll());
        assertEquals(List.of("event a", "call true", "event b"), seen);
    }

    @Test
    void aCallInFlightAcrossAReconnectRunsOnceAndItsReplyArrivesAfterResume() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Tab tab = open(page -> page.handle("slow", args -> {
            runs.incrementAndGet();
            started.countDown();
            release.await(10, TimeUnit.SECONDS);
            return "done";
        }));
        FakeConnection first = tab.connect();
        first.receive("[\"call\",1,\"slow\",null,1]");
        assertTrue(started.await(10, TimeUnit.SECONDS));
        first.end();

        FakeConnection second = new FakeConnection().attachTo(app, PATH, tab.token(), "0");
        assertTrue(
                second.nextText().endsWith(",\"ack\":1}]"), "the server has the call: the browser need not resend it");
        second.receive("[\"call\",1,\"slow\",null,1]"); // resent anyway: a duplicate
        release.countDown();
        Frame.Result reply = nextResult(second);
        assertEquals(1, reply.id());
        assertTrue(reply.ok());
        assertEquals("done", reply.value().textValue());
        assertEquals(1, reply.seq(), "the first frame of the server's sequence");
        assertEquals(1, runs.get(), "executed once");
    }

    @Test
    void aReplyMadeWhileDisconnectedIsSentAfterHelloOnResume() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Tab tab = open(page -> page.handle("slow", args -> {
            release.await(10, TimeUnit.SECONDS);
            return 42;
        }));
        FakeConnection first = tab.connect();
        first.receive("[\"call\",1,\"slow\",null,1]");
        first.end();
        release.countDown();
        Wait.await(
                "the reply to be kept", () -> ((LivePage) tab.page()).outbox().lastSeq() == 1);
        FakeConnection second = tab.resume(0);
        assertEquals("[\"res\",1,true,42,1]", second.nextText());
    }

    // ---- the server calls the browser

    @Test
    void aServerCallCompletesWithTheBrowsersValueOffTheNetworkThread() throws Exception {
        Tab tab = open(page -> {});
        FakeConnection c = tab.connect();
        CompletableFuture<JsonNode> future = tab.page().call("ask", Map.of("q", 1));
        assertEquals("[\"call\",1,\"ask\",{\"q\":1},1]", c.nextText());
        CompletableFuture<Thread> completedOn = new CompletableFuture<>();
        future.whenComplete((v, e) -> completedOn.complete(Thread.currentThread()));
        c.receive("[\"res\",1,true,\"yes\"]");
        // Not future.get() first: a thread blocked in get() may run the dependents itself.
        Thread thread = completedOn.get(10, TimeUnit.SECONDS);
        assertEquals("yes", future.getNow(null).textValue());
        assertNotSame(Thread.currentThread(), thread, "never on the transport's thread");
        assertTrue(thread.isVirtual(), thread.toString());
    }

    @Test
    void idsAreCountedPerPage() {
        Tab tab = open(page -> {});
        FakeConnection c = tab.connect();
        tab.page().call("a", null);
        tab.page().call("b", 2);
        assertEquals("[\"call\",1,\"a\",null,1]", c.nextText());
        assertEquals("[\"call\",2,\"b\",2,2]", c.nextText());
    }

    @Test
    void anErrorReplyFailsTheCallWithItsCodeAndMessage() {
        Tab tab = open(page -> {});
        FakeConnection c = tab.connect();
        CompletableFuture<JsonNode> future = tab.page().call("ask", null);
        c.receive("[\"res\",1,false,{\"code\":\"unknown_call\",\"message\":\"no handler for call 'ask'\"}]");
        CallException e = failure(future);
        assertEquals("unknown_call", e.code());
        assertEquals("no handler for call 'ask'", e.getMessage());
    }

    @Test
    void aCallWithoutAReplyTimesOutAndALateReplyIsIgnored() {
        Tab tab = open(page -> {});
        FakeConnection c = tab.connect();
        CompletableFuture<JsonNode> future = tab.page().call("ask", null, Duration.ofMillis(100));
        assertEquals("timeout", failure(future).code());
        c.receive("[\"res\",1,true,1]");
        c.receive("[\"res\",99,true,1]");
        assertFalse(c.isClosed(), "late and unknown replies are ignored");
        assertEquals(0, ((LivePage) tab.page()).calls().pending());
    }

    @Test
    void theDefaultTimeoutIsTheSetting() {
        Tab tab = open(s -> s.callTimeout(Duration.ofMillis(100)), page -> {});
        tab.connect();
        assertEquals("timeout", failure(tab.page().call("ask", null)).code());
    }

    @Test
    void closingThePageFailsItsCallsWithClosed() {
        Tab tab = open(page -> {});
        tab.connect();
        CompletableFuture<JsonNode> future = tab.page().call("ask", null);
        tab.page().close();
        assertEquals("closed", failure(future).code());
        assertEquals("closed", failure(tab.page().call("again", null)).code(), "a call on a closed page");
    }

    @Test
    void aCallMadeWhileDisconnectedIsSentOnReconnect() throws Exception {
        Tab tab = open(page -> {});
        tab.connect().end();
        CompletableFuture<JsonNode> future = tab.page().call("ask", "?");
        FakeConnection c = tab.resume(0);
        assertEquals("[\"call\",1,\"ask\",\"?\",1]", c.nextText());
        c.receive("[\"res\",1,true,\"!\",1,1]");
        assertEquals("!", future.get(10, TimeUnit.SECONDS).textValue());
        assertEquals(0, ((LivePage) tab.page()).outbox().replayFrames(), "the reply's ack forgot the call");
    }

    @Test
    void aBadNameOrTimeoutIsRefused() {
        Tab tab = open(page -> {});
        Page page = tab.page();
        assertThrows(IllegalArgumentException.class, () -> page.call("", null));
        assertThrows(IllegalArgumentException.class, () -> page.call("x", null, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> page.call("x", new Object()));
        assertThrows(IllegalArgumentException.class, () -> page.handle("", args -> null));
        assertThrows(NullPointerException.class, () -> page.handle("x", null));
    }

    private String poll() throws InterruptedException {
        String entry = log.poll(10, TimeUnit.SECONDS);
        assertTrue(entry != null, "nothing logged within 10 s");
        return entry;
    }
}
