package dev.pagewire.gateway.internal;

import dev.pagewire.gateway.GatewaySettings;
import dev.pagewire.netty.internal.PassThrough;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;

/** STUB: forwards the requests Pagewire does not claim to the backend. */
public final class Forwarder implements PassThrough {

    public Forwarder(GatewaySettings settings, Renders renders) {}

    @Override
    public Forward open(ChannelHandlerContext client, HttpRequest head, Flow flow) {
        throw new UnsupportedOperationException("not yet");
    }
}
