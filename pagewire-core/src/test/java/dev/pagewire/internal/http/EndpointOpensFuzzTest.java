package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.pagewire.Page;
import dev.pagewire.Settings;
import dev.pagewire.internal.App;
import dev.pagewire.internal.Json;
import dev.pagewire.spi.HttpResponse;
import dev.pagewire.testing.Counts;
import dev.pagewire.testing.Draw;
import dev.pagewire.testing.FakeExchange;
import dev.pagewire.testing.Fuzz;
import dev.pagewire.testing.JsonValues;
import dev.pagewire.testing.Mutations;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the body of an endpoint open (docs/PROTOCOL.md §12.2; docs/SECURITY.md, Fuzzing):
 * a body is accepted ({@code 200} with a token) exactly when it is well formed — UTF-8, one JSON
 * object within the depth limit, or nothing at all — and the endpoint then sees its
 * {@code params}; anything else is refused with {@code 400} before an endpoint runs.
 */
class EndpointOpensFuzzTest {

    private static final int MAX_DEPTH = 32;

    /** An independent reading of the body: one JSON value and nothing after it. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final AtomicReference<JsonNode> seen = new AtomicReference<>();
    private final App app = new App(Settings.builder().maxJsonDepth(MAX_DEPTH).build());
    private final EndpointOpens opens = new EndpointOpens(app);

    EndpointOpensFuzzTest() {
        app.endpoint("/stats", channel -> seen.set(channel.params()));
    }

    @AfterEach
    void close() {
        app.close();
    }

    @Test
    void aBodyIsAcceptedExactlyWhenItIsWellFormed() {
        Counts<String> outcomes = new Counts<>();
        Fuzz.forAll(EndpointOpensFuzzTest::body, body -> {
            seen.set(null);
            FakeExchange exchange = FakeExchange.post("/stats", "").body(body);
            opens.open(Request.of(exchange));
            HttpResponse response = exchange.response();

            JsonNode params = wellFormedParams(body);
            if (params != null) {
                assertEquals(200, response.status(), response.bodyText());
                assertEquals("application/json", response.headers().get("Content-Type"));
                assertEquals(params, seen.get(), "the params the endpoint sees");
                String token =
                        Json.mapper().readTree(response.bodyText()).get("token").asText();
                Page page = app.page(app.pageIdOf("/stats", token));
                assertNotNull(page, "the token names the endpoint's page");
                page.close();
                outcomes.add("accepted");
            } else {
                assertEquals(400, response.status(), response.bodyText());
                assertTrue(response.bodyText().startsWith("the body must be a JSON object"), response.bodyText());
                assertEquals(null, seen.get(), "no endpoint ran");
                outcomes.add("refused");
            }
        });
        // Both outcomes stay common: about 8% of the mutants are still well formed.
        outcomes.assertShareAbove("accepted", 3);
        outcomes.assertShareAbove("refused", 10);
    }

    /**
     * The params of a well-formed body (JSON null when it has none), or {@code null} if the body is
     * not well formed: not UTF-8, not one JSON object, or nested deeper than the limit. A body of
     * nothing (or only JSON whitespace) is an open without params.
     */
    private static JsonNode wellFormedParams(byte[] body) throws Exception {
        String text = new String(body, StandardCharsets.UTF_8);
        if (!Arrays.equals(text.getBytes(StandardCharsets.UTF_8), body)) {
            return null; // not UTF-8
        }
        if (text.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            return NullNode.getInstance();
        }
        JsonNode tree;
        try {
            tree = STRICT.readTree(text);
        } catch (Exception e) {
            return null;
        }
        if (tree == null || !tree.isObject() || JsonValues.depth(tree) > MAX_DEPTH) {
            return null;
        }
        JsonNode params = tree.get("params");
        return params == null ? NullNode.getInstance() : params;
    }

    // ---- generators

    /** Open bodies as clients send them ({@code {"params": …}}, more members, none), then mutated. */
    private static byte[] body(Random random) {
        String valid = switch (random.nextInt(4)) {
            case 0 -> "{\"params\":" + JsonValues.any(random) + "}";
            case 1 -> "{\"v\":" + JsonValues.any(random) + ",\"params\":" + JsonValues.any(random) + "}";
            case 2 -> "{\"params\":" + JsonValues.nested(Draw.between(random, MAX_DEPTH - 3, MAX_DEPTH + 3) - 1) + "}";
            default -> Draw.pick(random, "", "{}", " ", "\r\n", "{\"params\":null}");
        };
        return Mutations.utf8(random, valid);
    }
}
