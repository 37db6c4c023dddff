package dev.pagewire;

/**
 * Renders a page and sets up its {@link Page}: registers event handlers, joins topics, keeps the page
 * for later pushes. Called once per page view, on a virtual thread, so it may block.
 */
@FunctionalInterface
public interface PageHandler {

    /**
     * @return the page's HTML; the framework injects the client script into it
     * @throws Exception to answer {@code 500}; the exception is logged, never shown to the browser
     */
    String render(PageRequest request, Page page) throws Exception;
}
