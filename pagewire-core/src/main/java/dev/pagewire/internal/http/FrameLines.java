package dev.pagewire.internal.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.pagewire.internal.Utf8;
import dev.pagewire.spi.OutFrame;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Frame lines, the framing of the HTTP fallback transports (docs/PROTOCOL.md §8.1): a text frame is
 * its JSON text as is (JSON text never holds a raw newline), a binary frame is {@code ~} and the
 * standard base64 of the bytes a WebSocket binary message would carry. Also the two frames that
 * exist only on fallbacks, {@code open} and {@code close}. Stateless and thread-safe.
 */
public final class FrameLines {

    /** The first character of a binary frame line. */
    public static final char BINARY_MARK = '~';

    private FrameLines() {}

    /**
     * The frame as a line, without the line terminator. A text frame's bytes are returned as they
     * are (shared with the frame: never modify them).
     */
    public static byte[] line(OutFrame frame) {
        if (!frame.binary()) {
            return frame.payload();
        }
        byte[] base64 = Base64.getEncoder().encode(frame.payload());
        byte[] line = new byte[base64.length + 1];
        line[0] = BINARY_MARK;
        System.arraycopy(base64, 0, line, 1, base64.length);
        return line;
    }

    /** {@code ["open", "<connectionId>"]}: the first frame of every fallback connection. */
    public static OutFrame open(String connectionId) {
        return text("[\"open\",\"" + escape(connectionId) + "\"]");
    }

    /** {@code ["close", code, "<reason>"]}: the last frame of a fallback connection. */
    public static OutFrame close(int code, String reason) {
        return text("[\"close\"," + code + ",\"" + escape(reason == null ? "" : reason) + "\"]");
    }

    /**
     * The frame lines of a POST body (docs/PROTOCOL.md §8.5): its text split at every {@code \n} or
     * {@code \r\n}, empty lines included (receivers skip them).
     *
     * @throws CharacterCodingException if the body is not UTF-8; nothing is replaced
     */
    public static List<String> lines(byte[] body) throws CharacterCodingException {
        return Arrays.asList(Utf8.decode(body).split("\r?\n", -1));
    }

    /** Whether a received line is a binary frame line. */
    public static boolean isBinary(String line) {
        return !line.isEmpty() && line.charAt(0) == BINARY_MARK;
    }

    /**
     * The bytes of a binary frame line.
     *
     * @throws IllegalArgumentException if the line is not {@code ~} and valid standard base64
     */
    public static byte[] binary(String line) {
        if (!isBinary(line)) {
            throw new IllegalArgumentException("not a binary frame line");
        }
        return Base64.getDecoder().decode(line.substring(1));
    }

    private static OutFrame text(String json) {
        return new OutFrame(false, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s));
    }
}
