/**
 * The first fallback: Server-Sent Events down, POST up (PROTOCOL.md §8.3, §8.5).
 * @module pagewire/sse
 */
import { EventStreamParser } from './event-stream.js';
import { HttpTransport, answered, describe, endOver } from './http-link.js';

/** @typedef {import('./http-link.js').Http} Http */
/** @typedef {import('./http-link.js').HttpLink} HttpLink */
/** @typedef {import('./transport.js').TransportEvents} TransportEvents */

/** A streamed `GET` of `text/event-stream` down and POSTs up, as a {@link import('./transport.js').Transport}. */
export class SseTransport extends HttpTransport {
  /**
   * @param {string} url `http:` or `https:` URL of the page with the token
   * @param {string} ack the client's ack, for the opening request (PROTOCOL.md §10.3)
   * @param {Http} http
   * @param {TransportEvents} events
   */
  constructor(url, ack, http, events) {
    super('sse', url, http, events, (link) => read(link, ack));
  }
}

/**
 * Reads the event stream into `link` until either ends. A streamed fetch, not EventSource:
 * EventSource reconnects by itself and cannot be told apart from the client's own negotiation, nor
 * aborted as one request.
 * @param {HttpLink} link
 * @param {string} ack the client's ack, for the opening request
 */
async function read(link, ack) {
  try {
    const response = await link.get({ transport: 'sse', ack }, { Accept: 'text/event-stream' });
    if (link.ended) return;
    if (!answered(response, 'text/event-stream')) {
      await endOver(link, response, `the SSE request was answered with ${describe(response)}`);
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parser = new EventStreamParser((data) => link.receive(data));
    for (;;) {
      const { value, done } = await reader.read();
      if (link.ended) return;
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
    link.end(1006, 'the SSE stream ended');
  } catch (e) {
    link.end(1006, `the SSE stream failed: ${e?.message ?? e}`); // nothing when the client aborted it
  }
}
