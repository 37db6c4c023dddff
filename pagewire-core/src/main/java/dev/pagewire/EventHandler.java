package dev.pagewire;

/** Handles one event raised by a page. Runs on the page's virtual thread and may block. */
@FunctionalInterface
public interface EventHandler {

    /**
     * Handles one event.
     *
     * @param event the event's name and its JSON or binary data; never {@code null}
     * @throws EventException to send the browser an error event with its code and message
     * @throws Exception for anything else: logged; the browser gets a generic {@code handler_error}
     */
    void handle(Event event) throws Exception;
}
