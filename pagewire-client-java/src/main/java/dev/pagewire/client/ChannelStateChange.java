package dev.pagewire.client;

/**
 * A change of a {@link ClientChannel}'s {@link ChannelState}, told to its {@link
 * ClientChannel#onState} listeners.
 *
 * @param state the new state; never {@code null}
 * @param code the channel's close code (docs/PROTOCOL.md §12.1: {@code not_found}, {@code refused},
 *     {@code error}, {@code limit}, {@code closed}, {@code page_closed}) when it ended, else empty;
 *     never {@code null}
 * @param reason why, in English; never {@code null}, empty when there is nothing to say
 */
public record ChannelStateChange(ChannelState state, String code, String reason) {}
