package dev.pagewire.client.internal;

import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * What a channel needs of the page's connection (docs/PROTOCOL.md §12.1): its one sequence to
 * number and send data frames in, its lock, and its timers. Implemented by {@link Connection}.
 */
interface Wire extends Calls.Sender {

    /** Runs {@code task} under the connection's lock (reentrant) and returns what it returns. */
    <T> T locked(Supplier<T> task);

    /** Runs {@code task} later under the lock, unless the connection is over by then. */
    Future<?> later(long millis, Runnable task);
}
