/**
 * When a page on a fallback tries WebSocket again, and the switch when it gets through (PROTOCOL.md §9.5).
 * @module pagewire/upgrades
 */
import { Upgrade } from './upgrade.js';

/** @typedef {import('./transport.js').Transport} Transport */

/**
 * What the upgrades need of the client.
 * @typedef {object} UpgradesHost
 * @property {import('./negotiation.js').Negotiation} negotiation whether and when to try, and what it learns
 * @property {import('./transport.js').TransportEvents} events what an upgrade's WebSocket reports to
 * @property {import('./opening.js').Opening} opening holds the fallback the WebSocket replaces
 * @property {import('./receiver.js').Receiver} receiver takes the frames the WebSocket kept for the switch
 * @property {import('./sequencer.js').Sequencer} seq the client's ack, and the resume over the WebSocket
 * @property {(fn: () => void, ms: number) => unknown} setTimer
 * @property {(id: any) => void} clearTimer
 * @property {() => boolean} connected whether the page is connected: only then is an upgrade tried
 * @property {(hello: any) => boolean} acceptVersion false (and the client expired) for a hello of an unknown protocol version
 * @property {(hello: any) => void} applyHello what every hello tells the client (page id, heartbeat)
 * @property {() => void} flush sends what was kept unsent, and an ack that waits
 * @property {(code: number, reason: string) => void} lost the connection is gone: let go of it and reconnect
 * @property {(transport: Transport, code: number, reason: string) => void} ended the WebSocket, now the
 *     page's connection, ended before the switch was done: answer that as any end
 * @property {(change: import('./connection.js').TransportChange) => void} switched the page moved to WebSocket
 */

/**
 * The upgrades of one client, one at a time: after the negotiation's `upgradeDelay` on a fallback an
 * {@link Upgrade} opens a WebSocket; while it is under way ({@link current}) new data frames are kept
 * unsent. When it completes, the WebSocket becomes the page's connection and resumes where its hello
 * says the server is, the frames it kept go first, then what waited; when it fails, what waited goes
 * over the fallback and the next try waits longer.
 */
export class Upgrades {
  /** @type {UpgradesHost} */ #host;
  #timer = null;
  /** @type {Upgrade | null} the upgrade under way */
  current = null;

  /** @param {UpgradesHost} host */
  constructor(host) {
    this.#host = host;
  }

  /** The page is connected over a fallback: try WebSocket after the negotiation's delay, unless it may not. */
  schedule() {
    const host = this.#host;
    if (!host.negotiation.mayUpgrade || !host.connected()) return;
    host.clearTimer(this.#timer);
    this.#timer = host.setTimer(() => this.#begin(), host.negotiation.upgradeDelay);
  }

  /** The client lets go of its connection: no upgrade waits or goes on; its WebSocket closes with `code`. */
  cancel(code, reason) {
    const upgrade = this.current;
    this.current = null;
    this.#host.clearTimer(this.#timer);
    this.#timer = null;
    upgrade?.cancel(code, reason);
  }

  #begin() {
    const host = this.#host;
    this.#timer = null;
    if (!host.connected() || this.current !== null) return;
    // From now on new data frames are kept unsent, until the upgrade completes or fails.
    this.current = new Upgrade({
      negotiation: host.negotiation,
      events: host.events,
      received: () => host.seq.received,
      setTimer: host.setTimer,
      clearTimer: host.clearTimer,
      acceptVersion: host.acceptVersion,
      complete: (upgrade) => this.#complete(upgrade),
      failed: (upgrade, code, reason) => this.#failed(upgrade, code, reason),
    });
    this.current.begin(host.opening.transport);
  }

  /** The WebSocket did not say hello: back to POSTing over the fallback, and another try later. */
  #failed(upgrade, code, reason) {
    const host = this.#host;
    this.current = null;
    if (upgrade.fallbackEnd) {
      // The fallback is gone as well (the server may have replaced it by this very WebSocket).
      host.lost(code ?? upgrade.fallbackEnd.code, reason);
      return;
    }
    host.negotiation.upgradeFailed(host.opening.transport.name);
    host.flush(); // what was kept unsent goes over the fallback after all
    this.schedule();
  }

  /** The fallback has ended (or had its time): the WebSocket takes over, frames in order. */
  #complete(upgrade) {
    const host = this.#host;
    const previous = host.opening.replace(upgrade.socket, upgrade.openedWith);
    previous.close(1000, '');
    host.applyHello(upgrade.hello);
    if (!host.receiver.acked(upgrade.hello.ack)) return;
    // The WebSocket resumes where its hello says the server is: what the server lacks goes again.
    host.seq.resume(upgrade.hello.ack, upgrade.openedWith);
    for (const frame of upgrade.buffer) {
      host.receiver.accept(frame); // frames sent by listeners are kept unsent until the switch is done
      if (this.current !== upgrade) return; // a listener closed the client, or a gap ended the connection
    }
    this.current = null;
    if (upgrade.socketEnd) {
      host.ended(upgrade.socket, upgrade.socketEnd.code, upgrade.socketEnd.reason);
      return;
    }
    host.negotiation.upgraded();
    host.flush();
    host.switched({ transport: upgrade.socket.name, previous: previous.name });
  }
}
