/**
 * What every transport is to the client (PROTOCOL.md §2, §8): its name, the {@link Transport}
 * interface and the {@link TransportEvents} it reports to. The three transports each live in a
 * module of their own: websocket.js; sse.js and longpolling.js, which share the POSTs up and the
 * frame lines down of http-link.js. None of them knows the others, negotiation, sequence numbers
 * or pages.
 * @module pagewire/transport
 */

/** @typedef {import('./connection.js').TransportName} TransportName */

/**
 * What the client needs of a connection, whatever carries it. A transport reports to the
 * {@link TransportEvents} it was made with, never synchronously from its constructor, and stays
 * silent after its `end` and after the client called its `close` or `bye`.
 * @typedef {object} Transport
 * @property {TransportName} name
 * @property {(frame: string | ArrayBuffer) => void} send hands one frame to the server; frames arrive in order
 * @property {(fn: () => void) => void} whenDrained calls `fn` (maybe at once) once every frame handed to
 *     `send` has reached the server: no request in flight, nothing waiting
 * @property {() => void} bye sends `["bye"]` if it can (after what it still holds), then closes
 * @property {(code: number, reason: string) => void} close ends the connection without a report;
 *     `code` and `reason` go to the server where the transport can say them (WebSocket)
 */

/**
 * @typedef {object} TransportEvents
 * @property {(transport: Transport, data: string | ArrayBuffer) => void} frame one frame from the
 *     server: its JSON text, or the bytes of a binary frame (PROTOCOL.md §3)
 * @property {(transport: Transport) => void} open a fallback's `["open", conn]` arrived (§8.1)
 * @property {(transport: Transport, code: number, reason: string) => void} end the connection is
 *     over: a §5 close code, or 1006 when it broke without one
 */

/**
 * Every transport, in the order negotiation tries them (PROTOCOL.md §9).
 * @type {readonly TransportName[]}
 */
export const TRANSPORTS = ['websocket', 'sse', 'longpolling'];
