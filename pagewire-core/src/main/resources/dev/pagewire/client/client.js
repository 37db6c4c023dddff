/**
 * Pagewire browser client: the page's live two-way event channel to the server code that rendered it.
 *
 * The server injects `<script type="module" src="/_pagewire/client.js" data-pagewire-token="…">`
 * into every page it renders; evaluating this module then opens the page's channel and sets
 * `window.pagewire`. The wire format is docs/PROTOCOL.md (version 1). One file, no dependencies,
 * no build step.
 *
 * The client owns the connection state and picks the transport (PROTOCOL.md §9): WebSocket, else
 * SSE down + POST up, else long-polling, and back up to WebSocket later. Each transport is a small
 * class below with the same interface ({@link Transport}); none of them knows about the others.
 * What outlives connections is in two more: {@link Sequencer} numbers, acks and keeps the data frames
 * for resume (§10: nothing lost, nothing doubled, order kept), {@link Calls} matches calls and
 * replies in both directions (§11).
 *
 * @module pagewire
 */

const PROTOCOL_VERSION = 1;
const MAX_NAME_LENGTH = 128;
/** Used until `hello` announces the server's interval; it is the server's default. */
const DEFAULT_HEARTBEAT_MS = 20_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
const DEFAULT_UPGRADE_AFTER_MS = 10_000;
const DEFAULT_REMEMBER_FOR_MS = 60 * 60_000;
const MAX_UPGRADE_DELAY_MS = 5 * 60_000;
/** A third `4409` within this many ms ends the client in `closed` (PROTOCOL.md §5). */
const REPLACED_WINDOW_MS = 60_000;
const MAX_REPLACED = 3;
const OPEN = 1; // WebSocket.OPEN, spelled out so an injected WebSocket needs no static constants
const BYE = '["bye"]';
const PONG = '["pong"]';
/** Every transport, in the order negotiation tries them (PROTOCOL.md §9). */
const TRANSPORTS = ['websocket', 'sse', 'longpolling'];
/** The `localStorage` key under which an origin remembers the fallback its pages ended up on. */
const STORAGE_KEY = 'pagewire.transport';

// The types, documented member by member, are in client.d.ts beside this file (/_pagewire/client.d.ts).
/** @typedef {'connecting' | 'connected' | 'reconnecting' | 'expired' | 'closed'} ConnectionState */
/** @typedef {'websocket' | 'sse' | 'longpolling'} TransportName */
/** @typedef {{state: ConnectionState, transport: TransportName | null, code: number | null, reason: string}} StateChange */
/** @typedef {{transport: TransportName, previous: TransportName}} TransportChange */
/** @typedef {(data: any, name: string) => void} Listener gets the event's JSON value or ArrayBuffer */

/**
 * @typedef {object} ConnectOptions
 * @property {string} [url] channel URL (`ws:`, `wss:`, `http:` or `https:`); default: the current page's
 *     URL (so required outside a page)
 * @property {string} [token] page token, added to `url` as the `pagewire` query parameter
 * @property {TransportName | null} [transport] use only this transport: no fallback, no upgrade;
 *     default: the page URL's `pagewire-transport` query parameter, else negotiate
 * @property {number} [connectTimeout] ms a transport gets to prove it works before the next is tried; default 3000
 * @property {number} [upgradeAfter] ms a page on a fallback waits before trying WebSocket again; default 10 000
 * @property {number} [rememberFor] ms this origin remembers the fallback its last page needed; default 1 h
 * @property {{initialDelayMs?: number, maxDelayMs?: number}} [reconnect] back-off, default 250 and 10 000 ms
 * @property {number} [maxQueuedEvents] data frames (events, calls, replies) kept until the server
 *     acks them, sent or not; default 1000
 * @property {boolean} [reloadOnExpired] reload a page that was connected when the server says it is gone
 *     (4404, or 4401 from a server that restarted with another secret); default false
 * @property {EventTarget | null} [window] where online/pagehide/pageshow are observed; default `window`
 * @property {{readyState: string, addEventListener: Function} | null} [document] until its
 *     `DOMContentLoaded`, events wait, so the page's own module and deferred scripts register their
 *     listeners before the first event; default `document`
 * @property {typeof WebSocket | null} [WebSocket] default `globalThis.WebSocket`; null for none
 * @property {typeof fetch | null} [fetch] default `globalThis.fetch`; null for none
 * @property {((url: string, data: string) => boolean) | null} [sendBeacon] default `navigator.sendBeacon`
 * @property {Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null} [storage] default `localStorage`
 * @property {(fn: () => void, ms: number) => unknown} [setTimeout] for tests
 * @property {(id: any) => void} [clearTimeout] for tests
 */

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
 * An upgrade from a fallback to WebSocket in progress (PROTOCOL.md §9.5). While there is one,
 * new data frames are kept unsent instead of going to the fallback.
 * @typedef {object} Upgrade
 * @property {WebSocketTransport | null} socket null while the fallback still has frames in flight
 * @property {number} openedWith the ack the WebSocket's request carried
 * @property {object | null} hello the WebSocket's `hello`: from then on the server reads the WebSocket
 * @property {{code: number, reason: string} | null} oldEnded how the fallback ended, once it did
 * @property {{code: number, reason: string} | null} socketEnded how the WebSocket ended after its hello
 * @property {any[][]} buffer frames from the WebSocket, dispatched once the fallback has delivered its last
 * @property {unknown} timer the deadline for the WebSocket's hello, then for the fallback's end
 */

/**
 * Opens a channel and returns its client. Inside a page rendered by Pagewire, use `window.pagewire`
 * (or this module's default export) instead: the page's channel is already open.
 *
 * @param {ConnectOptions} [options]
 * @returns {PagewireClient}
 * @throws {TypeError} when neither a URL nor a page location is available, when an option is
 *     invalid, or when no transport can work here (neither WebSocket nor fetch)
 */
export function connect(options = {}) {
  return new PagewireClient(options);
}

/**
 * One channel. Created by {@link connect}; all methods must be called on the page's main thread,
 * which is the only thread a browser has for it anyway.
 */
class PagewireClient {
  #wsUrl;
  #httpUrl;
  #WebSocket;
  /** @type {{fetch: typeof fetch, sendBeacon: ((url: string, data: string) => boolean) | null}} */ #http;
  /** @type {TransportMemory} */ #memory;
  #setTimer;
  #clearTimer;
  #window;
  #initialDelay;
  #maxDelay;
  /** @type {Sequencer} numbers, acks and the frames kept for resume (PROTOCOL.md §10) */ #seq;
  /** @type {Calls} */ #calls;
  #reloadOnExpired;
  /** @type {TransportName[]} the transports this environment can run, in negotiation order */ #available;
  /** @type {TransportName | null} */ #forced;
  #connectTimeout;
  #upgradeAfter;

  /** @type {ConnectionState} */ #state = 'connecting';
  /** @type {string | null} */ #pageId = null;
  #heartbeat = DEFAULT_HEARTBEAT_MS;
  #attempt = 0;
  #retryTimer = null;
  #livenessTimer = null;

  /** @type {Transport | null} the transport being tried, or the one the page is connected over */
  #transport = null;
  /** Whether {@link #transport} delivered its `hello`. */
  #greeted = false;
  /** The ack {@link #transport}'s request carried (PROTOCOL.md §10.3). */
  #openedWith = 0;
  /** The last connection ended with 1009: the server refused the first frame it has not acked. */
  #refusedTooLarge = false;
  /** @type {TransportName[]} what this attempt tries after {@link #transport}, in order */
  #chain = [];
  /** Gives the transport being tried `connectTimeout` to prove it works, while there is a next one. */
  #probeTimer = null;
  /** A WebSocket failed in this attempt: the fallback that works then is worth remembering. */
  #webSocketFailed = false;
  /** @type {Upgrade | null} */ #upgrade = null;
  #upgradeTimer = null;
  #upgradeDelay;

  #pageListeners = new Map();
  /** When the last `4409`s ended the current connection (Date.now() values, recent ones only). */
  #replacedAt = [];
  /** Data and `missed` frames that arrived while the document was still loading, or null once it has. */
  #held = null;
  #clientListeners = new Map([['state', []], ['error', []], ['transport', []], ['missed', []]]);
  /** @type {TransportEvents} */
  #events = {
    frame: (transport, data) => this.#onFrame(transport, data),
    open: (transport) => this.#onOpenFrame(transport),
    end: (transport, code, reason) => this.#onEnd(transport, code, reason),
  };

  /**
   * The page's own event channel: `on(name, fn)` and `once(name, fn)` return a remover; `off(name, fn?)`;
   * `emit(name, data)` sends binary for an ArrayBuffer or a view, else JSON, kept until the server acks it;
   * `call(name, args, {timeout})` asks the server's handler and resolves with its answer;
   * `handle(name, fn)` answers the server's calls `name` (PROTOCOL.md §11) and returns a remover.
   * @type {{on(name: string, fn: Listener): () => void, once(name: string, fn: Listener): () => void,
   *     off(name: string, fn?: Listener): void, emit(name: string, data?: any): void,
   *     call(name: string, args?: any, options?: {timeout?: number}): Promise<any>,
   *     handle(name: string, fn: (args: any) => any): () => void}}
   * @readonly
   */
  page;

  /** @param {ConnectOptions} options */
  constructor(options) {
    const url = channelUrl(options);
    this.#wsUrl = url.replace(/^http(s?):/i, 'ws$1:');
    this.#httpUrl = url.replace(/^ws(s?):/i, 'http$1:');
    // For each of these, null means "there is none", to leave a transport out.
    this.#WebSocket = options.WebSocket !== undefined ? options.WebSocket : globalThis.WebSocket;
    const fetchFunction = options.fetch !== undefined ? options.fetch
      : typeof globalThis.fetch === 'function' ? (...args) => globalThis.fetch(...args) : null;
    const navigator = globalThis.navigator;
    const sendBeacon = options.sendBeacon !== undefined ? options.sendBeacon
      : typeof navigator?.sendBeacon === 'function' ? (beaconUrl, data) => navigator.sendBeacon(beaconUrl, data) : null;
    this.#http = { fetch: fetchFunction, sendBeacon };
    this.#available = TRANSPORTS.filter((name) => typeof (name === 'websocket' ? this.#WebSocket : fetchFunction) === 'function');
    if (this.#available.length === 0) {
      throw new TypeError('pagewire: neither WebSocket nor fetch is available; pass options.WebSocket or options.fetch');
    }
    this.#forced = forcedTransport(options.transport);
    if (this.#forced !== null && !this.#available.includes(this.#forced)) {
      throw new TypeError(`pagewire: the transport "${this.#forced}" was asked for, but there is no `
        + `${this.#forced === 'websocket' ? 'WebSocket' : 'fetch'} here; pass it in the options`);
    }
    this.#memory = new TransportMemory(options.storage !== undefined ? options.storage : defaultStorage(),
      duration(options, 'rememberFor', DEFAULT_REMEMBER_FOR_MS));
    this.#connectTimeout = duration(options, 'connectTimeout', DEFAULT_CONNECT_TIMEOUT_MS);
    this.#upgradeAfter = duration(options, 'upgradeAfter', DEFAULT_UPGRADE_AFTER_MS);
    this.#upgradeDelay = this.#upgradeAfter;
    this.#setTimer = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = options.clearTimeout ?? ((id) => clearTimeout(id));
    this.#window = options.window !== undefined ? options.window
      : typeof window !== 'undefined' ? window : null;
    this.#initialDelay = options.reconnect?.initialDelayMs ?? 250;
    this.#maxDelay = Math.max(this.#initialDelay, options.reconnect?.maxDelayMs ?? 10_000);
    this.#seq = new Sequencer(options.maxQueuedEvents ?? 1000, this.#setTimer, this.#clearTimer,
      (frame) => this.#sendControl(frame));
    this.#calls = new Calls((encode, what, onDrop) => this.#sendData(encode, what, onDrop),
      this.#setTimer, this.#clearTimer);
    this.#reloadOnExpired = options.reloadOnExpired === true;
    // Module and deferred scripts run after this module but before DOMContentLoaded: events that
    // arrive before then wait, so listeners those scripts register see every event.
    const doc = options.document !== undefined ? options.document
      : typeof document !== 'undefined' ? document : null;
    if (pageScriptsPending(doc)) {
      this.#held = [];
      const release = () => {
        const held = this.#held ?? [];
        this.#held = null;
        for (const frame of held) this.#deliver(frame);
      };
      doc.addEventListener('DOMContentLoaded', release, { once: true });
      // A safety net for a client started late, after DOMContentLoaded, where the timing entry
      // that would have said so is missing: the load event comes after it in any case.
      this.#window?.addEventListener?.('load', () => { if (this.#held !== null) release(); }, { once: true });
    }

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
      call: (name, args, callOptions) => this.#call(name, args, callOptions),
      handle: (name, fn) => this.#calls.handle(checkName(name), checkListener(fn)),
    });

    this.#window?.addEventListener('online', this.#onOnline);
    this.#window?.addEventListener('pagehide', this.#onPageHide);
    this.#window?.addEventListener('pageshow', this.#onPageShow);
    this.#reopen();
  }

  /** @returns {ConnectionState} */
  get state() { return this.#state; }

  /** @returns {TransportName | null} the transport the page is connected over; `null` while not connected. */
  get transport() { return this.#state === 'connected' ? this.#transport?.name ?? null : null; }

  /** @returns {string | null} the page id announced by the server's `hello`; null before the first. */
  get pageId() { return this.#pageId; }

  /**
   * Listens to the connection itself: `"state"` gets a {@link StateChange}, `"error"` gets the
   * `{code, message}` of an `err` frame, `"transport"` gets a {@link TransportChange} when a
   * connected page moves to WebSocket without a state change, `"missed"` gets the
   * `{from, to, reason}` of frames the server could not keep for the page (PROTOCOL.md §10.4).
   * @param {'state' | 'error' | 'transport' | 'missed'} kind
   * @param {(event: any) => void} fn
   * @returns {() => void} a function that removes the listener
   */
  on(kind, fn) {
    if (!this.#clientListeners.has(kind)) {
      throw new TypeError(`pagewire: unknown connection event "${kind}"; use "state", "error", "transport" or "missed", `
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
    // The bye goes where the server reads: the upgrade's WebSocket once it said hello.
    const reading = this.#upgrade?.hello ? this.#upgrade.socket : this.#transport;
    reading?.bye();
    this.#abandon(1000, 'page closed');
    this.#finish('closed', 1000, '');
  }

  #emit(name, data) {
    checkName(name);
    this.#checkOpen('emit', name);
    // Encoded now, not at send time, so the caller sees a bad value where it made it and later
    // changes to `data` cannot leak into a frame that is kept for sending or resending.
    const frame = isBinary(data) ? binaryPayload(data) : JSON.stringify(data === undefined ? null : data);
    const start = `["ev",${JSON.stringify(name)},${typeof frame === 'string' ? frame : ''}`;
    this.#sendData(typeof frame === 'string' ? (seq, ack) => numbered(start, seq, ack)
      : (seq, ack) => encodeBinary(name, frame, seq, ack), `emit "${name}"`);
  }

  #call(name, args, options = {}) {
    checkName(name);
    this.#checkOpen('call', name);
    const timeout = duration(options ?? {}, 'timeout', DEFAULT_CALL_TIMEOUT_MS);
    return this.#calls.call(name, args, timeout);
  }

  #checkOpen(what, name) {
    if (this.#state === 'closed' || this.#state === 'expired') {
      throw new Error(`pagewire: cannot ${what} "${name}": the channel is ${this.#state}`);
    }
  }

  /**
   * Numbers and keeps a data frame, and sends it when a connection can carry it now (PROTOCOL.md §10).
   * @param {(seq: number, ack: number | null) => string | ArrayBuffer} encode
   * @param {string} what what the caller does, for the error when the frame cannot be kept
   * @param {() => void} [onDrop] told when the frame is given up unsent (refused for its size)
   */
  #sendData(encode, what, onDrop) {
    if (this.#seq.full) {
      throw new Error(`pagewire: cannot ${what}: the queue is full (${this.#seq.max} frames are waiting `
        + `for the server's ack while the channel is ${this.#upgrade ? 'switching to WebSocket' : this.#state}); `
        + 'raise maxQueuedEvents or emit less');
    }
    this.#seq.add(encode, onDrop);
    this.#pump();
  }

  /** Whether frames go out now: a connection said hello and no upgrade holds them back. */
  get #sending() { return this.#greeted && this.#upgrade === null && this.#transport !== null; }

  /** Sends, in order, every kept data frame the current connection has not carried yet. */
  #pump() {
    if (!this.#sending) return;
    for (const frame of this.#seq.unsent()) this.#transport.send(frame);
  }

  #sendControl(frame) {
    if (!this.#sending) return false;
    this.#transport.send(frame);
    return true;
  }

  // ---- Negotiation (PROTOCOL.md §9) ----

  /** Starts an attempt at the start of the chain: the forced transport, a remembered fallback, or WebSocket. */
  #reopen() {
    this.#clearTimer(this.#retryTimer);
    this.#retryTimer = null;
    this.#webSocketFailed = false;
    if (this.#forced !== null) {
      this.#chain = [this.#forced];
    } else {
      const remembered = this.#memory.recall();
      this.#chain = this.#available.slice(Math.max(0, this.#available.indexOf(remembered)));
    }
    this.#tryNext();
  }

  #tryNext() {
    const name = this.#chain.shift();
    this.#greeted = false;
    try {
      this.#transport = this.#create(name);
    } catch (e) {
      console.error(`pagewire: cannot open the channel (${name})`, e);
      this.#giveUp(name, null, String(e?.message ?? e));
      return;
    }
    this.#armLiveness();
    if (this.#chain.length > 0) {
      this.#probeTimer = this.#setTimer(() => this.#onProbeTimeout(), this.#connectTimeout);
    }
  }

  /** Opens `name` with the client's ack in its request (PROTOCOL.md §10.3), kept in {@link #openedWith}. */
  #create(name) {
    this.#openedWith = this.#seq.received;
    const ack = String(this.#openedWith);
    switch (name) {
      case 'websocket': return new WebSocketTransport(withParam(this.#wsUrl, 'ack', ack), this.#WebSocket, this.#events);
      case 'sse': return new SseTransport(this.#httpUrl, ack, this.#http, this.#events);
      default: return new LongPollingTransport(this.#httpUrl, ack, this.#http, this.#events);
    }
  }

  /** The transport being tried did not work: the next one in the chain, or back-off when none is left. */
  #giveUp(name, code, reason) {
    if (name === 'websocket') this.#webSocketFailed = true;
    if (this.#chain.length > 0) {
      this.#tryNext();
    } else {
      this.#retry(code, reason);
    }
  }

  #onProbeTimeout() {
    this.#probeTimer = null;
    const { name } = this.#transport;
    // A WebSocket proves itself with hello; a fallback with its open frame, which a buffering
    // proxy holds back (§9.3, §9.4).
    const reason = `no ${name === 'websocket' ? 'hello' : 'open frame'} within ${this.#connectTimeout} ms`;
    this.#abandon(4408, reason);
    this.#giveUp(name, 4408, reason);
  }

  // ---- Frames from the server ----

  #onFrame(transport, data) {
    const upgrade = this.#upgrade;
    const fromUpgrade = upgrade !== null && transport === upgrade.socket;
    if (transport !== this.#transport && !fromUpgrade) return;
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
      case 'ping': return transport.send(PONG); // on the connection that asked
      case 'pong': return undefined;
      case 'ack': return this.#seq.acked(frame[1]); // acks only let go of kept frames: no order needed
      case 'hello': return fromUpgrade ? this.#onUpgradeHello(upgrade, frame[1]) : this.#onHello(frame[1]);
      default:
        if (fromUpgrade) return void upgrade.buffer.push(frame);
        return this.#accept(frame);
    }
  }

  /**
   * Takes a data or `missed` frame in the server's order (PROTOCOL.md §10.3, §10.4): a duplicate is
   * dropped, a gap ends the connection with 4400 (resuming closes it), the rest is delivered.
   */
  #accept(frame) {
    if (frame[0] === 'missed') {
      this.#seq.missed(frame[1].to);
      return this.#deliver(frame);
    }
    const i = SEQ_INDEX[frame[0]];
    const seq = frame[i];
    const ack = frame[i + 1];
    if (seq === undefined) return this.#deliver(frame); // a server that does not number (§10.1)
    if (!Number.isInteger(seq) || seq <= 0 || (ack !== undefined && !Number.isInteger(ack))) {
      return this.#protocolError(`a malformed sequence number in a ${frame[0]} frame`);
    }
    if (ack !== undefined) this.#seq.acked(ack);
    switch (this.#seq.receive(seq)) {
      case 'new': return this.#deliver(frame);
      case 'duplicate': return undefined;
      default: return this.#protocolError(`a sequence gap: expected ${this.#seq.received + 1}, got ${seq}`);
    }
  }

  #protocolError(reason) {
    console.warn(`pagewire: ${reason}; reconnecting`);
    this.#abandon(4400, reason);
    this.#retry(4400, reason);
  }

  /** Hands a data or `missed` frame to the listeners, the call handlers or the waiting call. */
  #deliver(frame) {
    if (this.#held !== null) {
      // The page's own scripts have not all run yet: they would miss this event.
      this.#held.push(frame);
      return;
    }
    switch (frame[0]) {
      case 'ev': return dispatch(this.#pageListeners, frame[1], [frame.length > 2 ? frame[2] : null, frame[1]]);
      case 'err': return this.#onServerError({ code: String(frame[1] ?? ''), message: String(frame[2] ?? '') });
      case 'call': return void this.#calls.onCall(frame);
      case 'res': return this.#calls.onReply(frame);
      default: {
        const { from, to, reason } = frame[1];
        return dispatch(this.#clientListeners, 'missed', [{ from, to, reason: String(reason ?? '') }]);
      }
    }
  }

  #onOpenFrame(transport) {
    if (transport === this.#transport) {
      this.#clearTimer(this.#probeTimer);
      this.#probeTimer = null;
    }
  }

  #onHello(hello) {
    if (!this.#acceptVersion(hello)) return;
    this.#applyHello(hello);
    if (this.#greeted) return; // a second hello on one connection changes nothing else
    this.#clearTimer(this.#probeTimer);
    this.#probeTimer = null;
    this.#greeted = true;
    this.#chain = [];
    this.#attempt = 0;
    const { name } = this.#transport;
    if (this.#forced === null) {
      if (name === 'websocket') {
        this.#memory.forget();
        this.#upgradeDelay = this.#upgradeAfter;
      } else if (this.#webSocketFailed) {
        this.#memory.remember(name);
      }
    }
    // Resent before the state change is announced, so an event emitted by a "connected" listener
    // goes out after the ones that waited (PROTOCOL.md §10.3).
    this.#seq.resume(hello.ack, this.#openedWith);
    if (this.#refusedTooLarge) this.#dropTooLarge();
    this.#pump();
    this.#setState('connected', null, '');
    if (name !== 'websocket') this.#scheduleUpgrade();
  }

  /**
   * The server closed the last connection with 1009 at the first frame it did not take: sent again,
   * that frame would be refused again on every reconnect, so it is given up (PROTOCOL.md §10.5).
   */
  #dropTooLarge() {
    this.#refusedTooLarge = false;
    const seq = this.#seq.dropOldest();
    if (seq === null) return;
    this.#onServerError({ code: 'message_too_large', message: `the server refused frame ${seq} `
      + 'as larger than its maxMessageBytes (close 1009); it is not sent again' });
  }

  /** False, and the client expired, for a hello of a protocol version this client does not know. */
  #acceptVersion(hello) {
    if (hello.v === PROTOCOL_VERSION) return true;
    // PROTOCOL.md §7: browsers refuse to send codes other than 1000 and 3000-4999,
    // so the socket closes with 1000 and the reason; the state event reports 1002. Reconnecting
    // would meet the same server: a reload fetches the client that matches it, hence expired.
    const reason = `unsupported protocol version ${hello.v}`;
    this.#abandon(1000, reason);
    this.#finish('expired', 1002, reason);
    return false;
  }

  #applyHello(hello) {
    if (typeof hello.page === 'string') this.#pageId = hello.page;
    this.#heartbeat = Number.isFinite(hello.heartbeat) && hello.heartbeat > 0 ? hello.heartbeat : DEFAULT_HEARTBEAT_MS;
    this.#armLiveness();
  }

  #onServerError(error) {
    if (this.#clientListeners.get('error').length === 0) {
      console.warn(`pagewire: the server refused an event (${error.code}): ${error.message}`);
    }
    dispatch(this.#clientListeners, 'error', [error]);
  }

  // ---- Ends of connections ----

  #onEnd(transport, code, reason) {
    const upgrade = this.#upgrade;
    if (upgrade !== null && transport === upgrade.socket) return this.#onUpgradeSocketEnd(upgrade, code, reason);
    if (transport !== this.#transport) return undefined;
    if (upgrade?.socket && code !== 4000 && code !== 4401 && code !== 4404) {
      // The fallback being replaced ended, with the expected 4409 or by breaking: either way the
      // WebSocket decides what happens next (PROTOCOL.md §9.5).
      upgrade.oldEnded = { code, reason };
      if (upgrade.hello) this.#completeUpgrade(upgrade);
      return undefined;
    }
    const { name } = transport;
    const greeted = this.#greeted;
    this.#abandon(1000, '');
    if (code === 1009) this.#refusedTooLarge = true;
    if (code === 4409 && this.#mayTakeBack()) {
      // Another connection of this page took over. Only this client holds the page's token, so
      // that was one of its own attempts reaching the server late (a WebSocket given up on, or a
      // reconnect racing the old connection): resume on a fresh one.
      return greeted ? this.#retry(code, reason) : this.#giveUp(name, code, reason);
    }
    const final = finalState(code);
    if (final !== null) return this.#finish(final, code, reason);
    if (!greeted) return this.#giveUp(name, code, reason);
    return this.#retry(code, reason);
  }

  /**
   * Whether a `4409` should be answered by reconnecting: yes, unless it is the third within
   * {@link REPLACED_WINDOW_MS}, which means another copy of this page (its HTML and token
   * duplicated) keeps taking the channel over; then this one gives way for good.
   */
  #mayTakeBack() {
    const now = Date.now();
    this.#replacedAt = this.#replacedAt.filter((at) => now - at < REPLACED_WINDOW_MS);
    this.#replacedAt.push(now);
    return this.#replacedAt.length < MAX_REPLACED;
  }

  /** Lets go of every connection and timer of the current attempt, closing what is still open with `code`. */
  #abandon(code, reason) {
    const transport = this.#transport;
    const upgrade = this.#upgrade;
    this.#transport = null;
    this.#upgrade = null;
    this.#greeted = false;
    for (const timer of [this.#probeTimer, this.#livenessTimer, this.#upgradeTimer, upgrade?.timer]) {
      this.#clearTimer(timer);
    }
    this.#probeTimer = this.#livenessTimer = this.#upgradeTimer = null;
    this.#seq.pause();
    transport?.close(code, reason);
    upgrade?.socket?.close(code, reason);
  }

  #armLiveness() {
    this.#clearTimer(this.#livenessTimer);
    const timeout = 2 * this.#heartbeat + 5000;
    this.#livenessTimer = this.#setTimer(() => {
      // A dead network path can take minutes to surface as a close event; the server pings every
      // `heartbeat` ms, so this much silence means the connection is gone.
      const reason = `nothing received from the server for ${timeout} ms`;
      this.#abandon(4408, reason);
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

  /**
   * Enters a state with no way back: no transport, no timers, no kept frames, no window listeners,
   * no calls waiting. A page that had a server side and lost it (4404) reloads if it asked to.
   */
  #finish(state, code, reason) {
    this.#clearTimer(this.#retryTimer);
    this.#retryTimer = null;
    this.#seq.clear();
    this.#window?.removeEventListener('online', this.#onOnline);
    this.#window?.removeEventListener('pagehide', this.#onPageHide);
    this.#window?.removeEventListener('pageshow', this.#onPageShow);
    this.#setState(state, code, reason);
    this.#calls.close(state);
    // Only a page that was connected once: one refused from the start would reload for ever. For
    // such a page a refused token (4401) means the same as 4404: a server that restarted with
    // another secret no longer knows it.
    if (state === 'expired' && (code === 4404 || code === 4401) && this.#reloadOnExpired && this.#pageId !== null) {
      const location = this.#window?.location ?? globalThis.location;
      location?.reload();
    }
  }

  #setState(state, code, reason) {
    if (state === this.#state) return;
    this.#state = state;
    dispatch(this.#clientListeners, 'state', [{ state, transport: this.transport, code, reason: reason ?? '' }]);
  }

  // ---- Upgrade from a fallback to WebSocket (PROTOCOL.md §9.5) ----

  #scheduleUpgrade() {
    if (this.#forced !== null || !this.#available.includes('websocket') || this.#state !== 'connected') return;
    this.#clearTimer(this.#upgradeTimer);
    this.#upgradeTimer = this.#setTimer(() => this.#beginUpgrade(), this.#upgradeDelay);
  }

  #beginUpgrade() {
    this.#upgradeTimer = null;
    if (this.#state !== 'connected' || this.#upgrade !== null) return;
    /** @type {Upgrade} */
    const upgrade = { socket: null, openedWith: 0, hello: null, oldEnded: null, socketEnded: null, buffer: [], timer: null };
    // From now on new data frames are kept unsent. The WebSocket opens once the fallback has
    // delivered what it was given, so the server has every earlier frame before it switches; should
    // a POST fail meanwhile, the resume after the reconnect resends what it carried (§10.3).
    this.#upgrade = upgrade;
    this.#transport.whenDrained(() => {
      if (this.#upgrade === upgrade) this.#openUpgradeSocket(upgrade);
    });
  }

  #openUpgradeSocket(upgrade) {
    try {
      upgrade.openedWith = this.#seq.received;
      upgrade.socket = new WebSocketTransport(withParam(this.#wsUrl, 'ack', String(upgrade.openedWith)),
        this.#WebSocket, this.#events);
    } catch (e) {
      console.error('pagewire: cannot open a WebSocket to upgrade to', e);
      this.#upgradeFailed(upgrade, null, String(e?.message ?? e));
      return;
    }
    upgrade.timer = this.#setTimer(() => {
      upgrade.timer = null;
      const reason = `no hello within ${this.#connectTimeout} ms`;
      upgrade.socket.close(4408, reason);
      this.#upgradeFailed(upgrade, 4408, reason);
    }, this.#connectTimeout);
  }

  #onUpgradeHello(upgrade, hello) {
    if (upgrade.hello !== null) return;
    if (!this.#acceptVersion(hello)) return;
    this.#clearTimer(upgrade.timer);
    upgrade.hello = hello;
    if (upgrade.oldEnded) {
      this.#completeUpgrade(upgrade);
      return;
    }
    // The server has replaced the fallback, whose last frames and 4409 are still on their way.
    // Should they never come, the fallback is given up after connectTimeout.
    upgrade.timer = this.#setTimer(() => {
      upgrade.timer = null;
      this.#completeUpgrade(upgrade);
    }, this.#connectTimeout);
  }

  #onUpgradeSocketEnd(upgrade, code, reason) {
    if (upgrade.hello === null) {
      this.#upgradeFailed(upgrade, code, reason);
    } else {
      upgrade.socketEnded = { code, reason }; // acted on once the fallback has delivered its last frames
    }
  }

  /** The WebSocket did not say hello: back to POSTing over the fallback, and another try later. */
  #upgradeFailed(upgrade, code, reason) {
    this.#clearTimer(upgrade.timer);
    this.#upgrade = null;
    if (upgrade.oldEnded) {
      // The fallback is gone as well (the server may have replaced it by this very WebSocket).
      this.#abandon(1000, '');
      this.#retry(code ?? upgrade.oldEnded.code, reason);
      return;
    }
    this.#memory.remember(this.#transport.name);
    this.#upgradeDelay = Math.min(MAX_UPGRADE_DELAY_MS, this.#upgradeDelay * 2);
    this.#pump(); // what was kept unsent goes over the fallback after all
    this.#seq.flushAck();
    this.#scheduleUpgrade();
  }

  /** The fallback has ended (or had its time): the WebSocket takes over, frames in order. */
  #completeUpgrade(upgrade) {
    this.#clearTimer(upgrade.timer);
    upgrade.timer = null;
    const previous = this.#transport;
    previous.close(1000, '');
    this.#transport = upgrade.socket;
    this.#openedWith = upgrade.openedWith;
    this.#applyHello(upgrade.hello);
    // The WebSocket resumes where its hello says the server is: what the server lacks goes again.
    this.#seq.resume(upgrade.hello.ack, upgrade.openedWith);
    for (const frame of upgrade.buffer) {
      this.#accept(frame); // frames sent by listeners are kept unsent until the switch is done
      if (this.#upgrade !== upgrade) return; // a listener closed the client, or a gap ended the connection
    }
    this.#upgrade = null;
    if (upgrade.socketEnded) {
      this.#onEnd(upgrade.socket, upgrade.socketEnded.code, upgrade.socketEnded.reason);
      return;
    }
    this.#memory.forget();
    this.#upgradeDelay = this.#upgradeAfter;
    this.#pump();
    this.#seq.flushAck();
    dispatch(this.#clientListeners, 'transport', [{ transport: upgrade.socket.name, previous: previous.name }]);
  }

  // ---- The page's lifecycle ----

  /** Back online: waiting out the back-off would only delay the user. */
  #onOnline = () => {
    if (this.#retryTimer !== null) this.#reopen();
  };

  #onPageHide = (event) => {
    if (!event.persisted) {
      this.close();
    } else if (this.#state !== 'closed' && this.#state !== 'expired') {
      // Going into the back/forward cache: an open connection would keep the page out of it, and
      // the page may come back, so no bye; the server keeps the page for its grace period.
      this.#clearTimer(this.#retryTimer);
      this.#retryTimer = null;
      this.#abandon(1000, 'page hidden');
      this.#setState('reconnecting', 1000, 'page hidden');
    }
  };

  #onPageShow = (event) => {
    if (event.persisted && this.#transport === null && this.#state === 'reconnecting') {
      this.#attempt = 0;
      this.#reopen();
    }
  };
}

/**
 * Whether the page's own scripts may still be about to run: the document is being parsed, or it is
 * "interactive" and DOMContentLoaded has not fired yet, which is when deferred and module scripts
 * run, one after another. Between two of them (while the next one is still loading) the browser
 * runs other tasks, such as this client's network events.
 * @param {{readyState: string, addEventListener: Function} | null} doc
 */
function pageScriptsPending(doc) {
  if (doc == null || typeof doc.addEventListener !== 'function') return false;
  if (doc.readyState === 'loading') return true;
  if (doc.readyState !== 'interactive') return false;
  const navigation = globalThis.performance?.getEntriesByType?.('navigation')?.[0];
  return navigation ? navigation.domContentLoadedEventStart === 0 : true;
}

/** The state a close code leads to for good (PROTOCOL.md §5), or null when a reconnect follows. */
function finalState(code) {
  switch (code) {
    case 4000: // the server closed the page
    case 4409: // a newer connection of this page took over again and again (see #mayTakeBack)
      return 'closed';
    case 4401: // token refused
    case 4404: // page gone: only a reload makes a new one
      return 'expired';
    default:
      return null;
  }
}

/**
 * What an origin remembers of its pages' transports (PROTOCOL.md §9.2): the fallback a page ended
 * on because WebSocket failed, for `rememberFor` ms, in `localStorage` (one origin, one storage).
 * Storage may be absent, blocked (it throws) or full: then nothing is remembered and every page
 * negotiates from the start.
 */
class TransportMemory {
  #storage;
  #rememberFor;

  /**
   * @param {Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null} storage
   * @param {number} rememberFor ms
   */
  constructor(storage, rememberFor) {
    this.#storage = storage;
    this.#rememberFor = rememberFor;
  }

  /** @returns {'sse' | 'longpolling' | null} the fallback this origin's pages needed lately */
  recall() {
    try {
      const saved = JSON.parse(this.#storage?.getItem(STORAGE_KEY) ?? 'null');
      const age = Date.now() - saved?.at;
      if ((saved?.transport === 'sse' || saved?.transport === 'longpolling') && age >= 0 && age < this.#rememberFor) {
        return saved.transport;
      }
    } catch {
      // Storage blocked, or something unreadable under our key: negotiate from the start.
    }
    return null;
  }

  /** @param {'sse' | 'longpolling'} name */
  remember(name) {
    try {
      this.#storage?.setItem(STORAGE_KEY, JSON.stringify({ transport: name, at: Date.now() }));
    } catch {
      // Storage blocked or full (private modes throw here): the next page negotiates from the start.
    }
  }

  forget() {
    try {
      this.#storage?.removeItem(STORAGE_KEY);
    } catch {
      // Storage blocked: there is nothing remembered to forget.
    }
  }
}

// ---- Reliability and calls (PROTOCOL.md §10, §11) ----

/** The frame types that are data frames, with the index of their sequence number (PROTOCOL.md §10.1). */
const SEQ_INDEX = { ev: 3, err: 3, call: 4, res: 4 };
/** A standalone ack goes at most this long after the first data frame not yet acked (§10.2)... */
const ACK_DELAY_MS = 100;
/** ...or at once when this many are waiting for one. */
const ACK_AT_ONCE = 64;

/**
 * One data frame the client sent (or will send), kept until the server acks it (PROTOCOL.md §10.5).
 * @typedef {object} Retained
 * @property {number} seq its sequence number
 * @property {(seq: number, ack: number | null) => string | ArrayBuffer} encode the frame numbered `seq`,
 *     with `ack` piggybacked when not null
 * @property {(() => void) | undefined} onDrop told when the frame is given up unsent ({@link Sequencer#dropOldest})
 */

/**
 * The sequence numbers and acks of one page's channel, in both directions (PROTOCOL.md §10): the
 * frames the client sent and the server has not acked yet (also the ones not sent at all, while
 * there is no connection to send them on), and what the client received from the server and told
 * it. It outlives connections; the client tells it when one starts ({@link resume}) and ends
 * ({@link pause}), and hands it every numbered frame from the server in order.
 */
class Sequencer {
  #max;
  #setTimer;
  #clearTimer;
  /** @type {(frame: string) => boolean} sends a control frame on the current connection, if there is one */
  #sendControl;
  /** @type {Retained[]} oldest first */
  #retained = [];
  #nextSeq = 1;
  /** The highest number handed to the current connection. */
  #sentThrough = 0;
  /** The number of the last data frame received from the server, in order: the client's ack. */
  #received = 0;
  /** The last ack the server knows of, as far as the client can tell. */
  #told = 0;
  /** Data frames received since the server was last told an ack. */
  #waiting = 0;
  #ackTimer = null;

  /**
   * @param {number} max most frames kept (`maxQueuedEvents`)
   * @param {(fn: () => void, ms: number) => unknown} setTimer
   * @param {(id: any) => void} clearTimer
   * @param {(frame: string) => boolean} sendControl
   */
  constructor(max, setTimer, clearTimer, sendControl) {
    this.#max = max;
    this.#setTimer = setTimer;
    this.#clearTimer = clearTimer;
    this.#sendControl = sendControl;
  }

  /** @returns {number} the client's ack: what every channel request carries as `ack` (§10.3) */
  get received() { return this.#received; }

  /** @returns {number} the most frames kept */
  get max() { return this.#max; }

  /** Whether another frame may be kept. */
  get full() { return this.#retained.length >= this.#max; }

  /**
   * Numbers a new data frame and keeps it.
   * @param {(seq: number, ack: number | null) => string | ArrayBuffer} encode
   * @param {() => void} [onDrop]
   * @throws {Error} when `max` frames are kept already
   */
  add(encode, onDrop) {
    if (this.full) throw new Error(`${this.#max} frames are waiting for the server's ack`);
    const seq = this.#nextSeq++;
    this.#retained.push({ seq, encode, onDrop });
  }

  /**
   * The frames not handed to the current connection yet, encoded, in order; each counts as sent.
   * The first carries the client's ack when the server does not know it yet.
   */
  *unsent() {
    for (const frame of this.#retained) {
      if (frame.seq <= this.#sentThrough) continue;
      this.#sentThrough = frame.seq;
      yield frame.encode(frame.seq, this.#takeAck());
    }
  }

  /**
   * A connection said hello: forgets what the server has (`serverAck`), so {@link unsent} yields
   * the rest, in order (§10.3). `openedWith` is the ack its request carried.
   */
  resume(serverAck, openedWith) {
    this.acked(serverAck);
    this.#sentThrough = 0;
    this.#told = openedWith;
    this.#waiting = 0;
    if (this.#received > this.#told) this.#ackDue(this.#received - this.#told);
  }

  /** The connection is gone: a standalone ack waits for the next one, whose request carries it anyway. */
  pause() {
    this.#clearTimer(this.#ackTimer);
    this.#ackTimer = null;
  }

  /**
   * Forgets the oldest kept frame, which the server has not received, and gives the ones after it
   * its number and those after, so the server still sees no gap (none of them reached it).
   * @returns {number | null} the number it had, or null when nothing is kept
   */
  dropOldest() {
    const dropped = this.#retained.shift();
    if (dropped === undefined) return null;
    for (const frame of this.#retained) frame.seq--;
    this.#nextSeq--;
    dropped.onDrop?.();
    return dropped.seq;
  }

  /** Forgets everything kept: the channel is over. */
  clear() {
    this.pause();
    this.#retained = [];
  }

  /** The server acked every frame up to `ack` (an `ack` frame, piggybacked, or in hello). */
  acked(ack) {
    if (!Number.isInteger(ack) || ack <= 0) return;
    let i = 0;
    while (i < this.#retained.length && this.#retained[i].seq <= ack) i++;
    if (i > 0) this.#retained.splice(0, i);
  }

  /**
   * Accounts for a data frame from the server numbered `seq`.
   * @returns {'new' | 'duplicate' | 'gap'} whether to deliver it, drop it, or end the connection
   */
  receive(seq) {
    if (seq > this.#received + 1) return 'gap';
    const fresh = seq === this.#received + 1;
    if (fresh) this.#received = seq;
    // A duplicate means the server did not know it had arrived: it is acked again.
    this.#ackDue(1);
    return fresh ? 'new' : 'duplicate';
  }

  /** The server lost frames `from`…`to` for good (§10.4): the next one is `to + 1`. */
  missed(to) {
    if (to <= this.#received) return;
    this.#received = to;
    this.#ackDue(1);
  }

  /** Sends a standalone ack if one is waiting and a connection can carry it now. */
  flushAck() {
    if (this.#waiting === 0 && this.#received <= this.#told) return;
    const ack = this.#received;
    if (this.#sendControl(JSON.stringify(['ack', ack]))) {
      this.#told = ack;
      this.#waiting = 0;
      this.pause();
    }
  }

  #ackDue(count) {
    this.#waiting += count;
    if (this.#waiting >= ACK_AT_ONCE) {
      this.flushAck();
    } else if (this.#ackTimer === null) {
      this.#ackTimer = this.#setTimer(() => {
        this.#ackTimer = null;
        this.flushAck();
      }, ACK_DELAY_MS);
    }
  }

  /** The ack to piggyback on a data frame being sent, or null when the server knows it. */
  #takeAck() {
    if (this.#received <= this.#told) return null;
    this.#told = this.#received;
    this.#waiting = 0;
    this.pause();
    return this.#told;
  }
}

/** The default deadline of a call from the page (PROTOCOL.md §11). */
const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/**
 * Calls with replies in both directions (PROTOCOL.md §11): the page's calls waiting for their
 * `res`, and the handlers the page registered for the server's calls. It sends through `send`,
 * which numbers and keeps the frame like any data frame (so a call survives reconnects).
 */
class Calls {
  /** @type {(encode: (seq: number, ack: number | null) => string, what: string, onDrop?: () => void) => void} */ #send;
  #setTimer;
  #clearTimer;
  #nextId = 1;
  /** @type {Map<number, {resolve: Function, reject: Function, timer: unknown}>} */
  #pending = new Map();
  /** @type {Map<string, (args: any) => any>} */
  #handlers = new Map();
  #closed = false;

  constructor(send, setTimer, clearTimer) {
    this.#send = send;
    this.#setTimer = setTimer;
    this.#clearTimer = clearTimer;
  }

  /**
   * Calls the server's handler `name`; the promise settles once, with its value or a coded Error.
   * @throws {Error} synchronously when the frame cannot be sent (the channel is over, too many kept)
   */
  call(name, args, timeout) {
    const id = this.#nextId++;
    const json = JSON.stringify(args === undefined ? null : args);
    this.#send((seq, ack) => numbered(`["call",${id},${JSON.stringify(name)},${json}`, seq, ack), `call "${name}"`,
      () => this.#settle(id, false, { code: 'message_too_large', message: `the server refused the call "${name}" `
        + 'as larger than its maxMessageBytes' }));
    return new Promise((resolve, reject) => {
      const timer = this.#setTimer(() => {
        this.#pending.delete(id);
        reject(callError('timeout', `the call "${name}" got no answer within ${timeout} ms`));
      }, timeout);
      this.#pending.set(id, { resolve, reject, timer });
    });
  }

  /** A `res` frame: settles its call; one for an unknown or answered id is ignored (§11). */
  onReply([, id, ok, value]) {
    this.#settle(id, ok, value);
  }

  #settle(id, ok, value) {
    const call = this.#pending.get(id);
    if (call === undefined) return;
    this.#pending.delete(id);
    this.#clearTimer(call.timer);
    if (ok === true) {
      call.resolve(value ?? null);
    } else {
      call.reject(callError(String(value?.code ?? 'error'), String(value?.message ?? '')));
    }
  }

  /** Registers the handler for the server's calls `name`, replacing any; returns its remover. */
  handle(name, fn) {
    this.#handlers.set(name, fn);
    return () => { if (this.#handlers.get(name) === fn) this.#handlers.delete(name); };
  }

  /** A `call` frame from the server: runs the handler and answers with a `res` (§11). */
  async onCall([, id, name, args]) {
    const fn = this.#handlers.get(name);
    let reply;
    if (fn === undefined) {
      reply = [false, { code: 'unknown_call', message: `no handler for the call "${name}" on this page` }];
    } else {
      try {
        reply = [true, JSON.stringify((await fn(args ?? null)) ?? null)];
      } catch (e) {
        if (typeof e?.code === 'string') {
          reply = [false, { code: e.code, message: String(e.message ?? '') }];
        } else {
          console.error(`pagewire: the handler for the call "${name}" failed`, e);
          reply = [false, { code: 'handler_error', message: `the handler for "${name}" failed` }];
        }
      }
    }
    if (this.#closed) return;
    const value = reply[0] ? reply[1] : JSON.stringify(reply[1]);
    try {
      this.#send((seq, ack) => numbered(`["res",${JSON.stringify(id)},${reply[0]},${value}`, seq, ack),
        `answer the call "${name}"`);
    } catch (e) {
      console.error(`pagewire: cannot answer the call "${name}"`, e);
    }
  }

  /** The channel is over: every call still waiting rejects with `closed`. */
  close(state) {
    this.#closed = true;
    for (const [id, call] of this.#pending) {
      this.#clearTimer(call.timer);
      call.reject(callError('closed', `the channel is ${state}`));
      this.#pending.delete(id);
    }
  }
}

/** An Error with the string `code` of PROTOCOL.md §11. */
function callError(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

/** Closes the JSON text of a data frame `start` (its elements so far, no closing `]`) with its numbers. */
function numbered(start, seq, ack) {
  return `${start},${seq}${ack === null ? '' : `,${ack}`}]`;
}

// ---- Transports ----

/** The preferred transport: one WebSocket to the page URL (PROTOCOL.md §2). */
class WebSocketTransport {
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
    socket.onmessage = (event) => { if (!this.#ended) events.frame(this, event.data); };
    socket.onclose = (event) => {
      // A socket the client gave up on (liveness, back/forward cache) may still report its close much later.
      if (this.#ended) return;
      this.#ended = true;
      events.end(this, event.code, event.reason);
    };
    socket.onerror = null; // a close event always follows, with all the browser is willing to tell
  }

  send(frame) { this.#socket.send(frame); }

  whenDrained(fn) { fn(); } // a socket keeps its frames in order by itself

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

/** The options of every fallback request (PROTOCOL.md §8). */
const REQUEST = { cache: 'no-store', credentials: 'same-origin' };
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
  #events;
  /** Ends the down channel's requests. */
  #down = new AbortController();
  /** @type {AbortController | null} the POST in flight */
  #post = null;
  /** @type {string | null} */
  #conn = null;
  /** Frame lines waiting for the next POST. */
  #outbox = [];
  /** The server refused a POST (400, 413) and closes the connection: nothing more goes up. */
  #refused = false;
  /** @type {(() => void) | null} */
  #drained = null;
  #pumpQueued = false;
  /** Whether the connection is over: the owner reads no further. */
  ended = false;

  /**
   * @param {Transport} owner reported to `events` as the transport
   * @param {string} url `http:` or `https:` URL of the page with the token
   * @param {{fetch: typeof fetch, sendBeacon: ((url: string, data: string) => boolean) | null}} http
   * @param {TransportEvents} events
   */
  constructor(owner, url, http, events) {
    this.#owner = owner;
    this.#url = url;
    this.#fetch = http.fetch;
    this.#sendBeacon = http.sendBeacon;
    this.#events = events;
  }

  /** @returns {string | null} the connection id, once the `open` frame arrived */
  get conn() { return this.#conn; }

  /** GETs the page URL with more query parameters, in order; {@link close} aborts it. */
  get(params, headers = {}) {
    const url = Object.entries(params).reduce((u, [name, value]) => withParam(u, name, value), this.#url);
    return this.#request(url, { headers, signal: this.#down.signal });
  }

  /** fetch, always answering with a promise: even a fetch that throws at once must not report synchronously. */
  async #request(url, init) {
    return this.#fetch(url, { ...REQUEST, ...init });
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
        } else if (response.status === 400 || response.status === 413) {
          // The server closes the connection and says why on the down channel (4400, 1009);
          // whatever follows would be refused as well.
          console.warn(`pagewire: the server refused frames (HTTP ${response.status}) and closes the connection`);
          this.#refused = true;
          this.#outbox = [];
          this.#pump();
        } else {
          this.end(1006, `a POST was answered with HTTP ${response.status}`);
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
        this.#request(url, { method: 'POST', headers: TEXT_PLAIN, body, keepalive: true })
          .catch((e) => console.warn('pagewire: saying bye failed', e));
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
class SseTransport {
  /** @type {TransportName} */ name = 'sse';
  #link;

  #ack;

  /**
   * @param {string} url `http:` or `https:` URL of the page with the token
   * @param {string} ack the client's ack, for the opening request (PROTOCOL.md §10.3)
   * @param {{fetch: typeof fetch, sendBeacon: ((url: string, data: string) => boolean) | null}} http
   * @param {TransportEvents} events
   */
  constructor(url, ack, http, events) {
    this.#link = new HttpLink(this, url, http, events);
    this.#ack = ack;
    this.#read();
  }

  send(frame) { this.#link.send(frame); }

  whenDrained(fn) { this.#link.whenDrained(fn); }

  bye() { this.#link.bye(); }

  close() { this.#link.close(); }

  // Streamed fetch, not EventSource: EventSource reconnects by itself and cannot be told apart
  // from the client's own negotiation, nor aborted as one request.
  async #read() {
    const link = this.#link;
    try {
      const response = await link.get({ transport: 'sse', ack: this.#ack }, { Accept: 'text/event-stream' });
      if (link.ended) return;
      if (!answered(response, 'text/event-stream')) {
        link.end(1006, `the SSE request was answered with ${describe(response)}`);
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
class LongPollingTransport {
  /** @type {TransportName} */ name = 'longpolling';
  #link;

  #ack;

  /**
   * @param {string} url `http:` or `https:` URL of the page with the token
   * @param {string} ack the client's ack, for the opening request (PROTOCOL.md §10.3)
   * @param {{fetch: typeof fetch, sendBeacon: ((url: string, data: string) => boolean) | null}} http
   * @param {TransportEvents} events
   */
  constructor(url, ack, http, events) {
    this.#link = new HttpLink(this, url, http, events);
    this.#ack = ack;
    this.#poll();
  }

  send(frame) { this.#link.send(frame); }

  whenDrained(fn) { this.#link.whenDrained(fn); }

  bye() { this.#link.bye(); }

  close() { this.#link.close(); }

  async #poll() {
    const link = this.#link;
    try {
      let response = await link.get({ transport: 'longpolling', ack: this.#ack });
      if (link.ended) return;
      if (!answered(response, 'text/plain')) {
        link.end(1006, `the long-polling request was answered with ${describe(response)}`);
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

// ---- Options ----

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
  return token == null ? url : withParam(url, 'pagewire', token);
}

function withParam(url, name, value) {
  return url + (url.includes('?') ? '&' : '?') + name + '=' + encodeURIComponent(value);
}

/** The transport given in the options, else in the page URL's `pagewire-transport` (PROTOCOL.md §9.1), else null. */
function forcedTransport(option) {
  if (option === null) return null;
  if (option !== undefined) {
    if (!TRANSPORTS.includes(option)) {
      throw new TypeError(`pagewire: options.transport must be one of ${TRANSPORTS.join(', ')} or null, got ${option}`);
    }
    return option;
  }
  const query = typeof location !== 'undefined' ? location.search : '';
  const name = query ? new URLSearchParams(query).get('pagewire-transport') : null;
  if (name === null) return null;
  if (!TRANSPORTS.includes(name)) {
    console.warn(`pagewire: ignoring pagewire-transport=${name}; use one of ${TRANSPORTS.join(', ')}`);
    return null;
  }
  return name;
}

function duration(options, name, fallback) {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new TypeError(`pagewire: options.${name} must be a positive number of milliseconds, got ${value}`);
  }
  return value;
}

function defaultStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // reading localStorage throws where storage is blocked
  }
}

// ---- Listeners and frames ----

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
    case 'call': case 'res':
      if (!Number.isInteger(frame[1])) throw new Error(`${frame[0]} without an integer id`);
      if (frame[0] === 'call' && !validName(frame[2])) throw new Error('call without a valid name');
      return frame;
    case 'missed':
      if (!Number.isInteger(frame[1]?.from) || !Number.isInteger(frame[1]?.to)) throw new Error('missed without from and to');
      return frame;
    case 'err': case 'ping': case 'pong': case 'ack':
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
    throw new Error('binary header is not ["ev", name, seq]');
  }
  // The same layout as a text `ev`, so the numbers sit where §10.1 puts them: name, data, seq, ack.
  return ['ev', header[1], data.slice(4 + headerLength), ...header.slice(2)];
}

function validName(name) {
  return typeof name === 'string' && name.length > 0 && name.length <= MAX_NAME_LENGTH;
}

function isBinary(data) {
  return data instanceof ArrayBuffer || ArrayBuffer.isView(data);
}

/** A copy of the bytes an ArrayBuffer or a view holds, so later changes do not leak into a kept frame. */
function binaryPayload(data) {
  const view = data instanceof ArrayBuffer ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return view.slice();
}

/** uint32 BE header length, UTF-8 `["ev", name, seq]` (and the ack), payload (PROTOCOL.md §3, §10.1). */
function encodeBinary(name, payload, seq, ack) {
  const header = new TextEncoder().encode(JSON.stringify(ack === null ? ['ev', name, seq] : ['ev', name, seq, ack]));
  const bytes = new Uint8Array(4 + header.length + payload.length);
  new DataView(bytes.buffer).setUint32(0, header.length);
  bytes.set(header, 4);
  bytes.set(payload, 4 + header.length);
  return bytes.buffer;
}

// ---- The page's own client ----

/** The deadlines (PROTOCOL.md §9.6) and `reloadOnExpired` (§10.4) the server sent with the page, as connect() options. */
function pageConfig(script) {
  const text = script.getAttribute('data-pagewire-config');
  if (!text) return {};
  let config;
  try {
    config = JSON.parse(text);
  } catch (e) {
    console.warn(`pagewire: ignoring data-pagewire-config that is not JSON: ${e.message}`);
    return {};
  }
  const options = {};
  for (const name of ['connectTimeout', 'upgradeAfter', 'rememberFor']) {
    const value = config?.[name];
    if (typeof value === 'number' && value > 0 && Number.isFinite(value)) options[name] = value;
  }
  if (typeof config?.reloadOnExpired === 'boolean') options.reloadOnExpired = config.reloadOnExpired; // §10.4
  return options;
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
    pagewire = connect({ ...pageConfig(script), token: script.getAttribute('data-pagewire-token') });
    window.pagewire = pagewire;
  }
}

export { pagewire as default };
