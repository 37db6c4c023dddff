package dev.pagewire.redis.internal;

import dev.pagewire.backplane.TopicEvent;
import dev.pagewire.backplane.TopicSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Reads what the Lua scripts write: a topic event as {@code publish.lua} publishes it, and one
 * topic's state as {@code snapshot.lua} returns it. Both formats are described in
 * {@code prelude.lua}. Stateless.
 */
final class TopicWire {

    /** What Redis sent does not have the expected shape (another program used the same prefix?). */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message);
        }
    }

    private TopicWire() {}

    /**
     * An event as published on the topics channel: a header line {@code kind seq node history
     * topicLength memberLength}, then the topic, the member and the payload, back to back.
     */
    static TopicEvent event(byte[] wire) {
        int newline = indexOf(wire, (byte) '\n');
        if (newline < 0) {
            throw new Malformed("a topic event without a header line");
        }
        String[] header = new String(wire, 0, newline, StandardCharsets.US_ASCII).split(" ");
        if (header.length != 6 || header[0].length() != 1) {
            throw new Malformed("a topic event header of unexpected shape: " + String.join(" ", header));
        }
        try {
            TopicEvent.Kind kind = switch (header[0].charAt(0)) {
                case 'B' -> TopicEvent.Kind.BROADCAST;
                case 'J' -> TopicEvent.Kind.JOIN;
                case 'L' -> TopicEvent.Kind.LEAVE;
                default -> throw new Malformed("a topic event of unknown kind " + header[0]);
            };
            long seq = Long.parseLong(header[1]);
            int node = Integer.parseInt(header[2]);
            int history = Integer.parseInt(header[3]);
            int topicLength = Integer.parseInt(header[4]);
            int memberLength = Integer.parseInt(header[5]);
            int at = newline + 1;
            int payloadAt = at + topicLength + Math.max(0, memberLength);
            if (topicLength < 0 || memberLength < -1 || payloadAt > wire.length) {
                throw new Malformed("a topic event shorter than its header says");
            }
            String topic = new String(wire, at, topicLength, StandardCharsets.UTF_8);
            String member =
                    memberLength < 0 ? null : new String(wire, at + topicLength, memberLength, StandardCharsets.UTF_8);
            byte[] payload = Arrays.copyOfRange(wire, payloadAt, wire.length);
            return new TopicEvent(seq, topic, kind, member, node, payload, history);
        } catch (NumberFormatException e) {
            throw new Malformed("a topic event header with a bad number: " + String.join(" ", header));
        }
    }

    /**
     * One topic as {@code snapshot.lua} returns it: {@code seq}, the member count, then id and value
     * of each member ({@code order node presence}), then each kept broadcast ({@code seq frame});
     * {@code null} for an empty reply (the topic keeps nothing).
     */
    static TopicSnapshot.Topic topic(List<?> reply) {
        if (reply.isEmpty()) {
            return null;
        }
        long seq = number(reply.get(0));
        int count = (int) number(reply.get(1));
        if (reply.size() < 2 + 2 * count) {
            throw new Malformed("a topic snapshot shorter than its member count says");
        }
        record Ordered(long order, TopicSnapshot.Member member) {}
        List<Ordered> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = text(reply.get(2 + 2 * i));
            byte[] value = bytes(reply.get(3 + 2 * i));
            int first = indexOf(value, (byte) ' ');
            int second = first < 0 ? -1 : indexOf(value, first + 1, (byte) ' ');
            if (second < 0) {
                throw new Malformed("a topic member of unexpected shape");
            }
            long order = Long.parseLong(new String(value, 0, first, StandardCharsets.US_ASCII));
            int node = Integer.parseInt(new String(value, first + 1, second - first - 1, StandardCharsets.US_ASCII));
            byte[] presence = Arrays.copyOfRange(value, second + 1, value.length);
            members.add(new Ordered(order, new TopicSnapshot.Member(id, node, presence)));
        }
        members.sort(Comparator.comparingLong(Ordered::order));
        List<TopicSnapshot.Broadcast> history = new ArrayList<>();
        for (int i = 2 + 2 * count; i < reply.size(); i++) {
            byte[] value = bytes(reply.get(i));
            int space = indexOf(value, (byte) ' ');
            if (space < 0) {
                throw new Malformed("a kept broadcast of unexpected shape");
            }
            long at = Long.parseLong(new String(value, 0, space, StandardCharsets.US_ASCII));
            history.add(new TopicSnapshot.Broadcast(at, Arrays.copyOfRange(value, space + 1, value.length)));
        }
        return new TopicSnapshot.Topic(
                seq, members.stream().map(Ordered::member).toList(), history);
    }

    /** A number in a script's reply: an integer, or a bulk string of digits. */
    static long number(Object value) {
        if (value instanceof Long l) {
            return l;
        }
        try {
            return Long.parseLong(text(value));
        } catch (NumberFormatException e) {
            throw new Malformed("expected a number, got " + text(value));
        }
    }

    static String text(Object value) {
        return new String(bytes(value), StandardCharsets.UTF_8);
    }

    static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof Long l) {
            return Long.toString(l).getBytes(StandardCharsets.US_ASCII);
        }
        throw new Malformed("expected a string in a script's reply, got " + value);
    }

    private static int indexOf(byte[] bytes, byte b) {
        return indexOf(bytes, 0, b);
    }

    private static int indexOf(byte[] bytes, int from, byte b) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
