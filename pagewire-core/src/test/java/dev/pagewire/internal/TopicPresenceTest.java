package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagewire.Settings;
import dev.pagewire.Topic;
import dev.pagewire.testing.FakeConnection;
import dev.pagewire.testing.Wait;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who is in a topic, and who hears of joins and leaves: the browsers and the server's listeners. */
class TopicPresenceTest {

    private App app;
    private Topic room;
    private Tab ann;
    private Tab bob;
    private Tab cat;
    private FakeConnection toAnn;
    private FakeConnection toBob;
    private FakeConnection toCat;

    @BeforeEach
    void start() {
        app = new App(Settings.defaults());
        app.page("/room", (request, page) -> "<p>room</p>");
        room = app.topic("room");
        ann = Tab.open(app, "/room");
        bob = Tab.open(app, "/room");
        cat = Tab.open(app, "/room");
        toAnn = ann.connect();
        toBob = bob.connect();
        toCat = cat.connect();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void membersListsEveryMemberWithItsPresenceInJoinOrder() {
        ann.page().join("room", Map.of("name", "ann"));
        bob.page().join("room");
        assertEquals(
                List.of(
                        new Topic.Member(ann.page().id(), json("{\"name\":\"ann\"}")),
                        new Topic.Member(bob.page().id(), NullNode.getInstance())),
                room.members());
        assertEquals(2, room.size());
        assertEquals(List.of(), app.topic("elsewhere").members());
    }

    @Test
    void joiningAgainReplacesThePresenceAndKeepsThePlace() {
        ann.page().join("room", Map.of("name", "ann"));
        bob.page().join("room", Map.of("name", "bob"));
        ann.page().join("room", Map.of("name", "ann", "away", true));
        List<Topic.Member> members = room.members();
        assertEquals(
                List.of(ann.page().id(), bob.page().id()),
                members.stream().map(Topic.Member::id).toList());
        assertEquals(json("{\"name\":\"ann\",\"away\":true}"), members.get(0).presence());
        assertEquals(Set.of("room"), ann.page().topics());
    }

    @Test
    void presenceIsCopiedOnJoin() {
        ObjectNode presence = Json.mapper().createObjectNode().put("name", "ann");
        ann.page().join("room", presence);
        presence.put("name", "changed later");
        assertEquals(json("{\"name\":\"ann\"}"), room.members().get(0).presence());
    }

    @Test
    void presenceThatIsNotJsonIsRefusedAndNothingJoins() {
        assertThrows(IllegalArgumentException.class, () -> ann.page().join("room", new Object()));
        assertEquals(0, room.size());
        assertEquals(Set.of(), ann.page().topics());
    }

    @Test
    void aPageNobodyOpenedYetIsNoMemberButHearsWhatIsBroadcastUntilItConnects() {
        room.announcePresence(true);
        List<String> heard = new CopyOnWriteArrayList<>();
        room.onJoin(m -> heard.add("join " + m.id()));
        ann.page().join("room", "ann");
        Tab dan = Tab.open(app, "/room"); // rendered, its browser not connected (a crawler, a prefetch)
        dan.page().join("room", "dan");
        assertEquals(List.of(ann.page().id()), ids(room.members()), "an unopened page is no member");
        assertEquals(1, room.size());
        room.emit("news", "while dan was not there");

        FakeConnection toDan = dan.connect();
        assertEquals(ev("news", "\"while dan was not there\"", 1), toDan.nextText(), "nothing was missed");
        assertEquals(
                ev("pagewire:members", "{\"topic\":\"room\",\"members\":[" + member(ann, "\"ann\"") + "]}", 2),
                toDan.nextText(),
                "a member from its first connection, welcomed as one");
        assertEquals(List.of(ann.page().id(), dan.page().id()), ids(room.members()));
        toAnn.nextText(); // members
        assertEquals(ev("news", "\"while dan was not there\"", 2), toAnn.nextText());
        assertEquals(
                ev("pagewire:join", "{\"topic\":\"room\",\"member\":" + member(dan, "\"dan\"") + "}", 3),
                toAnn.nextText(),
                "the others hear of it when it connects");
        Wait.await(Wait.LONG, "both joins heard", () -> heard.size() == 2);
        assertEquals(List.of("join " + ann.page().id(), "join " + dan.page().id()), heard);
    }

    @Test
    void aPageThatNeverConnectsLeavesWithoutAWord() {
        List<String> heard = new CopyOnWriteArrayList<>();
        room.onJoin(m -> heard.add("join " + m.id()));
        room.onLeave(m -> heard.add("leave " + m.id()));
        Tab eve = Tab.open(app, "/room");
        eve.page().join("room");
        eve.page().leave("room");
        eve.page().join("room");
        eve.page().close();
        ann.page().join("room"); // heard after anything eve could have caused
        Wait.await(
                Wait.LONG,
                "ann's join heard",
                () -> heard.contains("join " + ann.page().id()));
        assertEquals(List.of("join " + ann.page().id()), heard);
        assertEquals(1, room.size());
    }

    private static List<String> ids(List<Topic.Member> members) {
        return members.stream().map(Topic.Member::id).toList();
    }

    @Test
    void theJoinerFirstGetsTheMembersBeforeIt() {
        room.announcePresence(true);
        ann.page().join("room", Map.of("name", "ann"));
        assertEquals(ev("pagewire:members", "{\"topic\":\"room\",\"members\":[]}", 1), toAnn.nextText());
        bob.page().join("room", "bob");
        assertEquals(
                ev(
                        "pagewire:members",
                        "{\"topic\":\"room\",\"members\":[" + member(ann, "{\"name\":\"ann\"}") + "]}",
                        1),
                toBob.nextText());
    }

    @Test
    void membersHearOfOthersJoiningAndLeavingAlsoByClosing() {
        room.announcePresence(true);
        ann.page().join("room", "ann");
        bob.page().join("room", "bob");
        cat.page().join("room");
        toAnn.nextText(); // members
        assertEquals(
                ev("pagewire:join", "{\"topic\":\"room\",\"member\":" + member(bob, "\"bob\"") + "}", 2),
                toAnn.nextText());
        assertEquals(
                ev("pagewire:join", "{\"topic\":\"room\",\"member\":" + member(cat, "null") + "}", 3),
                toAnn.nextText());
        toBob.nextText(); // members
        assertEquals(
                ev("pagewire:join", "{\"topic\":\"room\",\"member\":" + member(cat, "null") + "}", 2),
                toBob.nextText());

        bob.page().leave("room");
        String bobLeft = "{\"topic\":\"room\",\"member\":" + member(bob, "\"bob\"") + "}";
        assertEquals(ev("pagewire:leave", bobLeft, 4), toAnn.nextText());
        toCat.nextText(); // members
        assertEquals(ev("pagewire:leave", bobLeft, 2), toCat.nextText());

        cat.page().close();
        assertEquals(
                ev("pagewire:leave", "{\"topic\":\"room\",\"member\":" + member(cat, "null") + "}", 5),
                toAnn.nextText());
        bob.page().emit("marker", 0);
        assertEquals(ev("marker", "0", 3), toBob.nextText(), "a page that left hears no more");
    }

    @Test
    void aMemberJoiningAgainIsAnnouncedWithItsNewPresence() {
        room.announcePresence(true);
        ann.page().join("room");
        bob.page().join("room", "here");
        bob.page().join("room", "away");
        toAnn.nextText(); // members
        toAnn.nextText(); // bob joins
        assertEquals(
                ev("pagewire:join", "{\"topic\":\"room\",\"member\":" + member(bob, "\"away\"") + "}", 3),
                toAnn.nextText());
        toBob.nextText(); // members
        bob.page().emit("marker", 0);
        assertEquals(ev("marker", "0", 2), toBob.nextText(), "no second members list, no history again");
    }

    @Test
    void withoutPresenceAnnouncedMembersGetNoPresenceEvents() {
        ann.page().join("room", "ann");
        bob.page().join("room", "bob");
        bob.page().leave("room");
        ann.page().emit("marker", 0);
        assertEquals(ev("marker", "0", 1), toAnn.nextText());
    }

    @Test
    void configurationOutlivesATopicWithoutMembers() {
        room.announcePresence(true);
        ann.page().join("room");
        ann.page().leave("room");
        assertEquals(0, room.size());
        bob.page().join("room");
        assertEquals(ev("pagewire:members", "{\"topic\":\"room\",\"members\":[]}", 1), toBob.nextText());
    }

    @Test
    void emitExceptReachesEveryMemberButTheSender() {
        ann.page().join("room");
        bob.page().join("room");
        cat.page().join("room");
        room.emitExcept(bob.page(), "said", "from bob");
        assertEquals(ev("said", "\"from bob\"", 1), toAnn.nextText());
        assertEquals(ev("said", "\"from bob\"", 1), toCat.nextText());
        bob.page().emit("marker", 0);
        assertEquals(ev("marker", "0", 1), toBob.nextText(), "the sender got nothing before the marker");
    }

    @Test
    void pagewireEventsCanBeListenedToButNotEmitted() {
        ann.page().on("pagewire:join", e -> {});
        assertThrows(IllegalArgumentException.class, () -> ann.page().emit("pagewire:join", (Object) null));
        assertThrows(IllegalArgumentException.class, () -> ann.page().emit("pagewire:x", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> room.emit("pagewire:leave", null));
        assertThrows(IllegalArgumentException.class, () -> room.emitExcept(null, "pagewire:members", null));
    }

    @Test
    void listenersHearJoinsAndLeavesInOrderOnVirtualThreads() {
        List<String> heard = new CopyOnWriteArrayList<>();
        List<Boolean> virtual = new CopyOnWriteArrayList<>();
        room.onJoin(m -> {
            virtual.add(Thread.currentThread().isVirtual());
            heard.add("join " + m.id() + " " + m.presence());
        });
        room.onLeave(m -> heard.add("leave " + m.id() + " " + m.presence()));
        ann.page().join("room", "ann");
        bob.page().join("room", "bob");
        ann.page().leave("room");
        bob.page().close();
        Wait.await("four notifications", () -> heard.size() == 4);
        assertEquals(
                List.of(
                        "join " + ann.page().id() + " \"ann\"",
                        "join " + bob.page().id() + " \"bob\"",
                        "leave " + ann.page().id() + " \"ann\"",
                        "leave " + bob.page().id() + " \"bob\""),
                heard);
        assertEquals(List.of(true, true), virtual);
    }

    @Test
    void aThrowingListenerDoesNotKeepTheOthersFromRunning() {
        List<String> heard = new CopyOnWriteArrayList<>();
        room.onJoin(m -> {
            throw new IllegalStateException("listener failure expected by the test");
        });
        room.onJoin(m -> heard.add(m.id()));
        ann.page().join("room");
        bob.page().join("room");
        Wait.await("both joins heard by the second listener", () -> heard.size() == 2);
        assertEquals(List.of(ann.page().id(), bob.page().id()), heard);
    }

    @Test
    void aBlockingListenerHoldsUpNeitherTheTopicNorItsPages() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        List<Integer> sizesSeen = new CopyOnWriteArrayList<>();
        room.onJoin(m -> {
            entered.countDown();
            try {
                release.await(Wait.LONG.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sizesSeen.add(room.size()); // calling back into the topic from a listener is fine
        });
        ann.page().join("room");
        assertTrue(entered.await(Wait.LONG.toMillis(), TimeUnit.MILLISECONDS), "the listener ran");
        bob.page().join("room");
        room.emit("said", "while a listener blocks");
        assertEquals(ev("said", "\"while a listener blocks\"", 1), toBob.nextText());
        bob.page().leave("room");
        release.countDown();
        Wait.await("both joins heard", () -> sizesSeen.size() == 2);
    }

    private static String ev(String name, String json, long seq) {
        return "[\"ev\",\"" + name + "\"," + json + "," + seq + "]";
    }

    private static String member(Tab tab, String presence) {
        return "{\"id\":\"" + tab.page().id() + "\",\"presence\":" + presence + "}";
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
