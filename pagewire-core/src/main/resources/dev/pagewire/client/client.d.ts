/**
 * Pagewire browser client: the page's live two-way event channel to the server code that rendered it.
 * Served at `/_pagewire/client.js`; the wire format is docs/PROTOCOL.md (version 1).
 */

/**
 * `connecting` until the first `hello`; `connected` after each `hello`; `reconnecting` while the
 * connection is down and a new one will be tried; `expired` when the page's channel is gone for good
 * (token refused, page gone, unknown protocol version: reload the page); `closed` after `close()`,
 * after the server closed the page, when it refused the page's origin (code 4403), or when a newer
 * connection of the same page took over.
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

/**
 * An `err` frame: the server refused or failed one event; the connection stays open. Also raised by
 * the client itself with the code `"message_too_large"` when the server refused a frame for its size
 * (close 1009): that frame is given up, not resent.
 */
export interface ServerError {
  /** `"unknown_event"`, `"handler_error"`, or a code the application's handler chose (`EventException`). */
  readonly code: string;
  /** Human-readable; never carries server internals. */
  readonly message: string;
}

/**
 * What a `"missed"` listener receives: the server could not keep the page's frames `from`…`to`
 * (its replay buffer overflowed while the page was away) and they are lost for good. The page
 * should refresh its state: reload its data, or itself.
 */
export interface Missed {
  /** The first lost frame's number. */
  readonly from: number;
  /** The last lost frame's number; delivery goes on with `to + 1`. */
  readonly to: number;
  /** Why, in English, e.g. `"replay buffer full (1024 frames)"`. */
  readonly reason: string;
}

/**
 * How a call from the page failed: an `Error` whose `code` is the server's (`"unknown_call"`,
 * `"handler_error"`, or one the handler chose with `EventException`), or the client's own
 * `"timeout"` (no answer in time), `"closed"` (the channel closed or expired first) and
 * `"message_too_large"` (the server refused the call for its size, close 1009).
 */
export interface CallError extends Error {
  readonly code: string;
}

/** Options of one call from the page. */
export interface CallOptions {
  /** How long to wait for the answer, in ms; then the call rejects with `"timeout"`. Default: 30 000. */
  timeout?: number;
}

/**
 * Answers a call from the server: the value it returns (or its Promise resolves to) is the answer
 * (`undefined` as `null`). To answer with an error the server's caller can read, throw an `Error`
 * with a string `code`; anything else thrown answers `"handler_error"` with a generic message and
 * is logged with `console.error`.
 */
export type CallHandler<A = any, R = any> = (args: A) => R | Promise<R>;

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
   * array or a `DataView`; JSON for anything else (`undefined` is sent as `null`). The event is kept
   * until the server acks it, and sent (again, if need be) in order after each `hello`: it reaches
   * the page's handler once, across reconnects and transport switches.
   * @throws {TypeError} for an invalid name, or data that JSON cannot encode
   * @throws {Error} when `maxQueuedEvents` frames already wait for the server's ack, or the client is
   *     closed or expired
   */
  emit(name: string, data?: unknown): void;
  /**
   * Calls the handler the server registered for `name` with `page.handle` (PROTOCOL.md §11), with
   * `args` as JSON (`undefined` as `null`). The call is delivered once, even across reconnects.
   * @returns what the handler returned; rejects with a {@link CallError}
   * @throws {TypeError} for an invalid name or timeout, or args that JSON cannot encode
   * @throws {Error} as `emit` does, when the call cannot be kept or the client is closed or expired
   */
  call<R = any>(name: string, args?: unknown, options?: CallOptions): Promise<R>;
  /**
   * Answers the server's calls `name` (`page.call(name, args)` in Java) with `fn`; one handler per
   * name, a new one replaces the old. Calls without a handler are answered `"unknown_call"`.
   * @returns a function that removes `fn` (if it is still the handler of `name`)
   */
  handle<A = any, R = any>(name: string, fn: CallHandler<A, R>): Unsubscribe;
}

/**
 * A channel's state: `opening` until the endpoint admitted it; `open`; `reconnecting` while the
 * connection carrying it is down (it resumes by itself, nothing is lost); and the final ones:
 * `closed` (by `close()`, by the endpoint, or with the page), `refused` (the endpoint, or the
 * browser's CORS rules, did not admit it) and `expired` (the page, or the endpoint connection's
 * server side, is gone).
 */
export type ChannelState = 'opening' | 'open' | 'reconnecting' | 'closed' | 'refused' | 'expired';

/**
 * Why a channel ended (PROTOCOL.md §12.1): `"closed"` (either side closed it), `"refused"` (the
 * endpoint's authorizer said no), `"not_found"` (no endpoint at that path), `"limit"` (too many
 * channels, or its handlers fell too far behind), `"error"` (the endpoint's open handler failed, or an
 * unexpected answer), `"page_closed"` (the page, or the endpoint connection, closed or expired), and
 * `"origin"` for another origin that did not allow this page's (CORS) or could not be reached.
 */
export type ChannelCode =
  'closed' | 'refused' | 'not_found' | 'limit' | 'error' | 'page_closed' | 'origin' | (string & {});

/** What an `onState` listener of a channel receives. */
export interface ChannelStateChange {
  readonly state: ChannelState;
  /** Why it closed or was refused; `null` for `open`, `reconnecting` and `opening`. */
  readonly code: ChannelCode | null;
  /** The reason text that came with the change; may be empty. */
  readonly reason: string;
}

/** How a channel's `opened` rejects: an `Error` with the channel's code and reason. */
export interface ChannelError extends Error {
  readonly code: ChannelCode;
  readonly reason: string;
}

/** Options of `pagewire.open`. */
export interface OpenOptions {
  /**
   * For an endpoint of another origin: send the browser's cookies for it (CORS credentials), which
   * its server must allow (`Settings.allowCredentials`). Default: false.
   */
  withCredentials?: boolean;
}

/**
 * A channel to an endpoint, from `pagewire.open`: the events and calls of `pagewire.page`, with the
 * endpoint instance the server created for it, plus its own state and `close`. Closing it affects
 * neither the page nor its other channels.
 */
export interface Channel extends PageChannel {
  readonly state: ChannelState;
  /** The code of the last close or refusal; `null` while none happened. */
  readonly code: ChannelCode | null;
  /** The reason of the last change; may be empty. */
  readonly reason: string;
  /**
   * Resolves with the channel when it is first `open`; rejects with a {@link ChannelError} when it is
   * refused or ends before that. Unobserved, a rejection is not reported as unhandled.
   */
  readonly opened: Promise<Channel>;
  /** Calls `fn` on every change of `state`. */
  onState(fn: (change: ChannelStateChange) => void): Unsubscribe;
  /** The endpoint refused or failed one event of this channel; without a listener, `console.warn`. */
  onError(fn: (error: ServerError) => void): Unsubscribe;
  /**
   * Closes the channel: the endpoint's close hooks run, later frames of it are dropped, its calls
   * still waiting reject with `"closed"`. Does nothing when it is over already.
   */
  close(reason?: string): void;
}

/** One page's channel. Use it from the page's main thread. */
export interface PagewireClient {
  /** The page's own event channel. */
  readonly page: PageChannel;
  /**
   * Opens a channel to the endpoint at `pathOrUrl` (`app.endpoint(path, …)` on the server), with
   * `params` (any JSON value) for its open handler. A path, or a URL of the page's origin, travels on
   * the page's connection, resuming with it; a URL of another origin gets a connection of its own,
   * opened with a CORS POST that the endpoint's server must allow. May be called before the page
   * connects: what the channel sends waits like the page's events.
   * @throws {TypeError} for a URL that is not `http(s):` or `ws(s):`, or params JSON cannot encode
   * @throws {Error} when the page is closed or expired, or `maxQueuedEvents` frames already wait
   */
  open(pathOrUrl: string | URL, params?: unknown, options?: OpenOptions): Channel;
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
  /** Frames from the server the page lost for good (PROTOCOL.md §10.4). */
  on(kind: 'missed', fn: (missed: Missed) => void): Unsubscribe;
  /** Removes a listener added with `on`, or every listener of `kind` when `fn` is omitted. */
  off(kind: 'state', fn?: (change: StateChange) => void): void;
  off(kind: 'error', fn?: (error: ServerError) => void): void;
  off(kind: 'transport', fn?: (change: TransportChange) => void): void;
  off(kind: 'missed', fn?: (missed: Missed) => void): void;
  /**
   * Sends `["bye"]` (the server then closes the page at once), closes the connection (a WebSocket
   * with 1000; on a fallback the bye goes by `navigator.sendBeacon`) and never reconnects. The
   * page's channels close with it (code `"page_closed"`), including those to other origins, whose
   * connections say bye too. Does nothing when already closed or expired.
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
  /**
   * Most data frames (events, calls, answers to the server's calls) kept until the server acks
   * them, sent or not yet sent; beyond it `emit` and `call` throw. Default: 1000.
   */
  maxQueuedEvents?: number;
  /**
   * Reloads the page (`location.reload()`) when the server says it is gone (close 4404: its grace
   * period passed, or the server restarted), so the user gets a live page again. Only for a page
   * that was connected once, so a page refused from the start does not reload for ever. Default: false.
   */
  reloadOnExpired?: boolean;
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
