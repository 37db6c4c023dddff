/**
 * The three transports (PROTOCOL.md §2, §8): a WebSocket; SSE down and POST up; long-polling down and
 * POST up. Each has the same small interface ({@link Transport}) and knows nothing of the others, nor
 * of negotiation, sequence numbers or pages.
 * @module pagewire/transports
 */
import { BYE } from './frames.js';
import { withParam } from './util.js';

/** @typedef {import('./connection.js').TransportName} TransportName */

/**
 * What the fallbacks request with: `fetch`; `sendBeacon` (null: `fetch` with `keepalive`) for the
 * bye as the page goes; and the `credentials` mode of every request (PROTOCOL.md §8.2, §12.2).
 * @typedef {{fetch: typeof fetch, sendBeacon: ((url: string, data: string) => boolean) | null,
 *     credentials: RequestCredentials}} Http
 */

const OPEN = 1; // WebSocket.OPEN, spelled out so an injected WebSocket needs no static constants

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

/** The preferred transport: one WebSocket to the page URL (PROTOCOL.md §2). */
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

const TEXT_PLAIN = { 'Content-Type': 'text/plain;charset=UTF-8' };
/**
 * Most characters one POST batches (a longer frame goes alone): even all in 3-byte UTF-8 that stays
 * under the server's default `maxRequestBytes` of 1 MiB.
 */
const MAX_POST_CHARS = 256 * 1024;
/** What browsers let a beacon or a keepalive fetch carry. */
const MAX_BEACON_BYTES = 64 * 1024;
/** A frame line of the two frames only fallbacks have (§8.1), which the transport handles itself. */
const CONTROL_LINE = /^\[\s*"(?:open|close)"/;

/**
 * What SSE and long-polling share (PROTOCOL.md §8): the connection id from the `open` frame, frame
 * lines down, POSTs up (one at a time, batching what queued meanwhile), `close` frames, and ending.
 * The transport that owns it reads the down channel and hands each frame line to {@link receive}.
 */
class HttpLink {
  #owner;
  #url;
  #fetch;
  #sendBeacon;
  #credentials;
  #events;
  /** Ends the down channel's requests. */
  #down = new AbortController();
  /** @type {AbortController | null} the POST in flight */
  #post = null;
  /** @type {string | null} */
  #conn = null;
  /** Frame lines waiting for the next POST. */
  #outbox = [];
  /** The server refused a POST (400, 413) or closed the connection (409): nothing more goes up. */
  #refused = false;
  /** @type {(() => void) | null} */
  #drained = null;
  #pumpQueued = false;
  /** Whether the connection is over: the owner reads no further. */
  ended = false;

  /**
   * @param {Transport} owner reported to `events` as the transport
   * @param {string} url `http:` or `https:` URL of the page with the token
   * @param {Http} http
   * @param {TransportEvents} events
   */
  constructor(owner, url, http, events) {
    this.#owner = owner;
    this.#url = url;
    this.#fetch = http.fetch;
    this.#sendBeacon = http.sendBeacon;
    this.#credentials = http.credentials;
    this.#events = events;
  }

  /** @returns {string | null} the connection id, once the `open` frame arrived */
  get conn() {
    return this.#conn;
  }

  /** GETs the page URL with more query parameters, in order; {@link close} aborts it. */
  get(params, headers = {}) {
    const url = Object.entries(params).reduce((u, [name, value]) => withParam(u, name, value), this.#url);
    return this.#request(url, { headers, signal: this.#down.signal });
  }

  /** fetch, always answering with a promise: even a fetch that throws at once must not report synchronously. */
  async #request(url, init) {
    // Never cached (PROTOCOL.md §8.2); cookies as the connection says (§12.2).
    return this.#fetch(url, { cache: 'no-store', credentials: this.#credentials, ...init });
  }

  /** Handles one frame line of the down channel. */
  receive(line) {
    if (this.ended || line === '') return;
    if (line[0] === '~') {
      let bytes;
      try {
        bytes = fromBase64(line.slice(1));
      } catch (e) {
        console.warn(`pagewire: ignoring a malformed frame from the server: ${e.message}`);
        return;
      }
      this.#events.frame(this.#owner, bytes);
    } else if (CONTROL_LINE.test(line)) {
      this.#control(line);
    } else {
      this.#events.frame(this.#owner, line);
    }
  }

  #control(line) {
    let frame;
    try {
      frame = JSON.parse(line);
    } catch (e) {
      console.warn(`pagewire: ignoring a malformed frame from the server: ${e.message}`);
      return;
    }
    if (frame[0] === 'close') {
      this.end(Number.isInteger(frame[1]) ? frame[1] : 1006, typeof frame[2] === 'string' ? frame[2] : '');
    } else if (this.#conn === null && typeof frame[1] === 'string' && frame[1] !== '') {
      this.#conn = frame[1];
      this.#events.open(this.#owner);
      this.#pump();
    }
  }

  send(frame) {
    if (this.ended || this.#refused) return;
    this.#outbox.push(typeof frame === 'string' ? frame : '~' + toBase64(frame));
    // After the current task, so frames sent together (a flushed queue, a burst of emits) share a POST.
    if (!this.#pumpQueued) {
      this.#pumpQueued = true;
      queueMicrotask(() => {
        this.#pumpQueued = false;
        this.#pump();
      });
    }
  }

  whenDrained(fn) {
    this.#drained = fn;
    this.#pump();
  }

  #pump() {
    if (this.ended || this.#post !== null) return;
    if (this.#outbox.length > 0 && this.#conn !== null) {
      this.#postOutbox();
    } else if (this.#outbox.length === 0 && this.#drained !== null) {
      const fn = this.#drained;
      this.#drained = null;
      fn();
    }
  }

  #postOutbox() {
    let count = 0;
    for (let chars = 0; count < this.#outbox.length; count++) {
      chars += this.#outbox[count].length + 1;
      if (chars > MAX_POST_CHARS && count > 0) break;
    }
    const body = this.#outbox.splice(0, count).join('\n');
    const post = new AbortController();
    this.#post = post;
    const url = withParam(this.#url, 'conn', this.#conn);
    this.#request(url, { method: 'POST', headers: TEXT_PLAIN, body, signal: post.signal }).then(
      (response) => {
        if (this.#post !== post) return; // closed meanwhile
        this.#post = null;
        if (response.ok) {
          this.#pump();
        } else if (response.status === 400 || response.status === 413 || response.status === 409) {
          // The server closes (409: closed) the connection and says why on the down channel
          // (4400, 1009, or whatever code it closed with); whatever follows would be refused too.
          if (response.status !== 409) {
            console.warn(`pagewire: the server refused frames (HTTP ${response.status}) and closes the connection`);
          }
          this.#refused = true;
          this.#outbox = [];
          this.#pump();
        } else {
          endOver(this, response, `a POST was answered with HTTP ${response.status}`);
        }
      },
      (error) => {
        if (this.#post === post) this.end(1006, `a POST failed: ${error?.message ?? error}`);
      },
    );
  }

  /** Sends what is still waiting and `["bye"]` in one request that outlives the page, then closes. */
  bye() {
    if (this.ended) return;
    if (this.#conn !== null) {
      const url = withParam(this.#url, 'conn', this.#conn);
      let body = [...this.#outbox, BYE].join('\n');
      // Past the quota neither a beacon nor a keepalive fetch is sent at all: then at least the bye.
      if (new TextEncoder().encode(body).length > MAX_BEACON_BYTES) body = BYE;
      let queued = false;
      try {
        queued = this.#sendBeacon?.(url, body) === true; // a string is sent as text/plain;charset=UTF-8
      } catch (e) {
        console.warn('pagewire: sendBeacon failed; saying bye with fetch', e);
      }
      if (!queued) {
        this.#request(url, { method: 'POST', headers: TEXT_PLAIN, body, keepalive: true }).catch((e) =>
          console.warn('pagewire: saying bye failed', e),
        );
      }
    }
    this.close();
  }

  /** Ends the connection because it is over (a `close` frame, a failed request), and reports it. */
  end(code, reason) {
    if (this.ended) return;
    this.close();
    this.#events.end(this.#owner, code, reason);
  }

  /** Ends the connection without a report: every request is aborted. */
  close() {
    if (this.ended) return;
    this.ended = true;
    this.#drained = null;
    this.#down.abort();
    this.#post?.abort();
    this.#post = null;
  }
}

/** Server-Sent Events down, POST up (PROTOCOL.md §8.3, §8.5). */
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

/** Long-polling down, POST up (PROTOCOL.md §8.4, §8.5). */
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

/**
 * Reads a `text/event-stream` body as the HTML standard says: lines end with `\n`, `\r\n` or `\r`
 * (also split across chunks), `:` starts a comment, `data:` lines of one event are joined with `\n`
 * (one space after the colon is dropped), a blank line ends the event. Only `data` matters here.
 */
class EventStreamParser {
  #onData;
  #rest = '';
  /** @type {string | null} */
  #data = null;
  /** The last chunk ended with `\r`: a `\n` starting the next one belongs to that line end. */
  #afterCR = false;

  /** @param {(data: string) => void} onData called with the data of each event */
  constructor(onData) {
    this.#onData = onData;
  }

  push(text) {
    if (text === '') return;
    let buffer = this.#rest + text;
    if (this.#afterCR) {
      this.#afterCR = false;
      if (buffer[0] === '\n') buffer = buffer.slice(1);
    }
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    for (let match; (match = lineEnd.exec(buffer)) !== null;) {
      this.#line(buffer.slice(start, match.index));
      start = lineEnd.lastIndex;
      if (match[0] === '\r' && start === buffer.length) this.#afterCR = true;
    }
    this.#rest = buffer.slice(start);
  }

  #line(line) {
    if (line === '') {
      const data = this.#data;
      this.#data = null;
      if (data !== null) this.#onData(data);
      return;
    }
    if (line[0] === ':') return; // a comment, such as the server's padding
    const colon = line.indexOf(':');
    if ((colon < 0 ? line : line.slice(0, colon)) !== 'data') return; // event, id, retry: unused
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    this.#data = this.#data === null ? value : `${this.#data}\n${value}`;
  }
}

/** Whether a fallback's opening request was answered as §8.3/§8.4 say: 200 with the expected type. */
function answered(response, type) {
  return response.status === 200 && (response.headers.get('content-type') ?? '').toLowerCase().startsWith(type);
}

/**
 * Ends a link over a response it cannot go on with (an open not answered as §8.3/§8.4 say, a POST
 * not taken): with `4403` and the server's words when the server itself refused the page by its
 * origin rule (PROTOCOL.md §2, the `Pagewire-Refused` header; trying again cannot help), else with
 * `1006` and `what`. A same-origin GET carries no `Origin`, so behind a proxy that hides the page's
 * origin from the server it may be the first POST that is refused.
 */
async function endOver(link, response, what) {
  if (response.status !== 403 || !response.headers.has('pagewire-refused')) {
    link.end(1006, what);
    return;
  }
  const text = (await response.text().catch(() => '')).trim() || 'origin not allowed';
  if (!link.ended) {
    link.end(
      4403,
      `${text}: the server takes channels only from its own origin (as its Host header names it) `
        + 'or an allowed one; its log names the fix',
    );
  }
}

function describe(response) {
  return `HTTP ${response.status} ${response.headers.get('content-type') ?? 'without a content type'}`;
}

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}
