/**
 * Pagewire browser client: the page's live two-way event channel to the server code that rendered it.
 * Served at `/_pagewire/client.js`; the wire format is docs/PROTOCOL.md (version 1).
 */

/**
 * `connecting` until the first `hello`; `connected` after each `hello`; `reconnecting` while the
 * connection is down and a new one will be tried; `expired` when the page's channel is gone for good
 * (token refused, page gone, unknown protocol version: reload the page); `closed` after `close()`,
 * after the server closed the page, or when a newer connection of the same page took over.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'expired' | 'closed';

/**
 * What carries the channel (PROTOCOL.md §8): a WebSocket; Server-Sent Events down and POST up; or
 * long-polling down and POST up.
 */
export type TransportName = 'websocket' | 'sse' | 'longpolling';

/** What a `"state"` listener receives. */
export interface StateChange {
  readonly state: ConnectionState;
  /** The transport while `connected`, else `null`. */
  readonly transport: TransportName | null;
  /** The close code that caused the change (PROTOCOL.md §5), `null` when none did. */
  readonly code: number | null;
  /** The reason that came with `code`; may be empty. */
  readonly reason: string;
}

/**
 * What a `"transport"` listener receives: a connected page moved from a fallback to WebSocket
 * without a state change, and without losing or reordering events.
 */
export interface TransportChange {
  readonly transport: TransportName;
  readonly previous: TransportName;
}

/** An `err` frame: the server refused or failed one event; the connection stays open. */
export interface ServerError {
  /** `"unknown_event"`, `"handler_error"`, or a code the application's handler chose (`EventException`). */
  readonly code: string;
  /** Human-readable; never carries server internals. */
  readonly message: string;
}

/**
 * Called with an event's data (its JSON value, `null` when absent, or an `ArrayBuffer` for a
 * binary event) and the event's name.
 */
export type Listener<T = any> = (data: T, name: string) => void;

/** Removes the listener it was returned for; calling it again does nothing. */
export type Unsubscribe = () => void;

/** Data sent as a binary event; anything else given to `emit` is sent as JSON. */
export type BinaryData = ArrayBuffer | ArrayBufferView;

/** The page's own event channel. Event names are non-empty strings of at most 128 characters. */
export interface PageChannel {
  /**
   * Calls `fn` for every event `name` the server sends to this page.
   * @throws {TypeError} for an invalid name or a `fn` that is not a function
   */
  on<T = any>(name: string, fn: Listener<T>): Unsubscribe;
  /** Like `on`, for the next event `name` only. */
  once<T = any>(name: string, fn: Listener<T>): Unsubscribe;
  /** Removes `fn` (also one added with `once`), or every listener of `name` when `fn` is omitted. */
  off(name: string, fn?: Listener<any>): void;
  /**
   * Sends an event to the page's handler on the server: a binary frame for an `ArrayBuffer`, a typed
   * array or a `DataView`; JSON for anything else (`undefined` is sent as `null`). While not connected
   * the event is queued and sent, in order, after the next `hello`.
   * @throws {TypeError} for an invalid name, or data that JSON cannot encode
   * @throws {Error} when `maxQueuedEvents` events are already queued, or the client is closed or expired
   */
  emit(name: string, data?: unknown): void;
}

/** One page's channel. Use it from the page's main thread. */
export interface PagewireClient {
  /** The page's own event channel. */
  readonly page: PageChannel;
  readonly state: ConnectionState;
  /** The transport the page is connected over while `connected`, else `null`. */
  readonly transport: TransportName | null;
  /** The page id from the server's `hello`; `null` before the first one. */
  readonly pageId: string | null;
  /** Every change of `state`. */
  on(kind: 'state', fn: (change: StateChange) => void): Unsubscribe;
  /** Every `err` frame; without an error listener they are logged with `console.warn`. */
  on(kind: 'error', fn: (error: ServerError) => void): Unsubscribe;
  /** Every upgrade of a connected page from a fallback to WebSocket (which fires no `"state"` event). */
  on(kind: 'transport', fn: (change: TransportChange) => void): Unsubscribe;
  /** Removes a listener added with `on`, or every listener of `kind` when `fn` is omitted. */
  off(kind: 'state', fn?: (change: StateChange) => void): void;
  off(kind: 'error', fn?: (error: ServerError) => void): void;
  off(kind: 'transport', fn?: (change: TransportChange) => void): void;
  /**
   * Sends `["bye"]` (the server then closes the page at once), closes the connection (a WebSocket
   * with 1000; on a fallback the bye goes by `navigator.sendBeacon`) and never reconnects. Does
   * nothing when already closed or expired.
   */
  close(): void;
}

export interface ConnectOptions {
  /**
   * Channel URL, `ws:`/`wss:` or `http:`/`https:` (the fallbacks use the `http` form of the same
   * URL). Defaults to the current page's URL; required outside a page.
   */
  url?: string;
  /** Page token, added to `url` as the `pagewire` query parameter. Required when `url` is omitted. */
  token?: string;
  /**
   * Uses only this transport: no fallback, no upgrade. Default: the page URL's `pagewire-transport`
   * query parameter if it names one, else negotiation (WebSocket, then SSE, then long-polling).
   * `null` negotiates whatever the page URL says.
   */
  transport?: TransportName | null;
  /**
   * How long a transport gets to prove it works (a WebSocket its `hello`, SSE its `open` frame)
   * before the next one is tried, in ms. Default: 3000 (`window.pagewire`: the server's setting).
   */
  connectTimeout?: number;
  /**
   * How long a page connected over a fallback waits before it tries WebSocket again, in ms; doubled
   * after each failed try, up to 5 minutes. Default: 10 000 (`window.pagewire`: the server's setting).
   */
  upgradeAfter?: number;
  /** How long this origin remembers the fallback its last page needed, in ms. Default: 1 hour. */
  rememberFor?: number;
  /** WebSocket constructor to use; `null` for none. Default: `globalThis.WebSocket`. */
  WebSocket?: (new (url: string) => WebSocket) | null;
  /** `fetch` for the fallbacks; `null` for none. Default: `globalThis.fetch`. */
  fetch?: typeof fetch | null;
  /** How a fallback says bye when the page goes; `null` for fetch `keepalive`. Default: `navigator.sendBeacon`. */
  sendBeacon?: ((url: string, data: string) => boolean) | null;
  /** Where the remembered fallback is kept; `null` for nowhere. Default: `localStorage`. */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  /** Back-off between reconnect attempts, doubling with jitter. Defaults: 250 ms and 10 000 ms. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Events kept while not connected. Default: 1000. */
  maxQueuedEvents?: number;
  /** Where `online`, `pagehide` and `pageshow` are observed. Default: `window`; `null` for none. */
  /**
   * While its `readyState` is `"loading"`, page events and errors wait for `DOMContentLoaded`, so
   * the listeners that the page's own module (or deferred) scripts register see every event.
   * Default `document`; `null` dispatches at once.
   */
  document?: { readyState: string; addEventListener(type: string, fn: () => void, options?: object): void } | null;
  window?: EventTarget | null;
  /** Timer functions, for tests. Defaults: the global ones. */
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: any) => void;
}

/**
 * Opens a channel and returns its client. In a page rendered by Pagewire, use `window.pagewire`
 * instead: the page's channel is already open.
 * @throws {TypeError} without a URL outside a page, without a token when `url` is omitted, for an
 *     invalid option, or when neither WebSocket nor fetch exists (or the forced transport's)
 */
export function connect(options?: ConnectOptions): PagewireClient;

/** The page's client when this module runs in a page rendered by Pagewire, else `null`. */
export let pagewire: PagewireClient | null;
export default pagewire;

declare global {
  interface Window {
    /** Set by `/_pagewire/client.js` in a page rendered by Pagewire. */
    pagewire?: PagewireClient;
  }
}
