/**
 * What an origin remembers of its pages' transports (PROTOCOL.md §9.2).
 * @module pagewire/memory
 */

/** The `localStorage` key under which an origin remembers the fallback its pages ended up on. */
export const STORAGE_KEY = 'pagewire.transport';

/**
 * What an origin remembers of its pages' transports (PROTOCOL.md §9.2): the fallback a page ended
 * on because WebSocket failed, for `rememberFor` ms, in `localStorage` (one origin, one storage).
 * Storage may be absent, blocked (it throws) or full: then nothing is remembered and every page
 * negotiates from the start.
 */
export class TransportMemory {
  #storage;
  #rememberFor;

  /**
   * @param {Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null} storage
   * @param {number} rememberFor ms
   */
  constructor(storage, rememberFor) {
    this.#storage = storage;
    this.#rememberFor = rememberFor;
  }

  /** @returns {'sse' | 'longpolling' | null} the fallback this origin's pages needed lately */
  recall() {
    try {
      const saved = JSON.parse(this.#storage?.getItem(STORAGE_KEY) ?? 'null');
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
      this.#storage?.setItem(STORAGE_KEY, JSON.stringify({ transport: name, at: Date.now() }));
    } catch {
      // Storage blocked or full (private modes throw here): the next page negotiates from the start.
    }
  }

  forget() {
    try {
      this.#storage?.removeItem(STORAGE_KEY);
    } catch {
      // Storage blocked: there is nothing remembered to forget.
    }
  }
}
