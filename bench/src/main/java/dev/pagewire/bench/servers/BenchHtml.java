package dev.pagewire.bench.servers;

/** The page every bench server renders at {@code /echo} (the Socket.IO server serves the same text). */
public final class BenchHtml {

    /** A small, static HTML document. */
    public static final String PAGE =
            "<!doctype html><html><head><title>echo</title></head><body><p>echo</p></body></html>";

    private BenchHtml() {}
}
