/**
 * Pagewire browser client: the page's live two-way event channel to the server code that rendered it.
 *
 * The server injects `<script type="module" src="/_pagewire/client.js" data-pagewire-token="…">`
 * into every page it renders; evaluating this module then opens the page's channel and sets
 * `window.pagewire`. The wire format is docs/PROTOCOL.md (version 1). One file, no dependencies,
 * no build step.
 *
 * @module pagewire
 */

const PROTOCOL_VERSION = 1;
const MAX_NAME_LENGTH = 128;
/** Used until `hello` announces the server's interval; it is the server's default. */
const DEFAULT_HEARTBEAT_MS = 20_000;
const OPEN = 1; // WebSocket.OPEN, spelled out so an injected WebSocket needs no static constants
const BYE = '["bye"]';
const PONG = '["pong"]';

// The types, documented member by member, are in client.d.ts beside this file (/_pagewire/client.d.ts).
/** @typedef {'connecting' | 'connected' | 'reconnecting' | 'expired' | 'closed'} ConnectionState */
/** @typedef {{state: ConnectionState, transport: 'websocket' | null, code: number | null, reason: string}} StateChange */
/** @typedef {(data: any, name: string) => void} Listener gets the event's JSON value or ArrayBuffer */

/**
 * @typedef {object} ConnectOptions
 * @property {string} [url] channel URL; default: the current page's URL (so required outside a page)
 * @property {string} [token] page token, added to `url` as the `pagewire` query parameter
 * @property {typeof WebSocket} [WebSocket] default `globalThis.WebSocket`
 * @property {{initialDelayMs?: number, maxDelayMs?: number}} [reconnect] back-off, default 250 and 10 000 ms
 * @property {number} [maxQueuedEvents] events kept while not connected; default 1000
 * @property {EventTarget | null} [window] where online/pagehide/pageshow are observed; default `window`
 * @property {(fn: () => void, ms: number) => unknown} [setTimeout] for tests
 * @property {(id: any) => void} [clearTimeout] for tests
 */

/**
 * Opens a channel and returns its client. Inside a page rendered by Pagewire, use `window.pagewire`
 * (or this module's default export) instead: the page's channel is already open.
 *
 * @param {ConnectOptions} [options]
 * @returns {PagewireClient}
 * @throws {TypeError} when neither a URL nor a page location is available, or no WebSocket exists
 */
export function connect(options = {}) {
  return new PagewireClient(options);
}

/**
 * One channel. Created by {@link connect}; all methods must be called on the page's main thread,
 * which is the only thread a browser has for it anyway.
 */
class PagewireClient {
  #url;
  #WebSocket;
  #setTimer;
  #clearTimer;
  #window;
  #initialDelay;
  #maxDelay;
  #maxQueued;

  /** @type {WebSocket | null} */ #socket = null;
  /** @type {ConnectionState} */ #state = 'connecting';
  /** @type {string | null} */ #pageId = null;
  #heartbeat = DEFAULT_HEARTBEAT_MS;
  /** Encoded frames waiting for the next `hello`, oldest first. */
  #queue = [];
  #attempt = 0;
  #retryTimer = null;
  #livenessTimer = null;
  #pageListeners = new Map();
  #clientListeners = new Map([['state', []], ['error', []]]);

  /**
   * The page's own event channel: `on(name, fn)` and `once(name, fn)` return a remover; `off(name, fn?)`;
   * `emit(name, data)` sends binary for an ArrayBuffer or a view, else JSON, queued while not connected.
   * @type {{on(name: string, fn: Listener): () => void, once(name: string, fn: Listener): () => void,
   *     off(name: string, fn?: Listener): void, emit(name: string, data?: any): void}}
   * @readonly
   */
  page;

  /** @param {ConnectOptions} options */
  constructor(options) {
    this.#url = channelUrl(options);
    this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
    if (typeof this.#WebSocket !== 'function') {
      throw new TypeError('pagewire: no WebSocket available; pass options.WebSocket');
    }
    this.#setTimer = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = options.clearTimeout ?? ((id) => clearTimeout(id));
    this.#window = options.window !== undefined ? options.window
      : typeof window !== 'undefined' ? window : null;
    this.#initialDelay = options.reconnect?.initialDelayMs ?? 250;
    this.#maxDelay = Math.max(this.#initialDelay, options.reconnect?.maxDelayMs ?? 10_000);
    this.#maxQueued = options.maxQueuedEvents ?? 1000;

    const listeners = this.#pageListeners;
    this.page = Object.freeze({
      on: (name, fn) => addListener(listeners, checkName(name), checkListener(fn)),
      once: (name, fn) => {
        checkListener(fn);
        const wrapper = (data, eventName) => { remove(); fn(data, eventName); };
        wrapper.original = fn; // so off(name, fn) also finds a once-listener
        const remove = addListener(listeners, checkName(name), wrapper);
        return remove;
      },
      off: (name, fn) => removeListener(listeners, name, fn),
      emit: (name, data) => this.#emit(name, data),
    });

    this.#window?.addEventListener('online', this.#onOnline);
    this.#window?.addEventListener('pagehide', this.#onPageHide);
    this.#window?.addEventListener('pageshow', this.#onPageShow);
    this.#open();
  }

  /** @returns {ConnectionState} */
  get state() { return this.#state; }

  /** @returns {'websocket' | null} `"websocket"` while connected, else `null`. */
  get transport() { return this.#state === 'connected' ? 'websocket' : null; }

  /** @returns {string | null} the page id announced by the server's `hello`; null before the first. */
  get pageId() { return this.#pageId; }

  /**
   * Listens to the connection itself: `"state"` gets a {@link StateChange}, `"error"` gets the
   * `{code, message}` of an `err` frame.
   * @param {'state' | 'error'} kind
   * @param {(event: any) => void} fn
   * @returns {() => void} a function that removes the listener
   */
  on(kind, fn) {
    if (!this.#clientListeners.has(kind)) {
      throw new TypeError(`pagewire: unknown connection event "${kind}"; use "state" or "error", `
        + `or client.page.on("${kind}", fn) for an event of the page`);
    }
    return addListener(this.#clientListeners, kind, checkListener(fn));
  }

  /** Removes a listener added with {@link PagewireClient#on}. */
  off(kind, fn) {
    removeListener(this.#clientListeners, kind, fn);
  }

  /**
   * Says goodbye to the server (which then closes the page at once instead of after its grace
   * period) and closes the channel for good. Does nothing when already closed or expired.
   */
  close() {
    if (this.#state === 'closed' || this.#state === 'expired') return;
    if (this.#socket?.readyState === OPEN) this.#socket.send(BYE);
    this.#abandonSocket(1000, 'page closed');
    this.#finish('closed', 1000, '');
  }

  #emit(name, data) {
    checkName(name);
    if (this.#state === 'closed' || this.#state === 'expired') {
      throw new Error(`pagewire: cannot emit "${name}": the channel is ${this.#state}`);
    }
    // Encoding now, not at flush time, so the caller sees a bad value where it made it and later
    // changes to `data` cannot leak into an event that is waiting in the queue.
    const frame = isBinary(data) ? encodeBinary(name, data)
      : JSON.stringify(['ev', name, data === undefined ? null : data]);
    if (this.#state === 'connected') {
      this.#socket.send(frame);
    } else if (this.#queue.length < this.#maxQueued) {
      this.#queue.push(frame);
    } else {
      throw new Error(`pagewire: cannot emit "${name}": the queue is full (${this.#maxQueued} events `
        + `are waiting while the channel is ${this.#state}); raise maxQueuedEvents or emit less`);
    }
  }

  #open() {
    this.#retryTimer = null;
    const socket = new this.#WebSocket(this.#url);
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    // Every handler first checks it still belongs to the current socket: a socket we gave up on
    // (liveness, back/forward cache) may still report its close much later.
    socket.onopen = () => { if (socket === this.#socket) this.#armLiveness(); };
    socket.onmessage = (event) => { if (socket === this.#socket) this.#receive(event.data); };
    socket.onclose = (event) => { if (socket === this.#socket) this.#onClose(event.code, event.reason); };
    socket.onerror = null; // a close event always follows, with all the browser is willing to tell
  }

  #receive(data) {
    this.#armLiveness();
    let frame;
    try {
      frame = typeof data === 'string' ? parseText(data) : parseBinary(data);
    } catch (e) {
      // Liberal in what we accept: a frame we cannot read is not worth losing the connection over.
      console.warn(`pagewire: ignoring a malformed frame from the server: ${e.message}`);
      return;
    }
    switch (frame[0]) {
      case 'hello': return this.#onHello(frame[1]);
      case 'ev': return dispatch(this.#pageListeners, frame[1], [frame.length > 2 ? frame[2] : null, frame[1]]);
      case 'err': return this.#onServerError({ code: String(frame[1] ?? ''), message: String(frame[2] ?? '') });
      case 'ping': return this.#socket.send(PONG);
      case 'pong': return undefined;
    }
  }

  #onHello(hello) {
    if (hello.v !== PROTOCOL_VERSION) {
      // PROTOCOL.md §7: browsers refuse to send codes other than 1000 and 3000-4999,
      // so the socket closes with 1000 and the reason; the state event reports 1002. Reconnecting
      // would meet the same server: a reload fetches the client that matches it, hence expired.
      const reason = `unsupported protocol version ${hello.v}`;
      this.#abandonSocket(1000, reason);
      this.#finish('expired', 1002, reason);
      return;
    }
    if (typeof hello.page === 'string') this.#pageId = hello.page;
    this.#heartbeat = Number.isFinite(hello.heartbeat) && hello.heartbeat > 0 ? hello.heartbeat : DEFAULT_HEARTBEAT_MS;
    this.#attempt = 0;
    this.#armLiveness();
    // Flushed before the state change is announced, so an event emitted by a "connected" listener
    // goes out after the ones that waited.
    const queued = this.#queue;
    this.#queue = [];
    for (const frame of queued) this.#socket.send(frame);
    this.#setState('connected', null, '');
  }

  #onServerError(error) {
    if (this.#clientListeners.get('error').length === 0) {
      console.warn(`pagewire: the server refused an event (${error.code}): ${error.message}`);
    }
    dispatch(this.#clientListeners, 'error', [error]);
  }

  #onClose(code, reason) {
    this.#abandonSocket();
    switch (code) {
      case 4000: // the server closed the page
      case 4409: // a newer connection of this page took over; it is the one that lives
        return this.#finish('closed', code, reason);
      case 4401: // token refused
      case 4404: // page gone: only a reload makes a new one
        return this.#finish('expired', code, reason);
      default:
        return this.#retry(code, reason);
    }
  }

  /** Detaches from the current socket, closing it with `code` when given. */
  #abandonSocket(code, reason) {
    const socket = this.#socket;
    this.#socket = null;
    this.#clearTimer(this.#livenessTimer);
    this.#livenessTimer = null;
    if (socket && code !== undefined) {
      try {
        socket.close(code, reason);
      } catch (e) {
        console.error('pagewire: closing the socket failed', e);
      }
    }
  }

  #armLiveness() {
    this.#clearTimer(this.#livenessTimer);
    const timeout = 2 * this.#heartbeat + 5000;
    this.#livenessTimer = this.#setTimer(() => {
      // A dead network path can take minutes to surface as a close event; the server pings every
      // `heartbeat` ms, so this much silence means the connection is gone.
      const reason = `nothing received from the server for ${timeout} ms`;
      this.#abandonSocket(4408, reason);
      this.#retry(4408, reason);
    }, timeout);
  }

  #retry(code, reason) {
    this.#setState('reconnecting', code, reason);
    this.#clearTimer(this.#retryTimer);
    // Exponential back-off with "equal jitter": at least half the step, so a restarted server is
    // not hit by every page at the same instant, nor hammered by one page.
    const step = Math.min(this.#maxDelay, this.#initialDelay * 2 ** this.#attempt);
    const delay = step / 2 + Math.random() * (step / 2);
    if (step < this.#maxDelay) this.#attempt++;
    this.#retryTimer = this.#setTimer(() => this.#reopen(), delay);
  }

  #reopen() {
    this.#clearTimer(this.#retryTimer);
    this.#retryTimer = null;
    try {
      this.#open();
    } catch (e) {
      console.error('pagewire: cannot open the channel', e);
      this.#retry(null, String(e?.message ?? e));
    }
  }

  /** Enters a state with no way back: no socket, no timers, no queue, no window listeners. */
  #finish(state, code, reason) {
    this.#clearTimer(this.#retryTimer);
    this.#retryTimer = null;
    this.#queue = [];
    this.#window?.removeEventListener('online', this.#onOnline);
    this.#window?.removeEventListener('pagehide', this.#onPageHide);
    this.#window?.removeEventListener('pageshow', this.#onPageShow);
    this.#setState(state, code, reason);
  }

  #setState(state, code, reason) {
    if (state === this.#state) return;
    this.#state = state;
    dispatch(this.#clientListeners, 'state', [{ state, transport: this.transport, code, reason: reason ?? '' }]);
  }

  /** Back online: waiting out the back-off would only delay the user. */
  #onOnline = () => {
    if (this.#retryTimer !== null) this.#reopen();
  };

  #onPageHide = (event) => {
    if (!event.persisted) {
      this.close();
    } else if (this.#state !== 'closed' && this.#state !== 'expired') {
      // Going into the back/forward cache: an open socket would keep the page out of it, and the
      // page may come back, so no bye; the server keeps the page for its grace period.
      this.#clearTimer(this.#retryTimer);
      this.#retryTimer = null;
      this.#abandonSocket(1000, 'page hidden');
      this.#setState('reconnecting', 1000, 'page hidden');
    }
  };

  #onPageShow = (event) => {
    if (event.persisted && this.#socket === null && this.#state === 'reconnecting') {
      this.#attempt = 0;
      this.#reopen();
    }
  };
}

/**
 * The page's own channel URL (PROTOCOL.md §1.2), unless the caller gave one.
 * @param {ConnectOptions} options
 */
function channelUrl({ url, token }) {
  if (url == null) {
    if (typeof location === 'undefined') {
      throw new TypeError('pagewire: connect() needs options.url outside a web page');
    }
    if (token == null) {
      throw new TypeError('pagewire: connect() needs options.token (or an options.url that carries it)');
    }
    url = (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + location.pathname;
  }
  url = String(url);
  if (token == null) return url;
  return url + (url.includes('?') ? '&' : '?') + 'pagewire=' + encodeURIComponent(token);
}

function checkName(name) {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    const got = typeof name === 'string' ? `a string of ${name.length} characters` : typeof name;
    throw new TypeError(`pagewire: an event name must be a non-empty string of at most ${MAX_NAME_LENGTH} `
      + `characters, got ${got}`);
  }
  return name;
}

function checkListener(fn) {
  if (typeof fn !== 'function') throw new TypeError(`pagewire: a listener must be a function, got ${typeof fn}`);
  return fn;
}

function addListener(map, key, fn) {
  if (!map.has(key)) map.set(key, []);
  map.get(key).push(fn);
  return () => removeListener(map, key, fn);
}

/** Removes one listener (first match), or every listener of `key` when `fn` is omitted. */
function removeListener(map, key, fn) {
  const list = map.get(key);
  if (!list) return;
  if (fn === undefined) {
    list.length = 0;
    return;
  }
  const i = list.findIndex((l) => l === fn || l.original === fn);
  if (i >= 0) list.splice(i, 1);
}

function dispatch(map, key, args) {
  // A copy, so listeners that add or remove listeners do not disturb this round.
  for (const fn of [...(map.get(key) ?? [])]) {
    try {
      fn(...args);
    } catch (e) {
      // One faulty listener must not starve the others nor break the connection.
      console.error(`pagewire: a listener for "${key}" threw`, e);
    }
  }
}

function parseText(text) {
  const frame = JSON.parse(text);
  if (!Array.isArray(frame) || typeof frame[0] !== 'string') throw new Error('not a JSON array starting with a type');
  switch (frame[0]) {
    case 'hello':
      if (frame[1] === null || typeof frame[1] !== 'object') throw new Error('hello without an object');
      return frame;
    case 'ev':
      if (!validName(frame[1])) throw new Error('ev without a valid name');
      return frame;
    case 'err': case 'ping': case 'pong':
      return frame;
    default:
      throw new Error(`unknown frame type "${frame[0]}"`);
  }
}

function parseBinary(data) {
  if (!(data instanceof ArrayBuffer)) throw new Error('binary message is not an ArrayBuffer');
  if (data.byteLength < 4) throw new Error('binary message shorter than its length prefix');
  const headerLength = new DataView(data).getUint32(0);
  if (headerLength > data.byteLength - 4) throw new Error('binary header longer than the message');
  const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(data, 4, headerLength)));
  if (!Array.isArray(header) || header[0] !== 'ev' || !validName(header[1])) {
    throw new Error('binary header is not ["ev", name]');
  }
  return ['ev', header[1], data.slice(4 + headerLength)];
}

function validName(name) {
  return typeof name === 'string' && name.length > 0 && name.length <= MAX_NAME_LENGTH;
}

function isBinary(data) {
  return data instanceof ArrayBuffer || ArrayBuffer.isView(data);
}

/** uint32 BE header length, UTF-8 `["ev", name]`, payload (PROTOCOL.md §3). */
function encodeBinary(name, data) {
  const header = new TextEncoder().encode(JSON.stringify(['ev', name]));
  const payload = data instanceof ArrayBuffer ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const bytes = new Uint8Array(4 + header.length + payload.length);
  new DataView(bytes.buffer).setUint32(0, header.length);
  bytes.set(header, 4);
  bytes.set(payload, 4 + header.length);
  return bytes.buffer;
}

/**
 * The page's client, opened when this module runs in a page rendered by Pagewire (the page's
 * `<script data-pagewire-token>` is present); `null` elsewhere. Also set as `window.pagewire`.
 * @type {PagewireClient | null}
 */
export let pagewire = null;

if (typeof document !== 'undefined') {
  // document.currentScript is always null in a module, so the tag is found by its attribute.
  const script = document.querySelector('script[data-pagewire-token]');
  if (script) {
    pagewire = connect({ token: script.getAttribute('data-pagewire-token') });
    window.pagewire = pagewire;
  }
}

export { pagewire as default };
