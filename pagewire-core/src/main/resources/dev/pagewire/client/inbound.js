/**
 * The server's frames as the transports report them, and the hello that makes a connection the
 * page's (PROTOCOL.md §4, §6, §10.3).
 * @module pagewire/inbound
 */
import { PONG, parseBinary, parseText } from './frames.js';

const PROTOCOL_VERSION = 1;

/** @typedef {import('./transport.js').Transport} Transport */

/**
 * What the inbound side needs of the client.
 * @typedef {object} InboundHost
 * @property {import('./opening.js').Opening} opening the connection being opened, or the one the page is connected over
 * @property {import('./upgrades.js').Upgrades} upgrades the upgrade under way, whose WebSocket's frames wait for the switch
 * @property {import('./receiver.js').Receiver} receiver takes the data, `missed` and `ack` frames in the server's order
 * @property {import('./sequencer.js').Sequencer} seq resumes where a hello says the server is (§10.3)
 * @property {import('./sender.js').Sender} sender sends what waited, once a connection said hello
 * @property {import('./liveness.js').Liveness} liveness hears every frame, and the heartbeat of every hello
 * @property {import('./client-state.js').ClientState} status learns the page id, and that the page is connected
 * @property {import('./reconnects.js').Reconnects} reconnects lets go of a connection that broke the protocol
 *     (or of the client, for good), and learns that a connection said hello
 * @property {(error: {code: string, message: string}) => void} error a kept frame was given up (`message_too_large`)
 */

/**
 * Takes every frame a transport reports. One from a connection the client let go of is dropped;
 * any other proves its connection alive. A ping is answered on the connection that asked, an ack
 * lets go of kept frames, a hello makes its connection the page's (from an upgrade's WebSocket, it
 * tells the upgrade); the rest goes to the {@link Receiver}, or waits in the upgrade for the switch.
 * A frame that cannot be read is dropped with a warning; one that breaks the protocol ends the
 * connection with 4400 ({@link protocolError}).
 */
export class Inbound {
  /** @type {InboundHost} */ #host;
  /** The last connection ended with 1009: the server refused the first frame it has not acked. */
  #refusedTooLarge = false;

  /** @param {InboundHost} host */
  constructor(host) {
    this.#host = host;
  }

  /**
   * One frame from `transport` (the `frame` of {@link import('./transport.js').TransportEvents}).
   * @param {Transport} transport
   * @param {string | ArrayBuffer} data its JSON text, or the bytes of a binary frame (PROTOCOL.md §3)
   */
  frame(transport, data) {
    const host = this.#host;
    const upgrade = host.upgrades.current;
    const fromUpgrade = upgrade !== null && transport === upgrade.socket;
    if (transport !== host.opening.transport && !fromUpgrade) return;
    host.liveness.heard();
    let frame;
    try {
      frame = typeof data === 'string' ? parseText(data) : parseBinary(data);
    } catch (e) {
      // Liberal in what we accept: a frame we cannot read is not worth losing the connection over.
      console.warn(`pagewire: ignoring a malformed frame from the server: ${e.message}`);
      return;
    }
    switch (frame[0]) {
      case 'ping':
        return transport.send(PONG); // on the connection that asked
      case 'pong':
        return undefined;
      case 'ack':
        return void host.receiver.acked(frame[1]); // acks only let go of kept frames: no order needed
      case 'hello':
        return fromUpgrade ? upgrade.greeted(frame[1]) : this.#hello(frame[1]);
      default:
        if (fromUpgrade) return upgrade.hold(frame);
        return host.receiver.accept(frame);
    }
  }

  /**
   * A frame broke the protocol (a gap, a malformed number, an ack of frames never sent: §10): the
   * connection ends with 4400 and the client reconnects, resuming where the server is.
   * @param {string} reason
   */
  protocolError(reason) {
    console.warn(`pagewire: ${reason}; reconnecting`);
    this.#host.reconnects.lost(4400, reason);
  }

  /**
   * The page's connection ended with 1009 (PROTOCOL.md §10.5): the next hello gives up the first
   * frame the server has not acked.
   */
  refusedTooLarge() {
    this.#refusedTooLarge = true;
  }

  /**
   * @param {any} hello a `hello` frame's object
   * @returns {boolean} false, and the client expired, for a protocol version this client does not know
   */
  acceptVersion(hello) {
    if (hello.v === PROTOCOL_VERSION) return true;
    // PROTOCOL.md §7: browsers refuse to send codes other than 1000 and 3000-4999,
    // so the socket closes with 1000 and the reason; the state event reports 1002. Reconnecting
    // would meet the same server: a reload fetches the client that matches it, hence expired.
    const reason = `unsupported protocol version ${hello.v}`;
    this.#host.reconnects.abandon(1000, reason);
    this.#host.reconnects.finish('expired', 1002, reason);
    return false;
  }

  /** What every hello tells the client (PROTOCOL.md §6): the page id and the heartbeat. */
  applyHello(hello) {
    this.#host.status.greeted(hello);
    this.#host.liveness.hello(hello.heartbeat);
  }

  /** The page's connection said hello: it resumes where the server is, and the page is connected. */
  #hello(hello) {
    const host = this.#host;
    if (!this.acceptVersion(hello)) return;
    this.applyHello(hello);
    if (!host.opening.greet()) return; // a second hello on one connection changes nothing else
    host.reconnects.greeted();
    const { name } = host.opening.transport;
    if (!host.receiver.acked(hello.ack)) return;
    // Resent before the state change is announced, so an event emitted by a "connected" listener
    // goes out after the ones that waited (PROTOCOL.md §10.3).
    host.seq.resume(hello.ack, host.opening.openedWith);
    if (this.#refusedTooLarge) this.#dropTooLarge();
    host.sender.pump();
    host.status.set('connected', null, '');
    if (name !== 'websocket') host.upgrades.schedule();
  }

  /**
   * The server closed the last connection with 1009 at the first frame it did not take: sent again,
   * that frame would be refused again on every reconnect, so it is given up (PROTOCOL.md §10.5).
   */
  #dropTooLarge() {
    this.#refusedTooLarge = false;
    const seq = this.#host.seq.dropOldest();
    if (seq === null) return;
    this.#host.error({
      code: 'message_too_large',
      message:
        `the server refused frame ${seq} ` + 'as larger than its maxMessageBytes (close 1009); it is not sent again',
    });
  }
}
