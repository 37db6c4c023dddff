/**
 * The events and calls of one logical channel: the page's own (PROTOCOL.md §3, §11) or a channel to
 * an endpoint on the page's connection (§12.1).
 * @module pagewire/event-channel
 */
import { Calls, DEFAULT_CALL_TIMEOUT_MS } from './calls.js';
import { encodeBinary, numbered } from './frames.js';
import {
  addListener,
  binaryPayload,
  checkListener,
  checkName,
  dispatch,
  duration,
  isBinary,
  removeListener,
} from './util.js';

/** @typedef {(data: any, name: string) => void} Listener gets the event's JSON value or ArrayBuffer */

/**
 * What a page's code uses of a channel: `on(name, fn)` and `once(name, fn)` return a remover;
 * `off(name, fn?)`; `emit(name, data)` sends binary for an ArrayBuffer or a view, else JSON, kept
 * until the server acks it; `call(name, args, {timeout})` asks the server's handler and resolves with
 * its answer; `handle(name, fn)` answers the server's calls `name` (PROTOCOL.md §11) and returns a remover.
 * @typedef {{on(name: string, fn: Listener): () => void, once(name: string, fn: Listener): () => void,
 *     off(name: string, fn?: Listener): void, emit(name: string, data?: any): void,
 *     call(name: string, args?: any, options?: {timeout?: number}): Promise<any>,
 *     handle(name: string, fn: (args: any) => any): () => void}} EventApi
 */

/**
 * The listeners, call handlers and waiting calls of one channel, and the encoding of its data
 * frames, which start with the channel's number (none on the page's own channel). It numbers
 * nothing itself: `send` hands each frame to the page's one sequence (PROTOCOL.md §10, §12.1).
 */
export class EventChannel {
  /** @type {number | null} */ #number;
  /** The JSON text of the elements before the frame type: `""`, or `"c,"` on channel c. */
  #head;
  #send;
  #check;
  #listeners = new Map();
  /** @type {Calls} */ #calls;

  /** @type {EventApi} @readonly */
  api;

  /**
   * @param {number | null} number the channel's number; null for the page's own channel
   * @param {(encode: (seq: number, ack: number | null) => string | ArrayBuffer, what: string, onDrop?: () => void) => void} send
   *     numbers, keeps and sends a data frame; throws when it cannot be kept
   * @param {(what: string, name: string) => void} check throws when the channel cannot send any more
   * @param {(fn: () => void, ms: number) => unknown} setTimer
   * @param {(id: any) => void} clearTimer
   */
  constructor(number, send, check, setTimer, clearTimer) {
    this.#number = number;
    this.#head = number === null ? '' : `${number},`;
    this.#send = send;
    this.#check = check;
    this.#calls = new Calls(this.#head, send, setTimer, clearTimer);
    const listeners = this.#listeners;
    this.api = Object.freeze({
      on: (name, fn) => addListener(listeners, checkName(name), checkListener(fn)),
      once: (name, fn) => {
        checkListener(fn);
        const wrapper = (data, eventName) => {
          remove();
          fn(data, eventName);
        };
        wrapper.original = fn; // so off(name, fn) also finds a once-listener
        const remove = addListener(listeners, checkName(name), wrapper);
        return remove;
      },
      off: (name, fn) => removeListener(listeners, name, fn),
      emit: (name, data) => this.#emit(name, data),
      call: (name, args, options) => this.#call(name, args, options),
      handle: (name, fn) => this.#calls.handle(checkName(name), checkListener(fn)),
    });
  }

  /**
   * Hands an `ev`, `call` or `res` frame of this channel (without its channel number) to the
   * listeners, the call handlers or the waiting call.
   */
  deliver(frame) {
    switch (frame[0]) {
      case 'ev':
        return dispatch(this.#listeners, frame[1], [frame.length > 2 ? frame[2] : null, frame[1]]);
      case 'call':
        return void this.#calls.onCall(frame);
      default:
        return this.#calls.onReply(frame);
    }
  }

  /** The channel is over (`state` says how): every call still waiting rejects with `closed`. */
  close(state) {
    this.#calls.close(state);
  }

  #emit(name, data) {
    checkName(name);
    this.#check('emit', name);
    // Encoded now, not at send time, so the caller sees a bad value where it made it and later
    // changes to `data` cannot leak into a frame that is kept for sending or resending.
    const frame = isBinary(data) ? binaryPayload(data) : JSON.stringify(data === undefined ? null : data);
    const start = `[${this.#head}"ev",${JSON.stringify(name)},${typeof frame === 'string' ? frame : ''}`;
    this.#send(
      typeof frame === 'string'
        ? (seq, ack) => numbered(start, seq, ack)
        : (seq, ack) => encodeBinary(this.#number, name, frame, seq, ack),
      `emit "${name}"`,
    );
  }

  #call(name, args, options = {}) {
    checkName(name);
    this.#check('call', name);
    const timeout = duration(options ?? {}, 'timeout', DEFAULT_CALL_TIMEOUT_MS);
    return this.#calls.call(name, args, timeout);
  }
}
