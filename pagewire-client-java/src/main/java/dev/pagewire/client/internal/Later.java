package dev.pagewire.client.internal;

import java.util.concurrent.Future;

/** Runs a task later, under the owning channel's lock, unless the channel is over by then. */
@FunctionalInterface
interface Later {
    Future<?> run(long millis, Runnable task);
}
