/**
 * The last fallback: long-polling down, POST up (PROTOCOL.md §8.4, §8.5).
 * @module pagewire/longpolling
 */
import { HttpLink, answered, describe, endOver } from './http-link.js';

/** @typedef {import('./connection.js').TransportName} TransportName */
/** @typedef {import('./http-link.js').Http} Http */
/** @typedef {import('./transport.js').TransportEvents} TransportEvents */

/** `GET`s the server holds until it has something to say, and POSTs up, as a {@link import('./transport.js').Transport}. */
export class LongPollingTransport {
  /** @type {TransportName} */ name = 'longpolling';
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
    this.#poll();
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

  async #poll() {
    const link = this.#link;
    try {
      let response = await link.get({ transport: 'longpolling', ack: this.#ack });
      if (link.ended) return;
      if (!answered(response, 'text/plain')) {
        await endOver(link, response, `the long-polling request was answered with ${describe(response)}`);
        return;
      }
      this.#receive(await response.text());
      if (!link.ended && link.conn === null) link.end(1006, 'the long-polling answer had no open frame');
      while (!link.ended) {
        response = await link.get({ conn: link.conn });
        if (link.ended) return;
        if (response.status === 410) {
          link.end(1006, 'the server no longer knows this connection (HTTP 410)');
          return;
        }
        if (!response.ok) {
          link.end(1006, `a poll was answered with HTTP ${response.status}`);
          return;
        }
        this.#receive(await response.text());
      }
    } catch (e) {
      link.end(1006, `long-polling failed: ${e?.message ?? e}`); // nothing when the client aborted it
    }
  }

  #receive(body) {
    for (const line of body.split('\n')) {
      if (this.#link.ended) return;
      this.#link.receive(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
  }
}
