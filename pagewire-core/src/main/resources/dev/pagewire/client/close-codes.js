/**
 * What the close code of a connection means for the client (PROTOCOL.md §5).
 * @module pagewire/close-codes
 */

/** A third `4409` within this many ms ends the client in `closed`. */
const REPLACED_WINDOW_MS = 60_000;
const MAX_REPLACED = 3;

/**
 * The state a close code leads to for good: `4000` and `4403` close the client, `4401` and `4404`
 * expire it; any other code means reconnect (or, before a `hello`, the next transport). `4409` is
 * one of the client's own attempts that reached the server late (a WebSocket given up on, or a
 * reconnect racing the old connection), so it reconnects too, except for the third within a
 * minute: then another copy of this page (its HTML and token duplicated) keeps taking the channel
 * over, and this one gives way for good.
 */
export class CloseCodes {
  #now;
  /** When the last `4409`s ended a connection ({@link #now} values, recent ones only). */
  #replacedAt = [];

  /** @param {() => number} [now] the time in ms, for tests; default `Date.now` */
  constructor(now = () => Date.now()) {
    this.#now = now;
  }

  /**
   * @param {number} code how a connection ended; a `4409` is counted
   * @returns {'closed' | 'expired' | null} the state `code` leads to for good, or null when the
   *     client goes on (reconnects, or tries the next transport)
   */
  finalState(code) {
    switch (code) {
      case 4000: // the server closed the page
      case 4403: // the server refused this page's origin: only a change of its configuration helps
        return 'closed';
      case 4401: // token refused
      case 4404: // page gone: only a reload makes a new one
        return 'expired';
      case 4409: // another connection of this page took over
        return this.#mayTakeBack() ? null : 'closed';
      default:
        return null;
    }
  }

  #mayTakeBack() {
    const now = this.#now();
    this.#replacedAt = this.#replacedAt.filter((at) => now - at < REPLACED_WINDOW_MS);
    this.#replacedAt.push(now);
    return this.#replacedAt.length < MAX_REPLACED;
  }
}
