package dev.pagewire.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * JSON values for the fuzz tests, as the trees Jackson reads back: an int is an {@code IntNode},
 * a long only beyond the int range, a big integer only beyond the long range, doubles finite. So a
 * value written and read again equals itself, which the round-trip properties rely on. Strings hold
 * any characters, lone surrogates included (JSON escapes them).
 */
public final class JsonValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonValues() {}

    /** Any JSON value nested at most {@code maxDepth} containers deep. */
    public static Arbitrary<JsonNode> nestedAtMost(int maxDepth) {
        return Arbitraries.recursive(JsonValues::scalars, JsonValues::containersOf, 0, maxDepth);
    }

    /** Any JSON value, at most four containers deep. */
    public static Arbitrary<JsonNode> any() {
        return nestedAtMost(4);
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

    private static Arbitrary<JsonNode> scalars() {
        return Arbitraries.oneOf(
                Arbitraries.just(NODES.nullNode()),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.integers().map(NODES::numberNode),
                Arbitraries.longs().filter(n -> n != n.intValue()).map(n -> NODES.numberNode(n.longValue())),
                Arbitraries.bigIntegers()
                        .between(BigInteger.ONE.shiftLeft(63), BigInteger.ONE.shiftLeft(200))
                        .map(NODES::numberNode),
                Arbitraries.doubles().filter(Double::isFinite).map(NODES::numberNode),
                Arbitraries.strings().ofMaxLength(20).map(NODES::textNode));
    }

    private static Arbitrary<JsonNode> containersOf(Arbitrary<JsonNode> values) {
        Arbitrary<JsonNode> arrays = values.list().ofMaxSize(4).map(JsonValues::array);
        Arbitrary<JsonNode> objects = Arbitraries.maps(Arbitraries.strings().ofMaxLength(8), values)
                .ofMaxSize(4)
                .map(JsonValues::object);
        return Arbitraries.oneOf(values, arrays, objects);
    }

    private static JsonNode array(List<JsonNode> elements) {
        ArrayNode array = NODES.arrayNode();
        elements.forEach(array::add);
        return array;
    }

    private static JsonNode object(Map<String, JsonNode> members) {
        ObjectNode object = NODES.objectNode();
        members.forEach(object::set);
        return object;
    }
}
