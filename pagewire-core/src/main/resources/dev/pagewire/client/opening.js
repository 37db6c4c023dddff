/**
 * The opening of the page's connections, one attempt at a time (PROTOCOL.md §9).
 * @module pagewire/opening
 */

/** @typedef {import('./transport.js').Transport} Transport */

/**
 * What an opening needs of the client.
 * @typedef {object} OpeningHost
 * @property {import('./negotiation.js').Negotiation} negotiation the chain of transports, and each one's deadline
 * @property {import('./transport.js').TransportEvents} events what every transport reports to
 * @property {() => number} received the client's ack, for each transport's request (§10.3)
 * @property {(fn: () => void, ms: number) => unknown} setTimer
 * @property {(id: any) => void} clearTimer
 * @property {() => void} opened a transport was opened: the liveness deadline starts
 * @property {(code: number, reason: string) => void} abandon a transport had its time: let go of it, closing it with `code`
 * @property {(code: number | null, reason: string) => void} exhausted the last transport of the attempt did not
 *     work either: reconnect after the back-off
 */

/**
 * An attempt walks the {@link Negotiation}'s chain: the forced transport, a remembered fallback or
 * WebSocket, then the next, each but the last with `connectTimeout` to prove it works (a WebSocket
 * with its `hello`, a fallback with its `open` frame, which a buffering proxy holds back: §9.3,
 * §9.4), until one says hello. That one is the page's connection until the client lets go of it
 * ({@link release}) or an upgrade replaces it ({@link replace}). What a hello means beyond that,
 * and how a connection that ends is answered, is the client's to decide.
 */
export class Opening {
  /** @type {OpeningHost} */ #host;
  /** @type {Transport | null} */ #transport = null;
  /** Whether {@link #transport} delivered its `hello`. */
  #greeted = false;
  /** The ack {@link #transport}'s request carried (PROTOCOL.md §10.3). */
  #openedWith = 0;
  /** Gives the transport being tried `connectTimeout` to prove it works, while there is a next one. */
  #probeTimer = null;

  /** @param {OpeningHost} host */
  constructor(host) {
    this.#host = host;
  }

  /** @returns {Transport | null} the transport being tried, or the one the page is connected over */
  get transport() {
    return this.#transport;
  }

  /** @returns {boolean} whether {@link transport} said hello: frames go out over it */
  get greeted() {
    return this.#greeted && this.#transport !== null;
  }

  /** @returns {number} the ack the request of {@link transport} carried (PROTOCOL.md §10.3) */
  get openedWith() {
    return this.#openedWith;
  }

  /** Starts an attempt at the start of the chain: the forced transport, a remembered fallback, or WebSocket. */
  start() {
    this.#host.negotiation.restart();
    this.#tryNext();
  }

  #tryNext() {
    const host = this.#host;
    const name = host.negotiation.next();
    this.#greeted = false;
    try {
      this.#openedWith = host.received();
      this.#transport = host.negotiation.open(name, this.#openedWith, host.events);
    } catch (e) {
      console.error(`pagewire: cannot open the channel (${name})`, e);
      this.failed(name, null, String(e?.message ?? e));
      return;
    }
    host.opened();
    if (host.negotiation.hasNext) {
      this.#probeTimer = host.setTimer(() => this.#onProbeTimeout(), host.negotiation.connectTimeout);
    }
  }

  /**
   * The transport `name` being tried did not work: the next one in the chain, or back-off when none is left.
   * @param {import('./connection.js').TransportName} name
   * @param {number | null} code how it ended; null when it could not be opened
   * @param {string} reason
   */
  failed(name, code, reason) {
    const host = this.#host;
    host.negotiation.failed(name);
    if (host.negotiation.hasNext) {
      this.#tryNext();
    } else {
      host.exhausted(code, reason);
    }
  }

  #onProbeTimeout() {
    this.#probeTimer = null;
    const { name } = this.#transport;
    const reason = `no ${name === 'websocket' ? 'hello' : 'open frame'} within ${this.#host.negotiation.connectTimeout} ms`;
    this.#host.abandon(4408, reason);
    this.failed(name, 4408, reason);
  }

  /** A fallback's `open` frame arrived (§8.1): if it is the one being tried, it has proved itself. */
  opened(transport) {
    if (transport === this.#transport) this.#stopProbe();
  }

  /**
   * The transport being tried said hello: the attempt is over, and the negotiation learns from it.
   * @returns {boolean} false for a second hello on one connection, which changes nothing else
   */
  greet() {
    if (this.#greeted) return false;
    this.#stopProbe();
    this.#greeted = true;
    this.#host.negotiation.settled(this.#transport.name);
    return true;
  }

  /**
   * Lets go of the transport and its deadline; the caller closes it.
   * @returns {Transport | null} the transport let go of
   */
  release() {
    const transport = this.#transport;
    this.#transport = null;
    this.#greeted = false;
    this.#stopProbe();
    return transport;
  }

  /**
   * An upgrade's WebSocket, which said hello, takes over from the fallback (PROTOCOL.md §9.5).
   * @param {Transport} socket
   * @param {number} openedWith the ack its request carried
   * @returns {Transport} the fallback it replaces; the caller closes it
   */
  replace(socket, openedWith) {
    const previous = this.#transport;
    this.#transport = socket;
    this.#openedWith = openedWith;
    return previous;
  }

  #stopProbe() {
    this.#host.clearTimer(this.#probeTimer);
    this.#probeTimer = null;
  }
}
