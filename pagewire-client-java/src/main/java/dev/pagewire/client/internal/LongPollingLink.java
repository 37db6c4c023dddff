package dev.pagewire.client.internal;

import dev.pagewire.client.Transport;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Long-polling down, POSTs up (docs/PROTOCOL.md §8.4, §8.5): one poll at a time, the next as soon
 * as an answer arrived; {@link #close} cancels the poll in flight.
 */
final class LongPollingLink extends HttpFallbackLink {

    private final HttpClient http;
    private final long ack;
    private volatile CompletableFuture<HttpResponse<String>> poll;

    LongPollingLink(HttpClient http, String base, long ack, Events events) {
        super(http, base, events);
        this.http = http;
        this.ack = ack;
    }

    @Override
    public Transport transport() {
        return Transport.LONGPOLLING;
    }

    @Override
    public void start() {
        request("&transport=longpolling&ack=" + ack, true);
    }

    private void request(String query, boolean opening) {
        CompletableFuture<HttpResponse<String>> sent =
                http.sendAsync(link.get(query).build(), HttpResponse.BodyHandlers.ofString());
        poll = sent;
        if (link.ended()) {
            sent.cancel(true);
            return;
        }
        sent.whenComplete((response, error) -> answered(response, error, opening));
    }

    private void answered(HttpResponse<String> response, Throwable error, boolean opening) {
        if (link.ended()) {
            return;
        }
        if (error != null) {
            link.end(1006, "long-polling failed: " + WebSocketLink.rootMessage(error));
            return;
        }
        int status = response.statusCode();
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (opening && (status != 200 || !type.toLowerCase().startsWith("text/plain"))) {
            link.end(1006, "the long-polling request was answered with HTTP " + status + " " + type);
            return;
        }
        if (status == 410) {
            link.end(1006, "the server no longer knows this connection (HTTP 410)");
            return;
        }
        if (status / 100 != 2) {
            link.end(1006, "a poll was answered with HTTP " + status);
            return;
        }
        for (String line : response.body().split("\n", -1)) {
            if (link.ended()) {
                return;
            }
            link.receive(line);
        }
        if (link.ended()) {
            return;
        }
        if (link.conn() == null) {
            link.end(1006, "the long-polling answer had no open frame");
            return;
        }
        request("&conn=" + link.conn(), false);
    }

    @Override
    protected void abortDown() {
        CompletableFuture<HttpResponse<String>> p = poll;
        if (p != null) {
            p.cancel(true);
        }
    }
}
