package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Access;
import dev.pagewire.Page;
import dev.pagewire.Settings;
import dev.pagewire.testing.FakeConnection;
import dev.pagewire.testing.Wait;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Core API for the gateway: what pagewire-gateway builds on, through the SPI as a transport drives
 * it. Catch-all handlers ({@code onOther}, {@code handleOther}), lifecycle hooks on the page's
 * mailbox, endpoints learnt at run time ({@code anyEndpoint}, {@code Access.grant(EndpointHandler)})
 * and {@code emitExceptMember}.
 */
class GatewayApiTest {

    private App app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private Tab open(Consumer<Page> setUp) {
        if (app == null) {
            app = new App(Settings.defaults());
            app.page("/p", (request, page) -> {
                setUp.accept(page);
                return "<p>p</p>";
            });
        }
        return Tab.open(app, "/p");
    }

    /** The next frame that is not a standalone ack or ping. */
    private static String next(FakeConnection c) {
        while (true) {
            String text = c.nextText();
            if (!text.startsWith("[\"ack\"") && !text.equals("[\"ping\"]")) {
                return text;
            }
        }
    }

    @Test
    void onOtherTakesTheEventsWithoutAHandlerOfTheirOwn() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Tab tab = open(page -> {
            page.on("own", e -> seen.add("own"));
            page.onOther(e -> page.emit("other", e.name() + " " + e.data()));
        });
        FakeConnection c = tab.connect();
        c.receive("[\"ev\",\"own\"]");
        c.receive("[\"ev\",\"anything\",{\"n\":1}]");
        assertEquals("[\"ev\",\"other\",\"anything {\\\"n\\\":1}\",1]", next(c));
        assertEquals(List.of("own"), seen);
    }

    @Test
    void handleOtherAnswersTheCallsWithoutAHandlerOfTheirOwn() {
        Tab tab = open(page -> {
            page.handle("own", args -> "mine");
            page.handleOther(args -> args.name() + ":" + args.data());
        });
        FakeConnection c = tab.connect();
        c.receive("[\"call\",1,\"own\"]");
        assertEquals("[\"res\",1,true,\"mine\",1]", next(c));
        c.receive("[\"call\",2,\"sum\",[1,2]]");
        assertEquals("[\"res\",2,true,\"sum:[1,2]\",2]", next(c));
    }

    @Test
    void lifecycleHooksTakeTurnsWithTheEventsOnThePagesMailbox() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        Tab tab = open(page -> {
            page.onConnect(() -> {
                seen.add("connect");
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seen.add("connected");
            });
            page.onOther(e -> seen.add("event"));
            page.onClose(() -> seen.add("closed"));
        });
        FakeConnection c = tab.connect();
        Wait.await(Wait.LONG, "the connect hook runs", () -> seen.contains("connect"));
        c.receive("[\"ev\",\"x\"]");
        release.countDown();
        Wait.await(Wait.LONG, "the event's handler ran", () -> seen.contains("event"));
        tab.page().close();
        Wait.await(Wait.LONG, "the close hook ran", () -> seen.contains("closed"));
        assertEquals(List.of("connect", "connected", "event", "closed"), seen);
    }

    @Test
    void anyEndpointTakesChannelsToPathsWithoutAnEndpointAndGrantWithSetsThemUp() throws Exception {
        Tab tab = open(page -> {});
        app.endpoint("/own", channel -> channel.emit("own", (Object) null));
        app.anyEndpoint(
                request -> request.path().equals("/learnt")
                        ? Access.grant(channel -> channel.emit("set", request.params()))
                        : Access.deny("no " + request.path() + " for page " + (request.page() != null)),
                channel -> channel.emit("plain", (Object) null));
        assertThrows(IllegalStateException.class, () -> app.anyEndpoint(r -> Access.grant(), ch -> {}));
        FakeConnection c = tab.connect();
        c.receive("[\"chopen\",1,\"/learnt\",{\"k\":1},1]");
        assertTrue(next(c).startsWith("[\"chok\",1,"));
        assertTrue(next(c).startsWith("[1,\"ev\",\"set\",{\"k\":1},"), "the grant's own set-up ran");
        c.receive("[\"chopen\",2,\"/own\",null,2]");
        assertTrue(next(c).startsWith("[\"chok\",2,"));
        assertTrue(next(c).startsWith("[2,\"ev\",\"own\","), "an endpoint of its own wins");
        c.receive("[\"chopen\",3,\"/other\",null,3]");
        assertTrue(next(c).startsWith("[\"chclose\",3,\"refused\",\"no /other for page true\","));
    }

    @Test
    void emitExceptMemberLeavesOutThePageOfThatId() {
        Tab alice = open(page -> page.join("room"));
        Tab bob = open(page -> page.join("room"));
        FakeConnection toAlice = alice.connect();
        FakeConnection toBob = bob.connect();
        app.topic("room").emitExceptMember(alice.page().id(), "said", "hi");
        alice.page().emit("marker", 0);
        assertEquals("[\"ev\",\"said\",\"hi\",1]", next(toBob));
        assertEquals("[\"ev\",\"marker\",0,1]", next(toAlice), "the member named got nothing before the marker");
        app.topic("room").emitExceptMember(null, "all", 1);
        assertEquals("[\"ev\",\"all\",1,2]", next(toAlice));
    }
}
