package dev.pagewire.gateway.internal;

import dev.pagewire.Page;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One navigation's page while the backend renders it (docs/GATEWAY.md, "What the gateway does with a
 * request"): tells the backend the page's id, then reads the rendering answer's {@code Pagewire-*}
 * headers and decides whether the page lives on. Event loop only; never blocks.
 */
final class PageRender implements Renders.Render {

    private static final Logger log = LoggerFactory.getLogger(PageRender.class);

    static final String PAGE_ID = "Pagewire-Page-Id";
    static final String API = "Pagewire-Api";
    static final String CONTEXT = "Pagewire-Context";
    static final String JOIN = "Pagewire-Join";
    static final String WEBHOOK = "Pagewire-Webhook";
    static final String PAGE = "Pagewire-Page";

    /** Longest topic name in {@code Pagewire-Join}, in characters (the protocol's name limit). */
    private static final int MAX_TOPIC = 128;

    private final GatewayPages pages;
    private final GatewayPage gp;
    private final URI defaultWebhook;
    private final AtomicBoolean decided = new AtomicBoolean();

    /** @param defaultWebhook where the page's webhooks go unless the answer names another place */
    PageRender(GatewayPages pages, GatewayPage gp, URI defaultWebhook) {
        this.pages = pages;
        this.gp = gp;
        this.defaultWebhook = defaultWebhook;
    }

    @Override
    public void addRequestHeaders(HttpHeaders forwarded) {
        forwarded.set(PAGE_ID, gp.id());
        URI api = pages.apiUrl();
        if (api != null) {
            forwarded.set(API, api.toString());
        }
    }

    @Override
    public String answered(int status, HttpHeaders headers, boolean injectable) {
        String context = headers.get(CONTEXT);
        List<String> joins = headers.getAll(JOIN);
        String webhook = headers.get(WEBHOOK);
        String mode = headers.get(PAGE);
        for (String name : List.of(CONTEXT, JOIN, WEBHOOK, PAGE)) {
            headers.remove(name);
        }
        if (!decided.compareAndSet(false, true)) {
            return null;
        }
        Page page = gp.page();
        if (!injectable || !isHtml(headers.get(HttpHeaderNames.CONTENT_TYPE)) || "off".equalsIgnoreCase(strip(mode))) {
            pages.notAPage(gp);
            return null;
        }
        URI url = webhook == null ? defaultWebhook : webhookUrl(webhook.strip());
        if (url == null) {
            log.warn(
                    "the render of {} named {} {}, not a path or a URL on the backend's origin {}: "
                            + "the answer is sent without a page",
                    gp.path(),
                    WEBHOOK,
                    webhook,
                    pages.backend());
            pages.notAPage(gp);
            return null;
        }
        gp.webhook(url);
        if (context != null) {
            String text = utf8(context);
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > pages.maxContextBytes()) {
                log.warn(
                        "the render of {} set {} of {} bytes, over the limit of {}: it is ignored",
                        gp.path(),
                        CONTEXT,
                        bytes,
                        pages.maxContextBytes());
            } else {
                gp.context(text);
            }
        }
        pages.live(gp);
        for (String list : joins) {
            for (String topic : list.split(",")) {
                String t = topic.strip();
                if (!t.isEmpty() && t.length() <= MAX_TOPIC) {
                    page.join(t);
                } else if (!t.isEmpty()) {
                    log.warn(
                            "the render of {} named a topic over {} characters in {}: not joined",
                            gp.path(),
                            MAX_TOPIC,
                            JOIN);
                }
            }
        }
        return pages.clientScript(page);
    }

    @Override
    public void abandon() {
        if (decided.compareAndSet(false, true)) {
            pages.notAPage(gp);
        } else {
            gp.page().close();
        }
    }

    /** A {@code Pagewire-Webhook} value as a URL: a path on the backend, or an absolute URL on its origin; else {@code null}. */
    private URI webhookUrl(String value) {
        try {
            if (value.startsWith("/") && !value.startsWith("//")) {
                return Backend.origin(pages.backend()).resolve(new URI(value));
            }
            URI url = new URI(value);
            return url.isAbsolute() && Backend.sameOrigin(pages.backend(), url) ? url : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static boolean isHtml(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.strip().toLowerCase(Locale.ROOT).equals("text/html");
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }

    /**
     * A header value as the backend meant it: HTTP carries bytes, which arrive here one character per
     * byte; a context in UTF-8 is decoded as such, anything else is kept as it came.
     */
    private static String utf8(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0xff) {
                return value;
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (CharacterCodingException e) {
            return value;
        }
    }
}
