/**
 * The first fallback: Server-Sent Events down, POST up (PROTOCOL.md §8.3, §8.5).
 * @module pagewire/sse
 */
import { EventStreamParser } from './event-stream.js';
import { HttpLink, answered, describe, endOver } from './http-link.js';

/** @typedef {import('./connection.js').TransportName} TransportName */
/** @typedef {import('./http-link.js').Http} Http */
/** @typedef {import('./transport.js').TransportEvents} TransportEvents */

/** A streamed `GET` of `text/event-stream` down and POSTs up, as a {@link import('./transport.js').Transport}. */
export class SseTransport {
  /** @type {TransportName} */ name = 'sse';
  #link;

  #ack;

  /**
   * @param {string} url `http:` or `https:` URL of the page with the token
   * @param {string} ack the client's ack, for the opening request (PROTOCOL.md §10.3)
   * @param {Http} http
   * @param {TransportEvents} events
   */
  constructor(url, ack, http, events) {
    this.#link = new HttpLink(this, url, http, events);
    this.#ack = ack;
    this.#read();
  }

  send(frame) {
    this.#link.send(frame);
  }

  whenDrained(fn) {
    this.#link.whenDrained(fn);
  }

  bye() {
    this.#link.bye();
  }

  close() {
    this.#link.close();
  }

  // Streamed fetch, not EventSource: EventSource reconnects by itself and cannot be told apart
  // from the client's own negotiation, nor aborted as one request.
  async #read() {
    const link = this.#link;
    try {
      const response = await link.get({ transport: 'sse', ack: this.#ack }, { Accept: 'text/event-stream' });
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
}
