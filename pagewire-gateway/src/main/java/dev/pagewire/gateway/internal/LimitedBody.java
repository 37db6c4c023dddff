package dev.pagewire.gateway.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read whole up to a limit: a body past it fails with {@link TooLarge} and the rest
 * is not read (the subscription is cancelled), so a backend that answers without end cannot grow
 * the gateway's memory. One per response; called by the HTTP client's threads in order.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** The body was longer than the limit. */
    static final class TooLarge extends IOException {
        TooLarge(int limit) {
            super("the answer is over " + limit + " bytes");
        }
    }

    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    LimitedBody(int limit) {
        this.limit = limit;
    }

    /** Bodies of at most {@code limit} bytes. */
    static HttpResponse.BodyHandler<byte[]> handler(int limit) {
        return info -> {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > limit) {
                return HttpResponse.BodySubscribers.replacing(null);
            }
            return new LimitedBody(limit);
        };
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : buffers) {
            if (bytes.size() + b.remaining() > limit) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge(limit));
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            bytes.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(bytes.toByteArray());
    }
}
