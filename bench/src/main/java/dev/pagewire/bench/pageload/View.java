package dev.pagewire.bench.pageload;

import com.microsoft.playwright.Page;
import java.util.Map;

/**
 * One page view, as the page itself saw it up to the moment its channel connected.
 *
 * <p>A bench page records, when its channel is connected, {@code window.connected = {at,
 * transport, resources}}: {@code performance.now()} (milliseconds since the navigation started),
 * the channel's transport ({@code websocket}, {@code polling}, …) and how many Resource Timing
 * entries there were then, i.e. how many requests had finished before the channel was connected.
 * The view's requests and bytes are the navigation's and those entries' (later requests, such as
 * Socket.IO's upgrade, are not the page's way to connected).
 *
 * @param connectedMs navigation start to channel connected, in milliseconds
 * @param requests requests that reached the server before connected: HTTP requests that were not
 *     answered from the browser's cache (a revalidation answered {@code 304} counts), plus the
 *     WebSocket handshake when the channel connected over one
 * @param cached requests the browser answered from its cache without asking the server
 * @param bytes bytes received for those HTTP requests, headers and (encoded) bodies, as Resource
 *     Timing's {@code transferSize} has them; WebSocket frames are not counted
 * @param waterfall one line per request: start and end in milliseconds since the navigation
 *     started, bytes received, path; for the log
 */
record View(double connectedMs, int requests, int cached, long bytes, String waterfall) {

    /** Waits for the page's {@code window.connected}, then reads the view from the page. */
    static View read(Page page, double timeoutMs) {
        page.waitForFunction(
                "() => window.connected !== undefined", null, new Page.WaitForFunctionOptions().setTimeout(timeoutMs));
        @SuppressWarnings("unchecked")
        Map<String, Object> v = (Map<String, Object>) page.evaluate(SUMMARY);
        return new View(
                ((Number) v.get("at")).doubleValue(),
                ((Number) v.get("requests")).intValue(),
                ((Number) v.get("cached")).intValue(),
                ((Number) v.get("bytes")).longValue(),
                (String) v.get("waterfall"));
    }

    private static final String SUMMARY = """
        () => {
          const c = window.connected;
          const all = [performance.getEntriesByType('navigation')[0],
                       ...performance.getEntriesByType('resource').slice(0, c.resources)];
          const fetched = all.filter((e) => e.transferSize > 0);
          const ms = (t) => t.toFixed(1);
          return {
            at: c.at,
            requests: fetched.length + (c.transport === 'websocket' ? 1 : 0),
            cached: all.length - fetched.length,
            bytes: fetched.reduce((sum, e) => sum + e.transferSize, 0),
            waterfall: all.map((e) => `${ms(e.startTime)}–${ms(e.responseEnd)} ms ${e.transferSize} B `
                + new URL(e.name).pathname).join('\\n')
              + `\\n${ms(c.at)} ms connected over ${c.transport}`,
          };
        }
        """;
}
