package dev.pagewire.client;

/**
 * A change of a client's {@link ConnectionState}, told to {@link PagewireClient#onState} listeners.
 *
 * @param state the new state; never {@code null}
 * @param code the close code (docs/PROTOCOL.md §5) that caused it, or 0 when none did (connected)
 * @param reason the close reason; never {@code null}, empty when there is none
 * @param transport the transport of the connection, when {@code state} is {@link
 *     ConnectionState#CONNECTED}; otherwise {@code null}
 */
public record StateChange(ConnectionState state, int code, String reason, Transport transport) {}
