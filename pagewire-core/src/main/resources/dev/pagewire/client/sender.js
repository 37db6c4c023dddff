/**
 * The page's frames on their way to the server, over whichever connection reads them (PROTOCOL.md §10).
 * @module pagewire/sender
 */

/**
 * What the sender needs of the client.
 * @typedef {object} SenderHost
 * @property {import('./sequencer.js').Sequencer} seq numbers and keeps the data frames until the server acks them
 * @property {import('./opening.js').Opening} opening the page's connection, which carries frames once it said hello
 * @property {import('./upgrades.js').Upgrades} upgrades while one is under way, data frames wait (§9.5)
 * @property {() => import('./connection.js').ConnectionState} state the page's state, for the error of a full queue
 */

/**
 * Sends the page's frames to the server, in order. A data frame (an event, a call, a channel's
 * frame) is handed to the {@link Sequencer}, which numbers it and keeps it until the server acks
 * it, and goes out at once when a connection said hello and no upgrade holds frames back; the
 * frames kept unsent meanwhile go with {@link pump}. A control frame (a standalone ack) goes only
 * when it can go now. The bye goes where the server reads.
 */
export class Sender {
  /** @type {SenderHost} */ #host;

  /** @param {SenderHost} host */
  constructor(host) {
    this.#host = host;
  }

  /** Whether frames go out now: a connection said hello and no upgrade holds them back. */
  get #sending() {
    return this.#host.opening.greeted && this.#host.upgrades.current === null;
  }

  /**
   * Numbers and keeps a data frame, and sends it when a connection can carry it now (PROTOCOL.md §10).
   * @param {(seq: number, ack: number | null) => string | ArrayBuffer} encode
   * @param {string} what what the caller does, for the error when the frame cannot be kept
   * @param {() => void} [onDrop] told when the frame is given up unsent (refused for its size)
   * @throws {Error} when `maxQueuedEvents` frames wait for the server's ack already
   */
  data(encode, what, onDrop) {
    const { seq, upgrades, state } = this.#host;
    if (seq.full) {
      throw new Error(
        `pagewire: cannot ${what}: the queue is full (${seq.max} frames are waiting `
          + `for the server's ack while the channel is ${upgrades.current ? 'switching to WebSocket' : state()}); `
          + 'raise maxQueuedEvents or emit less',
      );
    }
    seq.add(encode, onDrop);
    this.pump();
  }

  /** Sends, in order, every kept data frame the current connection has not carried yet. */
  pump() {
    if (!this.#sending) return;
    for (const frame of this.#host.seq.unsent()) this.#host.opening.transport.send(frame);
  }

  /**
   * Sends a control frame if a connection can carry it now.
   * @param {string} frame
   * @returns {boolean} whether it went; one that did not is the caller's to send later
   */
  control(frame) {
    if (!this.#sending) return false;
    this.#host.opening.transport.send(frame);
    return true;
  }

  /** Sends what was kept unsent, then an ack that waits: an upgrade is over, or failed (§9.5). */
  flush() {
    this.pump();
    this.#host.seq.flushAck();
  }

  /** Says bye where the server reads: the upgrade's WebSocket once it said hello, else the page's connection. */
  bye() {
    const upgrade = this.#host.upgrades.current;
    const reading = upgrade?.hello ? upgrade.socket : this.#host.opening.transport;
    reading?.bye();
  }
}
