/**
 * The connection of a page's channel to an endpoint of another origin (PROTOCOL.md §12.2).
 * @module pagewire/endpoint-connection
 */
import { storageKey } from './memory.js';

/** @typedef {import('./options.js').ConnectOptions} ConnectOptions */

/**
 * What sets an endpoint connection apart from a page's (the second argument of the client's
 * constructor): where it remembers its fallback, and whether its requests carry cookies.
 * @typedef {{storageKey: string, credentials: RequestCredentials}} Endpoint
 */

/**
 * What the page's client is made of, for a connection of its kind.
 * @typedef {object} PageParts
 * @property {ConnectOptions} options the page's `connect()` options
 * @property {import('./negotiation.js').Negotiation} negotiation its WebSocket class, `fetch`,
 *     `sendBeacon` and storage, and its URL
 * @property {EventTarget | null} window
 * @property {(fn: () => void, ms: number) => unknown} setTimer
 * @property {(id: any) => void} clearTimer
 */

/**
 * The options of a connection to the endpoint at `url`, of the page's kind: the same WebSocket, fetch,
 * storage, window, document, timers, back-off, queue and forced transport. Its fallback is remembered
 * under a key of its own origin; only `withCredentials` lets its requests carry cookies, and a
 * beacon (which always carries them) say its bye. It connects once the endpoint gave it a token.
 * @param {PageParts} page
 * @param {string} url the endpoint's URL
 * @param {string} origin the endpoint's origin
 * @param {boolean} withCredentials whether the channel was opened `withCredentials`
 * @returns {{options: ConnectOptions, endpoint: Endpoint}}
 */
export function endpointConnection(page, url, origin, withCredentials) {
  const { options, negotiation } = page;
  return {
    options: {
      url,
      WebSocket: negotiation.WebSocket,
      fetch: negotiation.http.fetch,
      // A beacon always carries cookies; without credentials the bye goes by fetch with keepalive.
      sendBeacon: withCredentials ? negotiation.http.sendBeacon : null,
      storage: negotiation.storage,
      window: page.window,
      document: options.document,
      setTimeout: page.setTimer,
      clearTimeout: page.clearTimer,
      reconnect: options.reconnect,
      maxQueuedEvents: options.maxQueuedEvents,
      transport: options.transport,
    },
    endpoint: {
      storageKey: storageKey(origin, new URL(negotiation.httpUrl).origin),
      credentials: withCredentials ? 'include' : 'omit',
    },
  };
}
