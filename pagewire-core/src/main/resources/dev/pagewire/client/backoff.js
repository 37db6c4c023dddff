/**
 * How long the client waits before it reconnects (PROTOCOL.md §5).
 * @module pagewire/backoff
 */

/**
 * Reconnect delays: exponential steps from `initialDelay` up to `maxDelay`, each wait a random point
 * between half and all of its step ("equal jitter"), so a restarted server is not hit by every page
 * at the same instant, nor hammered by one page.
 */
export class Backoff {
  #initialDelay;
  #maxDelay;
  #random;
  #attempt = 0;

  /**
   * @param {number} initialDelay ms, the first step
   * @param {number} maxDelay ms, the longest step; raised to `initialDelay` if below it
   * @param {() => number} [random] a number in [0, 1), for tests; default `Math.random`
   */
  constructor(initialDelay, maxDelay, random = () => Math.random()) {
    this.#initialDelay = initialDelay;
    this.#maxDelay = Math.max(initialDelay, maxDelay);
    this.#random = random;
  }

  /** @returns {number} ms to wait before the next attempt; each call makes the next step longer, up to the maximum */
  next() {
    const step = Math.min(this.#maxDelay, this.#initialDelay * 2 ** this.#attempt);
    const delay = step / 2 + this.#random() * (step / 2);
    if (step < this.#maxDelay) this.#attempt++;
    return delay;
  }

  /** A connection said hello, or the page came back from the back/forward cache: the next wait is the first step again. */
  reset() {
    this.#attempt = 0;
  }
}
