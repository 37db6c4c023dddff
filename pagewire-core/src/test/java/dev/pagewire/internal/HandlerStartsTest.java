package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HandlerStartsTest {

    /** Runs {@code body} on a fresh platform thread (batching is per thread) and waits for it. */
    private static void onIoThread(ThrowingRunnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join(TimeUnit.SECONDS.toMillis(10));
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void withoutBatchingAThreadStartsAtOnce() throws Exception {
        onIoThread(() -> {
            var ran = new CountDownLatch(1);
            new VirtualThreads("t").execute(ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS));
        });
    }

    @Test
    void aBatchingThreadStartsItsHandlersAtTheEndOfItsPassAllOfThem() throws Exception {
        onIoThread(() -> {
            Queue<Runnable> endOfPass = new ArrayDeque<>();
            HandlerStarts.batchOnThisThread(endOfPass::add);
            var executor = new VirtualThreads("t");
            List<Integer> ran = new CopyOnWriteArrayList<>();
            var all = new CountDownLatch(5);
            for (int i = 0; i < 5; i++) {
                int n = i;
                executor.execute(() -> {
                    ran.add(n);
                    all.countDown();
                });
            }
            assertEquals(1, endOfPass.size(), "one task for the pass, not one per start");
            assertEquals(List.of(), ran, "nothing starts before the pass ends");
            endOfPass.poll().run();
            assertTrue(all.await(10, TimeUnit.SECONDS), "all five started: " + ran);

            // The next pass collects anew.
            var again = new CountDownLatch(1);
            executor.execute(again::countDown);
            assertEquals(1, endOfPass.size());
            endOfPass.poll().run();
            assertTrue(again.await(10, TimeUnit.SECONDS));
        });
    }

    @Test
    void aMailboxKeepsItsOrderAcrossBatchedStarts() throws Exception {
        onIoThread(() -> {
            Queue<Runnable> endOfPass = new ArrayDeque<>();
            HandlerStarts.batchOnThisThread(endOfPass::add);
            var mailbox = new Mailbox(new VirtualThreads("t"), 100);
            List<Integer> ran = new CopyOnWriteArrayList<>();
            var all = new CountDownLatch(20);
            for (int pass = 0; pass < 4; pass++) {
                for (int i = 0; i < 5; i++) {
                    int n = pass * 5 + i;
                    mailbox.offer(() -> {
                        ran.add(n);
                        all.countDown();
                    });
                }
                Runnable r;
                while ((r = endOfPass.poll()) != null) {
                    r.run();
                }
            }
            assertTrue(all.await(10, TimeUnit.SECONDS), ran.toString());
            for (int i = 0; i < 20; i++) {
                assertEquals(i, ran.get(i), ran.toString());
            }
        });
    }

    @Test
    void aLoopThatRefusesTasksGetsItsHandlersStartedAtOnce() throws Exception {
        onIoThread(() -> {
            Executor shuttingDown = task -> {
                throw new RejectedExecutionException("shutting down");
            };
            HandlerStarts.batchOnThisThread(shuttingDown);
            var ran = new CountDownLatch(1);
            new VirtualThreads("t").execute(ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS));
        });
    }
}
