/**
 * The client's side of the heartbeat (PROTOCOL.md §4).
 * @module pagewire/liveness
 */

/** The server's default heartbeat, used until a `hello` announces the server's own. */
export const DEFAULT_HEARTBEAT_MS = 20_000;

/**
 * Notices a connection that went silent. A dead network path can take minutes to surface as a
 * close event; the server pings every `heartbeat` ms, so twice that plus 5 s without a frame means
 * the connection is gone. One timer, set again at every frame; the heartbeat outlives connections.
 */
export class Liveness {
  #setTimer;
  #clearTimer;
  #onSilent;
  #heartbeat = DEFAULT_HEARTBEAT_MS;
  #timer = null;

  /**
   * @param {(fn: () => void, ms: number) => unknown} setTimer
   * @param {(id: any) => void} clearTimer
   * @param {(reason: string) => void} onSilent told when the deadline passed; it ends the connection
   */
  constructor(setTimer, clearTimer, onSilent) {
    this.#setTimer = setTimer;
    this.#clearTimer = clearTimer;
    this.#onSilent = onSilent;
  }

  /** @returns {number} ms of silence after which the connection counts as gone */
  get timeout() {
    return 2 * this.#heartbeat + 5000;
  }

  /**
   * A `hello` announced the server's heartbeat (a positive number of ms; anything else means the
   * default): the deadline starts again with it.
   * @param {unknown} heartbeat
   */
  hello(heartbeat) {
    this.#heartbeat = Number.isFinite(heartbeat) && heartbeat > 0 ? heartbeat : DEFAULT_HEARTBEAT_MS;
    this.heard();
  }

  /** A connection opened or a frame arrived: the deadline starts again. */
  heard() {
    this.#clearTimer(this.#timer);
    const timeout = this.timeout;
    this.#timer = this.#setTimer(() => this.#onSilent(`nothing received from the server for ${timeout} ms`), timeout);
  }

  /** No connection to watch until the next {@link heard}. */
  stop() {
    this.#clearTimer(this.#timer);
    this.#timer = null;
  }
}
