package dev.pagewire;

/**
 * Answers one call from the browser ({@code await pagewire.page.call(name, args)}). Runs on the
 * page's virtual thread, one at a time and in order with the page's events, and may block.
 */
@FunctionalInterface
public interface CallHandler {

    /**
     * Answers one call.
     *
     * @param args the call's name and its JSON arguments ({@link Event#data()}, JSON {@code null}
     *     when absent); never {@code null}
     * @return the reply: anything Jackson converts to JSON (records, maps, lists, strings, numbers,
     *     {@code JsonNode}), or {@code null}
     * @throws EventException to answer the caller with its code and message
     * @throws Exception for anything else: logged; the caller gets a generic {@code handler_error}
     */
    Object handle(Event args) throws Exception;
}
