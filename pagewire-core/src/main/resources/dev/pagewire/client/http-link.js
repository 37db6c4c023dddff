/**
 * What the two fallbacks share (PROTOCOL.md §8): SSE (sse.js) and long-polling (longpolling.js) are
 * each an {@link HttpTransport} that reads its down channel its own way and hands the frame lines to
 * an {@link HttpLink}, which does the rest: the `open` and `close` frames, POSTs up, the bye as the
 * page goes, and ending.
 * @module pagewire/http-link
 */
import { BYE } from './frames.js';
import { withParam } from './util.js';

/** @typedef {import('./connection.js').TransportName} TransportName */
/** @typedef {import('./transport.js').Transport} Transport */
/** @typedef {import('./transport.js').TransportEvents} TransportEvents */

/**
 * What the fallbacks request with: `fetch`; `sendBeacon` (null: `fetch` with `keepalive`) for the
 * bye as the page goes; and the `credentials` mode of every request (PROTOCOL.md §8.2, §12.2).
 * @typedef {{fetch: typeof fetch, sendBeacon: ((url: string, data: string) => boolean) | null,
 *     credentials: RequestCredentials}} Http
 */

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
export class HttpLink {
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

  /** Queues one frame for the next POST, which goes once the current one (if any) is answered. */
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

  /** Calls `fn` once no POST is in flight and nothing waits for one (see {@link Transport}). */
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

/**
 * A fallback, as a {@link Transport}: what the client asks of it its {@link HttpLink} does, while
 * the fallback's own `read` (SSE's stream, long-polling's polls) feeds the link the down channel.
 */
export class HttpTransport {
  /** @type {TransportName} */ name;
  /** @type {HttpLink} */ #link;

  /**
   * @param {TransportName} name
   * @param {string} url `http:` or `https:` URL of the page with the token
   * @param {Http} http
   * @param {TransportEvents} events
   * @param {(link: HttpLink) => void} read starts reading the down channel into `link`, until the link has ended
   */
  constructor(name, url, http, events, read) {
    this.name = name;
    this.#link = new HttpLink(this, url, http, events);
    read(this.#link);
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
}

/**
 * Whether a fallback's opening request was answered as §8.3/§8.4 say: 200 with the expected type.
 * @param {Response} response
 * @param {string} type the content type expected, lower case
 */
export function answered(response, type) {
  return response.status === 200 && (response.headers.get('content-type') ?? '').toLowerCase().startsWith(type);
}

/**
 * Ends a link over a response it cannot go on with (an open not answered as §8.3/§8.4 say, a POST
 * not taken): with `4403` and the server's words when the server itself refused the page by its
 * origin rule (PROTOCOL.md §2, the `Pagewire-Refused` header; trying again cannot help), else with
 * `1006` and `what`. A same-origin GET carries no `Origin`, so behind a proxy that hides the page's
 * origin from the server it may be the first POST that is refused.
 * @param {HttpLink} link
 * @param {Response} response
 * @param {string} what why the link ends, unless the server refused the origin
 */
export async function endOver(link, response, what) {
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

/** The status and type of a response, for the reason a fallback ends with. */
export function describe(response) {
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
