package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.Channel;
import dev.pagewire.Settings;
import dev.pagewire.Topic;
import dev.pagewire.backplane.TopicSnapshot;
import dev.pagewire.testing.FakeConnection;
import dev.pagewire.testing.TestCluster;
import dev.pagewire.testing.Wait;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Topics across a cluster: two applications (nodes A and B) linked by a {@link TestCluster}, which
 * orders and delivers topic events as a real engine does, after the publish returned. Broadcasts,
 * presence and history span the nodes; an outage is told to the members it may have cost
 * broadcasts, never hidden.
 */
class ClusterTopicsTest {

    private static final Pattern SAID = Pattern.compile("\\[\"ev\",\"said\",(\"?[^,\"]*\"?),\\d+]");

    private final TestCluster cluster = new TestCluster();
    private final BlockingQueue<Channel> opened = new LinkedBlockingQueue<>();
    private App a;
    private App b;

    @BeforeEach
    void start() {
        a = node();
        b = node();
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        cluster.close();
    }

    private App node() {
        App app = new App(Settings.defaults(), cluster.newNode());
        app.page("/room", (request, page) -> "<p>room</p>");
        app.endpoint("/ticker", opened::add);
        return app;
    }

    /** A page of {@code app}, connected. */
    private static Member open(App app) {
        Tab tab = Tab.open(app, "/room");
        return new Member(tab, tab.connect());
    }

    private record Member(Tab tab, FakeConnection c) {
        String id() {
            return tab.page().id();
        }

        void join(Object presence) {
            tab.page().join("room", presence);
        }

        /** The next frames until a marker this page emits to itself: every frame it got before the marker. */
        List<String> rest() {
            tab.page().emit("marker", 0);
            List<String> frames = new ArrayList<>();
            for (String f = c.nextText(); !f.startsWith("[\"ev\",\"marker\""); f = c.nextText()) {
                frames.add(f);
            }
            return frames;
        }
    }

    @Test
    void broadcastsFromEveryNodeReachEveryMemberInOneOrder() throws InterruptedException {
        App c = node();
        try {
            Member ann = open(a);
            Member bob = open(b);
            Member cat = open(b);
            Member dan = open(c);
            for (Member m : List.of(ann, bob, cat, dan)) {
                m.join(null);
            }
            cluster.settle();
            List<Thread> emitters = new ArrayList<>();
            for (App node : List.of(a, b, c)) {
                String prefix = node == a ? "a" : node == b ? "b" : "c";
                emitters.add(Thread.ofPlatform().start(() -> said(node.topic("room"), prefix, 100)));
            }
            for (Thread t : emitters) {
                t.join();
            }
            List<String> heardByAnn = said(ann.c(), 300);
            assertEquals(heardByAnn, said(bob.c(), 300), "bob heard the broadcasts in ann's order");
            assertEquals(heardByAnn, said(cat.c(), 300), "cat heard the broadcasts in ann's order");
            assertEquals(heardByAnn, said(dan.c(), 300), "dan heard the broadcasts in ann's order");
            assertEquals(300, Set.copyOf(heardByAnn).size(), "each broadcast once");
        } finally {
            c.close();
        }
    }

    @Test
    void everyNodeListsTheMembersOfTheWholeClusterAndKnowsWhichAreItsOwn() {
        Member ann = open(a);
        Member bob = open(b);
        ann.join(Map.of("name", "ann"));
        bob.join(Map.of("name", "bob"));
        cluster.settle();
        for (App node : List.of(a, b)) {
            Topic room = node.topic("room");
            assertEquals(2, room.size());
            assertEquals(
                    List.of(
                            new Topic.Member(ann.id(), json("{\"name\":\"ann\"}"), node == a),
                            new Topic.Member(bob.id(), json("{\"name\":\"bob\"}"), node == b)),
                    room.members());
        }
    }

    @Test
    void browsersHearOfMembersJoiningAndLeavingOnOtherNodes() {
        a.topic("room").announcePresence(true);
        b.topic("room").announcePresence(true);
        Member ann = open(a);
        Member bob = open(b);
        ann.join("ann");
        cluster.settle();
        bob.join("bob");
        cluster.settle();
        assertEquals(
                List.of(
                        ev("pagewire:members", "{\"topic\":\"room\",\"members\":[]}"),
                        ev("pagewire:join", "{\"topic\":\"room\",\"member\":" + member(bob, "\"bob\"") + "}")),
                unnumbered(ann.rest()));
        assertEquals(
                List.of(ev("pagewire:members", "{\"topic\":\"room\",\"members\":[" + member(ann, "\"ann\"") + "]}")),
                unnumbered(bob.rest()));

        bob.tab().page().leave("room");
        cluster.settle();
        assertEquals(
                List.of(ev("pagewire:leave", "{\"topic\":\"room\",\"member\":" + member(bob, "\"bob\"") + "}")),
                unnumbered(ann.rest()));
        assertEquals(List.of(), bob.rest(), "a page that left hears no more");
    }

    @Test
    void listenersOnEveryNodeHearEveryMemberAndWhetherItLivesThere() {
        List<String> heardOnA = new CopyOnWriteArrayList<>();
        List<String> heardOnB = new CopyOnWriteArrayList<>();
        listen(a.topic("room"), heardOnA);
        listen(b.topic("room"), heardOnB);
        Member ann = open(a);
        Member bob = open(b);
        ann.join(null);
        cluster.settle();
        bob.join(null);
        cluster.settle();
        ann.tab().page().leave("room");
        Wait.await("three notifications on each node", () -> heardOnA.size() == 3 && heardOnB.size() == 3);
        assertEquals(
                List.of("join " + ann.id() + " local", "join " + bob.id() + " remote", "leave " + ann.id() + " local"),
                heardOnA);
        assertEquals(
                List.of("join " + ann.id() + " remote", "join " + bob.id() + " local", "leave " + ann.id() + " remote"),
                heardOnB);
    }

    @Test
    void aPageJoiningOnOneNodeGetsTheHistoryBroadcastOnAnother() {
        a.topic("room").history(3);
        b.topic("room").history(3);
        Member ann = open(a);
        ann.join(null);
        said(a.topic("room"), "", 5);
        cluster.settle();
        Member bob = open(b);
        bob.join(null);
        a.topic("room").emit("said", 6);
        assertEquals(List.of("3", "4", "5", "6"), said(bob.c(), 4));
        assertEquals(List.of(), bob.rest());
    }

    @Test
    void aNodeThatJoinsTheClusterLaterHasTheBroadcastsItKept() {
        a.topic("room").history(3);
        said(a.topic("room"), "", 5);
        cluster.settle();
        App c = node();
        try {
            c.topic("room").history(3);
            Member cat = open(c);
            cat.join(null);
            assertEquals(List.of("3", "4", "5"), said(cat.c(), 3));
            assertEquals(List.of(), cat.rest());
        } finally {
            c.close();
        }
    }

    @Test
    void aJoinOnOneNodeRacingBroadcastsFromAnotherGetsAnUnbrokenRun() throws InterruptedException {
        a.topic("room").history(10);
        b.topic("room").history(10);
        AtomicInteger emitted = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread emitter = Thread.ofPlatform().start(() -> {
            for (int i = 0; !stop.get(); i++) {
                a.topic("room").emit("said", i);
                emitted.set(i + 1);
            }
        });
        Member bob = open(b);
        Wait.await("broadcasts under way", () -> emitted.get() > 100);
        bob.join(null);
        int atJoin = emitted.get();
        Wait.await("broadcasts after the join", () -> emitted.get() > atJoin + 200);
        stop.set(true);
        emitter.join();
        cluster.settle();
        int total = emitted.get();
        List<String> run = said(bob.c(), 1);
        int first = Integer.parseInt(run.get(0));
        List<String> expected = new ArrayList<>();
        for (int i = first + 1; i < total; i++) {
            expected.add(Integer.toString(i));
        }
        assertEquals(expected, said(bob.c(), expected.size()), "every broadcast after the first, in order");
        assertEquals(List.of(), bob.rest(), "and nothing twice");
    }

    @Test
    void emitExceptSkipsTheSenderWhereverItLives() {
        Member ann = open(a);
        Member bob = open(b);
        Member cat = open(b);
        for (Member m : List.of(ann, bob, cat)) {
            m.join(null);
        }
        cluster.settle();
        b.topic("room").emitExcept(bob.tab().page(), "said", "from bob");
        a.topic("room").emitExcept(ann.tab().page(), "said", "from ann");
        cluster.settle();
        assertEquals(List.of("\"from bob\""), said(ann.rest()));
        assertEquals(List.of("\"from ann\""), said(bob.rest()));
        assertEquals(List.of("\"from bob\"", "\"from ann\""), said(cat.rest()));
    }

    @Test
    void aPagesEndpointChannelIsAMemberOfItsOwn() throws InterruptedException {
        Member bob = open(b);
        bob.c().receive("[\"chopen\",1,\"/ticker\",null,1]");
        assertTrue(bob.c().nextText().startsWith("[\"chok\",1,1"));
        Channel ticker = opened.poll(Wait.LONG.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(ticker != null, "the endpoint's handler ran");
        ticker.join("room");
        bob.join(null);
        cluster.settle();
        assertEquals(
                List.of(bob.id() + "/1", bob.id()),
                a.topic("room").members().stream().map(Topic.Member::id).toList());
        a.topic("room").emit("said", 1);
        cluster.settle();
        List<String> frames =
                bob.rest().stream().filter(f -> f.contains("\"said\"")).toList();
        assertEquals(2, frames.size(), "one on the channel, one on the page's own: " + frames);
        assertTrue(frames.stream().anyMatch(f -> f.startsWith("[1,\"ev\",\"said\",1,")), frames.toString());
        assertTrue(frames.stream().anyMatch(f -> f.startsWith("[\"ev\",\"said\",1,")), frames.toString());

        ticker.close();
        Wait.await("the channel left on A", () -> a.topic("room").size() == 1);
        assertEquals(bob.id(), a.topic("room").members().get(0).id());
    }

    @Test
    void aMemberThatClosesLeavesOnEveryNode() {
        b.topic("room").announcePresence(true);
        List<String> heardOnB = new CopyOnWriteArrayList<>();
        listen(b.topic("room"), heardOnB);
        Member ann = open(a);
        Member bob = open(b);
        ann.join(null);
        bob.join(null);
        cluster.settle();
        bob.rest(); // members, ann's join

        ann.tab().page().close();
        Wait.await("ann left on B", () -> b.topic("room").size() == 1);
        assertEquals(bob.id(), b.topic("room").members().get(0).id());
        assertEquals(
                List.of(ev("pagewire:leave", "{\"topic\":\"room\",\"member\":" + member(ann, "null") + "}")),
                unnumbered(bob.rest()));
        Wait.await("B's listener heard ann leave", () -> heardOnB.contains("leave " + ann.id() + " remote"));
        Wait.await("A knows only bob", () -> a.topic("room").size() == 1);
    }

    @Test
    void aPageThatLeftHearsNothingMoreWhileItsLeaveIsOnItsWay() {
        Member ann = open(a);
        Member bob = open(b);
        ann.join(null);
        bob.join(null);
        cluster.settle();
        cluster.hold();
        a.topic("room").emit("said", "before bob's leave reaches B");
        bob.tab().page().leave("room");
        assertEquals(2, b.topic("room").size(), "bob still counts until his leave comes back");
        cluster.release();
        cluster.settle();
        assertEquals(List.of("\"before bob's leave reaches B\""), said(ann.rest()));
        assertEquals(List.of(), bob.rest(), "bob had left when the broadcast reached B");
        assertEquals(1, b.topic("room").size());
    }

    @Test
    void aJoinThatComesBackAfterItsMemberLeftAndJoinedAgainWelcomesItOnce() {
        b.topic("room").history(2).announcePresence(true);
        said(b.topic("room"), "", 2);
        Member bob = open(b);
        cluster.hold();
        bob.join("first");
        bob.tab().page().leave("room");
        bob.join("second");
        cluster.release();
        cluster.settle();
        List<String> frames = unnumbered(bob.rest());
        assertEquals(
                List.of(
                        ev("pagewire:members", "{\"topic\":\"room\",\"members\":[]}"),
                        ev("said", "1"),
                        ev("said", "2")),
                frames);
        assertEquals(
                List.of(new Topic.Member(bob.id(), json("\"second\""))),
                b.topic("room").members());
    }

    // ---- outages

    @Test
    void afterAnOutageMembersHearTheyMayHaveMissedBroadcastsAndHowPresenceChanged() {
        a.topic("room").announcePresence(true);
        b.topic("room").announcePresence(true);
        List<String> heardOnB = new CopyOnWriteArrayList<>();
        listen(b.topic("room"), heardOnB);
        Member ann = open(a);
        Member bob = open(b);
        Member dan = open(a);
        for (Member m : List.of(ann, bob, dan)) {
            m.join(null);
            cluster.settle();
        }
        ann.rest();
        bob.rest();
        Wait.await("B's listener heard three joins", () -> heardOnB.size() == 3);

        cluster.cut(b.backplane());
        a.topic("room").emit("said", "while B was cut off");
        Member cat = open(a);
        cat.join("cat");
        dan.tab().page().leave("room");
        cluster.settle();
        assertEquals(List.of(), bob.rest(), "B heard nothing while cut off");

        cluster.reconnect(b.backplane());
        cluster.settle();
        assertEquals(
                List.of(
                        ev("pagewire:leave", "{\"topic\":\"room\",\"member\":" + member(dan, "null") + "}"),
                        ev("pagewire:join", "{\"topic\":\"room\",\"member\":" + member(cat, "\"cat\"") + "}"),
                        ev("pagewire:missed", "{\"topic\":\"room\"}")),
                unnumbered(bob.rest()));
        assertEquals(ids(a.topic("room")), ids(b.topic("room")));
        assertEquals(List.of(ann.id(), bob.id(), cat.id()), ids(b.topic("room")));
        Wait.await("B's listeners heard what B missed", () -> heardOnB.size() == 5);
        assertEquals(List.of("leave " + dan.id() + " remote", "join " + cat.id() + " remote"), heardOnB.subList(3, 5));
        assertFalse(
                unnumbered(ann.rest()).contains(ev("pagewire:missed", "{\"topic\":\"room\"}")),
                "A was not cut off: its members missed nothing");

        a.topic("room").emit("said", "after");
        cluster.settle();
        assertEquals(List.of("\"after\""), said(bob.rest()));
    }

    @Test
    void anOutageThatCostNothingTellsNothing() {
        b.topic("room").announcePresence(true);
        Member bob = open(b);
        bob.join(null);
        cluster.settle();
        bob.rest();
        cluster.cut(b.backplane());
        cluster.reconnect(b.backplane());
        cluster.settle();
        assertEquals(List.of(), bob.rest(), "nothing changed, nothing missed");
    }

    @Test
    void joinsMadeDuringAnOutageArePublishedAgain() {
        Member ann = open(a);
        ann.join(null);
        cluster.settle();
        cluster.cut(b.backplane());
        Member bob = open(b);
        bob.join(Map.of("name", "bob"));
        cluster.settle();
        assertEquals(List.of(ann.id()), ids(a.topic("room")), "the join was lost");

        cluster.reconnect(b.backplane());
        cluster.settle();
        for (App node : List.of(a, b)) {
            assertEquals(List.of(ann.id(), bob.id()), ids(node.topic("room")));
        }
        assertEquals(
                json("{\"name\":\"bob\"}"), a.topic("room").members().get(1).presence());
        a.topic("room").emit("said", 1);
        cluster.settle();
        assertEquals(List.of("1"), said(bob.rest()));
    }

    @Test
    void leavesLostInAnOutageArePublishedAgain() {
        Member ann = open(a);
        Member bob = open(b);
        ann.join(null);
        bob.join(null);
        cluster.settle();
        cluster.cut(b.backplane());
        bob.tab().page().leave("room");
        cluster.settle();
        assertEquals(List.of(ann.id(), bob.id()), ids(a.topic("room")), "the leave was lost");

        cluster.reconnect(b.backplane());
        cluster.settle();
        for (App node : List.of(a, b)) {
            assertEquals(List.of(ann.id()), ids(node.topic("room")));
        }
        assertEquals(
                List.of(ann.id()),
                cluster.snapshot().topics().get("room").members().stream()
                        .map(TopicSnapshot.Member::id)
                        .toList());
    }

    @Test
    void joinsARestartedEngineLostArePublishedAgainAndMembersHearTheyMayHaveMissedBroadcasts() {
        Member ann = open(a);
        Member bob = open(b);
        ann.join("ann");
        bob.join("bob");
        a.topic("room").emit("said", 1);
        cluster.settle();
        assertEquals(List.of("1"), said(ann.rest()));
        assertEquals(List.of("1"), said(bob.rest()));

        cluster.restart();
        cluster.settle();
        Set<String> both = Set.of(ann.id(), bob.id());
        assertEquals(both, Set.copyOf(ids(a.topic("room"))));
        assertEquals(both, Set.copyOf(ids(b.topic("room"))));
        assertEquals(
                both,
                cluster.snapshot().topics().get("room").members().stream()
                        .map(TopicSnapshot.Member::id)
                        .collect(Collectors.toSet()),
                "the engine has both again");
        String missed = ev("pagewire:missed", "{\"topic\":\"room\"}");
        assertEquals(List.of(missed), unnumbered(ann.rest()));
        assertEquals(List.of(missed), unnumbered(bob.rest()));

        b.topic("room").emit("said", 2);
        cluster.settle();
        assertEquals(List.of("2"), said(ann.rest()));
        assertEquals(List.of("2"), said(bob.rest()));
    }

    // ---- helpers

    private static void said(Topic topic, String prefix, int n) {
        for (int i = 1; i <= n; i++) {
            if (prefix.isEmpty()) {
                topic.emit("said", i);
            } else {
                topic.emit("said", prefix + i);
            }
        }
    }

    /** The data of the next {@code n} frames, each a {@code said} event. */
    private static List<String> said(FakeConnection c, int n) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(said(c.nextText()));
        }
        return values;
    }

    private static List<String> said(List<String> frames) {
        return frames.stream().map(ClusterTopicsTest::said).toList();
    }

    private static String said(String frame) {
        Matcher m = SAID.matcher(frame);
        assertTrue(m.matches(), "a said event: " + frame);
        return m.group(1);
    }

    private static void listen(Topic topic, List<String> heard) {
        topic.onJoin(m -> heard.add("join " + m.id() + (m.local() ? " local" : " remote")));
        topic.onLeave(m -> heard.add("leave " + m.id() + (m.local() ? " local" : " remote")));
    }

    private static List<String> ids(Topic topic) {
        return topic.members().stream().map(Topic.Member::id).toList();
    }

    /** The frames without their sequence numbers. */
    private static List<String> unnumbered(List<String> frames) {
        return frames.stream().map(f -> f.replaceFirst(",\\d+]$", "]")).toList();
    }

    private static String ev(String name, String json) {
        return "[\"ev\",\"" + name + "\"," + json + "]";
    }

    private static String member(Member m, String presence) {
        return "{\"id\":\"" + m.id() + "\",\"presence\":" + presence + "}";
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
