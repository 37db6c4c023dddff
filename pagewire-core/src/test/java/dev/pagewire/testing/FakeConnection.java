package dev.pagewire.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pagewire.internal.App;
import dev.pagewire.internal.Attachment;
import dev.pagewire.spi.Connection;
import dev.pagewire.spi.OutFrame;
import dev.pagewire.spi.Session;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A transport's connection without a network: records every frame the page sends and how it was
 * closed, and plays the transport's part towards the page's {@link Session} (messages arriving, the
 * connection ending). Thread-safe, like a real {@link Connection}.
 */
public final class FakeConnection implements Connection {

    /** How a connection was closed. */
    public record Close(int code, String reason) {}

    private final String transport;
    private final List<OutFrame> sent = new CopyOnWriteArrayList<>();
    private final BlockingQueue<OutFrame> unread = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile boolean stalled;
    private volatile Session session;

    public FakeConnection() {
        this("test");
    }

    public FakeConnection(String transport) {
        this.transport = transport;
    }

    /**
     * Attaches this connection to a page through the application, as a transport does with a channel
     * request, and fails the test if the page refuses it.
     */
    public FakeConnection attachTo(App gateway, String path, String token) {
        return attachTo(gateway, path, token, null);
    }

    /** {@link #attachTo(App, String, String)} with the {@code ack} query parameter (may be null). */
    public FakeConnection attachTo(App gateway, String path, String token, String ack) {
        switch (gateway.attach(path, token, ack, this)) {
            case Attachment.Accepted a -> session = a.session();
            case Attachment.Refused r -> fail("attach refused: " + r);
        }
        return this;
    }

    /** From now on nothing is written to the network: every frame sent adds to {@link #queuedBytes}. */
    public FakeConnection stall() {
        stalled = true;
        return this;
    }

    // ---- the page's side (Connection)

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public void send(OutFrame frame) {
        if (closed.isDone()) {
            return;
        }
        sent.add(frame);
        unread.add(frame);
        if (stalled) {
            queuedBytes.addAndGet(frame.size());
        }
    }

    @Override
    public long queuedBytes() {
        return queuedBytes.get();
    }

    @Override
    public void close(int code, String reason) {
        closed.complete(new Close(code, reason));
    }

    // ---- the peer's side, as the transport reports it to the session

    /** A text message arrived from the peer. */
    public void receive(String text) {
        session().text(text);
    }

    /** A binary message arrived from the peer. */
    public void receiveBinary(byte[] message) {
        session().binary(message);
    }

    /** The connection ended (the network dropped it, or a close completed). */
    public void end() {
        session().closed();
    }

    // ---- what the test looks at

    /** Every frame sent so far, in order. */
    public List<OutFrame> sent() {
        return List.copyOf(sent);
    }

    /** The text of every frame sent so far, in order. */
    public List<String> sentTexts() {
        return sent.stream().map(OutFrame::text).toList();
    }

    /** The next frame not yet read by the test, waiting up to {@link Wait#LONG} for it. */
    public OutFrame next() {
        try {
            OutFrame frame = unread.poll(Wait.LONG.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                fail("no frame sent within " + Wait.LONG + "; sent so far: " + sentTexts());
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The text of the next text frame not yet read by the test. */
    public String nextText() {
        OutFrame frame = next();
        assertFalse(frame.binary(), "expected a text frame, got " + frame);
        return frame.text();
    }

    /** Whether {@link #close} was called. */
    public boolean isClosed() {
        return closed.isDone();
    }

    /** How the connection was closed, waiting up to {@link Wait#LONG} for it. */
    public Close awaitClose() {
        try {
            return closed.get(Wait.LONG.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("connection not closed within " + Wait.LONG + "; sent: " + sentTexts());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    private Session session() {
        Session s = session;
        if (s == null) {
            throw new IllegalStateException("not attached with attachTo");
        }
        return s;
    }

    @Override
    public String toString() {
        return "FakeConnection[" + transport + ", " + sent.size() + " frames sent, "
                + (closed.isDone() ? "closed " + closed.join() : "open") + "]";
    }
}
