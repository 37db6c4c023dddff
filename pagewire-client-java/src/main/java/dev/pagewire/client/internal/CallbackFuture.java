package dev.pagewire.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A future the client completes on its callback thread: a call's, or a channel's {@code opened()}.
 * Waiting for it there ({@code get}, {@code join} in a listener or handler) could never end: that
 * fails at once instead, with a message saying to chain ({@code thenAccept}) rather than wait.
 */
final class CallbackFuture<T> extends CompletableFuture<T> {

    private final CallbackThread thread;

    CallbackFuture(CallbackThread thread) {
        this.thread = thread;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        checkNotCallbackThread();
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        checkNotCallbackThread();
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        checkNotCallbackThread();
        return super.join();
    }

    private void checkNotCallbackThread() {
        if (!isDone() && thread.isCurrent()) {
            throw new IllegalStateException(
                    "waiting for a call or a channel on the client's callback thread (in a listener"
                            + " or handler) never ends, since the reply is delivered on that thread: chain with"
                            + " thenAccept/whenComplete instead");
        }
    }
}
