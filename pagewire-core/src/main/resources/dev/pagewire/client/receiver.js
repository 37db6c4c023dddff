/**
 * The server's frames once a connection said hello, in the server's order (PROTOCOL.md §10).
 * @module pagewire/receiver
 */
import { seqIndex } from './frames.js';

/**
 * Where the frames the {@link Receiver} lets through go.
 * @typedef {object} Destinations
 * @property {(frame: any[]) => boolean} hold keeps a frame while the page's scripts have not all run yet ({@link Lifecycle#hold})
 * @property {import('./event-channel.js').EventChannel} page the page's own channel: events, calls and replies
 * @property {() => import('./channels.js').Channels | null} channels the page's channels to endpoints, once it opened one
 * @property {(error: {code: string, message: string}) => void} error an `err` frame: the server refused an event
 * @property {(missed: {from: number, to: number, reason: string}) => void} missed frames the server could not keep (§10.4)
 * @property {(reason: string) => void} protocolError a frame broke the protocol: the connection ends with 4400
 */

/**
 * Takes the data, `missed` and `ack` frames of the current connection (and those an upgrade's
 * WebSocket kept for the switch) in the server's order: a duplicate is dropped, a gap or a malformed
 * number is a protocol error (resuming fills the gap), the rest goes to the channel it is for.
 * The page's channels to endpoints share the page's one sequence (§12.1).
 */
export class Receiver {
  /** @type {import('./sequencer.js').Sequencer} */
  #seq;
  /** @type {Destinations} */
  #to;

  /**
   * @param {import('./sequencer.js').Sequencer} seq
   * @param {Destinations} to
   */
  constructor(seq, to) {
    this.#seq = seq;
    this.#to = to;
  }

  /**
   * Takes a data or `missed` frame (PROTOCOL.md §10.3, §10.4): a duplicate is dropped, a gap ends
   * the connection with 4400, the rest is delivered.
   * @param {any[]} frame
   */
  accept(frame) {
    if (frame[0] === 'missed') {
      this.#seq.missed(frame[1].to);
      return this.#deliver(frame);
    }
    const i = seqIndex(frame);
    const seq = frame[i];
    const ack = frame[i + 1];
    if (seq === undefined) return this.#deliver(frame); // a server that does not number (§10.1)
    if (!Number.isInteger(seq) || seq <= 0 || (ack !== undefined && !Number.isInteger(ack))) {
      return this.#to.protocolError(`a malformed sequence number in a ${frame[0]} frame`);
    }
    if (ack !== undefined && !this.acked(ack)) return undefined;
    switch (this.#seq.receive(seq)) {
      case 'new':
        return this.#deliver(frame);
      case 'duplicate':
        return undefined;
      default:
        return this.#to.protocolError(`a sequence gap: expected ${this.#seq.received + 1}, got ${seq}`);
    }
  }

  /**
   * The server's ack (an `ack` frame, piggybacked, or in hello). One above the last number the
   * client handed out is malformed (PROTOCOL.md §10.2): nothing kept is let go on its strength, and
   * the connection ends with 4400.
   * @returns {boolean} false then
   */
  acked(ack) {
    if (Number.isInteger(ack) && ack > this.#seq.lastSent) {
      this.#to.protocolError(`an ack of ${ack} from the server, above the ${this.#seq.lastSent} frames sent`);
      return false;
    }
    this.#seq.acked(ack);
    return true;
  }

  /**
   * Hands a data or `missed` frame to the listeners, the call handlers or the waiting call, of the
   * page's own channel or of a channel to an endpoint.
   */
  #deliver(frame) {
    const to = this.#to;
    if (to.hold(frame)) return undefined;
    return this.deliver(frame);
  }

  /** Hands on a frame already taken in order (one that waited for the page's scripts). */
  deliver(frame) {
    const to = this.#to;
    switch (frame[0]) {
      case 'ev':
      case 'call':
      case 'res':
        return to.page.deliver(frame);
      case 'err':
        return to.error({ code: String(frame[1] ?? ''), message: String(frame[2] ?? '') });
      case 'missed': {
        const { from, to: last, reason } = frame[1];
        return to.missed({ from, to: last, reason: String(reason ?? '') });
      }
      // chok, chclose, [c, …]: a channel the page never opened has its frames dropped (§12.1).
      default:
        return to.channels()?.deliver(frame);
    }
  }
}
