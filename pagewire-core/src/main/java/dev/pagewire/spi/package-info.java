/**
 * The transport SPI: what a server adapter (Netty, Servlet) calls and implements to carry page
 * channels. Applications never use this package; it is public only so adapters in other modules can.
 * The data path is one way: transport → {@link dev.pagewire.spi.Session} → page mailbox → handler,
 * and back through {@link dev.pagewire.spi.Connection}.
 */
package dev.pagewire.spi;
