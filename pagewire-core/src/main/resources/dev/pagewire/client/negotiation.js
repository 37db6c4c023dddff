/**
 * Which transport the client tries next, and the transports it can run here (PROTOCOL.md §9).
 * @module pagewire/negotiation
 */
import { LongPollingTransport } from './longpolling.js';
import { TransportMemory } from './memory.js';
import { defaultStorage, forcedTransport } from './options.js';
import { SseTransport } from './sse.js';
import { TRANSPORTS } from './transport.js';
import { duration, withParam } from './util.js';
import { WebSocketTransport } from './websocket.js';

/** @typedef {import('./connection.js').TransportName} TransportName */
/** @typedef {import('./transport.js').Transport} Transport */
/** @typedef {import('./transport.js').TransportEvents} TransportEvents */

const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
const DEFAULT_UPGRADE_AFTER_MS = 10_000;
const DEFAULT_REMEMBER_FOR_MS = 60 * 60_000;
const MAX_UPGRADE_DELAY_MS = 5 * 60_000;

/**
 * The transports of one client and the order it tries them in (PROTOCOL.md §9.1–§9.5): each attempt
 * walks a chain from the forced transport, the fallback this origin remembers, or WebSocket (then SSE,
 * then long-polling), every transport but the last with {@link connectTimeout} to prove itself. It
 * keeps the origin's {@link TransportMemory} and the delay of the next upgrade from a fallback to
 * WebSocket. It opens transports but does not watch them: the client tells it what became of them.
 */
export class Negotiation {
  /** @type {typeof WebSocket | null} the WebSocket class, or null for none */
  WebSocket;
  /** @type {import('./http-link.js').Http} what the fallbacks request with */
  http;
  /** @type {Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null} where the memory lives */
  storage;
  #storageKey;
  #wsUrl;
  #httpUrl;
  /** @type {TransportName[]} the transports this environment can run, in negotiation order */
  #available;
  /** @type {TransportName | null} */
  #forced;
  /** @type {TransportMemory} */
  #memory;
  #connectTimeout;
  #upgradeAfter;
  #upgradeDelay;
  /** @type {TransportName[]} what this attempt tries after the transport being tried, in order */
  #chain = [];
  /** A WebSocket failed in this attempt: the fallback that works then is worth remembering. */
  #webSocketFailed = false;

  /**
   * @param {import('./options.js').ConnectOptions} options
   * @param {string} url the channel URL, `ws(s):` or `http(s):`
   * @param {{storageKey: string, credentials: RequestCredentials} | null} endpoint for a connection to
   *     another origin (PROTOCOL.md §12.2): where it remembers its fallback, whether its requests carry cookies
   * @throws {TypeError} when no transport can work here, the forced one cannot, or a deadline is invalid
   */
  constructor(options, url, endpoint) {
    this.setUrl(url);
    // For each of these, null means "there is none", to leave a transport out.
    this.WebSocket = options.WebSocket !== undefined ? options.WebSocket : globalThis.WebSocket;
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
    this.http = { fetch: fetchFunction, sendBeacon, credentials: endpoint?.credentials ?? 'same-origin' };
    this.#available = TRANSPORTS.filter(
      (name) => typeof (name === 'websocket' ? this.WebSocket : fetchFunction) === 'function',
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
    this.storage = options.storage !== undefined ? options.storage : defaultStorage();
    this.#storageKey = endpoint?.storageKey;
    this.configure(options);
  }

  /** Where the transports connect to from now on (an endpoint connection's URL gets its token late). */
  setUrl(url) {
    this.#wsUrl = url.replace(/^http(s?):/i, 'ws$1:');
    this.#httpUrl = url.replace(/^ws(s?):/i, 'http$1:');
  }

  /**
   * The deadlines and what is remembered (PROTOCOL.md §9.2, §9.6), from the options or a server's config.
   * @param {{connectTimeout?: number, upgradeAfter?: number, rememberFor?: number}} options
   * @throws {TypeError} for a deadline that is not a positive number of ms
   */
  configure(options) {
    this.#memory = new TransportMemory(
      this.storage,
      duration(options, 'rememberFor', DEFAULT_REMEMBER_FOR_MS),
      this.#storageKey,
    );
    this.#connectTimeout = duration(options, 'connectTimeout', DEFAULT_CONNECT_TIMEOUT_MS);
    this.#upgradeAfter = duration(options, 'upgradeAfter', DEFAULT_UPGRADE_AFTER_MS);
    this.#upgradeDelay = this.#upgradeAfter;
  }

  /** @returns {string} the channel URL as `http(s):`, which the fallbacks and the channels' POSTs use */
  get httpUrl() {
    return this.#httpUrl;
  }

  /** @returns {number} ms a transport with a next one gets to prove it works (§9.3, §9.4), as does an upgrade's WebSocket */
  get connectTimeout() {
    return this.#connectTimeout;
  }

  /** A new attempt: the chain starts at the forced transport, the remembered fallback, or WebSocket. */
  restart() {
    this.#webSocketFailed = false;
    if (this.#forced !== null) {
      this.#chain = [this.#forced];
    } else {
      const remembered = this.#memory.recall();
      this.#chain = this.#available.slice(Math.max(0, this.#available.indexOf(remembered)));
    }
  }

  /** @returns {TransportName} the next transport of this attempt, taken off the chain */
  next() {
    return this.#chain.shift();
  }

  /** @returns {boolean} whether this attempt has a transport left to try after the current one */
  get hasNext() {
    return this.#chain.length > 0;
  }

  /**
   * Opens a transport, with the client's ack in its request (PROTOCOL.md §10.3).
   * @param {TransportName} name
   * @param {number} ack
   * @param {TransportEvents} events
   * @returns {Transport}
   * @throws what the transport's constructor throws (a WebSocket with a malformed URL)
   */
  open(name, ack, events) {
    switch (name) {
      case 'websocket':
        return new WebSocketTransport(withParam(this.#wsUrl, 'ack', String(ack)), this.WebSocket, events);
      case 'sse':
        return new SseTransport(this.#httpUrl, String(ack), this.http, events);
      default:
        return new LongPollingTransport(this.#httpUrl, String(ack), this.http, events);
    }
  }

  /** The transport `name` being tried did not work. */
  failed(name) {
    if (name === 'websocket') this.#webSocketFailed = true;
  }

  /** A connection over `name` said hello: this attempt is over, and the memory learns from it. */
  settled(name) {
    this.#chain = [];
    if (this.#forced !== null) return; // a forced transport neither reads nor writes the memory (§9.1)
    if (name === 'websocket') {
      this.upgraded();
    } else if (this.#webSocketFailed) {
      this.#memory.remember(name);
    }
  }

  /** @returns {boolean} whether a page connected over a fallback should try WebSocket later (§9.5) */
  get mayUpgrade() {
    return this.#forced === null && this.#available.includes('websocket');
  }

  /** @returns {number} ms to wait before the next upgrade */
  get upgradeDelay() {
    return this.#upgradeDelay;
  }

  /** An upgrade from the fallback `name` failed: it is remembered, and the next try waits twice as long, up to 5 min. */
  upgradeFailed(name) {
    this.#memory.remember(name);
    this.#upgradeDelay = Math.min(MAX_UPGRADE_DELAY_MS, this.#upgradeDelay * 2);
  }

  /** A WebSocket said hello: nothing to remember, and the next fallback upgrades after `upgradeAfter` again. */
  upgraded() {
    this.#memory.forget();
    this.#upgradeDelay = this.#upgradeAfter;
  }
}
