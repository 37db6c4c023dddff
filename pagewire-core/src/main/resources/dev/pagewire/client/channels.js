/**
 * A page's channels to endpoints (PROTOCOL.md §12): `pagewire.open(pathOrUrl, params)`. A channel to
 * the page's own origin travels on the page's connection, its frames numbered in the page's one
 * sequence (§12.1); a channel to another origin gets a connection of its own (§12.2). The
 * {@link Channel} the page holds is in channel.js.
 * @module pagewire/channels
 */
import { Channel, FAIL, REPORT, checkUsable } from './channel.js';
import { EventChannel } from './event-channel.js';
import { numbered } from './frames.js';
import { configOptions } from './util.js';

// Not a CORS "simple" type on purpose: the browser asks the server first (a preflight), so an origin
// or a credentials mode the server does not allow never reaches the endpoint (PROTOCOL.md §12.2).
const OPEN_HEADERS = { 'Content-Type': 'application/json' };

/**
 * A page's channels to endpoints. The page's connection hands it the channels' frames from the
 * server ({@link deliver}) and its own state changes ({@link follow}).
 */
export class Channels {
  #send;
  #pageUrl;
  #fetch;
  #endpointConnection;
  #setTimer;
  #clearTimer;
  /** Channel numbers: a counter from 1, never reused (PROTOCOL.md §12.1). */
  #next = 1;
  /**
   * The channels on the page's connection that are not over, by number; a number missing here
   * (closed, or never opened) has its frames dropped.
   * @type {Map<number, {channel: Channel, events: EventChannel, accepted: boolean}>}
   */
  #shared = new Map();
  /** @type {Set<{channel: Channel, close: (code: string, reason: string) => void}>} channels on connections of their own */
  #separate = new Set();
  /** The page's connection state, as last followed. */
  #pageState = 'connecting';

  /**
   * @param {object} page
   * @param {(encode: (seq: number, ack: number | null) => string | ArrayBuffer, what: string, onDrop?: () => void) => void} page.send
   *     numbers, keeps and sends a data frame in the page's sequence
   * @param {string} page.url the page connection's URL (`ws:`, `wss:`, `http:` or `https:`)
   * @param {typeof fetch | null} page.fetch for the POST that opens a channel to another origin
   * @param {(url: string, storageKey: string, withCredentials: boolean) =>
   *     {client: import('./connection.js').PagewireClient, start: (token: string, options: object) => void}} page.endpointConnection
   *     a connection of the page's kind to `url`, not started until it has a token
   * @param {(fn: () => void, ms: number) => unknown} page.setTimer
   * @param {(id: any) => void} page.clearTimer
   */
  constructor({ send, url, fetch, endpointConnection, setTimer, clearTimer }) {
    this.#send = send;
    this.#pageUrl = new URL(url.replace(/^ws(s?):/i, 'http$1:'));
    this.#fetch = fetch;
    this.#endpointConnection = endpointConnection;
    this.#setTimer = setTimer;
    this.#clearTimer = clearTimer;
  }

  /**
   * Opens a channel to the endpoint at `pathOrUrl`, resolved against the page's URL.
   * @param {string | URL} pathOrUrl
   * @param {any} [params] any JSON value, handed to the endpoint's open handler
   * @param {{withCredentials?: boolean}} [options] for another origin: send cookies (CORS credentials)
   * @returns {Channel}
   * @throws {TypeError} for a URL that is not `http(s):` or `ws(s):`, or params JSON cannot encode
   */
  open(pathOrUrl, params, options = {}) {
    if (typeof pathOrUrl !== 'string' && !(pathOrUrl instanceof URL)) {
      throw new TypeError(`pagewire: open() needs an endpoint path or URL, got ${typeof pathOrUrl}`);
    }
    const url = new URL(String(pathOrUrl).replace(/^ws(s?):/i, 'http$1:'), this.#pageUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`pagewire: open() needs an http(s): or ws(s): URL, got ${url.protocol}`);
    }
    const json = JSON.stringify(params === undefined ? null : params);
    if (url.origin === this.#pageUrl.origin) return this.#openShared(url.pathname, json);
    return this.#openSeparate(url, json, options?.withCredentials === true);
  }

  /**
   * A frame of a channel on the page's connection, in the server's order (its number was counted
   * already): `chok`, `chclose`, or `[c, type, …]`. A channel that is over, or was never opened,
   * gets nothing (PROTOCOL.md §12.1).
   */
  deliver(frame) {
    if (frame[0] === 'chok') {
      const entry = this.#shared.get(frame[1]);
      if (entry === undefined || entry.accepted) return;
      entry.accepted = true;
      entry.channel[REPORT](this.#pageState === 'reconnecting' ? 'reconnecting' : 'open', null, '');
    } else if (frame[0] === 'chclose') {
      // Before chok the endpoint refused the channel; after it, the channel was open and is closed
      // now, whatever the code says why (PROTOCOL.md §12.1), as the Java client reports it too.
      const entry = this.#shared.get(frame[1]);
      const refused = entry !== undefined && !entry.accepted && frame[2] !== 'closed';
      this.#end(frame[1], refused ? 'refused' : 'closed', frame[2], String(frame[3] ?? ''));
    } else {
      const entry = this.#shared.get(frame[0]);
      if (entry === undefined) return;
      if (frame[1] === 'err') {
        entry.channel[FAIL]({ code: String(frame[2] ?? ''), message: String(frame[3] ?? '') });
      } else {
        entry.events.deliver(frame.slice(1));
      }
    }
  }

  /**
   * The page's connection changed state: its channels follow (reconnecting and back need no
   * re-open, resume covers them, §12.1). When the page closes, its channels on connections of
   * their own close too; when it expires, those go on.
   */
  follow(state, reason) {
    this.#pageState = state;
    for (const [number, entry] of this.#shared) {
      if (state === 'closed' || state === 'expired') {
        this.#end(number, state, 'page_closed', reason || `the page is ${state}`);
      } else if (entry.accepted && (state === 'reconnecting' || state === 'connected')) {
        entry.channel[REPORT](
          state === 'connected' ? 'open' : 'reconnecting',
          null,
          state === 'connected' ? '' : reason,
        );
      }
    }
    if (state === 'closed') {
      for (const separate of this.#separate) separate.close('page_closed', reason || 'the page is closed');
    }
  }

  #openShared(path, json) {
    const number = this.#next++;
    /** @type {EventChannel} */
    let events;
    const channel = new Channel(path, (self) => {
      events = new EventChannel(
        number,
        this.#send,
        (what, name) => checkUsable(self, what, name),
        this.#setTimer,
        this.#clearTimer,
      );
      return { api: events.api, close: (reason) => this.#closeShared(number, reason) };
    });
    this.#send(
      (seq, ack) => numbered(`["chopen",${number},${JSON.stringify(path)},${json}`, seq, ack),
      `open a channel to ${path}`,
    );
    this.#shared.set(number, { channel, events, accepted: false });
    return channel;
  }

  #closeShared(number, reason) {
    try {
      this.#send(
        (seq, ack) => numbered(`["chclose",${number},"closed",${JSON.stringify(reason)}`, seq, ack),
        'close a channel',
      );
    } catch (e) {
      // The page's queue is full: the server closes the channel with the page at the latest.
      console.warn('pagewire: cannot tell the server that a channel closed', e);
    }
    this.#end(number, 'closed', 'closed', reason);
  }

  /** Channel `number` is over: its calls reject, its later frames are dropped. */
  #end(number, state, code, reason) {
    const entry = this.#shared.get(number);
    if (entry === undefined) return;
    this.#shared.delete(number);
    entry.events.close(state);
    entry.channel[REPORT](state, code, reason);
  }

  /**
   * A channel to another origin (PROTOCOL.md §12.2): a POST asks the endpoint for a token, then a
   * connection of its own carries the channel, its state mapped onto the channel's.
   */
  #openSeparate(url, json, withCredentials) {
    if (typeof this.#fetch !== 'function') {
      throw new TypeError(`pagewire: opening a channel to ${url.origin} needs fetch; pass options.fetch`);
    }
    const { client, start } = this.#endpointConnection(url.href, url.origin, withCredentials);
    const post = new AbortController();
    /** Set when the channel is closed from this side: the code and reason its state reports. */
    let ending = null;
    const channel = new Channel(url.href, () => ({
      api: client.page,
      close: (reason) => end('closed', reason),
    }));
    const end = (code, reason) => {
      ending = { code, reason };
      post.abort();
      client.close();
    };
    const separate = { channel, close: end };
    this.#separate.add(separate);
    client.on('state', ({ state, reason }) => {
      if (state === 'closed' || state === 'expired') {
        this.#separate.delete(separate);
        const code = ending?.code ?? (state === 'closed' ? 'closed' : 'page_closed');
        channel[REPORT](state, code, ending?.reason ?? reason);
      } else {
        channel[REPORT]({ connecting: 'opening', connected: 'open' }[state] ?? state, null, reason);
      }
    });
    client.on('error', (error) => channel[FAIL](error));
    const refuse = (code, reason) => {
      channel[REPORT]('refused', code, reason);
      end(code, reason);
    };
    this.#fetch(url.href, {
      method: 'POST',
      headers: OPEN_HEADERS,
      body: `{"params":${json}}`,
      mode: 'cors',
      cache: 'no-store',
      credentials: withCredentials ? 'include' : 'omit',
      signal: post.signal,
    })
      .then((response) => response.text().then((text) => ({ response, text })))
      .then(
        ({ response, text }) => {
          if (ending !== null) return;
          const answer = parseJson(text);
          if (response.status === 200 && typeof answer?.token === 'string') {
            start(answer.token, configOptions(answer.config));
          } else if (response.status === 403 && typeof answer?.code === 'string') {
            refuse(answer.code, String(answer.reason ?? ''));
          } else if (response.status === 404) {
            refuse('not_found', text.trim() || `no endpoint at ${url.pathname}`);
          } else {
            refuse('error', `the endpoint answered HTTP ${response.status}${text.trim() ? `: ${text.trim()}` : ''}`);
          }
        },
        () => {
          // The browser tells a page nothing more of a CORS refusal than of a network error.
          if (ending === null) refuse('origin', `${url.origin} did not allow this origin (CORS), or is unreachable`);
        },
      );
    return channel;
  }
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
