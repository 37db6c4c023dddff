/**
 * The page's life in the browser, as the client follows it.
 * @module pagewire/lifecycle
 */
import { pageScriptsPending } from './options.js';

/**
 * What the client does at each turn of the page's life.
 * @typedef {object} LifecycleHandlers
 * @property {(frame: any[]) => void} deliver takes a frame that waited for the page's scripts
 * @property {() => void} online the browser is back online
 * @property {() => void} leave the page is being left for good (`pagehide`, not persisted)
 * @property {() => void} freeze the page goes into the back/forward cache (`pagehide`, persisted)
 * @property {() => void} thaw the page came back from the back/forward cache (`pageshow`, persisted)
 */

/**
 * The browser's events of a page's life that the client answers: its own module and deferred
 * scripts still to run (frames wait for `DOMContentLoaded`, so the listeners those scripts register
 * see every event), going back online, the back/forward cache and leaving; and the reload of a page
 * whose server side is gone.
 */
export class Lifecycle {
  #window;
  /** @type {LifecycleHandlers} */
  #handlers;
  /** Data and `missed` frames that arrived while the document was still loading, or null once it has. */
  #held = null;
  #onOnline = () => this.#handlers.online();
  #onPageHide = (event) => (event.persisted ? this.#handlers.freeze() : this.#handlers.leave());
  #onPageShow = (event) => {
    if (event.persisted) this.#handlers.thaw();
  };

  /**
   * Starts listening.
   * @param {EventTarget | null} window where online/pagehide/pageshow are observed, and whose location reloads
   * @param {{readyState: string, addEventListener: Function} | null} document
   * @param {LifecycleHandlers} handlers
   */
  constructor(window, document, handlers) {
    this.#window = window;
    this.#handlers = handlers;
    // Module and deferred scripts run after the client's module but before DOMContentLoaded.
    if (pageScriptsPending(document)) {
      this.#held = [];
      const release = () => {
        const held = this.#held ?? [];
        this.#held = null;
        for (const frame of held) handlers.deliver(frame);
      };
      document.addEventListener('DOMContentLoaded', release, { once: true });
      // A safety net for a client started late, after DOMContentLoaded, where the timing entry
      // that would have said so is missing: the load event comes after it in any case.
      window?.addEventListener?.(
        'load',
        () => {
          if (this.#held !== null) release();
        },
        { once: true },
      );
    }
    window?.addEventListener('online', this.#onOnline);
    window?.addEventListener('pagehide', this.#onPageHide);
    window?.addEventListener('pageshow', this.#onPageShow);
  }

  /**
   * Keeps `frame` while the page's own scripts have not all run yet (they would miss it).
   * @returns {boolean} true if it was kept; it goes to `deliver` later
   */
  hold(frame) {
    if (this.#held === null) return false;
    this.#held.push(frame);
    return true;
  }

  /** Stops listening to the window: the client is over. */
  detach() {
    this.#window?.removeEventListener('online', this.#onOnline);
    this.#window?.removeEventListener('pagehide', this.#onPageHide);
    this.#window?.removeEventListener('pageshow', this.#onPageShow);
  }

  /** Reloads the page, which gets a new server side (and a client that matches the server). */
  reload() {
    const location = this.#window?.location ?? globalThis.location;
    location?.reload();
  }
}
