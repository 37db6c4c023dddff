package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.Page;
import dev.pagewire.Settings;
import dev.pagewire.internal.App;
import dev.pagewire.internal.protocol.FrameCodec;
import dev.pagewire.internal.protocol.ProtocolException;
import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.OutFrame;
import dev.pagewire.spi.Session;
import dev.pagewire.testing.Counts;
import dev.pagewire.testing.Draw;
import dev.pagewire.testing.FakeExchange;
import dev.pagewire.testing.Fuzz;
import dev.pagewire.testing.JsonValues;
import dev.pagewire.testing.Mutations;
import dev.pagewire.testing.Shrinker;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the body of a fallback POST (docs/PROTOCOL.md §8.1, §8.5; docs/SECURITY.md, Fuzzing):
 * strict UTF-8, split into frame lines, binary lines in base64, each frame within
 * {@code maxMessageBytes}. Whatever the body, its frames reach the page in order up to the first
 * one that closes the connection, with the documented close code and HTTP status, and nothing
 * throws or hangs.
 */
class FallbackPostFuzzTest {

    private static final Pattern TOKEN = Pattern.compile("data-pagewire-token=\"([^\"]+)\"");
    private static final Pattern CONN = Pattern.compile("\\[\"open\",\"([^\"]+)\"\\]");
    private static final Pattern CLOSE = Pattern.compile("\\[\"close\",(\\d+),");

    private static final FrameCodec CODEC = new FrameCodec(32, 64 * 1024);
    private final Map<Integer, FrameCodec> codecsByLimit = new HashMap<>();
    /** A page's side, for the POSTs to live pages; its limit small enough that some mutants cross it. */
    private final App app = new App(Settings.builder().maxMessageBytes(256).build());

    private final Fallbacks fallbacks = new Fallbacks(app, Duration.ofSeconds(20));

    @AfterEach
    void close() {
        app.close();
    }

    // ---- the lines of a body, as the connection delivers them

    @Test
    void framesPostedAsLinesArriveAsSent() {
        Fuzz.forAll(Posted::draw, posted -> {
            RecordingConnection connection = new RecordingConnection(CODEC);
            List<String> lines = FrameLines.lines(posted.body().getBytes(StandardCharsets.UTF_8));

            assertEquals(FallbackConnection.Delivery.ACCEPTED, connection.deliver(lines, 64 * 1024));
            List<OutFrame> frames = posted.frames();
            assertEquals(frames.size(), connection.delivered.size());
            for (int i = 0; i < frames.size(); i++) {
                assertArrayEquals(
                        frames.get(i).payload(), connection.delivered.get(i).payload());
                assertEquals(frames.get(i).binary(), connection.delivered.get(i).binary());
            }
        });
    }

    /** Frames as a client POSTs them, one a line, with blank lines between or not. */
    private record Posted(List<OutFrame> frames, String body) {

        static Posted draw(Random random) {
            List<OutFrame> frames = frameList(random);
            String lineEnd = lineEnd(random);
            boolean blankLines = random.nextBoolean();
            StringBuilder body = new StringBuilder(blankLines ? lineEnd : "");
            for (OutFrame frame : frames) {
                body.append(new String(FrameLines.line(frame), StandardCharsets.UTF_8))
                        .append(lineEnd);
                if (blankLines) {
                    body.append(lineEnd);
                }
            }
            return new Posted(frames, body.toString());
        }

        @Override
        public String toString() {
            return Fuzz.show(body);
        }
    }

    @Test
    void aBodysFramesArriveInOrderUntilTheFirstThatClosesTheConnection() {
        Counts<Object> outcomes = new Counts<>();
        Fuzz.forAll(
                random -> {
                    byte[] body = hostileBody(random);
                    return new Limited(body, maxMessageBytes(random, body));
                },
                Shrinker.part(
                        Limited::body, (limited, body) -> new Limited(body, limited.maxMessageBytes()), Shrinker.BYTES),
                post -> {
                    int maxMessageBytes = post.maxMessageBytes();
                    FrameCodec limited = codecsByLimit.computeIfAbsent(maxMessageBytes, max -> new FrameCodec(32, max));
                    List<String> lines;
                    try {
                        lines = FrameLines.lines(post.body());
                    } catch (CharacterCodingException e) {
                        assertFalse(isUtf8(post.body()), "valid UTF-8 refused");
                        outcomes.add("invalid UTF-8");
                        return;
                    }
                    assertTrue(isUtf8(post.body()), "invalid UTF-8 accepted");
                    RecordingConnection connection = new RecordingConnection(limited);
                    FallbackConnection.Delivery delivery = connection.deliver(lines, maxMessageBytes);

                    Expected expected = expected(text(post.body()), maxMessageBytes, limited);
                    assertEquals(expected.delivered(), connection.deliveredLines(), "the frames delivered, in order");
                    assertEquals(expected.outcome(), delivery);
                    assertEquals(expected.closeCode(), connection.closeCode);
                    outcomes.add(delivery);
                });
        // Every outcome stays common.
        outcomes.assertShareAbove(FallbackConnection.Delivery.ACCEPTED, 1);
        outcomes.assertShareAbove(FallbackConnection.Delivery.BAD_FRAME, 5);
        outcomes.assertShareAbove(FallbackConnection.Delivery.TOO_BIG, 1);
        outcomes.assertShareAbove("invalid UTF-8", 1);
    }

    /**
     * From 1 to 400; half the time the size of one of the body's frames or one off it, so that an
     * off-by-one at the limit shows (a limit drawn alone rarely meets a frame's size).
     */
    private static int maxMessageBytes(Random random, byte[] body) {
        List<String> lines =
                linesOf(text(body)).stream().filter(line -> !line.isEmpty()).toList();
        if (lines.isEmpty() || random.nextBoolean()) {
            return Draw.between(random, 1, 400);
        }
        String line = lines.get(random.nextInt(lines.size()));
        int size = line.getBytes(StandardCharsets.UTF_8).length;
        if (line.startsWith("~")) {
            try {
                size = Base64.getDecoder().decode(line.substring(1)).length;
            } catch (IllegalArgumentException e) {
                // not base64: its size as text will do
            }
        }
        return Math.clamp(size + random.nextInt(-1, 2), 1, 400);
    }

    /** A POST body, and the {@code maxMessageBytes} it meets. */
    private record Limited(byte[] body, int maxMessageBytes) {
        @Override
        public String toString() {
            return Fuzz.show(body) + " at maxMessageBytes " + maxMessageBytes;
        }
    }

    /** What the connection must make of a body's text: §8.1 and §8.5 read step by step. */
    record Expected(List<String> delivered, FallbackConnection.Delivery outcome, int closeCode) {}

    private static Expected expected(String body, int maxMessageBytes, FrameCodec codec) {
        List<String> delivered = new ArrayList<>();
        for (String line : linesOf(body)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("~")) {
                byte[] bytes;
                try {
                    bytes = Base64.getDecoder().decode(line.substring(1));
                } catch (IllegalArgumentException e) {
                    return new Expected(delivered, FallbackConnection.Delivery.BAD_FRAME, CloseCodes.BAD_FRAME);
                }
                if (bytes.length > maxMessageBytes) {
                    return new Expected(delivered, FallbackConnection.Delivery.TOO_BIG, CloseCodes.MESSAGE_TOO_BIG);
                }
                try {
                    codec.decodeBinary(bytes);
                } catch (ProtocolException e) {
                    return new Expected(delivered, FallbackConnection.Delivery.BAD_FRAME, CloseCodes.BAD_FRAME);
                }
                delivered.add("~" + Base64.getEncoder().encodeToString(bytes));
            } else {
                if (line.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes) {
                    return new Expected(delivered, FallbackConnection.Delivery.TOO_BIG, CloseCodes.MESSAGE_TOO_BIG);
                }
                try {
                    codec.decode(line);
                } catch (ProtocolException e) {
                    return new Expected(delivered, FallbackConnection.Delivery.BAD_FRAME, CloseCodes.BAD_FRAME);
                }
                delivered.add(line);
            }
        }
        return new Expected(delivered, FallbackConnection.Delivery.ACCEPTED, 0);
    }

    /** The lines of a text: it ends at each {@code \n}, which takes a {@code \r} before it along. */
    private static List<String> linesOf(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                int end = i > start && text.charAt(i - 1) == '\r' ? i - 1 : i;
                lines.add(text.substring(start, end));
                start = i + 1;
            }
        }
        lines.add(text.substring(start));
        return lines;
    }

    /**
     * A fallback connection whose page side decodes each frame as the server's does (closing with
     * the refusal's code) and records the frames that decoded.
     */
    private static final class RecordingConnection extends FallbackConnection {

        final List<OutFrame> delivered = new ArrayList<>();
        int closeCode;

        RecordingConnection(FrameCodec codec) {
            super("conn", "page", new FallbackConnections());
            bind(new Session() {
                @Override
                public void text(String message) {
                    try {
                        codec.decode(message);
                        delivered.add(new OutFrame(false, message.getBytes(StandardCharsets.UTF_8)));
                    } catch (ProtocolException e) {
                        close(e.code(), e.getMessage());
                    }
                }

                @Override
                public void binary(byte[] message) {
                    try {
                        codec.decodeBinary(message);
                        delivered.add(new OutFrame(true, message));
                    } catch (ProtocolException e) {
                        close(e.code(), e.getMessage());
                    }
                }

                @Override
                public void closed() {}
            });
        }

        /** The delivered frames as frame lines, binary ones in canonical base64. */
        List<String> deliveredLines() {
            return delivered.stream()
                    .map(f -> new String(FrameLines.line(f), StandardCharsets.UTF_8))
                    .toList();
        }

        @Override
        void closeTransport(int code, String reason) {
            closeCode = code;
        }

        @Override
        public String transport() {
            return "longpolling";
        }

        @Override
        public void send(OutFrame frame) {}

        @Override
        public long queuedBytes() {
            return 0;
        }
    }

    // ---- the same bodies POSTed to a live page's long-polling connection

    @Test
    void aPostToALivePageIsAnsweredWithADocumentedStatusAndCloseCode() {
        Counts<Integer> statuses = new Counts<>();
        Fuzz.forAll(FallbackPostFuzzTest::hostileBody, body -> {
            Page page = app.newPage("/fuzz");
            page.on("say", e -> {});
            Matcher token = TOKEN.matcher(app.clientScript(page));
            assertTrue(token.find());
            String base = "/fuzz?pagewire=" + token.group(1);
            FakeExchange open = FakeExchange.get(base + "&transport=longpolling");
            fallbacks.handle(Request.of(open));
            Matcher conn = CONN.matcher(open.response().bodyText());
            assertTrue(conn.find(), open.response().bodyText());

            FakeExchange post =
                    FakeExchange.post(base + "&conn=" + conn.group(1), "").body(body);
            fallbacks.handle(Request.of(post));
            int status = post.response().status();
            assertTrue(Set.of(204, 400, 409, 413).contains(status), "status " + status);
            statuses.add(status);
            if (status != 204) {
                // The close frame waits on the down channel, with the code that says why.
                FakeExchange poll = FakeExchange.get(base + "&conn=" + conn.group(1));
                fallbacks.handle(Request.of(poll));
                Matcher close = CLOSE.matcher(poll.response().bodyText());
                assertTrue(close.find(), poll.response().bodyText());
                int code = Integer.parseInt(close.group(1));
                switch (status) {
                    case 400 -> assertEquals(isUtf8(body) ? CloseCodes.BAD_FRAME : CloseCodes.INVALID_PAYLOAD, code);
                    case 413 -> assertEquals(CloseCodes.MESSAGE_TOO_BIG, code);
                    default -> assertTrue(code >= 4000, "closed by the page: " + code);
                }
            }
            page.close();
        });
        statuses.assertShareAbove(204, 1);
        statuses.assertShareAbove(400, 5);
        statuses.assertShareAbove(413, 0.5);
    }

    // ---- generators

    private static boolean isUtf8(byte[] body) {
        return Arrays.equals(text(body).getBytes(StandardCharsets.UTF_8), body);
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Valid bodies (text and binary frame lines), mutated down to invalid UTF-8. */
    private static byte[] hostileBody(Random random) {
        String lineEnd = lineEnd(random);
        StringBuilder body = new StringBuilder();
        for (OutFrame frame : frameList(random)) {
            body.append(new String(FrameLines.line(frame), StandardCharsets.UTF_8))
                    .append(lineEnd);
        }
        return Mutations.utf8(random, body.toString());
    }

    /** A frame a client POSTs, before the client numbers it. */
    sealed interface Draft {}

    record Event(String name, JsonNode data) implements Draft {}

    record Blob(byte[] bytes) implements Draft {}

    record Control(String frame) implements Draft {}

    /** What a client POSTs: events (text and binary) numbered from 1, and control frames. */
    private static List<OutFrame> frameList(Random random) {
        List<Draft> drafts = Draw.list(random, 1, 5, r -> switch (r.nextInt(7)) {
            case 0, 1, 2, 3 -> new Event(Draw.pick(r, "say", "x", "é"), JsonValues.nestedAtMost(r, 2));
            case 4, 5 -> new Blob(Draw.bytes(r, 24));
            default -> new Control(Draw.pick(r, "[\"ping\"]", "[\"pong\"]", "[\"ack\",0]", "[\"bye\"]"));
        });
        return numbered(drafts);
    }

    /** Numbers the data frames 1, 2, … in order, as a fresh page's client does. */
    private static List<OutFrame> numbered(List<Draft> drafts) {
        List<OutFrame> frames = new ArrayList<>();
        long seq = 0;
        for (Draft draft : drafts) {
            frames.add(
                    switch (draft) {
                        case Event e -> CODEC.event(e.name(), e.data()).numbered(++seq);
                        case Blob b -> CODEC.binaryEvent("blob", b.bytes()).numbered(++seq);
                        case Control c -> new OutFrame(false, c.frame().getBytes(StandardCharsets.UTF_8));
                    });
        }
        return frames;
    }

    private static String lineEnd(Random random) {
        return Draw.pick(random, "\n", "\r\n");
    }
}
