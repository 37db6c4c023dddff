package dev.pagewire.gateway.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Puts the client's script into an HTML body as it streams through, where the protocol puts it in
 * the pages it renders itself: right after the opening {@code <head>} tag; failing that after
 * {@code <html>} or the doctype; failing that first. The body is held back only until that place is
 * known: until the {@code <head>} tag has been seen, or {@code maxScan} bytes or the end of the body
 * came without one; from then on every part passes at once. Works on bytes, so any charset in
 * which these tags are ASCII (UTF-8, the ISO-8859 family, Windows code pages) keeps its bytes
 * exactly. Not thread-safe (one response, on its event loop).
 */
final class HtmlInjection {

    private static final byte[] HEAD = ascii("<head");
    private static final byte[] HTML = ascii("<html");
    private static final byte[] DOCTYPE = ascii("<!doctype");

    private final byte[] script;
    private final int maxScan;
    private CompositeByteBuf held;
    private boolean placed;

    /** @param script the script element, ASCII */
    HtmlInjection(String script, int maxScan) {
        this.script = ascii(script);
        this.maxScan = maxScan;
    }

    /** How many bytes the script adds to the body. */
    int addedBytes() {
        return script.length;
    }

    /**
     * A part of the body (this takes it over): what may be written now, or {@code null} while the
     * place is still unknown.
     */
    ByteBuf feed(ByteBuf part, ByteBufAllocator alloc) {
        if (placed) {
            return part;
        }
        if (held == null) {
            held = alloc.compositeBuffer(Integer.MAX_VALUE);
        }
        held.addComponent(true, part);
        int at = afterTag(held, HEAD);
        if (at >= 0) {
            return place(at, alloc);
        }
        if (held.readableBytes() >= maxScan) {
            return place(fallback(held), alloc);
        }
        return null;
    }

    /** The body ended: what is still held, with the script in it (an empty body gets the script alone). */
    ByteBuf finish(ByteBufAllocator alloc) {
        if (placed) {
            return null;
        }
        if (held == null) {
            held = alloc.compositeBuffer();
        }
        int at = afterTag(held, HEAD);
        return place(at >= 0 ? at : fallback(held), alloc);
    }

    /** Frees what is held (the response was given up). */
    void release() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    private ByteBuf place(int at, ByteBufAllocator alloc) {
        placed = true;
        CompositeByteBuf out = alloc.compositeBuffer(3);
        CompositeByteBuf h = held;
        held = null;
        int start = h.readerIndex();
        out.addComponent(true, h.retainedSlice(start, at));
        out.addComponent(true, alloc.buffer(script.length).writeBytes(script));
        out.addComponent(true, h.retainedSlice(start + at, h.readableBytes() - at));
        h.release();
        return out;
    }

    /** After {@code <html>}, else after the doctype, else the very start. */
    private static int fallback(ByteBuf held) {
        int at = afterTag(held, HTML);
        if (at < 0) {
            at = afterTag(held, DOCTYPE);
        }
        return Math.max(at, 0);
    }

    /**
     * The offset (from the reader index) just past the {@code >} of the first tag named {@code open}
     * (ASCII, any case; {@code <header} is not {@code <head}), or -1 if the held bytes have none yet.
     */
    static int afterTag(ByteBuf buf, byte[] open) {
        int base = buf.readerIndex();
        int n = buf.readableBytes();
        outer:
        for (int i = 0; i + open.length < n; i++) {
            for (int j = 0; j < open.length; j++) {
                if (lower(buf.getByte(base + i + j)) != open[j]) {
                    continue outer;
                }
            }
            byte next = buf.getByte(base + i + open.length);
            if (next == '>' || next == ' ' || next == '\t' || next == '\n' || next == '\r' || next == '\f') {
                for (int k = i + open.length; k < n; k++) {
                    if (buf.getByte(base + k) == '>') {
                        return k + 1;
                    }
                }
                return -1; // the tag goes on in a later part
            }
        }
        return -1;
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
