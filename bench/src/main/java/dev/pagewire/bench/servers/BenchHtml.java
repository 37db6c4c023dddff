package dev.pagewire.bench.servers;

/**
 * The pages of the bench servers: {@code /echo} (the Socket.IO server serves the same text), and
 * Pagewire's {@code /pageload} (the Socket.IO server's {@code /pageload} is its equivalent).
 */
public final class BenchHtml {

    /** A small, static HTML document. */
    public static final String PAGE =
            "<!doctype html><html><head><title>echo</title></head><body><p>echo</p></body></html>";

    /**
     * The page-load scenario's page: minimal HTML whose module script records, when the channel
     * is connected, {@code window.connected = {at, transport, resources}} (the milliseconds since
     * navigation start, the transport, and how many requests had finished by then), which the
     * scenario reads. Pagewire adds its client's script element when it renders the page; the
     * Socket.IO server's {@code /pageload} is the same page with Socket.IO's client instead.
     */
    public static final String PAGELOAD = """
        <!doctype html><html><head><title>pageload</title></head><body><p>pageload</p><script type="module">
        const done = () => { window.connected ??= { at: performance.now(), transport: pagewire.transport,
          resources: performance.getEntriesByType('resource').length }; };
        if (pagewire.state === 'connected') done(); else pagewire.on('state', ({ state }) => state === 'connected' && done());
        </script></body></html>
        """;

    private BenchHtml() {}
}
