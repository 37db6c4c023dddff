/**
 * Where the page's channel stands for the page (PROTOCOL.md §5), and what ends with it.
 * @module pagewire/client-state
 */

/** @typedef {import('./connection.js').ConnectionState} ConnectionState */
/** @typedef {import('./connection.js').TransportName} TransportName */

/**
 * What the state is told to, and what a final state ends.
 * @typedef {object} StateHost
 * @property {import('./client-events.js').ClientEvents} events whose "state" listeners hear every change
 * @property {() => import('./channels.js').Channels | null} channels the page's channels to endpoints, which follow
 * @property {() => TransportName | null} transport the transport the page is connected over, for the change
 * @property {import('./sequencer.js').Sequencer} seq its kept frames go when the state is final
 * @property {import('./lifecycle.js').Lifecycle} lifecycle stops listening to the window when the state is final
 * @property {import('./event-channel.js').EventChannel} page its calls still waiting reject when the state is final
 * @property {boolean} reloadOnExpired reload a page whose server side is gone (the `reloadOnExpired` option)
 */

/**
 * The client's {@link ConnectionState} and the page id the server announced. A change is followed
 * first by the page's channels to endpoints, then told to the client's "state" listeners, so those
 * see channels that agree. `expired` and `closed` are final: entering one lets go of everything
 * that outlives connections (kept frames, window listeners, calls waiting) and, for a page whose
 * server side is gone, reloads it if it asked to. The connection decides when; this says what.
 */
export class ClientState {
  /** @type {StateHost} */ #host;
  /** @type {ConnectionState} */ #state = 'connecting';
  /** @type {string | null} */ #pageId = null;

  /** @param {StateHost} host */
  constructor(host) {
    this.#host = host;
  }

  /** @returns {ConnectionState} */
  get state() {
    return this.#state;
  }

  /** @returns {boolean} whether the state is `closed` or `expired`, which it never leaves */
  get final() {
    return this.#state === 'closed' || this.#state === 'expired';
  }

  /** @returns {string | null} the page id of the server's last `hello` that had one; null before */
  get pageId() {
    return this.#pageId;
  }

  /** A `hello` (PROTOCOL.md §6): it names the page. */
  greeted(hello) {
    if (typeof hello.page === 'string') this.#pageId = hello.page;
  }

  /**
   * @param {string} what what the caller was about to do, for the message
   * @param {string} name the event, call or channel it was about
   * @throws {Error} when the state is final
   */
  check(what, name) {
    if (this.final) throw new Error(`pagewire: cannot ${what} "${name}": the channel is ${this.#state}`);
  }

  /**
   * Moves to `state` (nothing when it is the state already), with the close code and reason that caused it.
   * @param {ConnectionState} state
   * @param {number | null} code
   * @param {string | null | undefined} reason
   */
  set(state, code, reason) {
    if (state === this.#state) return;
    const host = this.#host;
    this.#state = state;
    host.channels()?.follow(state, reason ?? ''); // before the page's listeners, so they see channels that agree
    host.events.emit('state', { state, transport: host.transport(), code, reason: reason ?? '' });
  }

  /**
   * Enters a state with no way back: no kept frames, no window listeners, no calls waiting. A page
   * that had a server side and lost it (4404) reloads if it asked to.
   * @param {'closed' | 'expired'} state
   * @param {number} code
   * @param {string} reason
   */
  finish(state, code, reason) {
    const host = this.#host;
    host.seq.clear();
    host.lifecycle.detach();
    this.set(state, code, reason);
    host.page.close(state);
    // Only a page that was connected once: one refused from the start would reload for ever. For
    // such a page a refused token (4401) means the same as 4404: a server that restarted with
    // another secret no longer knows it.
    if (state === 'expired' && (code === 4404 || code === 4401) && host.reloadOnExpired && this.#pageId !== null) {
      host.lifecycle.reload();
    }
  }
}
