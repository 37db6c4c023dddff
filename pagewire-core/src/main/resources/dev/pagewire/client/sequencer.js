/**
 * Sequence numbers, acks and the frames kept for resume (PROTOCOL.md §10).
 * @module pagewire/sequencer
 */

/**
 * A standalone ack goes at most this long after the first data frame not yet acked (§10.2)...
 * Acks only let the server forget what it keeps for resume, and at most 64 frames wait for one, so
 * waiting costs the server little; every ack is one more message the server and every proxy on the
 * way must handle, times every page of a topic (a broadcast to 10 000 pages brings 10 000 acks
 * back), so they are rare.
 */
export const ACK_DELAY_MS = 5000;
/** ...or at once when this many are waiting for one. */
const ACK_AT_ONCE = 64;

/**
 * One data frame the client sent (or will send), kept until the server acks it (PROTOCOL.md §10.5).
 * @typedef {object} Retained
 * @property {number} seq its sequence number
 * @property {(seq: number, ack: number | null) => string | ArrayBuffer} encode the frame numbered `seq`,
 *     with `ack` piggybacked when not null
 * @property {(() => void) | undefined} onDrop told when the frame is given up unsent ({@link Sequencer#dropOldest})
 */

/**
 * The sequence numbers and acks of one page's channel, in both directions (PROTOCOL.md §10): the
 * frames the client sent and the server has not acked yet (also the ones not sent at all, while
 * there is no connection to send them on), and what the client received from the server and told
 * it. It outlives connections; the client tells it when one starts ({@link resume}) and ends
 * ({@link pause}), and hands it every numbered frame from the server in order.
 */
export class Sequencer {
  #max;
  #setTimer;
  #clearTimer;
  /** @type {(frame: string) => boolean} sends a control frame on the current connection, if there is one */
  #sendControl;
  /** @type {Retained[]} oldest first */
  #retained = [];
  #nextSeq = 1;
  /** The highest number handed to the current connection. */
  #sentThrough = 0;
  /** The number of the last data frame received from the server, in order: the client's ack. */
  #received = 0;
  /** The last ack the server knows of, as far as the client can tell. */
  #told = 0;
  /** Data frames received since the server was last told an ack. */
  #waiting = 0;
  #ackTimer = null;

  /**
   * @param {number} max most frames kept (`maxQueuedEvents`)
   * @param {(fn: () => void, ms: number) => unknown} setTimer
   * @param {(id: any) => void} clearTimer
   * @param {(frame: string) => boolean} sendControl
   */
  constructor(max, setTimer, clearTimer, sendControl) {
    this.#max = max;
    this.#setTimer = setTimer;
    this.#clearTimer = clearTimer;
    this.#sendControl = sendControl;
  }

  /** @returns {number} the client's ack: what every channel request carries as `ack` (§10.3) */
  get received() {
    return this.#received;
  }

  /** @returns {number} the most frames kept */
  get max() {
    return this.#max;
  }

  /** Whether another frame may be kept. */
  get full() {
    return this.#retained.length >= this.#max;
  }

  /**
   * Numbers a new data frame and keeps it.
   * @param {(seq: number, ack: number | null) => string | ArrayBuffer} encode
   * @param {() => void} [onDrop]
   * @throws {Error} when `max` frames are kept already
   */
  add(encode, onDrop) {
    if (this.full) throw new Error(`${this.#max} frames are waiting for the server's ack`);
    const seq = this.#nextSeq++;
    this.#retained.push({ seq, encode, onDrop });
  }

  /**
   * The frames not handed to the current connection yet, encoded, in order; each counts as sent.
   * The first carries the client's ack when the server does not know it yet.
   */
  *unsent() {
    for (const frame of this.#retained) {
      if (frame.seq <= this.#sentThrough) continue;
      this.#sentThrough = frame.seq;
      yield frame.encode(frame.seq, this.#takeAck());
    }
  }

  /**
   * A connection said hello: forgets what the server has (`serverAck`), so {@link unsent} yields
   * the rest, in order (§10.3). `openedWith` is the ack its request carried.
   */
  resume(serverAck, openedWith) {
    this.acked(serverAck);
    this.#sentThrough = 0;
    this.#told = openedWith;
    this.#waiting = 0;
    if (this.#received > this.#told) this.#ackDue(this.#received - this.#told);
  }

  /** The connection is gone: a standalone ack waits for the next one, whose request carries it anyway. */
  pause() {
    this.#clearTimer(this.#ackTimer);
    this.#ackTimer = null;
  }

  /**
   * Forgets the oldest kept frame, which the server has not received, and gives the ones after it
   * its number and those after, so the server still sees no gap (none of them reached it).
   * @returns {number | null} the number it had, or null when nothing is kept
   */
  dropOldest() {
    const dropped = this.#retained.shift();
    if (dropped === undefined) return null;
    for (const frame of this.#retained) frame.seq--;
    this.#nextSeq--;
    dropped.onDrop?.();
    return dropped.seq;
  }

  /** Forgets everything kept: the channel is over. */
  clear() {
    this.pause();
    this.#retained = [];
  }

  /** @returns {number} the last number handed out: an ack from the server above it is malformed (§10.2) */
  get lastSent() {
    return this.#nextSeq - 1;
  }

  /**
   * The server acked every frame up to `ack` (an `ack` frame, piggybacked, or in hello); the
   * caller checked it against {@link lastSent}.
   */
  acked(ack) {
    if (!Number.isInteger(ack) || ack <= 0) return;
    let i = 0;
    while (i < this.#retained.length && this.#retained[i].seq <= ack) i++;
    if (i > 0) this.#retained.splice(0, i);
  }

  /**
   * Accounts for a data frame from the server numbered `seq`.
   * @returns {'new' | 'duplicate' | 'gap'} whether to deliver it, drop it, or end the connection
   */
  receive(seq) {
    if (seq > this.#received + 1) return 'gap';
    const fresh = seq === this.#received + 1;
    if (fresh) this.#received = seq;
    // A duplicate means the server did not know it had arrived: it is acked again.
    this.#ackDue(1);
    return fresh ? 'new' : 'duplicate';
  }

  /** The server lost frames `from`…`to` for good (§10.4): the next one is `to + 1`. */
  missed(to) {
    if (to <= this.#received) return;
    this.#received = to;
    this.#ackDue(1);
  }

  /** Sends a standalone ack if one is waiting and a connection can carry it now. */
  flushAck() {
    if (this.#waiting === 0 && this.#received <= this.#told) return;
    const ack = this.#received;
    if (this.#sendControl(JSON.stringify(['ack', ack]))) {
      this.#told = ack;
      this.#waiting = 0;
      this.pause();
    }
  }

  #ackDue(count) {
    this.#waiting += count;
    if (this.#waiting >= ACK_AT_ONCE) {
      this.flushAck();
    } else if (this.#ackTimer === null) {
      this.#ackTimer = this.#setTimer(() => {
        this.#ackTimer = null;
        this.flushAck();
      }, ACK_DELAY_MS);
    }
  }

  /** The ack to piggyback on a data frame being sent, or null when the server knows it. */
  #takeAck() {
    if (this.#received <= this.#told) return null;
    this.#told = this.#received;
    this.#waiting = 0;
    this.pause();
    return this.#told;
  }
}
