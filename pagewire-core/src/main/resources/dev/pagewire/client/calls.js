/**
 * Calls with replies in both directions (PROTOCOL.md §11).
 * @module pagewire/calls
 */
import { numbered } from './frames.js';

/** The default deadline of a call from the page (PROTOCOL.md §11). */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/**
 * Calls with replies in both directions (PROTOCOL.md §11) on one channel: the page's calls waiting
 * for their `res`, and the handlers the page registered for the server's calls. Ids are per channel
 * (§12.1). It sends through `send`, which numbers and keeps the frame like any data frame (so a call
 * survives reconnects).
 */
export class Calls {
  /** @type {(encode: (seq: number, ack: number | null) => string, what: string, onDrop?: () => void) => void} */ #send;
  #setTimer;
  #clearTimer;
  /** The JSON text before the frame type: `""` on the page's own channel, `"c,"` on channel c (§12.1). */
  #head;
  #nextId = 1;
  /** @type {Map<number, {resolve: Function, reject: Function, timer: unknown}>} */
  #pending = new Map();
  /** @type {Map<string, (args: any) => any>} */
  #handlers = new Map();
  #closed = false;

  /**
   * @param {string} head the JSON text of the elements before the frame type
   * @param {(encode: (seq: number, ack: number | null) => string, what: string, onDrop?: () => void) => void} send
   * @param {(fn: () => void, ms: number) => unknown} setTimer
   * @param {(id: any) => void} clearTimer
   */
  constructor(head, send, setTimer, clearTimer) {
    this.#head = head;
    this.#send = send;
    this.#setTimer = setTimer;
    this.#clearTimer = clearTimer;
  }

  /**
   * Calls the server's handler `name`; the promise settles once, with its value or a coded Error.
   * @throws {Error} synchronously when the frame cannot be sent (the channel is over, too many kept)
   */
  call(name, args, timeout) {
    const id = this.#nextId++;
    const json = JSON.stringify(args === undefined ? null : args);
    this.#send(
      (seq, ack) => numbered(`[${this.#head}"call",${id},${JSON.stringify(name)},${json}`, seq, ack),
      `call "${name}"`,
      () =>
        this.#settle(id, false, {
          code: 'message_too_large',
          message: `the server refused the call "${name}" ` + 'as larger than its maxMessageBytes',
        }),
    );
    return new Promise((resolve, reject) => {
      const timer = this.#setTimer(() => {
        this.#pending.delete(id);
        reject(callError('timeout', `the call "${name}" got no answer within ${timeout} ms`));
      }, timeout);
      this.#pending.set(id, { resolve, reject, timer });
    });
  }

  /** A `res` frame (without its channel number): settles its call; one for an unknown or answered id is ignored (§11). */
  onReply([, id, ok, value]) {
    this.#settle(id, ok, value);
  }

  #settle(id, ok, value) {
    const call = this.#pending.get(id);
    if (call === undefined) return;
    this.#pending.delete(id);
    this.#clearTimer(call.timer);
    if (ok === true) {
      call.resolve(value ?? null);
    } else {
      call.reject(callError(String(value?.code ?? 'error'), String(value?.message ?? '')));
    }
  }

  /** Registers the handler for the server's calls `name`, replacing any; returns its remover. */
  handle(name, fn) {
    this.#handlers.set(name, fn);
    return () => {
      if (this.#handlers.get(name) === fn) this.#handlers.delete(name);
    };
  }

  /** A `call` frame from the server (without its channel number): runs the handler and answers with a `res` (§11). */
  async onCall([, id, name, args]) {
    const fn = this.#handlers.get(name);
    let reply;
    if (fn === undefined) {
      reply = [false, { code: 'unknown_call', message: `no handler for the call "${name}" on this page` }];
    } else {
      try {
        reply = [true, JSON.stringify((await fn(args ?? null)) ?? null)];
      } catch (e) {
        if (typeof e?.code === 'string') {
          reply = [false, { code: e.code, message: String(e.message ?? '') }];
        } else {
          console.error(`pagewire: the handler for the call "${name}" failed`, e);
          reply = [false, { code: 'handler_error', message: `the handler for "${name}" failed` }];
        }
      }
    }
    if (this.#closed) return;
    const value = reply[0] ? reply[1] : JSON.stringify(reply[1]);
    try {
      this.#send(
        (seq, ack) => numbered(`[${this.#head}"res",${JSON.stringify(id)},${reply[0]},${value}`, seq, ack),
        `answer the call "${name}"`,
      );
    } catch (e) {
      console.error(`pagewire: cannot answer the call "${name}"`, e);
    }
  }

  /** The channel is over: every call still waiting rejects with `closed`. */
  close(state) {
    this.#closed = true;
    for (const [id, call] of this.#pending) {
      this.#clearTimer(call.timer);
      call.reject(callError('closed', `the channel is ${state}`));
      this.#pending.delete(id);
    }
  }
}

/** An Error with the string `code` of PROTOCOL.md §11. */
export function callError(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}
