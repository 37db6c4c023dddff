package dev.pagewire.internal;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The shared Jackson mapper for application data (thread-safe once configured). */
public final class Json {

    /**
     * Jackson's default pool keeps buffers per thread, which never pays off on virtual threads (a
     * fresh thread per task): every emit from a handler allocated and zeroed ~15 KB of buffers
     * (docs/BENCHMARKS.md, findings). A shared concurrent pool reuses them on any thread.
     */
    private static final RecyclerPool<BufferRecycler> POOL = JsonRecyclerPools.sharedConcurrentDequePool();

    private static final ObjectMapper MAPPER =
            JsonMapper.builder(factory().build()).findAndAddModules().build();

    private Json() {}

    /** A factory builder whose parsers and generators take their buffers from the shared pool. */
    public static JsonFactoryBuilder factory() {
        JsonFactoryBuilder builder = new JsonFactoryBuilder();
        builder.recyclerPool(POOL);
        return builder;
    }

    /** The mapper used to convert event data to and from application types. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
