package dev.pagewire.client;

import dev.pagewire.servlet.testing.Servers;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The arguments of the tests that prove a guarantee on every server and every transport: each of
 * the {@link Servers} with each {@link Transport}, for
 * {@code @MethodSource(Matrix.SERVERS_AND_TRANSPORTS)}. Tests of the client alone run on one server
 * ({@link Servers#NETTY}); tests of one server behaviour take {@code @EnumSource(Servers.class)}.
 */
final class Matrix {

    /** Every server × every transport. */
    static final String SERVERS_AND_TRANSPORTS = "dev.pagewire.client.Matrix#serversAndTransports";
    /** Every server × the two HTTP fallbacks (SSE, long-polling). */
    static final String SERVERS_AND_FALLBACKS = "dev.pagewire.client.Matrix#serversAndFallbacks";

    private Matrix() {}

    static Stream<Arguments> serversAndTransports() {
        return serversAnd(Transport.values());
    }

    static Stream<Arguments> serversAndFallbacks() {
        return serversAnd(Transport.SSE, Transport.LONGPOLLING);
    }

    private static Stream<Arguments> serversAnd(Transport... transports) {
        return Arrays.stream(Servers.values())
                .flatMap(server -> Arrays.stream(transports).map(transport -> Arguments.of(server, transport)));
    }
}
