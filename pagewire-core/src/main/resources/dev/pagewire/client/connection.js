/**
 * The client of one page's channel: its state (PROTOCOL.md §5) and the connections that carry it,
 * one after the other. It makes the parts below, wires them together and answers the page's calls.
 * {@link Opening} opens each connection over the transports {@link Negotiation} picks (§9);
 * {@link Inbound} takes what arrives and makes the connection that says hello the page's (§10);
 * {@link Sender} sends the page's frames; {@link Liveness} notices a silent connection (§4);
 * {@link Upgrades} moves a page on a fallback to WebSocket (§9.5); {@link Reconnects} ends each
 * connection and starts the next. What outlives connections is in {@link Sequencer} (numbers, acks
 * and the frames kept for resume), {@link Receiver} (the server's frames in order),
 * {@link EventChannel} (the page's events and calls, §3, §11), {@link Channels} (the page's channels
 * to endpoints, §12, those to other origins on connections made by endpoint-connection.js),
 * {@link ClientState} (the state the page sees) and {@link Lifecycle} (the page's life in the
 * browser). The transports are in websocket.js, sse.js and longpolling.js (what they are to the
 * client: transport.js).
 * @module pagewire/connection
 */
import { Backoff } from './backoff.js';
import { Channels } from './channels.js';
import { ClientEvents } from './client-events.js';
import { ClientState } from './client-state.js';
import { endpointConnection } from './endpoint-connection.js';
import { EventChannel } from './event-channel.js';
import { Inbound } from './inbound.js';
import { Lifecycle } from './lifecycle.js';
import { Liveness } from './liveness.js';
import { Negotiation } from './negotiation.js';
import { Opening } from './opening.js';
import { channelUrl } from './options.js';
import { Receiver } from './receiver.js';
import { Reconnects } from './reconnects.js';
import { Sender } from './sender.js';
import { Sequencer } from './sequencer.js';
import { Upgrades } from './upgrades.js';
import { withParam } from './util.js';

// The types, documented member by member, are in client.d.ts beside this file (/_pagewire/client.d.ts).
/** @typedef {'connecting' | 'connected' | 'reconnecting' | 'expired' | 'closed'} ConnectionState */
/** @typedef {'websocket' | 'sse' | 'longpolling'} TransportName */
/** @typedef {{state: ConnectionState, transport: TransportName | null, code: number | null, reason: string}} StateChange */
/** @typedef {{transport: TransportName, previous: TransportName}} TransportChange */
/** @typedef {import('./options.js').ConnectOptions} ConnectOptions */

/**
 * One channel. Created by {@link connect}; all methods must be called on the page's main thread,
 * which is the only thread a browser has for it anyway.
 */
export class PagewireClient {
  /** The channel URL, with the token when it came in the options (an endpoint connection's comes later). */
  #url;
  /** The options given, for the connections of the page's channels to other origins. */
  #options;
  #setTimer;
  #clearTimer;
  #window;
  /** @type {Negotiation} */ #negotiation;
  /** @type {Opening} the connection being opened, or the one the page is connected over */ #opening;
  /** @type {ClientState} */ #status;
  /** @type {Liveness} */ #liveness;
  /** @type {Lifecycle} */ #lifecycle;
  /** @type {Sequencer} numbers, acks and the frames kept for resume (PROTOCOL.md §10) */ #seq;
  /** @type {Sender} */ #sender;
  /** @type {Receiver} */ #receiver;
  /** @type {Inbound} */ #inbound;
  /** @type {EventChannel} the page's own channel */ #page;
  /** @type {Channels | null} the page's channels to endpoints, once it opened one */ #channels = null;
  /** @type {Upgrades} moves a page on a fallback to WebSocket (PROTOCOL.md §9.5) */ #upgrades;
  /** @type {Reconnects} ends each connection and starts the next (PROTOCOL.md §5) */ #reconnects;
  #clientEvents = new ClientEvents();
  /** @type {import('./transport.js').TransportEvents} */
  #events = {
    frame: (transport, data) => this.#inbound.frame(transport, data),
    open: (transport) => this.#opening.opened(transport),
    end: (transport, code, reason) => this.#reconnects.ended(transport, code, reason),
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
    this.#negotiation = new Negotiation(options, this.#url, endpoint);
    this.#setTimer = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = options.clearTimeout ?? ((id) => clearTimeout(id));
    this.#window = options.window !== undefined ? options.window : typeof window !== 'undefined' ? window : null;
    this.#liveness = new Liveness(this.#setTimer, this.#clearTimer, (reason) => this.#reconnects.lost(4408, reason));
    this.#seq = new Sequencer(options.maxQueuedEvents ?? 1000, this.#setTimer, this.#clearTimer, (frame) =>
      this.#sender.control(frame),
    );
    this.#page = new EventChannel(
      null,
      (encode, what, onDrop) => this.#sender.data(encode, what, onDrop),
      (what, name) => this.#status.check(what, name),
      this.#setTimer,
      this.#clearTimer,
    );
    this.page = this.#page.api;
    this.#receiver = new Receiver(this.#seq, {
      hold: (frame) => this.#lifecycle.hold(frame),
      page: this.#page,
      channels: () => this.#channels,
      error: (error) => this.#clientEvents.serverError(error),
      missed: (missed) => this.#clientEvents.emit('missed', missed),
      protocolError: (reason) => this.#inbound.protocolError(reason),
    });
    const doc = options.document !== undefined ? options.document : typeof document !== 'undefined' ? document : null;
    this.#lifecycle = new Lifecycle(this.#window, doc, {
      deliver: (frame) => this.#receiver.deliver(frame),
      online: () => this.#reconnects.online(),
      leave: () => this.close(),
      freeze: () => this.#reconnects.freeze(),
      thaw: () => this.#reconnects.thaw(),
    });
    this.#status = new ClientState({
      events: this.#clientEvents,
      channels: () => this.#channels,
      transport: () => this.transport,
      seq: this.#seq,
      lifecycle: this.#lifecycle,
      page: this.#page,
      reloadOnExpired: options.reloadOnExpired === true,
    });
    this.#opening = new Opening({
      negotiation: this.#negotiation,
      events: this.#events,
      received: () => this.#seq.received,
      setTimer: this.#setTimer,
      clearTimer: this.#clearTimer,
      opened: () => this.#liveness.heard(),
      abandon: (code, reason) => this.#reconnects.abandon(code, reason),
      exhausted: (code, reason) => this.#reconnects.retry(code, reason),
    });
    this.#upgrades = new Upgrades({
      negotiation: this.#negotiation,
      events: this.#events,
      opening: this.#opening,
      receiver: this.#receiver,
      seq: this.#seq,
      setTimer: this.#setTimer,
      clearTimer: this.#clearTimer,
      connected: () => this.#status.state === 'connected',
      acceptVersion: (hello) => this.#inbound.acceptVersion(hello),
      applyHello: (hello) => this.#inbound.applyHello(hello),
      flush: () => this.#sender.flush(),
      lost: (code, reason) => {
        this.#reconnects.abandon(1000, '');
        this.#reconnects.retry(code, reason);
      },
      ended: (transport, code, reason) => this.#reconnects.ended(transport, code, reason),
      switched: (change) => this.#clientEvents.emit('transport', change),
    });
    this.#sender = new Sender({
      seq: this.#seq,
      opening: this.#opening,
      upgrades: this.#upgrades,
      state: () => this.#status.state,
    });
    this.#reconnects = new Reconnects({
      opening: this.#opening,
      upgrades: this.#upgrades,
      liveness: this.#liveness,
      seq: this.#seq,
      status: this.#status,
      backoff: new Backoff(options.reconnect?.initialDelayMs ?? 250, options.reconnect?.maxDelayMs ?? 10_000),
      refusedTooLarge: () => this.#inbound.refusedTooLarge(),
      setTimer: this.#setTimer,
      clearTimer: this.#clearTimer,
    });
    this.#inbound = new Inbound({
      opening: this.#opening,
      upgrades: this.#upgrades,
      receiver: this.#receiver,
      seq: this.#seq,
      sender: this.#sender,
      liveness: this.#liveness,
      status: this.#status,
      reconnects: this.#reconnects,
      error: (error) => this.#clientEvents.serverError(error),
    });
    if (endpoint === null) this.#reconnects.start();
  }

  /** An endpoint connection got its token and config from the endpoint's POST (PROTOCOL.md §12.2): connect. */
  #start(token, config) {
    if (this.#reconnects.started || this.#status.state !== 'connecting') return; // closed meanwhile
    this.#negotiation.setUrl(withParam(this.#url, 'pagewire', token));
    this.#negotiation.configure(config);
    this.#reconnects.start();
  }

  /** @returns {ConnectionState} */
  get state() {
    return this.#status.state;
  }

  /** @returns {TransportName | null} the transport the page is connected over; `null` while not connected. */
  get transport() {
    return this.#status.state === 'connected' ? (this.#opening.transport?.name ?? null) : null;
  }

  /** @returns {string | null} the page id announced by the server's `hello`; null before the first. */
  get pageId() {
    return this.#status.pageId;
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
    return this.#clientEvents.on(kind, fn);
  }

  /** Removes a listener added with {@link PagewireClient#on}. */
  off(kind, fn) {
    this.#clientEvents.off(kind, fn);
  }

  /**
   * Says goodbye to the server (which then closes the page at once instead of after its grace
   * period) and closes the channel for good, with the page's channels to endpoints (those to other
   * origins say bye on their own connections). Does nothing when already closed or expired.
   */
  close() {
    if (this.#status.final) return;
    this.#sender.bye();
    this.#reconnects.abandon(1000, 'page closed');
    this.#reconnects.finish('closed', 1000, '');
  }

  /**
   * Opens a channel to the endpoint at `pathOrUrl` (PROTOCOL.md §12): a path, or a URL of this
   * page's origin, shares the page's connection; a URL of another origin gets a connection of its own.
   * @param {string | URL} pathOrUrl
   * @param {any} [params] any JSON value for the endpoint's open handler; `undefined` is sent as `null`
   * @param {{withCredentials?: boolean}} [options] `withCredentials`: send cookies to another origin
   * @returns {import('./channel.js').Channel}
   * @throws {TypeError} for a URL that is not http(s) or ws(s), or params JSON cannot encode
   * @throws {Error} when the page is closed or expired, or too many frames wait for the server's ack
   */
  open(pathOrUrl, params, options) {
    this.#status.check('open a channel to', String(pathOrUrl));
    this.#channels ??= new Channels({
      send: (encode, what, onDrop) => this.#sender.data(encode, what, onDrop),
      url: this.#negotiation.httpUrl,
      fetch: this.#negotiation.http.fetch,
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
    const page = {
      options: this.#options,
      negotiation: this.#negotiation,
      window: this.#window,
      setTimer: this.#setTimer,
      clearTimer: this.#clearTimer,
    };
    const { options, endpoint } = endpointConnection(page, url, origin, withCredentials);
    const client = new PagewireClient(options, endpoint);
    return { client, start: (token, config) => client.#start(token, config) };
  }
}
