/**
 * What an origin remembers of its pages' transports (PROTOCOL.md §9.2).
 * @module pagewire/memory
 */

/**
 * The `localStorage` key under which an origin remembers the fallback its pages ended up on; for
 * the connections of a page to another origin (PROTOCOL.md §12.2) it is followed by `:` and that origin.
 */
const STORAGE_KEY = 'pagewire.transport';

/** The key for a connection to `origin` from a page of `pageOrigin`: the plain key for the page's own. */
export function storageKey(origin, pageOrigin) {
  return origin === pageOrigin ? STORAGE_KEY : `${STORAGE_KEY}:${origin}`;
}

/**
 * What an origin remembers of its pages' transports (PROTOCOL.md §9.2): the fallback a page ended
 * on because WebSocket failed, for `rememberFor` ms, in `localStorage` (one origin, one storage; one key
 * per origin the page connects to).
 * Storage may be absent, blocked (it throws) or full: then nothing is remembered and every page
 * negotiates from the start.
 */
export class TransportMemory {
  #storage;
  #rememberFor;
  #key;

  /**
   * @param {Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null} storage
   * @param {number} rememberFor ms
   * @param {string} [key] see {@link storageKey}
   */
  constructor(storage, rememberFor, key = STORAGE_KEY) {
    this.#storage = storage;
    this.#rememberFor = rememberFor;
    this.#key = key;
  }

  /** @returns {'sse' | 'longpolling' | null} the fallback this origin's pages needed lately */
  recall() {
    try {
      const saved = JSON.parse(this.#storage?.getItem(this.#key) ?? 'null');
      const age = Date.now() - saved?.at;
      if ((saved?.transport === 'sse' || saved?.transport === 'longpolling') && age >= 0 && age < this.#rememberFor) {
        return saved.transport;
      }
    } catch {
      // Storage blocked, or something unreadable under our key: negotiate from the start.
    }
    return null;
  }

  /** @param {'sse' | 'longpolling'} name */
  remember(name) {
    try {
      this.#storage?.setItem(this.#key, JSON.stringify({ transport: name, at: Date.now() }));
    } catch {
      // Storage blocked or full (private modes throw here): the next page negotiates from the start.
    }
  }

  forget() {
    try {
      this.#storage?.removeItem(this.#key);
    } catch {
      // Storage blocked: there is nothing remembered to forget.
    }
  }
}
