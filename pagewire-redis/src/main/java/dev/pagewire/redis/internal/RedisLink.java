package dev.pagewire.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * This node's two connections to Redis, both binary ({@link ByteArrayCodec}): one that subscribes
 * (node messages, topic events, notices) and one for every command. Lettuce reconnects both by
 * itself and subscribes again; what a connection had in flight when it broke is failed, never sent
 * again (commands are rejected while disconnected), so a message is delivered at most once. The
 * commands waiting for Redis are bounded by {@link RedisOptions#requestQueueSize()}, so that an
 * outage cannot fill the memory.
 *
 * <p>Threads: thread-safe. {@link #await} blocks its caller up to the command timeout; everything
 * else returns at once. The {@link Events} are called on Lettuce's I/O threads and must not block.
 */
final class RedisLink implements AutoCloseable {

    /** What this link reports about its subscribing connection. Must not block. */
    interface Events {
        /** The subscribing connection broke: messages and events may be lost from now on. */
        void subscriberDown();

        /** The subscribing connection is up again (Lettuce subscribes again by itself). */
        void subscriberUp();
    }

    /** Redis could not be asked: not connected, too slow, or the command was refused. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final byte[][] NO_KEYS = new byte[0][];

    /** Room in Lettuce's own queue for what {@link #bounded} does not count (subscriptions). */
    private static final int HEADROOM = 64;

    private final RedisOptions options;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> commands;
    private final StatefulRedisPubSubConnection<byte[], byte[]> subscriber;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Unavailable full;

    private RedisLink(
            RedisOptions options,
            ClientResources resources,
            RedisClient client,
            StatefulRedisConnection<byte[], byte[]> commands,
            StatefulRedisPubSubConnection<byte[], byte[]> subscriber) {
        this.options = options;
        this.resources = resources;
        this.client = client;
        this.commands = commands;
        this.subscriber = subscriber;
        this.full = new Unavailable(
                options.requestQueueSize() + " commands wait for Redis already (requestQueueSize)", null);
    }

    /**
     * Connects both connections, the subscriber with {@code listener} already added (so that nothing
     * it receives is missed), and starts reporting to {@code events}. Blocks up to the connect
     * timeout.
     *
     * @throws IllegalStateException if Redis cannot be reached, naming {@link RedisOptions#uri()}
     */
    static RedisLink open(RedisOptions options, RedisPubSubListener<byte[], byte[]> listener, Events events) {
        RedisURI uri;
        try {
            uri = RedisURI.create(options.uri());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a Redis URI: " + options.where(), e);
        }
        uri.setTimeout(options.connectTimeout()); // how long connect() waits for the handshake
        ClientResources resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2) // Lettuce's minimum; it logs when given less
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(10), options.reconnectDelay(), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // Fails what is in flight when a connection breaks instead of sending it again:
                // at most once, and nothing piles up while Redis is away.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(options.requestQueueSize() + HEADROOM)
                // No timeout per command: a command waits until Redis answers or the connection
                // breaks, so that bounded() counts exactly what waits; callers that wait time out
                // in await().
                .timeoutOptions(TimeoutOptions.create())
                .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(options.connectTimeout())
                        .keepAlive(true)
                        .build())
                .build());
        StatefulRedisConnection<byte[], byte[]> commands = null;
        StatefulRedisPubSubConnection<byte[], byte[]> subscriber = null;
        try {
            commands = client.connect(ByteArrayCodec.INSTANCE);
            subscriber = client.connectPubSub(ByteArrayCodec.INSTANCE);
            subscriber.addListener(listener);
        } catch (RuntimeException e) {
            closeQuietly(client, resources);
            throw new IllegalStateException(
                    "cannot reach Redis at " + options.where() + " within "
                            + options.connectTimeout().toMillis() + " ms: " + e.getMessage(),
                    e);
        }
        StatefulRedisPubSubConnection<byte[], byte[]> watched = subscriber;
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (connection == watched) {
                    events.subscriberUp();
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection == watched) {
                    events.subscriberDown();
                }
            }
        });
        return new RedisLink(options, resources, client, commands, subscriber);
    }

    /** PUBLISHes {@code message} on {@code channel}; never blocks. */
    /** Threads for handling answers off Lettuce's I/O threads (its computation threads). */
    Executor callbacks() {
        return resources.eventExecutorGroup();
    }

    CompletionStage<Long> publish(byte[] channel, byte[] message) {
        return bounded(() -> commands.async().publish(channel, message));
    }

    /** GETs {@code key} ({@code null} if absent); never blocks. */
    CompletionStage<byte[]> get(byte[] key) {
        return bounded(() -> commands.async().get(key));
    }

    /** SMEMBERS of {@code key}; never blocks. */
    CompletionStage<Set<byte[]>> members(byte[] key) {
        return bounded(() -> commands.async().smembers(key));
    }

    /** Subscribes to {@code channels}; completes once Redis confirmed it. */
    CompletionStage<Void> subscribe(byte[]... channels) {
        return subscriber.async().subscribe(channels);
    }

    /** Unsubscribes from {@code channels}. */
    CompletionStage<Void> unsubscribe(byte[]... channels) {
        return subscriber.async().unsubscribe(channels);
    }

    /** Runs {@code script} with the prefix and {@code args}; never blocks. */
    <T> CompletionStage<T> run(Script script, ScriptOutputType type, byte[] prefix, byte[]... args) {
        byte[][] values = new byte[args.length + 1][];
        values[0] = prefix;
        System.arraycopy(args, 0, values, 1, args.length);
        return bounded(() -> commands.async().<T>evalsha(script.sha(), type, NO_KEYS, values));
    }

    /**
     * Issues a command on the command connection unless {@link RedisOptions#requestQueueSize()}
     * commands wait for Redis already; then fails at once. Commands are counted until Redis answers
     * them or the connection breaks (commands have no timeout of their own: a timed-out command would
     * still wait in Lettuce's queue), so this bounds what waits, and Lettuce's own bound, a little
     * higher, is never reached (past it, Lettuce would log a warning for every command).
     */
    private <T> CompletionStage<T> bounded(Supplier<RedisFuture<T>> command) {
        if (waiting.incrementAndGet() > options.requestQueueSize()) {
            waiting.decrementAndGet();
            return CompletableFuture.failedFuture(full);
        }
        try {
            RedisFuture<T> future = command.get();
            future.whenComplete((result, failure) -> waiting.decrementAndGet());
            return future;
        } catch (RuntimeException e) {
            waiting.decrementAndGet();
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Runs {@code script} and waits for its result, loading it first if Redis does not know it (it
     * restarted): for this node's own control steps, which run one at a time.
     */
    <T> T call(Script script, ScriptOutputType type, byte[] prefix, byte[]... args) {
        try {
            return await(run(script, type, prefix, args), script.name());
        } catch (Unavailable e) {
            if (!(e.getCause() instanceof RedisNoScriptException)) {
                throw e;
            }
        }
        await(scriptLoad(script), "SCRIPT LOAD " + script.name());
        return await(run(script, type, prefix, args), script.name());
    }

    private CompletionStage<String> scriptLoad(Script script) {
        return bounded(() -> commands.async().scriptLoad(script.source()));
    }

    /** Loads every script, so that what follows finds them (after Redis lost them). */
    void loadScripts() {
        for (Script script : Script.values()) {
            String sha = await(scriptLoad(script), "SCRIPT LOAD " + script.name());
            if (!script.sha().equals(sha)) {
                throw new IllegalStateException(
                        "Redis knows script " + script + " as " + sha + ", not " + script.sha());
            }
        }
    }

    /** Waits up to the command timeout for {@code result}. */
    <T> T await(CompletionStage<T> result, String what) {
        return await(result, what, 1);
    }

    /** Waits up to {@code commands} times the command timeout for {@code result}, made of as many rounds. */
    <T> T await(CompletionStage<T> result, String what, int commands) {
        long timeout = options.commandTimeout().toMillis() * commands;
        try {
            return result.toCompletableFuture().get(timeout, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new Unavailable(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new Unavailable(what + " got no answer within " + timeout + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for " + what, e);
        }
    }

    /** Closes both connections and Lettuce's threads; waits briefly. */
    @Override
    public void close() {
        closeQuietly(client, resources);
    }

    private static void closeQuietly(RedisClient client, ClientResources resources) {
        // Closes the connections too.
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
