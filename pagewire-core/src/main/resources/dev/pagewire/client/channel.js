/**
 * One channel to an endpoint as the page uses it (PROTOCOL.md §12): `pagewire.open` returns it.
 * What carries it, the page's connection or one of its own, is channels.js's to decide.
 * @module pagewire/channel
 */
import { addListener, checkListener, dispatch } from './util.js';

/** @typedef {'opening' | 'open' | 'reconnecting' | 'closed' | 'refused' | 'expired'} ChannelState */
/** @typedef {{state: ChannelState, code: string | null, reason: string}} ChannelStateChange */
/** @typedef {import('./event-channel.js').EventApi} EventApi */

/** The states a channel never leaves. */
const FINAL = new Set(['closed', 'refused', 'expired']);
/** How channels.js tells a {@link Channel} its state changed; not part of the API. */
export const REPORT = Symbol('pagewire.channel.report');
/** How channels.js tells a {@link Channel} the endpoint refused or failed one of its events; not part of the API. */
export const FAIL = Symbol('pagewire.channel.fail');

/**
 * What carries a channel: the page's connection or one of its own. `api` sends and receives the
 * channel's events and calls; `close` ends it from the page's side.
 * @typedef {{api: EventApi, close: (reason: string) => void}} Carrier
 */

/**
 * One channel to an endpoint, as `pagewire.open` returns it: the events and calls of
 * `pagewire.page` (on, once, off, emit, call, handle), plus its state and `close`. Use it from the
 * page's main thread.
 */
export class Channel {
  /** @type {ChannelState} */ #state = 'opening';
  /** @type {string | null} */ #code = null;
  #reason = '';
  #target;
  /** @type {Carrier} */ #carrier;
  #listeners = new Map([
    ['state', []],
    ['error', []],
  ]);
  #resolve;
  #reject;

  /**
   * Settles once: resolves with this channel when it is first `open`; rejects, with an Error whose
   * `code` and `reason` are the channel's, when it is refused or ends before it opened.
   * @type {Promise<Channel>}
   * @readonly
   */
  opened;

  /**
   * @param {string} target what the channel was opened to, for messages
   * @param {(channel: Channel) => Carrier} carry makes what carries it
   */
  constructor(target, carry) {
    this.#target = target;
    this.opened = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.opened.catch(() => {}); // a refusal nobody awaits is reported by the state, not as unhandled
    this.#carrier = carry(this);
  }

  /** @returns {ChannelState} */
  get state() {
    return this.#state;
  }

  /** @returns {string | null} the code of the last close or refusal (PROTOCOL.md §12.1), or `'origin'` */
  get code() {
    return this.#code;
  }

  /** @returns {string} the reason that came with the last change; may be empty */
  get reason() {
    return this.#reason;
  }

  /** Calls `fn(data, name)` for every event `name` the endpoint sends on this channel; returns a remover. */
  on(name, fn) {
    return this.#carrier.api.on(name, fn);
  }

  /** Like {@link on}, for the next event only. */
  once(name, fn) {
    return this.#carrier.api.once(name, fn);
  }

  /** Removes `fn`, or every listener of `name` when `fn` is omitted. */
  off(name, fn) {
    this.#carrier.api.off(name, fn);
  }

  /** Sends an event to the endpoint (binary for an ArrayBuffer or a view); kept until the server acks it. */
  emit(name, data) {
    this.#carrier.api.emit(name, data);
  }

  /** Calls the endpoint's handler `name`; a Promise of its answer (PROTOCOL.md §11). */
  call(name, args, options) {
    return this.#carrier.api.call(name, args, options);
  }

  /** Answers the endpoint's calls `name` with `fn`; returns a remover. */
  handle(name, fn) {
    return this.#carrier.api.handle(name, fn);
  }

  /**
   * Closes the channel (the endpoint's close hooks run); the page and its other channels go on.
   * Does nothing when the channel is over already.
   * @param {string} [reason]
   */
  close(reason = '') {
    if (!FINAL.has(this.#state)) this.#carrier.close(String(reason));
  }

  /**
   * Calls `fn({state, code, reason})` on every change of `state`.
   * @param {(change: ChannelStateChange) => void} fn
   * @returns {() => void} a remover
   */
  onState(fn) {
    return addListener(this.#listeners, 'state', checkListener(fn));
  }

  /**
   * Calls `fn({code, message})` for every `err` frame of this channel: the endpoint refused or failed
   * one of its events (PROTOCOL.md §3). Without a listener they are logged with `console.warn`.
   * @returns {() => void} a remover
   */
  onError(fn) {
    return addListener(this.#listeners, 'error', checkListener(fn));
  }

  /** The channel's state changed; a channel that is over stays so. */
  [REPORT](state, code, reason) {
    if (FINAL.has(this.#state) || state === this.#state) return;
    this.#state = state;
    this.#code = code;
    this.#reason = reason ?? '';
    if (state === 'open') {
      this.#resolve(this);
    } else if (FINAL.has(state)) {
      const error = new Error(
        `pagewire: the channel to ${this.#target} is ${state}`
          + `${code === null ? '' : ` (${code})`}${this.#reason ? `: ${this.#reason}` : ''}`,
      );
      this.#reject(Object.assign(error, { code, reason: this.#reason }));
    }
    dispatch(this.#listeners, 'state', [{ state, code, reason: this.#reason }]);
  }

  /** An `err` frame of this channel. */
  [FAIL](error) {
    if (this.#listeners.get('error').length === 0) {
      console.warn(`pagewire: the endpoint ${this.#target} refused an event (${error.code}): ${error.message}`);
    }
    dispatch(this.#listeners, 'error', [error]);
  }
}

/**
 * Throws, as `pagewire.page` does after the page closed, when `channel` is over.
 * @param {Channel} channel
 * @param {string} what what the caller was about to do, for the message
 * @param {string} name the event or call it was about
 */
export function checkUsable(channel, what, name) {
  if (FINAL.has(channel.state)) {
    throw new Error(`pagewire: cannot ${what} "${name}": the channel is ${channel.state}`);
  }
}
