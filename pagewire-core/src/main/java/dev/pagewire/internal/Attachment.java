package dev.pagewire.internal;

import dev.pagewire.spi.Session;

/** The answer to a channel request: accepted with a session, or refused with a close code. */
public sealed interface Attachment {

    /** The connection now belongs to a page; feed it the session. */
    record Accepted(Session session) implements Attachment {}

    /** The connection is refused; close it with this code and reason. */
    record Refused(int code, String reason) implements Attachment {}
}
