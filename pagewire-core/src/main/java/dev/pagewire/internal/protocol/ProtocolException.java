package dev.pagewire.internal.protocol;

/** An inbound frame that breaks the protocol; the connection closes with {@link #code()}. */
public final class ProtocolException extends Exception {

    private final int code;

    public ProtocolException(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** The close code to send. */
    public int code() {
        return code;
    }
}
