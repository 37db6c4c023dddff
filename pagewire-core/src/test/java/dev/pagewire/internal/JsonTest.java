package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import org.junit.jupiter.api.Test;

/** Encoding on virtual threads reuses Jackson's buffers (docs/BENCHMARKS.md, findings). */
class JsonTest {

    @Test
    void theMapperAndTheCodecShareAPoolThatWorksOnVirtualThreads() {
        assertSame(
                JsonRecyclerPools.sharedConcurrentDequePool(),
                Json.mapper().getFactory()._getRecyclerPool());
        assertSame(
                JsonRecyclerPools.sharedConcurrentDequePool(),
                Json.factory().build()._getRecyclerPool());
    }
}
