package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Settings;
import dev.pagewire.Topic;
import dev.pagewire.testing.FakeConnection;
import dev.pagewire.testing.Wait;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The last broadcasts a topic keeps for pages that join later. */
class TopicHistoryTest {

    private static final Pattern SAID = Pattern.compile("\\[\"ev\",\"said\",(\\d+),(\\d+)]");

    private App app;

    @AfterEach
    void stop() {
        app.close();
    }

    private Topic start(Consumer<Settings.Builder> settings) {
        Settings.Builder builder = Settings.builder();
        settings.accept(builder);
        app = new App(builder.build());
        app.page("/room", (request, page) -> "<p>room</p>");
        return app.topic("room");
    }

    @Test
    void aLateJoinerGetsTheLastNBroadcastsInOrderThenTheNewOnes() {
        Topic room = start(s -> {}).history(3);
        Tab ann = Tab.open(app, "/room");
        ann.page().join("room");
        said(room, 5);
        FakeConnection toBob = joined("room");
        room.emit("said", 6);
        assertEquals(List.of(3, 4, 5, 6), said(toBob, 4));
        assertEquals(List.of(1, 2, 3, 4, 5, 6), said(ann.connect(), 6), "members got every broadcast");
    }

    @Test
    void withPresenceTheMembersListComesBeforeTheHistory() {
        Topic room = start(s -> {}).history(1).announcePresence(true);
        room.emit("said", 1);
        FakeConnection toAnn = joined("room");
        assertEquals("[\"ev\",\"pagewire:members\",{\"topic\":\"room\",\"members\":[]},1]", toAnn.nextText());
        assertEquals("[\"ev\",\"said\",1,2]", toAnn.nextText());
    }

    @Test
    void historyZeroSendsNothing() {
        Topic room = start(s -> {});
        Tab ann = Tab.open(app, "/room");
        ann.page().join("room");
        room.emit("said", 1);
        FakeConnection toBob = joined("room");
        room.emit("said", 2);
        assertEquals(List.of(2), said(toBob, 1));
    }

    @Test
    void theSettingIsEveryTopicsDefault() {
        start(s -> s.topicHistory(2));
        Topic other = app.topic("other");
        Tab ann = Tab.open(app, "/room");
        ann.page().join("other");
        said(other, 3);
        FakeConnection toBob = joined("other");
        assertEquals(List.of(2, 3), said(toBob, 2));
    }

    @Test
    void theHistoryOfAConfiguredTopicOutlivesItsMembers() {
        Topic room = start(s -> {}).history(2);
        said(room, 3);
        assertEquals(0, room.size());
        FakeConnection toAnn = joined("room");
        assertEquals(List.of(2, 3), said(toAnn, 2));
    }

    @Test
    void theHistoryOfATopicLeftOnItsDefaultEndsWithItsLastMember() {
        Topic room = start(s -> s.topicHistory(5));
        Tab ann = Tab.open(app, "/room");
        ann.page().join("room");
        room.emit("said", 1);
        ann.page().leave("room");
        FakeConnection toBob = joined("room");
        room.emit("said", 2);
        assertEquals(List.of(2), said(toBob, 1));
    }

    @Test
    void loweringTheHistoryForgetsTheOldestAndZeroForgetsAll() {
        Topic room = start(s -> {}).history(3);
        said(room, 3);
        room.history(1);
        FakeConnection toAnn = joined("room");
        assertEquals(List.of(3), said(toAnn, 1));

        room.history(0).history(4);
        FakeConnection toBob = joined("room");
        room.emit("said", 4);
        assertEquals(List.of(4), said(toBob, 1));
    }

    @Test
    void joiningAgainDoesNotResendTheHistory() {
        Topic room = start(s -> {}).history(2);
        room.emit("said", 1);
        Tab ann = Tab.open(app, "/room");
        FakeConnection toAnn = ann.connect();
        ann.page().join("room", "here");
        ann.page().join("room", "away");
        room.emit("said", 2);
        assertEquals(List.of(1, 2), said(toAnn, 2));
    }

    @Test
    void aNegativeHistoryIsRefused() {
        Topic room = start(s -> {});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> room.history(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        room.history(0);
    }

    @Test
    void aJoinRacingBroadcastsGetsAnUnbrokenRunWithoutDuplicates() throws InterruptedException {
        Topic room = start(s -> {}).history(10);
        AtomicInteger emitted = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        // Broadcasts go on until well after the join, so the join lands in the middle of them.
        Thread emitter = Thread.ofPlatform().start(() -> {
            for (int i = 0; !stop.get(); i++) {
                room.emit("said", i);
                emitted.set(i + 1);
            }
        });
        Tab bob = Tab.open(app, "/room");
        FakeConnection toBob = bob.connect();
        Wait.await("broadcasts under way", () -> emitted.get() > 100);
        bob.page().join("room");
        int atJoin = emitted.get();
        Wait.await("broadcasts after the join", () -> emitted.get() > atJoin + 200);
        stop.set(true);
        emitter.join();
        int total = emitted.get();

        int first = said(toBob, 1).get(0);
        assertTrue(first > 0 && first <= atJoin, "bob's history starts after the first broadcasts: " + first);
        List<Integer> rest = said(toBob, total - 1 - first);
        for (int i = 0; i < rest.size(); i++) {
            assertEquals(first + 1 + i, rest.get(i), "broadcast " + (i + 1) + " bob received");
        }
        room.emit("said", total);
        assertEquals(List.of(total), said(toBob, 1), "nothing more was queued for bob");
    }

    /** Broadcasts {@code said} events with the data 1 to {@code n}. */
    private static void said(Topic topic, int n) {
        for (int i = 1; i <= n; i++) {
            topic.emit("said", i);
        }
    }

    /** A new page that connected, then joined {@code topic}: its connection. */
    private FakeConnection joined(String topic) {
        Tab tab = Tab.open(app, "/room");
        FakeConnection c = tab.connect();
        tab.page().join(topic);
        return c;
    }

    /** The data of the next {@code n} frames, each a {@code said} event numbered in order. */
    private static List<Integer> said(FakeConnection c, int n) {
        List<Integer> values = new ArrayList<>();
        long seq = -1;
        for (int i = 0; i < n; i++) {
            String text = c.nextText();
            Matcher m = SAID.matcher(text);
            assertTrue(m.matches(), "a said event: " + text);
            long s = Long.parseLong(m.group(2));
            assertTrue(seq < 0 || s == seq + 1, "numbered in order: " + text);
            seq = s;
            values.add(Integer.parseInt(m.group(1)));
        }
        return values;
    }
}
