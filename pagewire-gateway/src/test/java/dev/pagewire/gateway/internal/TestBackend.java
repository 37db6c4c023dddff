package dev.pagewire.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A backend for tests: a JDK HTTP server on a free loopback port that records every request it
 * gets and answers each with what its {@link #answer} function says (default {@code 200} and an
 * empty body). Thread-safe.
 */
public final class TestBackend implements AutoCloseable {

    /** One request as the backend got it. */
    public record Request(String method, String target, Map<String, List<String>> headers, byte[] body) {

        public String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return WebhookActions.JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** An answer: status, headers, body. */
    public record Reply(int status, Map<String, String> headers, String body) {

        public static Reply of(int status, String body) {
            return new Reply(status, Map.of(), body);
        }

        public static Reply json(String body) {
            return new Reply(200, Map.of("Content-Type", "application/json"), body);
        }

        public static Reply html(String body, Map<String, String> headers) {
            var h = new java.util.HashMap<>(headers);
            h.put("Content-Type", "text/html; charset=utf-8");
            return new Reply(200, h, body);
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final List<Request> all = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private volatile Function<Request, Reply> answer = r -> Reply.of(200, "");

    public TestBackend() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::serve);
        server.start();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Request request = new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    body);
            counts.merge(request.target(), 1, Integer::sum);
            all.add(request);
            requests.add(request);
            Reply reply;
            try {
                reply = answer.apply(request);
            } catch (RuntimeException | AssertionError e) {
                e.printStackTrace();
                reply = Reply.of(500, "the test backend failed: " + e);
            }
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    /** Answers every later request with what {@code answer} says. */
    public TestBackend answer(Function<Request, Reply> answer) {
        this.answer = answer;
        return this;
    }

    /** {@code http://127.0.0.1:PORT} (loopback). */
    public URI uri() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort());
    }

    public URI uri(String path) {
        return URI.create(uri() + path);
    }

    /** The next request, waiting up to {@code timeout}; fails the test when none came. */
    public Request next(Duration timeout) throws InterruptedException {
        Request r = requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("the backend got no request within " + timeout);
        }
        return r;
    }

    /** The next webhook (a POST) of {@code type}, skipping the others; fails when none came in time. */
    public Request nextWebhook(String type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Request r = requests.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("no " + type + " webhook within " + timeout + "; got " + types());
            }
            if (r.method().equals("POST") && type.equals(r.json().path("type").asText())) {
                return r;
            }
        }
    }

    /** Every request so far, in order. */
    public List<Request> all() {
        return List.copyOf(all);
    }

    private List<String> types() {
        return all.stream()
                .map(r -> r.method() + " " + r.target()
                        + (r.method().equals("POST") ? " " + r.json().path("type") : ""))
                .toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
