package dev.pagewire.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pagewire.Channel;
import dev.pagewire.Pagewire;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/GATEWAY.md, "Responses": what a webhook's answer may ask, checked whole before it acts. */
class WebhookActionsTest {

    private static final String CONTRACT_EXAMPLE = """
        {
          "context": "new context text",
          "leave": ["lobby"],
          "join": ["room", {"topic": "game", "presence": {"name": "Ada"}}],
          "emit": [{"event": "me", "data": {"name": "Guest 3"}}],
          "broadcast": [{"topic": "room", "event": "message", "data": {"from": "Ada", "text": "hi"}, "exceptSelf": true}],
          "reply": {"any": "json"},
          "error": {"code": "empty_message", "message": "say something first"}
        }\
        """;

    private static WebhookActions parse(String json) throws WebhookActions.Malformed {
        return WebhookActions.parse(json.getBytes(StandardCharsets.UTF_8), 4096);
    }

    private static void malformed(String json, String why) {
        var e = assertThrows(WebhookActions.Malformed.class, () -> parse(json), json);
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void theContractsExampleReadsAsDocumented() throws Exception {
        WebhookActions a = parse(CONTRACT_EXAMPLE);
        assertEquals("new context text", a.context());
        assertEquals(List.of("lobby"), a.leave());
        assertEquals("room", a.join().get(0).topic());
        assertTrue(a.join().get(0).presence().isNull());
        assertEquals("Ada", a.join().get(1).presence().path("name").asText());
        assertEquals("me", a.emit().get(0).event());
        assertTrue(a.broadcast().get(0).exceptSelf());
        assertEquals("json", a.reply().path("any").asText());
        assertEquals(new WebhookActions.Error("empty_message", "say something first"), a.error());
    }

    @Test
    void anEmptyAnswerAsksNothing() throws Exception {
        assertSame(WebhookActions.NONE, parse(""));
        assertSame(WebhookActions.NONE, parse(" \r\n"));
        assertEquals(List.of(), parse("{}").emit());
    }

    @Test
    void whatIsNotTheContractsShapeIsRefusedWithAReason() {
        malformed("<html>oops</html>", "not JSON");
        malformed("[1,2]", "not a JSON object");
        malformed("{\"context\": 5}", "context must be a string");
        malformed("{\"leave\": \"lobby\"}", "leave must be an array");
        malformed("{\"join\": [5]}", "join[]");
        malformed("{\"emit\": [{\"data\": 1}]}", "emit[].event");
        malformed("{\"emit\": [{\"event\": \"pagewire:join\"}]}", "pagewire:");
        malformed("{\"emit\": [{\"event\": \"" + "e".repeat(129) + "\"}]}", "1 to 128");
        malformed("{\"broadcast\": [{\"topic\": \"t\", \"event\": \"e\", \"exceptSelf\": \"yes\"}]}", "exceptSelf");
        malformed("{\"error\": {\"message\": \"no code\"}}", "error.code");
    }

    @Test
    void aContextOverTheLimitIsRefusedAtItsEdge() throws Exception {
        String ok = "{\"context\": \"" + "é".repeat(2048) + "\"}";
        assertEquals(4096, parse(ok).context().getBytes(StandardCharsets.UTF_8).length);
        malformed("{\"context\": \"" + "é".repeat(2048) + "x\"}", "4097 bytes");
        assertTrue(parse("{\"context\": null}").clearContext());
    }

    @Test
    void anErrorWithoutAMessageUsesItsCode() throws Exception {
        assertEquals("nope", parse("{\"error\": {\"code\": \"nope\"}}").error().message());
        assertNull(parse("{\"error\": null}").error());
    }

    @Test
    void actionsActInTheDocumentedOrder() throws Exception {
        List<String> done = new ArrayList<>();
        Channel target = recording(done);
        try (Pagewire app = Pagewire.create()) {
            parse(CONTRACT_EXAMPLE).apply(app, target, c -> done.add("context " + c));
        }
        assertEquals(List.of("context new context text", "leave lobby", "join room", "join game", "emit me"), done);
        done.clear();
        try (Pagewire app = Pagewire.create()) {
            parse("{\"context\": null}").apply(app, target, c -> done.add("context " + c));
        }
        assertEquals(List.of("context null"), done);
        assertFalse(done.isEmpty());
    }

    /** A channel that records the calls that act on it. */
    private static Channel recording(List<String> done) {
        return (Channel) Proxy.newProxyInstance(
                Channel.class.getClassLoader(), new Class<?>[] {Channel.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "leave", "join", "emit" -> done.add(method.getName() + " " + args[0]);
                        case "toString" -> {
                            return "recording channel";
                        }
                        case "hashCode" -> {
                            return 0;
                        }
                        case "equals" -> {
                            return proxy == args[0];
                        }
                        default -> {}
                    }
                    return method.getReturnType() == boolean.class ? false : null;
                });
    }
}
