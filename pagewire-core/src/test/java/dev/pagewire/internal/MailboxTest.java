package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MailboxTest {

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void tasksRunOneAtATimeInSubmissionOrderOnVirtualThreads() throws Exception {
        Mailbox mailbox = new Mailbox(executor, 10_000);
        int n = 2_000;
        List<Integer> ran = new ArrayList<>(); // unsynchronised on purpose: one task at a time
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger platformThreads = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            assertTrue(mailbox.offer(() -> {
                if (running.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                if (!Thread.currentThread().isVirtual()) {
                    platformThreads.incrementAndGet();
                }
                ran.add(index);
                running.decrementAndGet();
                done.countDown();
            }));
        }
        assertTrue(done.await(10, TimeUnit.SECONDS), "all tasks ran");
        assertEquals(0, overlaps.get(), "tasks overlapping");
        assertEquals(0, platformThreads.get(), "tasks on platform threads");
        assertEquals(IntStream.range(0, n).boxed().toList(), ran);
    }

    @Test
    void tasksOfferedFromManyThreadsNeverOverlap() throws Exception {
        Mailbox mailbox = new Mailbox(executor, 100_000);
        int threads = 8;
        int perThread = 500;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads * perThread);
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            producers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    mailbox.offer(() -> {
                        if (running.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        running.decrementAndGet();
                        done.countDown();
                    });
                }
            }));
        }
        for (Thread p : producers) {
            p.join(10_000);
        }
        assertTrue(done.await(10, TimeUnit.SECONDS), "every task ran, none stranded");
        assertEquals(0, overlaps.get());
    }

    @Test
    void offerRefusesTasksBeyondTheLimitAndForceIgnoresIt() throws Exception {
        Mailbox mailbox = new Mailbox(executor, 2);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(5);
        try {
            assertTrue(mailbox.offer(() -> {
                started.countDown();
                await(release);
                record(ran, "running", done);
            }));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            assertEquals(0, mailbox.size(), "a running task no longer counts");

            assertTrue(mailbox.offer(() -> record(ran, "a", done)));
            assertTrue(mailbox.offer(() -> record(ran, "b", done)));
            assertFalse(mailbox.offer(() -> record(ran, "refused", done)));
            assertEquals(2, mailbox.size());

            mailbox.force(() -> record(ran, "forced", done));
            assertEquals(3, mailbox.size());
            assertFalse(mailbox.offer(() -> record(ran, "refused too", done)));
        } finally {
            release.countDown();
        }
        mailbox.force(() -> record(ran, "last", done));
        assertTrue(done.await(10, TimeUnit.SECONDS));
        synchronized (ran) {
            assertEquals(List.of("running", "a", "b", "forced", "last"), ran);
        }
        assertTrue(mailbox.offer(() -> {}), "room again once drained");
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheTasksAfterIt() throws Exception {
        Mailbox mailbox = new Mailbox(executor, 10);
        CountDownLatch after = new CountDownLatch(2);
        mailbox.offer(() -> {
            throw new IllegalStateException("expected by the test");
        });
        mailbox.offer(after::countDown);
        mailbox.force(() -> {
            throw new AssertionError("expected by the test");
        });
        mailbox.offer(after::countDown);
        assertTrue(after.await(10, TimeUnit.SECONDS), "tasks after a failing one still run");
    }

    private static void record(List<String> ran, String what, CountDownLatch done) {
        synchronized (ran) {
            ran.add(what);
        }
        done.countDown();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
