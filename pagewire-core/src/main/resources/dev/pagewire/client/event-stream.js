/**
 * The `text/event-stream` format as the SSE fallback reads it (PROTOCOL.md §8.3).
 * @module pagewire/event-stream
 */

/**
 * Reads a `text/event-stream` body as the HTML standard says: lines end with `\n`, `\r\n` or `\r`
 * (also split across chunks), `:` starts a comment, `data:` lines of one event are joined with `\n`
 * (one space after the colon is dropped), a blank line ends the event. Only `data` matters here.
 */
export class EventStreamParser {
  #onData;
  #rest = '';
  /** @type {string | null} */
  #data = null;
  /** The last chunk ended with `\r`: a `\n` starting the next one belongs to that line end. */
  #afterCR = false;

  /** @param {(data: string) => void} onData called with the data of each event */
  constructor(onData) {
    this.#onData = onData;
  }

  /** Reads the next piece of the body, which may end anywhere, even inside a line end. */
  push(text) {
    if (text === '') return;
    let buffer = this.#rest + text;
    if (this.#afterCR) {
      this.#afterCR = false;
      if (buffer[0] === '\n') buffer = buffer.slice(1);
    }
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    for (let match; (match = lineEnd.exec(buffer)) !== null;) {
      this.#line(buffer.slice(start, match.index));
      start = lineEnd.lastIndex;
      if (match[0] === '\r' && start === buffer.length) this.#afterCR = true;
    }
    this.#rest = buffer.slice(start);
  }

  #line(line) {
    if (line === '') {
      const data = this.#data;
      this.#data = null;
      if (data !== null) this.#onData(data);
      return;
    }
    if (line[0] === ':') return; // a comment, such as the server's padding
    const colon = line.indexOf(':');
    if ((colon < 0 ? line : line.slice(0, colon)) !== 'data') return; // event, id, retry: unused
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    this.#data = this.#data === null ? value : `${this.#data}\n${value}`;
  }
}
