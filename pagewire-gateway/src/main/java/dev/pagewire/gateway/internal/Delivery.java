package dev.pagewire.gateway.internal;

/** How one webhook ended after its retries ({@link Webhooks#post}). */
sealed interface Delivery {

    /**
     * The backend answered with a final status: {@code 2xx}, or one that is not retried (most {@code 4xx}).
     *
     * @param body the response body, at most {@link Webhooks#MAX_RESPONSE_BYTES}; empty when none
     */
    record Answered(int status, byte[] body) implements Delivery {

        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * Every attempt failed: a network error, a timeout, a retryable status or an answer over the size limit.
     *
     * @param reason what the last attempt met, for the log (no payload)
     */
    record Failed(String reason) implements Delivery {}
}
