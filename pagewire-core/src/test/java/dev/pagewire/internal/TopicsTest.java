package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pagewire.Settings;
import dev.pagewire.Topic;
import dev.pagewire.testing.FakeConnection;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TopicsTest {

    private App app;
    private Tab alice;
    private Tab bob;
    private Tab carol;
    private FakeConnection toAlice;
    private FakeConnection toBob;
    private FakeConnection toCarol;

    @BeforeEach
    void start() {
        app = new App(Settings.defaults());
        app.page("/room", (request, page) -> {
            page.join("room");
            return "<p>room</p>";
        });
        app.page("/lobby", (request, page) -> "<p>lobby</p>");
        alice = Tab.open(app, "/room");
        bob = Tab.open(app, "/room");
        carol = Tab.open(app, "/lobby");
        toAlice = alice.connect();
        toBob = bob.connect();
        toCarol = carol.connect();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void topicEmitReachesItsMembersOnly() {
        app.topic("room").emit("said", "hi");
        assertEquals("[\"ev\",\"said\",\"hi\",1]", toAlice.nextText());
        assertEquals("[\"ev\",\"said\",\"hi\",1]", toBob.nextText());
        carol.page().emit("marker", 0);
        assertEquals("[\"ev\",\"marker\",0,1]", toCarol.nextText(), "a non-member got nothing before the marker");
    }

    @Test
    void emitExceptSkipsTheSender() {
        app.topic("room").emitExcept(alice.page(), "said", "from alice");
        assertEquals("[\"ev\",\"said\",\"from alice\",1]", toBob.nextText());
        alice.page().emit("marker", 0);
        assertEquals("[\"ev\",\"marker\",0,1]", toAlice.nextText(), "the sender got nothing before the marker");
    }

    @Test
    void topicHandlesNameTheSameTopic() {
        Topic room = app.topic("room");
        assertEquals("room", room.name());
        assertEquals(2, room.size());
        assertEquals(2, app.topic("room").size());
        assertEquals(0, app.topic("empty").size());
        assertEquals(Set.of("room"), alice.page().topics());
        assertEquals(Set.of(), carol.page().topics());
    }

    @Test
    void leftAndClosedPagesGetNoMoreBroadcasts() {
        Topic room = app.topic("room");
        bob.page().leave("room");
        bob.page().leave("room");
        assertEquals(1, room.size());
        alice.page().close();
        assertEquals(0, room.size());
        room.emit("said", "anyone?");
        bob.page().emit("marker", 0);
        assertEquals("[\"ev\",\"marker\",0,1]", toBob.nextText());
        assertEquals(1, toAlice.sent().size(), "only hello reached the closed page");
    }

    @Test
    void closedPageCannotJoin() {
        carol.page().close();
        carol.page().join("room");
        assertEquals(2, app.topic("room").size());
        assertEquals(Set.of(), carol.page().topics());
    }

    @Test
    void disconnectedMembersGetBroadcastsOnReconnect() {
        toBob.end();
        app.topic("room").emit("said", "while you were away");
        FakeConnection again = bob.connect();
        assertEquals("[\"ev\",\"said\",\"while you were away\",1]", again.nextText());
    }
}
