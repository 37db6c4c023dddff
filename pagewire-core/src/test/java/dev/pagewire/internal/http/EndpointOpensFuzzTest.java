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
import dev.pagewire.testing.FakeExchange;
import dev.pagewire.testing.JsonValues;
import dev.pagewire.testing.Mutations;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.statistics.Statistics;

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

    @AfterProperty
    void close() {
        app.close();
    }

    @Property
    void aBodyIsAcceptedExactlyWhenItIsWellFormed(@ForAll("bodies") Body body) throws Exception {
        seen.set(null);
        FakeExchange exchange = FakeExchange.post("/stats", "").body(body.bytes());
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
            Statistics.collect("accepted");
        } else {
            assertEquals(400, response.status(), response.bodyText());
            assertTrue(response.bodyText().startsWith("the body must be a JSON object"), response.bodyText());
            assertEquals(null, seen.get(), "no endpoint ran");
            Statistics.collect("refused");
        }
        Statistics.coverage(c -> {
            c.check("accepted").percentage(p -> p > 10);
            c.check("refused").percentage(p -> p > 10);
        });
    }

    /**
     * The params of a well-formed body (JSON null when it has none), or {@code null} if the body is
     * not well formed: not UTF-8, not one JSON object, or nested deeper than the limit. A body of
     * nothing (or only JSON whitespace) is an open without params.
     */
    private static JsonNode wellFormedParams(Body body) throws Exception {
        if (!body.isUtf8()) {
            return null;
        }
        String text = body.text();
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

    // ---- arbitraries

    /** A request body, shown as text in reports. */
    record Body(byte[] bytes) {

        boolean isUtf8() {
            return Arrays.equals(text().getBytes(StandardCharsets.UTF_8), bytes);
        }

        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return (isUtf8() ? "" : "(not UTF-8) ") + Mutations.show(text());
        }
    }

    /** Open bodies as clients send them ({@code {"params": …}}, more members, none), then mutated. */
    @Provide
    Arbitrary<Body> bodies() {
        Arbitrary<String> opens = JsonValues.any().map(params -> "{\"params\":" + params + "}");
        Arbitrary<String> withMore = Combinators.combine(JsonValues.any(), JsonValues.any())
                .as((params, other) -> "{\"v\":" + other + ",\"params\":" + params + "}");
        Arbitrary<String> deep = Arbitraries.integers()
                .between(MAX_DEPTH - 3, MAX_DEPTH + 3)
                .map(depth -> "{\"params\":" + JsonValues.nested(depth - 1) + "}");
        Arbitrary<String> none = Arbitraries.of("", "{}", " ", "\r\n", "{\"params\":null}");
        return Mutations.utf8(Arbitraries.oneOf(opens, withMore, deep, none)).map(Body::new);
    }
}
