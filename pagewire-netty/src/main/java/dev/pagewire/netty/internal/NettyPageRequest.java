package dev.pagewire.netty.internal;

import dev.pagewire.PageRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** A {@link PageRequest} copied out of a Netty request, so rendering can leave the I/O thread. */
record NettyPageRequest(
        String path, Map<String, List<String>> queryParams, HttpHeaders headers, InetSocketAddress remoteAddress)
        implements PageRequest {

    static NettyPageRequest of(QueryStringDecoder uri, HttpHeaders headers, InetSocketAddress remote) {
        return new NettyPageRequest(uri.path(), Map.copyOf(uri.parameters()), headers.copy(), remote);
    }

    @Override
    public String query(String name) {
        List<String> values = queryParams.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public String header(String name) {
        return headers.get(name);
    }
}
