package dev.pagewire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event stream format of docs/PROTOCOL.md §8.3. */
class EventStreamParserTest {

    private final List<String> events = new ArrayList<>();
    private final EventStreamParser parser = new EventStreamParser(events::add);

    private void push(String text) {
        parser.push(text.toCharArray(), text.length());
    }

    @Test
    void readsDataOfEventsAndSkipsCommentsAndOtherFields() {
        push(":" + " ".repeat(2048) + "\n\ndata: [\"open\",\"c\"]\n\nevent: x\nid: 1\ndata:[\"ping\"]\n\n");
        assertEquals(List.of("[\"open\",\"c\"]", "[\"ping\"]"), events);
    }

    @Test
    void acceptsEveryLineEndAlsoSplitAcrossChunks() {
        push("data: a\r");
        push("\n\r");
        push("\ndata: b\r\rdata: c\n");
        push("\n");
        assertEquals(List.of("a", "b", "c"), events);
    }

    @Test
    void joinsTheDataLinesOfOneEvent() {
        push("data: a\ndata: b\n\n");
        assertEquals(List.of("a\nb"), events);
    }
}
