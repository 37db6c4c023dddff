package dev.pagewire.client.internal;

import dev.pagewire.client.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Server-Sent Events down, POSTs up (docs/PROTOCOL.md §8.3, §8.5). The stream is read on a
 * virtual thread of its own; {@link #close} aborts the request and interrupts that thread.
 */
final class SseLink extends HttpFallbackLink {

    private final HttpClient http;
    private final long ack;
    private volatile Thread reader;
    private volatile CompletableFuture<HttpResponse<InputStream>> request;
    private volatile InputStream body;

    SseLink(HttpClient http, String base, long ack, Events events) {
        super(http, base, events);
        this.http = http;
        this.ack = ack;
    }

    @Override
    public Transport transport() {
        return Transport.SSE;
    }

    @Override
    public void start() {
        reader = Thread.ofVirtual().name("pagewire-sse").start(this::read);
    }

    private void read() {
        try {
            request = http.sendAsync(
                    link.get("&transport=sse&ack=" + ack)
                            .header("Accept", "text/event-stream")
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (link.ended()) {
                request.cancel(true);
                return;
            }
            HttpResponse<InputStream> response = request.get();
            body = response.body();
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (response.statusCode() != 200 || !type.toLowerCase().startsWith("text/event-stream")) {
                body.close();
                link.end(1006, "the SSE request was answered with HTTP " + response.statusCode() + " " + type);
                return;
            }
            if (link.ended()) {
                body.close();
                return;
            }
            EventStreamParser parser = new EventStreamParser(link::receive);
            try (Reader in = new InputStreamReader(body, StandardCharsets.UTF_8)) {
                char[] chars = new char[8192];
                for (int n; (n = in.read(chars)) >= 0; ) {
                    if (link.ended()) {
                        return;
                    }
                    parser.push(chars, n);
                }
            }
            link.end(1006, "the SSE stream ended");
        } catch (IOException | ExecutionException | RuntimeException e) {
            link.end(1006, "the SSE stream failed: " + WebSocketLink.rootMessage(e)); // nothing once closed
        } catch (InterruptedException e) {
            link.end(1006, "the SSE stream was interrupted");
        }
    }

    @Override
    protected void abortDown() {
        CompletableFuture<HttpResponse<InputStream>> r = request;
        if (r != null) {
            r.cancel(true);
        }
        InputStream in = body;
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // Closing an aborted response body has nothing left to report.
            }
        }
        Thread t = reader;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }
}
