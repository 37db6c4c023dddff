/**
 * The preferred transport: one WebSocket to the page URL (PROTOCOL.md §2).
 * @module pagewire/websocket
 */
import { BYE } from './frames.js';

/** @typedef {import('./connection.js').TransportName} TransportName */
/** @typedef {import('./transport.js').TransportEvents} TransportEvents */

const OPEN = 1; // WebSocket.OPEN, spelled out so an injected WebSocket needs no static constants

/** One WebSocket to the page URL, as a {@link import('./transport.js').Transport}. */
export class WebSocketTransport {
  /** @type {TransportName} */ name = 'websocket';
  #socket;
  #ended = false;

  /**
   * @param {string} url `ws:` or `wss:` URL with the token
   * @param {typeof WebSocket} WebSocketClass
   * @param {TransportEvents} events
   */
  constructor(url, WebSocketClass, events) {
    const socket = new WebSocketClass(url);
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    socket.onmessage = (event) => {
      if (!this.#ended) events.frame(this, event.data);
    };
    socket.onclose = (event) => {
      // A socket the client gave up on (liveness, back/forward cache) may still report its close much later.
      if (this.#ended) return;
      this.#ended = true;
      events.end(this, event.code, event.reason);
    };
    socket.onerror = null; // a close event always follows, with all the browser is willing to tell
  }

  send(frame) {
    this.#socket.send(frame);
  }

  whenDrained(fn) {
    fn();
  } // a socket keeps its frames in order by itself

  bye() {
    if (!this.#ended && this.#socket.readyState === OPEN) this.#socket.send(BYE);
    this.close(1000, 'page closed');
  }

  close(code, reason) {
    if (this.#ended) return;
    this.#ended = true;
    try {
      this.#socket.close(code, reason);
    } catch (e) {
      console.error('pagewire: closing the socket failed', e);
    }
  }
}
