package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of a call. It completes on the client's callback thread, so waiting for it there
 * ({@code get}, {@code join} in a listener or handler) could never end: that fails at once
 * instead, with a message saying to chain ({@code thenAccept}) rather than wait.
 */
final class CallFuture extends CompletableFuture<JsonNode> {

    private final Dispatcher dispatcher;

    CallFuture(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    @Override
    public JsonNode get() throws InterruptedException, ExecutionException {
        checkNotCallbackThread();
        return super.get();
    }

    @Override
    public JsonNode get(long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        checkNotCallbackThread();
        return super.get(timeout, unit);
    }

    @Override
    public JsonNode join() {
        checkNotCallbackThread();
        return super.join();
    }

    private void checkNotCallbackThread() {
        if (!isDone() && dispatcher.isCallbackThread()) {
            throw new IllegalStateException("waiting for a call on the client's callback thread (in a listener"
                    + " or handler) never ends, since the reply is delivered on that thread: chain with"
                    + " thenAccept/whenComplete instead");
        }
    }
}
