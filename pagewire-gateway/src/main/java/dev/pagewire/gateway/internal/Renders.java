package dev.pagewire.gateway.internal;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;

/**
 * The page side of the navigations the {@link Forwarder} passes to the backend (docs/GATEWAY.md,
 * "What the gateway does with a request"): a navigation gets its page before it is forwarded, and
 * the backend's answer decides whether the page lives on. Called on the client connection's event
 * loop: never blocks. Thread-safe.
 */
public interface Renders {

    /**
     * A navigation is about to be forwarded: makes its page.
     *
     * @param target the request target as received (raw path and query)
     * @param headers the browser's request headers; read only
     * @param remote the client's address (a proxy's, behind one)
     * @return the render; {@code null} when this navigation gets no page (it is forwarded as it is)
     * @throws Refused when this client may not make a page now (its renders are over their limit)
     */
    Render begin(String target, HttpHeaders headers, InetSocketAddress remote);

    /** One navigation's page while the backend renders it. Event loop only; never blocks. */
    interface Render {

        /** Adds what the forwarded request tells the backend: {@code Pagewire-Page-Id}, {@code Pagewire-Api}. */
        void addRequestHeaders(HttpHeaders forwarded);

        /**
         * The backend answered with this head. Takes the {@code Pagewire-*} headers out of
         * {@code headers} (the browser never sees them) and decides.
         *
         * @param injectable whether the answer is HTML the forwarder can inject into (not compressed,
         *     has a body)
         * @return the script element to inject (ASCII), or {@code null} when the answer makes no page:
         *     the page is closed at once
         */
        String answered(int status, HttpHeaders headers, boolean injectable);

        /** No answer came (the backend failed, or the client left first): the page is closed. Idempotent. */
        void abandon();
    }

    /** This navigation may not make a page now: the client gets {@code status} with {@code reason}. */
    final class Refused extends RuntimeException {

        private final int status;
        private final long retryAfterSeconds;

        /** @param retryAfterSeconds for {@code Retry-After}; 0 for none */
        public Refused(int status, String reason, long retryAfterSeconds) {
            super(reason, null, false, false);
            this.status = status;
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public int status() {
            return status;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
