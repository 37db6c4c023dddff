package dev.pagewire.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Random;

/**
 * JSON values for the fuzz tests, as the trees Jackson reads back: an int is an {@code IntNode},
 * a long only beyond the int range, a big integer only beyond the long range, doubles finite. So a
 * value written and read again equals itself, which the round-trip properties rely on. Strings hold
 * any characters, lone surrogates included (JSON escapes them).
 */
public final class JsonValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonValues() {}

    /** Any JSON value nested at most {@code maxDepth} containers deep (each depth as likely). */
    public static JsonNode nestedAtMost(Random random, int maxDepth) {
        return value(random, random.nextInt(maxDepth + 1));
    }

    /** Any JSON value, at most four containers deep. */
    public static JsonNode any(Random random) {
        return nestedAtMost(random, 4);
    }

    /** A value exactly {@code depth} containers deep (0: a scalar), arrays and objects alternating. */
    public static JsonNode nested(int depth) {
        JsonNode value = NODES.numberNode(1);
        for (int i = 0; i < depth; i++) {
            value = i % 2 == 0
                    ? NODES.arrayNode().add(value)
                    : NODES.objectNode().set("k", value);
        }
        return value;
    }

    /** How many containers deep {@code value} is (0 for a scalar). */
    public static int depth(JsonNode value) {
        int inner = 0;
        for (JsonNode child : value) {
            inner = Math.max(inner, depth(child));
        }
        return value.isContainerNode() ? inner + 1 : 0;
    }

    /** A value at most {@code depth} deep: a scalar, or a container of values at most one less deep. */
    private static JsonNode value(Random random, int depth) {
        if (depth == 0) {
            return scalar(random);
        }
        return switch (random.nextInt(3)) {
            case 0 -> value(random, depth - 1);
            case 1 -> {
                ArrayNode array = NODES.arrayNode();
                for (int n = random.nextInt(5); n > 0; n--) {
                    array.add(value(random, depth - 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int n = random.nextInt(5); n > 0; n--) {
                    object.set(Draw.string(random, 8), value(random, depth - 1));
                }
                yield object;
            }
        };
    }

    private static JsonNode scalar(Random random) {
        return switch (random.nextInt(7)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(Draw.between(random, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case 3 -> {
                long n = random.nextBoolean()
                        ? Draw.between(random, (long) Integer.MAX_VALUE + 1, Long.MAX_VALUE)
                        : Draw.between(random, Long.MIN_VALUE, (long) Integer.MIN_VALUE - 1);
                yield NODES.numberNode(n);
            }
            case 4 ->
                NODES.numberNode(BigInteger.ONE.shiftLeft(63).add(new BigInteger(random.nextInt(1, 200), random)));
            case 5 -> NODES.numberNode(finiteDouble(random));
            default -> NODES.textNode(Draw.string(random, 20));
        };
    }

    /** Ends and zeros, plain values, and any bits (subnormals, the largest exponents). */
    private static double finiteDouble(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> Draw.pick(random, 0.0, -0.0, 1.0, -1.5, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE);
            case 1 -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-10, 11));
            default -> {
                double d;
                do {
                    d = Double.longBitsToDouble(random.nextLong());
                } while (!Double.isFinite(d));
                yield d;
            }
        };
    }
}
