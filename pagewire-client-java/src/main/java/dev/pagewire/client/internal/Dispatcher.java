package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.Missed;
import dev.pagewire.client.ServerError;
import dev.pagewire.client.StateChange;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The listeners of one client and the one thread they run on. Everything the application's code
 * sees (events, state changes, missed data, errors, call handlers, call results) is posted here in
 * the order it happened, so no listener ever runs on an I/O thread and events keep their order. A
 * listener that throws is logged and does not stop the others.
 *
 * <p>Registering is thread-safe; {@link #post} may be called from any thread.
 */
public final class Dispatcher {

    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());

    private final ExecutorService thread;
    private final Map<String, List<Consumer<JsonNode>>> events = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<byte[]>>> binaries = new ConcurrentHashMap<>();
    private final List<Consumer<StateChange>> states = new CopyOnWriteArrayList<>();
    private final List<Consumer<Missed>> missed = new CopyOnWriteArrayList<>();
    private final List<Consumer<ServerError>> errors = new CopyOnWriteArrayList<>();

    private volatile Thread callbackThread;

    Dispatcher(String name) {
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = Thread.ofVirtual().name(name).unstarted(r);
            callbackThread = t;
            return t;
        });
    }

    /** Whether the current thread is the one listeners run on. */
    boolean isCallbackThread() {
        return Thread.currentThread() == callbackThread;
    }

    public void onEvent(String name, Consumer<JsonNode> fn) {
        events.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(Objects.requireNonNull(fn));
    }

    public void onBinary(String name, Consumer<byte[]> fn) {
        binaries.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(Objects.requireNonNull(fn));
    }

    public void onState(Consumer<StateChange> fn) {
        states.add(Objects.requireNonNull(fn));
    }

    public void onMissed(Consumer<Missed> fn) {
        missed.add(Objects.requireNonNull(fn));
    }

    public void onError(Consumer<ServerError> fn) {
        errors.add(Objects.requireNonNull(fn));
    }

    void event(String name, JsonNode data) {
        post(() -> each(events.get(name), data, name));
    }

    void binary(String name, byte[] bytes) {
        post(() -> each(binaries.get(name), bytes, name));
    }

    void state(StateChange change) {
        post(() -> each(states, change, "state"));
    }

    void missed(Missed m) {
        post(() -> each(missed, m, "missed"));
    }

    void error(ServerError error) {
        post(() -> {
            if (errors.isEmpty()) {
                LOG.log(Level.WARNING, "pagewire: the server refused an event ({0}): {1}",
                        error.code(), error.message());
            }
            each(errors, error, "error");
        });
    }

    /** Runs {@code task} on the listeners' thread, after everything posted before. */
    void post(Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.ERROR, "pagewire: a client callback failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // Shut down: the channel is over and nobody waits for this any more.
        }
    }

    /** Runs what is posted already, then lets the thread end. */
    void shutdown() {
        thread.shutdown();
    }

    private static <T> void each(List<Consumer<T>> listeners, T value, String what) {
        if (listeners == null) {
            return;
        }
        for (Consumer<T> fn : listeners) {
            try {
                fn.accept(value);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "pagewire: a listener for \"" + what + "\" threw", e);
            }
        }
    }
}
