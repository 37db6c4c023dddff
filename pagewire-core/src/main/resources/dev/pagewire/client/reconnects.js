/**
 * When a connection of the page's is over, and when the client connects again (PROTOCOL.md §5).
 * @module pagewire/reconnects
 */
import { CloseCodes } from './close-codes.js';

/** @typedef {import('./transport.js').Transport} Transport */

/**
 * What reconnecting needs of the client.
 * @typedef {object} ReconnectsHost
 * @property {import('./opening.js').Opening} opening opens each attempt; holds the connection being tried or connected over
 * @property {import('./upgrades.js').Upgrades} upgrades the upgrade under way, whose connections end their own way (§9.5)
 * @property {import('./liveness.js').Liveness} liveness watches the connection, until the client lets go of it
 * @property {import('./sequencer.js').Sequencer} seq its standalone ack waits for the next connection
 * @property {import('./client-state.js').ClientState} status the state the page sees
 * @property {import('./backoff.js').Backoff} backoff how long to wait before the next attempt
 * @property {() => void} refusedTooLarge the connection ended with 1009 ({@link import('./inbound.js').Inbound#refusedTooLarge})
 * @property {(fn: () => void, ms: number) => unknown} setTimer
 * @property {(id: any) => void} clearTimer
 */

/**
 * The end of each connection and the start of the next attempt. A connection ends by its close
 * code ({@link CloseCodes}: for good, or the next transport before a hello, or reconnect), or
 * because the client lets go of it ({@link abandon}: silence, a protocol error, the page going
 * into the back/forward cache). The next attempt starts after the {@link Backoff} delay, or at once
 * when the browser comes back online or the page back from the back/forward cache; none starts
 * after a final state ({@link finish}).
 */
export class Reconnects {
  /** @type {ReconnectsHost} */ #host;
  #closeCodes = new CloseCodes();
  /** The next attempt, waiting for its back-off delay. */
  #timer = null;
  /** Whether the first attempt began: an endpoint connection's waits for its token (PROTOCOL.md §12.2). */
  #started = false;

  /** @param {ReconnectsHost} host */
  constructor(host) {
    this.#host = host;
  }

  /** @returns {boolean} whether the first attempt began */
  get started() {
    return this.#started;
  }

  /** Begins the first attempt: at once for the page's connection, with its token for an endpoint connection. */
  start() {
    this.#started = true;
    this.#reopen();
  }

  /** Starts an attempt at the start of the chain (PROTOCOL.md §9): the forced transport, a remembered fallback, or WebSocket. */
  #reopen() {
    this.#host.clearTimer(this.#timer);
    this.#timer = null;
    this.#host.opening.start();
  }

  /**
   * A transport ended (the `end` of {@link import('./transport.js').TransportEvents}): an upgrade's
   * connections are the upgrade's to answer; the page's connection ends for good, fails over to the
   * next transport before its hello, or reconnects.
   * @param {Transport} transport
   * @param {number} code
   * @param {string} reason
   */
  ended(transport, code, reason) {
    const host = this.#host;
    const upgrade = host.upgrades.current;
    if (upgrade !== null && transport === upgrade.socket) return upgrade.socketEnded(code, reason);
    if (transport !== host.opening.transport) return undefined;
    // The fallback being replaced ended, with the expected 4409 or by breaking: either way the
    // WebSocket decides what happens next (PROTOCOL.md §9.5).
    if (upgrade?.fallbackEnded(code, reason)) return undefined;
    const { name } = transport;
    const { greeted } = host.opening;
    this.abandon(1000, '');
    if (code === 1009) host.refusedTooLarge();
    const final = this.#closeCodes.finalState(code);
    if (code === 4403) console.error(`pagewire: the server refused the channel: ${reason}`);
    if (final !== null) return this.finish(final, code, reason);
    if (!greeted) return host.opening.failed(name, code, reason);
    return this.retry(code, reason);
  }

  /** Lets go of every connection and timer of the current attempt, closing what is still open with `code`. */
  abandon(code, reason) {
    const host = this.#host;
    const transport = host.opening.release();
    host.liveness.stop();
    host.seq.pause();
    transport?.close(code, reason);
    host.upgrades.cancel(code, reason);
  }

  /**
   * The connection is lost (silent, or it broke the protocol): it is let go of, closed with `code`,
   * and the client reconnects after the back-off delay.
   * @param {number} code
   * @param {string} reason
   */
  lost(code, reason) {
    this.abandon(code, reason);
    this.retry(code, reason);
  }

  /**
   * The page is `reconnecting`, for the close code and reason that ended its connection; the next
   * attempt starts after the back-off delay.
   * @param {number | null} code
   * @param {string} reason
   */
  retry(code, reason) {
    const host = this.#host;
    host.status.set('reconnecting', code, reason);
    host.clearTimer(this.#timer);
    this.#timer = null;
    // A "state" listener may have closed the client on hearing `reconnecting`: nothing to wait for.
    if (host.status.final) return;
    this.#timer = host.setTimer(() => this.#reopen(), host.backoff.next());
  }

  /**
   * Enters a state with no way back (see {@link import('./client-state.js').ClientState#finish}), with no attempt waiting.
   * @param {'closed' | 'expired'} state
   * @param {number} code
   * @param {string} reason
   */
  finish(state, code, reason) {
    this.#host.clearTimer(this.#timer);
    this.#timer = null;
    this.#host.status.finish(state, code, reason);
  }

  /** A connection said hello: the next wait is the back-off's first step again. */
  greeted() {
    this.#host.backoff.reset();
  }

  /** Back online: waiting out the back-off would only delay the user. */
  online() {
    if (this.#timer !== null) this.#reopen();
  }

  /**
   * Going into the back/forward cache: an open connection would keep the page out of it, and the
   * page may come back, so no bye; the server keeps the page for its grace period.
   */
  freeze() {
    const host = this.#host;
    if (!this.#started || host.status.final) return;
    host.clearTimer(this.#timer);
    this.#timer = null;
    this.abandon(1000, 'page hidden');
    host.status.set('reconnecting', 1000, 'page hidden');
  }

  /** Back from the back/forward cache: reconnect at once. */
  thaw() {
    const host = this.#host;
    if (host.opening.transport === null && host.status.state === 'reconnecting') {
      host.backoff.reset();
      this.#reopen();
    }
  }
}
