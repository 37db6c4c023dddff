package dev.pagewire.client;

/**
 * The server lost frames {@code from}…{@code to} of this page for good (its replay buffer
 * overflowed while the client was away, docs/PROTOCOL.md §10.4). The client carries on after them;
 * the application should refresh the state those frames would have changed.
 *
 * @param from the first lost frame's number
 * @param to the last lost frame's number
 * @param reason why, in English; never {@code null}
 */
public record Missed(long from, long to, String reason) {}
