/**
 * What the options of `connect()` mean where the client reads them from its environment: the
 * channel URL, a forced transport, storage, and whether the page's own scripts are still to run.
 * @module pagewire/options
 */
import { TRANSPORTS } from './transport.js';
import { withParam } from './util.js';

/** @typedef {import('./connection.js').TransportName} TransportName */

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
 * Whether the page's own scripts may still be about to run: the document is being parsed, or it is
 * "interactive" and DOMContentLoaded has not fired yet, which is when deferred and module scripts
 * run, one after another. Between two of them (while the next one is still loading) the browser
 * runs other tasks, such as this client's network events.
 * @param {{readyState: string, addEventListener: Function} | null} doc
 */
export function pageScriptsPending(doc) {
  if (doc == null || typeof doc.addEventListener !== 'function') return false;
  if (doc.readyState === 'loading') return true;
  if (doc.readyState !== 'interactive') return false;
  const navigation = globalThis.performance?.getEntriesByType?.('navigation')?.[0];
  return navigation ? navigation.domContentLoadedEventStart === 0 : true;
}

/**
 * The page's own channel URL (PROTOCOL.md §1.2), unless the caller gave one.
 * @param {ConnectOptions} options
 */
export function channelUrl({ url, token }) {
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

/** The transport given in the options, else in the page URL's `pagewire-transport` (PROTOCOL.md §9.1), else null. */
export function forcedTransport(option) {
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

export function defaultStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // reading localStorage throws where storage is blocked
  }
}
