package dev.pagewire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagewire.client.Missed;
import dev.pagewire.client.ServerError;
import dev.pagewire.client.Transport;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The listeners of one channel (the page's own, or one to an endpoint), run on the client's {@link
 * CallbackThread}. Everything the application's code sees (events, state changes of type {@code
 * S}, missed data, errors, call handlers, call results) is posted there in the order it happened,
 * so no listener ever runs on an I/O thread and events keep their order. A listener that throws is
 * logged and does not stop the others.
 *
 * <p>Registering is thread-safe; {@link #post} may be called from any thread.
 *
 * @param <S> what a state listener is told: a {@code StateChange} for the page, a {@code
 *     ChannelStateChange} for a channel
 */
public final class Dispatcher<S> {

    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());

    private final CallbackThread thread;
    private final Map<String, List<Consumer<JsonNode>>> events = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<byte[]>>> binaries = new ConcurrentHashMap<>();
    private final List<Consumer<S>> states = new CopyOnWriteArrayList<>();
    private final List<Consumer<Missed>> missed = new CopyOnWriteArrayList<>();
    private final List<Consumer<ServerError>> errors = new CopyOnWriteArrayList<>();
    private final List<Consumer<Transport>> transports = new CopyOnWriteArrayList<>();

    Dispatcher(CallbackThread thread) {
        this.thread = thread;
    }

    /** The thread listeners run on. */
    CallbackThread thread() {
        return thread;
    }

    public void onEvent(String name, Consumer<JsonNode> fn) {
        events.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(Objects.requireNonNull(fn));
    }

    public void onBinary(String name, Consumer<byte[]> fn) {
        binaries.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(Objects.requireNonNull(fn));
    }

    public void onState(Consumer<S> fn) {
        states.add(Objects.requireNonNull(fn));
    }

    public void onMissed(Consumer<Missed> fn) {
        missed.add(Objects.requireNonNull(fn));
    }

    public void onError(Consumer<ServerError> fn) {
        errors.add(Objects.requireNonNull(fn));
    }

    public void onTransport(Consumer<Transport> fn) {
        transports.add(Objects.requireNonNull(fn));
    }

    void event(String name, JsonNode data) {
        post(() -> each(events.get(name), data, name));
    }

    void binary(String name, byte[] bytes) {
        post(() -> each(binaries.get(name), bytes, name));
    }

    void state(S change) {
        post(() -> each(states, change, "state"));
    }

    void transport(Transport now) {
        post(() -> each(transports, now, "transport"));
    }

    void missed(Missed m) {
        post(() -> each(missed, m, "missed"));
    }

    void error(ServerError error) {
        post(() -> {
            if (errors.isEmpty()) {
                LOG.log(
                        Level.WARNING,
                        "pagewire: the server refused an event ({0}): {1}",
                        error.code(),
                        error.message());
            }
            each(errors, error, "error");
        });
    }

    /** Runs {@code task} on the listeners' thread, after everything posted before. */
    void post(Runnable task) {
        thread.post(task);
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
