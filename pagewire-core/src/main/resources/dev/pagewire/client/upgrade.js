/**
 * One upgrade of a page on a fallback to WebSocket (PROTOCOL.md §9.5).
 * @module pagewire/upgrade
 */

/** @typedef {import('./transport.js').Transport} Transport */

/**
 * What an upgrade needs of the client.
 * @typedef {object} UpgradeHost
 * @property {import('./negotiation.js').Negotiation} negotiation opens the WebSocket; its `connectTimeout` is each deadline
 * @property {import('./transport.js').TransportEvents} events what the WebSocket reports to
 * @property {() => number} received the client's ack, for the WebSocket's request (§10.3)
 * @property {(fn: () => void, ms: number) => unknown} setTimer
 * @property {(id: any) => void} clearTimer
 * @property {(hello: any) => boolean} acceptVersion false (and the client expired) for a hello of an unknown protocol version
 * @property {(upgrade: Upgrade) => void} complete the WebSocket said hello and the fallback has ended, or had its time: switch over
 * @property {(upgrade: Upgrade, code: number | null, reason: string) => void} failed the WebSocket did not say hello;
 *     `code` is how it ended, null when it could not be opened
 */

/**
 * An upgrade from a fallback to WebSocket in progress, without loss or reordering. While there is
 * one, the client keeps new data frames unsent instead of handing them to the fallback. The
 * WebSocket opens once the fallback has delivered what it was given, so the server has every
 * earlier frame before it switches (should a POST fail meanwhile, the resume after the reconnect
 * resends what it carried, §10.3). After the WebSocket's `hello` the fallback is read to its end
 * (its `4409`, or its breaking), for at most `connectTimeout`, while the WebSocket's data frames wait
 * in {@link buffer}; then the client switches over. A WebSocket that fails before its `hello` fails
 * the upgrade; one that ends after it is acted on once the switch is done.
 */
export class Upgrade {
  /** @type {Transport | null} the WebSocket; null while the fallback still has frames in flight */
  socket = null;
  /** The ack the WebSocket's request carried. */
  openedWith = 0;
  /** The WebSocket's `hello`: from then on the server reads the WebSocket. */
  hello = null;
  /** @type {{code: number, reason: string} | null} how the fallback ended, once it did */
  fallbackEnd = null;
  /** @type {{code: number, reason: string} | null} how the WebSocket ended after its hello */
  socketEnd = null;
  /** @type {any[][]} data frames from the WebSocket, for the client to take once the fallback has delivered its last */
  buffer = [];
  /** @type {UpgradeHost} */
  #host;
  /** The deadline for the WebSocket's hello, then for the fallback's end. */
  #timer = null;
  /** Cancelled, failed or complete: the fallback's drain no longer opens a WebSocket. */
  #over = false;

  /** @param {UpgradeHost} host */
  constructor(host) {
    this.#host = host;
  }

  /** Starts: the WebSocket opens once `fallback` has delivered what it was given (maybe at once). */
  begin(fallback) {
    fallback.whenDrained(() => {
      if (!this.#over) this.#open();
    });
  }

  #open() {
    const host = this.#host;
    try {
      this.openedWith = host.received();
      this.socket = host.negotiation.open('websocket', this.openedWith, host.events);
    } catch (e) {
      console.error('pagewire: cannot open a WebSocket to upgrade to', e);
      this.#fail(null, String(e?.message ?? e));
      return;
    }
    const timeout = host.negotiation.connectTimeout;
    this.#timer = host.setTimer(() => {
      this.#timer = null;
      const reason = `no hello within ${timeout} ms`;
      this.socket.close(4408, reason);
      this.#fail(4408, reason);
    }, timeout);
  }

  /** A data frame from the WebSocket: kept until the switch. */
  hold(frame) {
    this.buffer.push(frame);
  }

  /** The WebSocket's `hello`: the switch follows once the fallback has ended, or at most `connectTimeout` later. */
  greeted(hello) {
    const host = this.#host;
    if (this.hello !== null) return;
    if (!host.acceptVersion(hello)) return;
    host.clearTimer(this.#timer);
    this.hello = hello;
    if (this.fallbackEnd) {
      this.#complete();
      return;
    }
    // The server has replaced the fallback, whose last frames and 4409 are still on their way.
    // Should they never come, the fallback is given up after connectTimeout.
    this.#timer = host.setTimer(() => {
      this.#timer = null;
      this.#complete();
    }, host.negotiation.connectTimeout);
  }

  /** The WebSocket ended: before its hello the upgrade fails; after it, the client acts on it once switched over. */
  socketEnded(code, reason) {
    if (this.hello === null) {
      this.#fail(code, reason);
    } else {
      this.socketEnd = { code, reason };
    }
  }

  /**
   * The fallback ended with `code`: true when the upgrade takes it (the expected 4409, or a fallback
   * that broke: the WebSocket decides what happens next); false when the client acts on it as
   * PROTOCOL.md §5 says (`4000`, `4401`, `4404`, or no WebSocket opened yet).
   */
  fallbackEnded(code, reason) {
    if (!this.socket || code === 4000 || code === 4401 || code === 4404) return false;
    this.fallbackEnd = { code, reason };
    if (this.hello) this.#complete();
    return true;
  }

  /** The client lets go of the upgrade (its connection is lost, or it is over): the WebSocket closes with `code`. */
  cancel(code, reason) {
    this.#over = true;
    this.#host.clearTimer(this.#timer);
    this.socket?.close(code, reason);
  }

  #complete() {
    this.#host.clearTimer(this.#timer);
    this.#timer = null;
    this.#over = true;
    this.#host.complete(this);
  }

  #fail(code, reason) {
    this.#host.clearTimer(this.#timer);
    this.#over = true;
    this.#host.failed(this, code, reason);
  }
}
