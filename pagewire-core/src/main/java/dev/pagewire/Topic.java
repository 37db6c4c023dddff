package dev.pagewire;

/**
 * A named group of pages for broadcast (chat rooms, tickers). Pages join with {@link Page#join}
 * and leave with {@link Page#leave} or when they close. Thread-safe.
 */
public interface Topic {

    /** The topic's name. */
    String name();

    /** Sends an event to every member page. The data is encoded once for all members. */
    void emit(String event, Object data);

    /** Sends an event to every member page except {@code except} (typically the sender: a page or one of its endpoint channels). */
    void emitExcept(Channel except, String event, Object data);

    /** The number of member pages now. */
    int size();
}
