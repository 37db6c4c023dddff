package dev.pagewire;

/**
 * Renders a page and sets up its {@link Page}: registers event handlers, joins topics, keeps the page
 * for later pushes. Called once per page view, on a virtual thread, so it may block.
 */
@FunctionalInterface
public interface PageHandler {

    /**
     * Renders one page view and sets up its page.
     *
     * @param request the HTTP request that asked for the page (path, query, headers)
     * @param page the new page, not yet connected: handlers and topics set up here are in place
     *     before its first event arrives
     * @return the page's HTML; the framework injects the client script into it
     * @throws Exception to answer {@code 500}; the exception is logged, never shown to the browser
     */
    String render(PageRequest request, Page page) throws Exception;
}
