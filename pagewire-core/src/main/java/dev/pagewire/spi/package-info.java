/**
 * The server adapter SPI: what a server (the embedded Netty server, a Servlet container, the gateway)
 * implements and calls to carry Pagewire. An adapter is a byte pipe: it turns each HTTP request into an
 * {@link dev.pagewire.spi.HttpExchange} for {@link dev.pagewire.spi.Protocol#handle}, and each accepted
 * WebSocket into a {@link dev.pagewire.spi.Connection} whose messages it feeds to a
 * {@link dev.pagewire.spi.Session}. Every protocol decision and security check is the core's.
 * Applications never use this package; this package uses nothing of the core's internals.
 */
package dev.pagewire.spi;
