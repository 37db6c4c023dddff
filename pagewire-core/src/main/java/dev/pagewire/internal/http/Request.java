package dev.pagewire.internal.http;

import dev.pagewire.spi.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An {@link HttpExchange}'s request as the protocol reads it: the decoded path and query, parsed once
 * in one place for every adapter. Immutable.
 *
 * @param exchange the exchange it came from (to answer it)
 * @param method the method in upper case
 * @param path the percent-decoded path, e.g. {@code "/chat"}
 * @param query the decoded query parameters in request order
 */
public record Request(HttpExchange exchange, String method, String path, Map<String, List<String>> query) {

    /**
     * Parses the exchange's target.
     *
     * @throws IllegalArgumentException if the target is not an absolute path with valid
     *     percent-encoding (the caller answers {@code 400})
     */
    public static Request of(HttpExchange exchange) {
        String target = exchange.target();
        if (target == null || !target.startsWith("/")) {
            throw new IllegalArgumentException("the request target must be an absolute path");
        }
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        int hash = rawPath.indexOf('#');
        if (hash >= 0) {
            rawPath = rawPath.substring(0, hash);
        }
        String path = decode(rawPath, false);
        Map<String, List<String>> query = q < 0 ? Map.of() : parseQuery(target.substring(q + 1));
        return new Request(exchange, exchange.method().toUpperCase(Locale.ROOT), path, query);
    }

    /** The first value of a query parameter, or {@code null}. */
    public String param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The first value of a request header, or {@code null}. */
    public String header(String name) {
        return exchange.header(name);
    }

    /** The {@code Origin} header, or {@code null} (not a browser, or a same-origin GET). */
    public String origin() {
        return exchange.header("Origin");
    }

    public boolean isGet() {
        return method.equals("GET") || method.equals("HEAD");
    }

    public boolean isPost() {
        return method.equals("POST");
    }

    /** A GET asking for a WebSocket (RFC 6455 §4.1): {@code Connection: upgrade} and {@code Upgrade: websocket}. */
    public boolean isWebSocketUpgrade() {
        return method.equals("GET") && hasToken("Connection", "upgrade") && hasToken("Upgrade", "websocket");
    }

    private boolean hasToken(String header, String token) {
        String value = exchange.header(header);
        if (value == null) {
            return false;
        }
        for (String part : value.split(",")) {
            if (part.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        int hash = raw.indexOf('#');
        if (hash >= 0) {
            raw = raw.substring(0, hash);
        }
        for (String pair : raw.split("[&;]")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        params.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableMap(params);
    }

    /** Percent-decoding as UTF-8; in a query {@code +} is a space. */
    private static String decode(String s, boolean query) {
        if (s.indexOf('%') < 0 && (!query || s.indexOf('+') < 0)) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("unfinished percent-encoding");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("invalid percent-encoding");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+' && query) {
                out.write(' ');
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    bytes = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.writeBytes(bytes);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
