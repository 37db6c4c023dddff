/**
 * The client's own events: "state", "error", "transport" and "missed".
 * @module pagewire/client-events
 */
import { addListener, checkListener, dispatch, removeListener } from './util.js';

/**
 * The listeners of the client itself (not of the page's events) and what they are told. A listener
 * that throws is logged and does not keep the others from running.
 */
export class ClientEvents {
  #listeners = new Map([
    ['state', []],
    ['error', []],
    ['transport', []],
    ['missed', []],
  ]);

  /**
   * @param {'state' | 'error' | 'transport' | 'missed'} kind
   * @param {(event: any) => void} fn
   * @returns {() => void} a function that removes the listener
   * @throws {TypeError} for another kind, or a listener that is not a function
   */
  on(kind, fn) {
    if (!this.#listeners.has(kind)) {
      throw new TypeError(
        `pagewire: unknown connection event "${kind}"; use "state", "error", "transport" or "missed", `
          + `or client.page.on("${kind}", fn) for an event of the page`,
      );
    }
    return addListener(this.#listeners, kind, checkListener(fn));
  }

  /** Removes a listener added with {@link on}; every listener of `kind` when `fn` is omitted. */
  off(kind, fn) {
    removeListener(this.#listeners, kind, fn);
  }

  /** Tells the listeners of `kind`, in the order they were added. */
  emit(kind, event) {
    dispatch(this.#listeners, kind, [event]);
  }

  /** The server refused or failed an event: told to the "error" listeners, or logged when there are none. */
  serverError(error) {
    if (this.#listeners.get('error').length === 0) {
      console.warn(`pagewire: the server refused an event (${error.code}): ${error.message}`);
    }
    this.emit('error', error);
  }
}
