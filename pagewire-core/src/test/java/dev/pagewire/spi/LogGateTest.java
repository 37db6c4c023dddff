package dev.pagewire.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LogGateTest {

    @Test
    void opensForTheFirstLineThenNotWithinTheInterval() {
        LogGate gate = new LogGate(Duration.ofHours(1));
        assertTrue(gate.open());
        assertFalse(gate.open());
        assertFalse(gate.open());
    }

    @Test
    void opensOnceAmongManyThreadsAndAgainAfterTheInterval() {
        LogGate gate = new LogGate(Duration.ofHours(1));
        AtomicInteger opened = new AtomicInteger();
        IntStream.range(0, 10_000).parallel().forEach(i -> {
            if (gate.open()) {
                opened.incrementAndGet();
            }
        });
        assertEquals(1, opened.get());

        LogGate always = new LogGate(Duration.ZERO);
        assertTrue(always.open());
        assertTrue(always.open(), "an interval of zero lets every line through");
    }
}
