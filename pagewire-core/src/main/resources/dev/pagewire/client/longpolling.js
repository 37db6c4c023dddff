/**
 * The last fallback: long-polling down, POST up (PROTOCOL.md §8.4, §8.5).
 * @module pagewire/longpolling
 */
import { HttpTransport, answered, describe, endOver } from './http-link.js';

/** @typedef {import('./http-link.js').Http} Http */
/** @typedef {import('./http-link.js').HttpLink} HttpLink */
/** @typedef {import('./transport.js').TransportEvents} TransportEvents */

/** `GET`s the server holds until it has something to say, and POSTs up, as a {@link import('./transport.js').Transport}. */
export class LongPollingTransport extends HttpTransport {
  /**
   * @param {string} url `http:` or `https:` URL of the page with the token
   * @param {string} ack the client's ack, for the opening request (PROTOCOL.md §10.3)
   * @param {Http} http
   * @param {TransportEvents} events
   */
  constructor(url, ack, http, events) {
    super('longpolling', url, http, events, (link) => poll(link, ack));
  }
}

/**
 * Polls into `link` until it ends: the opening request, then one poll at a time, the next as soon as
 * the last was answered.
 * @param {HttpLink} link
 * @param {string} ack the client's ack, for the opening request
 */
async function poll(link, ack) {
  try {
    let response = await link.get({ transport: 'longpolling', ack });
    if (link.ended) return;
    if (!answered(response, 'text/plain')) {
      await endOver(link, response, `the long-polling request was answered with ${describe(response)}`);
      return;
    }
    receive(link, await response.text());
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
      receive(link, await response.text());
    }
  } catch (e) {
    link.end(1006, `long-polling failed: ${e?.message ?? e}`); // nothing when the client aborted it
  }
}

/** Hands each frame line of a poll's answer to the link, until the link has ended. */
function receive(link, body) {
  for (const line of body.split('\n')) {
    if (link.ended) return;
    link.receive(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}
