package dev.pagewire.gateway.internal;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The header rules of forwarding (docs/GATEWAY.md, "What the gateway does with a request"): what a
 * forwarded request and its answer keep, lose and gain. Stateless.
 */
final class ForwardedHeaders {

    /** Headers of one connection, not of the message (RFC 9110 §7.6.1), and HTTP/1.x framing. */
    private static final List<String> HOP_BY_HOP = List.of(
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect");

    private static final String PAGEWIRE_PREFIX = "pagewire-";

    private ForwardedHeaders() {}

    /**
     * Whether the request is a navigation, which gets a page: a {@code GET} the browser makes for a
     * document ({@code Sec-Fetch-Dest: document} or {@code iframe}), or, from a client that sends no
     * {@code Sec-Fetch-Dest}, a {@code GET} that accepts {@code text/html}.
     */
    static boolean isNavigation(HttpRequest request) {
        if (!HttpMethod.GET.equals(request.method()) || isUpgrade(request)) {
            return false;
        }
        String dest = request.headers().get("Sec-Fetch-Dest");
        if (dest != null) {
            String d = dest.trim().toLowerCase(Locale.ROOT);
            return d.equals("document") || d.equals("iframe");
        }
        String accept = request.headers().get(HttpHeaderNames.ACCEPT);
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    }

    /**
     * Whether the request asks to switch protocols ({@code Connection: upgrade} with {@code Upgrade}).
     * An offer of {@code h2c} alone is not taken (RFC 9113 §3.1 retired it, and clients that make it,
     * such as Java's HttpClient, go on in HTTP/1.1 when it is ignored): such a request is forwarded
     * as a plain one, and a navigation among them still gets its page.
     */
    static boolean isUpgrade(HttpRequest request) {
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        return upgrade != null
                && !upgrade.trim().equalsIgnoreCase("h2c")
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, "upgrade", true);
    }

    /** Whether the target carries a page token ({@code ?pagewire=}): such a request never goes to the backend. */
    static boolean carriesToken(String target) {
        int q = target.indexOf('?');
        if (q < 0) {
            return false;
        }
        Map<String, List<String>> params = new QueryStringDecoder(target.substring(q), false).parameters();
        return params.containsKey("pagewire");
    }

    /**
     * The headers the backend gets: the browser's, less hop-by-hop ones and every {@code Pagewire-*}
     * (a browser cannot pretend to be the gateway), plus {@code X-Forwarded-*}. {@code Host} is kept.
     * An upgrade keeps {@code Connection: upgrade} and {@code Upgrade}; a body keeps its framing.
     */
    static HttpHeaders toBackend(HttpRequest request, InetSocketAddress remote, boolean secure) {
        HttpHeaders in = request.headers();
        HttpHeaders out = new DefaultHttpHeaders();
        List<String> named = connectionNamed(in);
        for (Map.Entry<String, String> h : in) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || named.contains(name) || name.startsWith(PAGEWIRE_PREFIX)) {
                continue;
            }
            out.add(h.getKey(), h.getValue());
        }
        if (isUpgrade(request)) {
            out.set(HttpHeaderNames.CONNECTION, "upgrade");
            out.set(HttpHeaderNames.UPGRADE, in.get(HttpHeaderNames.UPGRADE));
        } else {
            out.set(HttpHeaderNames.CONNECTION, "close");
        }
        if (HttpUtil.isTransferEncodingChunked(request)) {
            out.set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
            out.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        if (remote != null) {
            String ip = remote.getAddress().getHostAddress();
            String before = in.get("X-Forwarded-For");
            out.set("X-Forwarded-For", before == null ? ip : before + ", " + ip);
        }
        out.set("X-Forwarded-Proto", secure ? "https" : "http");
        String host = in.get(HttpHeaderNames.HOST);
        if (host != null) {
            out.set("X-Forwarded-Host", host);
        }
        return out;
    }

    /** Takes hop-by-hop and {@code Pagewire-*} headers out of a backend's answer, in place. */
    static void fromBackend(HttpHeaders headers) {
        List<String> named = connectionNamed(headers);
        List<String> remove = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || named.contains(name) || name.startsWith(PAGEWIRE_PREFIX)) {
                remove.add(h.getKey());
            }
        }
        remove.forEach(headers::remove);
    }

    /** Header names a {@code Connection} header lists: hop-by-hop too. */
    private static List<String> connectionNamed(HttpHeaders headers) {
        List<String> named = new ArrayList<>();
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    named.add(t);
                }
            }
        }
        return named;
    }

    /** Whether an answer is HTML. */
    static boolean isHtml(HttpHeaders headers) {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.trim().toLowerCase(Locale.ROOT).startsWith("text/html");
    }

    /** Whether an answer's body is encoded ({@code gzip}, {@code br}…): not to be touched. */
    static boolean isEncoded(HttpHeaders headers) {
        String encoding = headers.get(HttpHeaderNames.CONTENT_ENCODING);
        return encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity");
    }
}
