package dev.pagewire.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding of what clients send: bytes that are not UTF-8 fail, nothing is replaced. */
public final class Utf8 {

    private Utf8() {}

    /** {@code bytes} as text. @throws CharacterCodingException if they are not UTF-8 */
    public static String decode(byte[] bytes) throws CharacterCodingException {
        return decode(bytes, 0, bytes.length);
    }

    /** {@code length} bytes from {@code offset} as text. @throws CharacterCodingException if they are not UTF-8 */
    public static String decode(byte[] bytes, int offset, int length) throws CharacterCodingException {
        return StandardCharsets.UTF_8
                .newDecoder()
                .decode(ByteBuffer.wrap(bytes, offset, length))
                .toString();
    }
}
