package dev.pagewire.netty.internal;

import dev.pagewire.spi.CloseCodes;
import dev.pagewire.spi.Connection;
import dev.pagewire.spi.OutFrame;
import dev.pagewire.spi.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection after the handshake: complete messages go to the bound {@link Session};
 * control frames are answered here (RFC 6455 §5.5, §7). Sends may come from any thread.
 *
 * <p>Closing follows the RFC's handshake: whoever closes first sends a close frame and waits (at
 * most {@link #CLOSE_WAIT_SECONDS}) for the peer's; a peer's close frame is answered with the same
 * status code, then the TCP connection is closed.
 */
final class WebSocketConnection extends ChannelInboundHandlerAdapter implements Connection {

    private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);
    private static final long CLOSE_WAIT_SECONDS = 2;
    private static final int MAX_REASON_BYTES = 123;

    private final Channel channel;
    private final LoopWriter writer;
    /** Bytes other threads handed to {@link #writer} that it has not written to the channel yet. */
    private final AtomicLong handedOver = new AtomicLong();

    private Session session;
    private volatile boolean closeSent;
    /** The wait for the peer's close frame after ours; event loop only. */
    private ScheduledFuture<?> closeWait;

    private boolean ended;
    /** Frames written since the last flush, on the I/O thread only ({@link LoopWriter}). */
    private boolean unflushed;

    /**
     * Whether data frames go out as bytes this class frames itself (RFC 6455 §5.2: FIN, opcode,
     * length; a server never masks) rather than as Netty frame objects through its encoder: one
     * pooled buffer per frame instead of a wrapper, a frame object and the encoder's buffer. Only
     * when no extension may transform frames (no {@code permessage-deflate} offered).
     */
    private final boolean plainFrames;

    /**
     * Where plain frames enter the pipeline: the context of Netty's frame encoder, so that a write
     * goes straight on to the handlers before it (TLS, then the socket) instead of walking from the
     * pipeline's tail past every inbound handler: per frame and per connection, that walk touched
     * cold memory and was about a fifth of a fan-out node's CPU (bench/FINDINGS.md). Found on the
     * first write, when the handshake has put the encoder in; the channel itself until then.
     */
    private ChannelOutboundInvoker out;

    WebSocketConnection(Channel channel, boolean plainFrames) {
        this.channel = channel;
        this.plainFrames = plainFrames;
        this.writer = LoopWriter.of(channel.eventLoop());
    }

    /** Binds the session that receives this connection's messages (on the I/O thread). */
    void bind(Session session) {
        this.session = session;
    }

    @Override
    public String transport() {
        return "websocket";
    }

    @Override
    public void send(OutFrame frame) {
        if (closeSent) {
            return;
        }
        if (channel.eventLoop().inEventLoop()) {
            write(frame);
            return;
        }
        int size = frame.size();
        handedOver.addAndGet(size);
        if (!writer.submit(this, frame)) {
            handedOver.addAndGet(-size); // the event loop is shutting down: the connection is gone
        }
    }

    /**
     * Writes a frame on the I/O thread, where {@code closeSent} is decided: a frame sent by another
     * thread just before a close must not follow the close frame on the wire (RFC 6455 §5.5.1;
     * browsers then fail the connection with 1006 instead of reporting the close code).
     */
    private void write(OutFrame frame) {
        if (writeUnflushed(frame)) {
            flushWritten();
        }
    }

    /** Writes a frame that {@link #send} handed to the {@link LoopWriter}, without flushing (I/O thread). */
    boolean writeHandedOver(OutFrame frame) {
        handedOver.addAndGet(-frame.size());
        return writeUnflushed(frame);
    }

    /**
     * Writes a frame without flushing (I/O thread); {@code true} if this connection now needs a
     * {@link #flushWritten()} it did not need before. No promise per frame: a failed write fails
     * the channel, which {@link #exceptionCaught} closes, and the channel's outbound buffer counts
     * what is not yet on the wire ({@link #queuedBytes}).
     */
    private boolean writeUnflushed(OutFrame frame) {
        if (closeSent) {
            return false;
        }
        if (plainFrames) {
            plainOut().write(framed(frame), channel.voidPromise());
        } else {
            ByteBuf payload = Unpooled.wrappedBuffer(frame.payload());
            WebSocketFrame ws = frame.binary() ? new BinaryWebSocketFrame(payload) : new TextWebSocketFrame(payload);
            channel.write(ws, channel.voidPromise());
        }
        boolean first = !unflushed;
        unflushed = true;
        return first;
    }

    /** {@code frame} as one unfragmented, unmasked WebSocket frame (RFC 6455 §5.2). */
    private ByteBuf framed(OutFrame frame) {
        byte[] payload = frame.payload();
        int n = payload.length;
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        ByteBuf out = channel.alloc().buffer(header + n);
        out.writeByte(0x80 | (frame.binary() ? 0x2 : 0x1)); // FIN, no RSV bits, text or binary
        if (n < 126) {
            out.writeByte(n);
        } else if (n <= 0xFFFF) {
            out.writeByte(126).writeShort(n);
        } else {
            out.writeByte(127).writeLong(n);
        }
        return out.writeBytes(payload);
    }

    /** Flushes what {@link #writeUnflushed} wrote (I/O thread). */
    void flushWritten() {
        if (unflushed) {
            unflushed = false;
            if (plainFrames) {
                plainOut().flush();
            } else {
                channel.flush();
            }
        }
    }

    private ChannelOutboundInvoker plainOut() {
        ChannelOutboundInvoker o = out;
        if (o == null) {
            ChannelHandlerContext encoder = channel.pipeline().context(WebSocketFrameEncoder.class);
            o = encoder != null ? encoder : channel;
            out = encoder != null ? encoder : null;
        }
        return o;
    }

    @Override
    public long queuedBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return handedOver.get() + (buffer == null ? 0 : buffer.totalPendingWriteBytes());
    }

    @Override
    public void close(int code, String reason) {
        if (channel.eventLoop().inEventLoop()) {
            sendClose(code, reason);
        } else {
            try {
                channel.eventLoop().execute(() -> sendClose(code, reason));
            } catch (RejectedExecutionException e) {
                // The server has shut down and the connection with it; its end is reported already
                // or on its way, and a page closing after the server must not fail for it.
            }
        }
    }

    private void sendClose(int code, String reason) {
        if (closeSent) {
            return;
        }
        closeSent = true;
        if (!channel.isActive()) {
            return;
        }
        if (!channel.isWritable()) {
            // A client that does not read (the protocol closes a slow consumer with 4503): the close
            // frame would wait behind everything queued, and the queue in memory with it, until the
            // client reads again. It is dropped now; the page keeps its frames for the next connection.
            channel.close();
            return;
        }
        channel.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason))).addListener(f -> {
            if (!f.isSuccess()) {
                channel.close();
            } else if (channel.isActive()) {
                closeWait = channel.eventLoop().schedule(() -> channel.close(), CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case TextWebSocketFrame text -> {
                    if (!closeSent && session != null) {
                        session.text(text.content().toString(StandardCharsets.UTF_8));
                    }
                }
                case BinaryWebSocketFrame binary -> {
                    if (!closeSent && session != null) {
                        session.binary(ByteBufUtil.getBytes(binary.content()));
                    }
                }
                case PingWebSocketFrame ping -> {
                    // Not while answers wait unread: RFC 6455 §5.5.3 lets a pong answer only the
                    // latest ping, and a peer that pings without reading must not fill memory.
                    if (!closeSent && channel.isWritable()) {
                        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                    }
                }
                case PongWebSocketFrame pong -> {}
                case CloseWebSocketFrame close -> peerClosed(ctx, close);
                default -> log.debug("unexpected message {} on {}", msg, channel);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The peer's close frame: answer it (unless we closed first) and end the connection. */
    private void peerClosed(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        if (closeSent) {
            ctx.close();
            return;
        }
        closeSent = true;
        int code = close.statusCode();
        CloseWebSocketFrame reply;
        if (close.content().readableBytes() == 1 || !(code < 0 || validOnTheWire(code))) {
            // Echoing a code that may not be sent would make us break the protocol in turn.
            reply = new CloseWebSocketFrame(CloseCodes.PROTOCOL_ERROR, "invalid close code");
        } else {
            reply = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
        }
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Whether a peer may send {@code code} in a close frame (RFC 6455 §7.4): the defined codes
     * that are not reserved for local use (1004–1006, 1015), and the registered and private ranges
     * 3000–4999. Netty's decoder lets through every code from 3000 up, 65535 included.
     */
    static boolean validOnTheWire(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /**
     * Ends the connection on a failure in its pipeline. What the peer's bytes caused (a decoder's
     * {@link CodecException}) is answered with the close code that names it and logged as one debug
     * line: any client can cause it, as often as it likes. Only what can be our own bug gets a
     * warning with its stack trace.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || inflatedTooBig(cause)) {
            // The inflater's limit is maxMessageBytes too: the same "too big" the client can act on.
            sendClose(CloseCodes.MESSAGE_TOO_BIG, "message too big");
        } else if (cause instanceof CorruptedFrameException corrupt) {
            // A frame RFC 6455 does not allow, found by the frame decoder or a validator, which only
            // throw (NettyExchange sets them up so): fail the connection (§7.1.7) with a close frame
            // whose code names the breach, without waiting for the peer's.
            int code = corrupt instanceof CorruptedWebSocketFrameException ws
                    ? ws.closeStatus().code()
                    : CloseCodes.PROTOCOL_ERROR;
            log.debug("WebSocket connection {} broke the protocol ({}): {}", channel, code, corrupt.getMessage());
            fail(ctx, code, corrupt.getMessage());
        } else if (cause instanceof CodecException && !(cause instanceof EncoderException)) {
            log.debug("WebSocket connection {} sent undecodable data: {}", channel, summary(cause));
            if (closeSent) {
                ctx.close(); // more of the same after our close frame: nothing left to say
            } else {
                // Malformed permessage-deflate data: the message's payload is not what its frame
                // says it is, which RFC 6455 §7.4.1 names 1007 (invalid frame payload data).
                sendClose(CloseCodes.INVALID_PAYLOAD, "invalid compressed data");
            }
        } else {
            if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
                // The peer went away, possibly in the middle of a message: normal on the Internet.
                log.debug("WebSocket connection {} ended: {}", channel, cause.toString());
            } else {
                log.warn("WebSocket connection {} failed", channel, cause);
            }
            ctx.close();
        }
    }

    /** Sends a close frame (unless one went already) and closes the connection once it is written. */
    private void fail(ChannelHandlerContext ctx, int code, String reason) {
        if (closeSent || !channel.isActive()) {
            closeSent = true;
            ctx.close();
            return;
        }
        closeSent = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason))).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Whether the inflater refused to inflate a frame past its limit ({@code maxMessageBytes}, set in
     * {@code ServerInitializer}). Netty throws the same {@link DecompressionException} for that as
     * for corrupt data and tells them apart only by the message; {@code StrictWebSocketTest} pins
     * that message, so a Netty upgrade that changes it fails a test instead of turning 1009 into 1007.
     */
    private static boolean inflatedTooBig(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof DecompressionException
                    && t.getMessage() != null
                    && t.getMessage().startsWith("Decompression buffer has reached maximum size")) {
                return true;
            }
        }
        return false;
    }

    /** The exception and its causes on one short line: what a client sent must not fill the log. */
    private static String summary(Throwable cause) {
        StringBuilder line = new StringBuilder(cause.toString());
        for (Throwable t = cause.getCause(); t != null && line.length() < 200; t = t.getCause()) {
            line.append(" <- ").append(t);
        }
        return line.length() > 200 ? line.substring(0, 200) + "…" : line.toString();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        ScheduledFuture<?> wait = closeWait;
        if (wait != null) {
            closeWait = null;
            wait.cancel(false); // the peer answered the close: no timer lingers for seconds per closed page
        }
        if (!ended) {
            ended = true;
            closeSent = true;
            if (session != null) {
                session.closed();
            }
        }
        super.channelInactive(ctx);
    }

    private static String truncate(String reason) {
        if (reason == null) {
            return "";
        }
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_REASON_BYTES) {
            return reason;
        }
        // Cut on a character boundary so the reason stays valid UTF-8.
        int end = reason.length();
        while (reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            end--;
        }
        return reason.substring(0, end);
    }
}
