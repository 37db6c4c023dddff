/**
 * The connection of one page's channel: it owns the connection state, picks the transport
 * (PROTOCOL.md §9: WebSocket, else SSE down + POST up, else long-polling, and back up to WebSocket
 * later), reconnects and resumes. What outlives connections is in {@link Sequencer} (numbers, acks and
 * the frames kept for resume, §10), {@link EventChannel} (the page's events and calls, §3, §11) and
 * {@link Channels} (the page's channels to endpoints, §12); the transports themselves are in
 * transports.js.
 * @module pagewire/connection
 */
import { Channels } from './channels.js';
import { EventChannel } from './event-channel.js';
import { PONG, parseBinary, parseText, seqIndex } from './frames.js';
import { TransportMemory, storageKey } from './memory.js';
import { TRANSPORTS, channelUrl, defaultStorage, forcedTransport, pageScriptsPending } from './options.js';
import { Sequencer } from './sequencer.js';
import { LongPollingTransport, SseTransport, WebSocketTransport } from './transports.js';
import { addListener, checkListener, dispatch, duration, removeListener, withParam } from './util.js';

const PROTOCOL_VERSION = 1;
/** Used until `hello` announces the server's interval; it is the server's default. */
const DEFAULT_HEARTBEAT_MS = 20_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
const DEFAULT_UPGRADE_AFTER_MS = 10_000;
const DEFAULT_REMEMBER_FOR_MS = 60 * 60_000;
const MAX_UPGRADE_DELAY_MS = 5 * 60_000;
/** A third `4409` within this many ms ends the client in `closed` (PROTOCOL.md §5). */
const REPLACED_WINDOW_MS = 60_000;
const MAX_REPLACED = 3;

// The types, documented member by member, are in client.d.ts beside this file (/_pagewire/client.d.ts).
/** @typedef {'connecting' | 'connected' | 'reconnecting' | 'expired' | 'closed'} ConnectionState */
/** @typedef {'websocket' | 'sse' | 'longpolling'} TransportName */
/** @typedef {{state: ConnectionState, transport: TransportName | null, code: number | null, reason: string}} StateChange */
/** @typedef {{transport: TransportName, previous: TransportName}} TransportChange */
/** @typedef {(data: any, name: string) => void} Listener gets the event's JSON value or ArrayBuffer */
/** @typedef {import('./options.js').ConnectOptions} ConnectOptions */

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
 * One channel. Created by {@link connect}; all methods must be called on the page's main thread,
 * which is the only thread a browser has for it anyway.
 */
export class PagewireClient {
  /** The channel URL, with the token when it came in the options (an endpoint connection's comes later). */
  #url;
  #wsUrl;
  #httpUrl;
  #WebSocket;
  /** @type {import('./transports.js').Http} */ #http;
  #storage;
  #storageKey;
  /** @type {TransportMemory} */ #memory;
  /** The options given, for the connections of the page's channels to other origins. */
  #options;
  /** False for an endpoint connection (PROTOCOL.md §12.2) until the endpoint gave it a token. */
  #started;
  #setTimer;
  #clearTimer;
  #window;
  #initialDelay;
  #maxDelay;
  /** @type {Sequencer} numbers, acks and the frames kept for resume (PROTOCOL.md §10) */ #seq;
  /** @type {EventChannel} the page's own channel */ #page;
  /** @type {Channels | null} the page's channels to endpoints, once it opened one */ #channels = null;
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

  /** When the last `4409`s ended the current connection (Date.now() values, recent ones only). */
  #replacedAt = [];
  /** Data and `missed` frames that arrived while the document was still loading, or null once it has. */
  #held = null;
  #clientListeners = new Map([
    ['state', []],
    ['error', []],
    ['transport', []],
    ['missed', []],
  ]);
  /** @type {TransportEvents} */
  #events = {
    frame: (transport, data) => this.#onFrame(transport, data),
    open: (transport) => this.#onOpenFrame(transport),
    end: (transport, code, reason) => this.#onEnd(transport, code, reason),
  };

  /**
   * The page's own event channel: on, once, off, emit, call and handle.
   * @type {import('./event-channel.js').EventApi}
   * @readonly
   */
  page;

  /**
   * @param {ConnectOptions} options
   * @param {{storageKey: string, credentials: RequestCredentials} | null} [endpoint] for the connection
   *     of a channel to another origin (PROTOCOL.md §12.2): where it remembers its fallback, whether
   *     its requests carry cookies; it connects once {@link #start} gives it the token
   */
  constructor(options, endpoint = null) {
    this.#options = options;
    this.#url = channelUrl(options);
    this.#setUrl(this.#url);
    // For each of these, null means "there is none", to leave a transport out.
    this.#WebSocket = options.WebSocket !== undefined ? options.WebSocket : globalThis.WebSocket;
    const fetchFunction =
      options.fetch !== undefined
        ? options.fetch
        : typeof globalThis.fetch === 'function'
          ? (...args) => globalThis.fetch(...args)
          : null;
    const navigator = globalThis.navigator;
    const sendBeacon =
      options.sendBeacon !== undefined
        ? options.sendBeacon
        : typeof navigator?.sendBeacon === 'function'
          ? (beaconUrl, data) => navigator.sendBeacon(beaconUrl, data)
          : null;
    this.#http = { fetch: fetchFunction, sendBeacon, credentials: endpoint?.credentials ?? 'same-origin' };
    this.#available = TRANSPORTS.filter(
      (name) => typeof (name === 'websocket' ? this.#WebSocket : fetchFunction) === 'function',
    );
    if (this.#available.length === 0) {
      throw new TypeError(
        'pagewire: neither WebSocket nor fetch is available; pass options.WebSocket or options.fetch',
      );
    }
    this.#forced = forcedTransport(options.transport);
    if (this.#forced !== null && !this.#available.includes(this.#forced)) {
      throw new TypeError(
        `pagewire: the transport "${this.#forced}" was asked for, but there is no `
          + `${this.#forced === 'websocket' ? 'WebSocket' : 'fetch'} here; pass it in the options`,
      );
    }
    this.#storage = options.storage !== undefined ? options.storage : defaultStorage();
    this.#storageKey = endpoint?.storageKey;
    this.#configure(options);
    this.#setTimer = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = options.clearTimeout ?? ((id) => clearTimeout(id));
    this.#window = options.window !== undefined ? options.window : typeof window !== 'undefined' ? window : null;
    this.#initialDelay = options.reconnect?.initialDelayMs ?? 250;
    this.#maxDelay = Math.max(this.#initialDelay, options.reconnect?.maxDelayMs ?? 10_000);
    this.#seq = new Sequencer(options.maxQueuedEvents ?? 1000, this.#setTimer, this.#clearTimer, (frame) =>
      this.#sendControl(frame),
    );
    this.#page = new EventChannel(
      null,
      (encode, what, onDrop) => this.#sendData(encode, what, onDrop),
      (what, name) => this.#checkOpen(what, name),
      this.#setTimer,
      this.#clearTimer,
    );
    this.page = this.#page.api;
    this.#reloadOnExpired = options.reloadOnExpired === true;
    // Module and deferred scripts run after this module but before DOMContentLoaded: events that
    // arrive before then wait, so listeners those scripts register see every event.
    const doc = options.document !== undefined ? options.document : typeof document !== 'undefined' ? document : null;
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
      this.#window?.addEventListener?.(
        'load',
        () => {
          if (this.#held !== null) release();
        },
        { once: true },
      );
    }

    this.#window?.addEventListener('online', this.#onOnline);
    this.#window?.addEventListener('pagehide', this.#onPageHide);
    this.#window?.addEventListener('pageshow', this.#onPageShow);
    this.#started = endpoint === null;
    if (this.#started) this.#reopen();
  }

  #setUrl(url) {
    this.#wsUrl = url.replace(/^http(s?):/i, 'ws$1:');
    this.#httpUrl = url.replace(/^ws(s?):/i, 'http$1:');
  }

  /** The deadlines and what is remembered (PROTOCOL.md §9.2, §9.6), from options or a server's config. */
  #configure(options) {
    this.#memory = new TransportMemory(
      this.#storage,
      duration(options, 'rememberFor', DEFAULT_REMEMBER_FOR_MS),
      this.#storageKey,
    );
    this.#connectTimeout = duration(options, 'connectTimeout', DEFAULT_CONNECT_TIMEOUT_MS);
    this.#upgradeAfter = duration(options, 'upgradeAfter', DEFAULT_UPGRADE_AFTER_MS);
    this.#upgradeDelay = this.#upgradeAfter;
  }

  /** An endpoint connection got its token and config from the endpoint's POST (PROTOCOL.md §12.2): connect. */
  #start(token, config) {
    if (this.#started || this.#state !== 'connecting') return; // closed meanwhile
    this.#setUrl(withParam(this.#url, 'pagewire', token));
    this.#configure(config);
    this.#started = true;
    this.#reopen();
  }

  /** @returns {ConnectionState} */
  get state() {
    return this.#state;
  }

  /** @returns {TransportName | null} the transport the page is connected over; `null` while not connected. */
  get transport() {
    return this.#state === 'connected' ? (this.#transport?.name ?? null) : null;
  }

  /** @returns {string | null} the page id announced by the server's `hello`; null before the first. */
  get pageId() {
    return this.#pageId;
  }

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
      throw new TypeError(
        `pagewire: unknown connection event "${kind}"; use "state", "error", "transport" or "missed", `
          + `or client.page.on("${kind}", fn) for an event of the page`,
      );
    }
    return addListener(this.#clientListeners, kind, checkListener(fn));
  }

  /** Removes a listener added with {@link PagewireClient#on}. */
  off(kind, fn) {
    removeListener(this.#clientListeners, kind, fn);
  }

  /**
   * Says goodbye to the server (which then closes the page at once instead of after its grace
   * period) and closes the channel for good, with the page's channels to endpoints (those to other
   * origins say bye on their own connections). Does nothing when already closed or expired.
   */
  close() {
    if (this.#state === 'closed' || this.#state === 'expired') return;
    // The bye goes where the server reads: the upgrade's WebSocket once it said hello.
    const reading = this.#upgrade?.hello ? this.#upgrade.socket : this.#transport;
    reading?.bye();
    this.#abandon(1000, 'page closed');
    this.#finish('closed', 1000, '');
  }

  /**
   * Opens a channel to the endpoint at `pathOrUrl` (PROTOCOL.md §12): a path, or a URL of this
   * page's origin, shares the page's connection; a URL of another origin gets a connection of its own.
   * @param {string | URL} pathOrUrl
   * @param {any} [params] any JSON value for the endpoint's open handler; `undefined` is sent as `null`
   * @param {{withCredentials?: boolean}} [options] `withCredentials`: send cookies to another origin
   * @returns {import('./channels.js').Channel}
   * @throws {TypeError} for a URL that is not http(s) or ws(s), or params JSON cannot encode
   * @throws {Error} when the page is closed or expired, or too many frames wait for the server's ack
   */
  open(pathOrUrl, params, options) {
    this.#checkOpen('open a channel to', String(pathOrUrl));
    this.#channels ??= new Channels({
      send: (encode, what, onDrop) => this.#sendData(encode, what, onDrop),
      url: this.#httpUrl,
      fetch: this.#http.fetch,
      endpointConnection: (url, origin, withCredentials) => this.#endpointConnection(url, origin, withCredentials),
      setTimer: this.#setTimer,
      clearTimer: this.#clearTimer,
    });
    return this.#channels.open(pathOrUrl, params, options);
  }

  /**
   * A connection of this page's kind (its WebSocket, fetch, storage, window, timers) to an endpoint
   * of another origin, not started until the endpoint gave it a token (PROTOCOL.md §12.2).
   */
  #endpointConnection(url, origin, withCredentials) {
    const options = this.#options;
    const client = new PagewireClient(
      {
        url,
        WebSocket: this.#WebSocket,
        fetch: this.#http.fetch,
        // A beacon always carries cookies; without credentials the bye goes by fetch with keepalive.
        sendBeacon: withCredentials ? this.#http.sendBeacon : null,
        storage: this.#storage,
        window: this.#window,
        document: options.document,
        setTimeout: this.#setTimer,
        clearTimeout: this.#clearTimer,
        reconnect: options.reconnect,
        maxQueuedEvents: options.maxQueuedEvents,
        transport: options.transport,
      },
      {
        storageKey: storageKey(origin, new URL(this.#httpUrl).origin),
        credentials: withCredentials ? 'include' : 'omit',
      },
    );
    return { client, start: (token, config) => client.#start(token, config) };
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
      throw new Error(
        `pagewire: cannot ${what}: the queue is full (${this.#seq.max} frames are waiting `
          + `for the server's ack while the channel is ${this.#upgrade ? 'switching to WebSocket' : this.#state}); `
          + 'raise maxQueuedEvents or emit less',
      );
    }
    this.#seq.add(encode, onDrop);
    this.#pump();
  }

  /** Whether frames go out now: a connection said hello and no upgrade holds them back. */
  get #sending() {
    return this.#greeted && this.#upgrade === null && this.#transport !== null;
  }

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
      case 'websocket':
        return new WebSocketTransport(withParam(this.#wsUrl, 'ack', ack), this.#WebSocket, this.#events);
      case 'sse':
        return new SseTransport(this.#httpUrl, ack, this.#http, this.#events);
      default:
        return new LongPollingTransport(this.#httpUrl, ack, this.#http, this.#events);
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
      case 'ping':
        return transport.send(PONG); // on the connection that asked
      case 'pong':
        return undefined;
      case 'ack':
        return void this.#acked(frame[1]); // acks only let go of kept frames: no order needed
      case 'hello':
        return fromUpgrade ? this.#onUpgradeHello(upgrade, frame[1]) : this.#onHello(frame[1]);
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
    const i = seqIndex(frame);
    const seq = frame[i];
    const ack = frame[i + 1];
    if (seq === undefined) return this.#deliver(frame); // a server that does not number (§10.1)
    if (!Number.isInteger(seq) || seq <= 0 || (ack !== undefined && !Number.isInteger(ack))) {
      return this.#protocolError(`a malformed sequence number in a ${frame[0]} frame`);
    }
    if (ack !== undefined && !this.#acked(ack)) return undefined;
    switch (this.#seq.receive(seq)) {
      case 'new':
        return this.#deliver(frame);
      case 'duplicate':
        return undefined;
      default:
        return this.#protocolError(`a sequence gap: expected ${this.#seq.received + 1}, got ${seq}`);
    }
  }

  /**
   * The server's ack (an `ack` frame, piggybacked, or in hello). One above the last number the
   * client handed out is malformed (PROTOCOL.md §10.2): nothing kept is let go on its strength, and
   * the connection ends with 4400. False then.
   */
  #acked(ack) {
    if (Number.isInteger(ack) && ack > this.#seq.lastSent) {
      this.#protocolError(`an ack of ${ack} from the server, above the ${this.#seq.lastSent} frames sent`);
      return false;
    }
    this.#seq.acked(ack);
    return true;
  }

  #protocolError(reason) {
    console.warn(`pagewire: ${reason}; reconnecting`);
    this.#abandon(4400, reason);
    this.#retry(4400, reason);
  }

  /**
   * Hands a data or `missed` frame to the listeners, the call handlers or the waiting call, of the
   * page's own channel or of a channel to an endpoint.
   */
  #deliver(frame) {
    if (this.#held !== null) {
      // The page's own scripts have not all run yet: they would miss this event.
      this.#held.push(frame);
      return;
    }
    switch (frame[0]) {
      case 'ev':
      case 'call':
      case 'res':
        return this.#page.deliver(frame);
      case 'err':
        return this.#onServerError({ code: String(frame[1] ?? ''), message: String(frame[2] ?? '') });
      case 'missed': {
        const { from, to, reason } = frame[1];
        return dispatch(this.#clientListeners, 'missed', [{ from, to, reason: String(reason ?? '') }]);
      }
      // chok, chclose, [c, …]: a channel the page never opened has its frames dropped (§12.1).
      default:
        return this.#channels?.deliver(frame);
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
    if (!this.#acked(hello.ack)) return;
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
    this.#onServerError({
      code: 'message_too_large',
      message:
        `the server refused frame ${seq} ` + 'as larger than its maxMessageBytes (close 1009); it is not sent again',
    });
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
    if (code === 4403) console.error(`pagewire: the server refused the channel: ${reason}`);
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
    this.#page.close(state);
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
    this.#channels?.follow(state, reason ?? ''); // before the page's listeners, so they see channels that agree
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
    const upgrade = {
      socket: null,
      openedWith: 0,
      hello: null,
      oldEnded: null,
      socketEnded: null,
      buffer: [],
      timer: null,
    };
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
      upgrade.socket = new WebSocketTransport(
        withParam(this.#wsUrl, 'ack', String(upgrade.openedWith)),
        this.#WebSocket,
        this.#events,
      );
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
    if (!this.#acked(upgrade.hello.ack)) return;
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
    } else if (this.#started && this.#state !== 'closed' && this.#state !== 'expired') {
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

/** The state a close code leads to for good (PROTOCOL.md §5), or null when a reconnect follows. */
function finalState(code) {
  switch (code) {
    case 4000: // the server closed the page
    case 4403: // the server refused this page's origin: only a change of its configuration helps
    case 4409: // a newer connection of this page took over again and again (see #mayTakeBack)
      return 'closed';
    case 4401: // token refused
    case 4404: // page gone: only a reload makes a new one
      return 'expired';
    default:
      return null;
  }
}
