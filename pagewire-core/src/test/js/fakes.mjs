// Test doubles for the browser client: a scriptable WebSocket, a manual clock and the loader that
// imports client.js as an ES module (its .js name would make Node 20 treat it as CommonJS).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const source = fileURLToPath(new URL('../../main/resources/dev/pagewire/client/client.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pagewire-client-'));
copyFileSync(source, join(dir, 'client.mjs'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/**
 * Imports a fresh copy of the client module; `tag` makes a separate module instance, so a test
 * can evaluate the module again against different globals.
 */
export function importClient(tag = '') {
  return import(pathToFileURL(join(dir, 'client.mjs')).href + (tag ? `?${tag}` : ''));
}

export const { connect } = await importClient();

/** A WebSocket class whose instances record what the client does and let a test play the server. */
export function fakeWebSocketClass() {
  return class FakeWebSocket {
    static instances = [];

    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.binaryType = 'blob';
      this.sent = [];
      this.closedWith = null;
      FakeWebSocket.instances.push(this);
    }

    send(data) {
      if (this.readyState !== 1) throw new Error(`InvalidStateError: send() while readyState is ${this.readyState}`);
      this.sent.push(data);
    }

    close(code, reason) {
      // Like a browser, which keeps the other codes for itself.
      if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
        throw new DOMException(`close code ${code} is not allowed`, 'InvalidAccessError');
      }
      if (reason !== undefined && new TextEncoder().encode(reason).length > 123) {
        throw new DOMException('close reason longer than 123 bytes', 'SyntaxError');
      }
      this.closedWith = { code, reason };
      this.readyState = 2;
    }

    /** The text frames sent so far, parsed. */
    frames() {
      return this.sent.filter((d) => typeof d === 'string').map((d) => JSON.parse(d));
    }

    open() {
      this.readyState = 1;
      this.onopen?.({ type: 'open' });
    }

    /** Delivers a message: a frame array or object is sent as JSON, a string or ArrayBuffer as is. */
    receive(data) {
      const payload = typeof data === 'string' || data instanceof ArrayBuffer ? data : JSON.stringify(data);
      this.onmessage?.({ type: 'message', data: payload });
    }

    hello(page = 'page-1', heartbeat = 20_000) {
      if (this.readyState === 0) this.open();
      this.receive(['hello', { v: 1, page, heartbeat }]);
    }

    serverClose(code = 1006, reason = '') {
      this.readyState = 3;
      this.onclose?.({ type: 'close', code, reason, wasClean: code !== 1006 });
    }
  };
}

/** setTimeout/clearTimeout on a clock that moves only when the test calls advance(). */
export function fakeClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map();
  return {
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.set(id, { fn, at: now + ms });
      return id;
    },
    clearTimeout: (id) => { timers.delete(id); },
    /** Delays of the timers still pending, from now, in order. */
    pending: () => [...timers.values()].map((t) => t.at - now).sort((a, b) => a - b),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
  };
}

/** An event like the browser's PageTransitionEvent. */
export function pageTransition(type, persisted) {
  const event = new Event(type);
  Object.defineProperty(event, 'persisted', { value: persisted });
  return event;
}

/**
 * A client connected to fakes; `socket` is always the newest socket. Options go to connect().
 */
export function setup({ WebSocket = fakeWebSocketClass(), ...options } = {}) {
  const clock = fakeClock();
  const win = new EventTarget();
  const states = [];
  const client = connect({
    url: 'ws://example.test/chat',
    token: 'v1.page-1.0.mac',
    WebSocket,
    window: win,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    ...options,
  });
  client.on('state', (change) => states.push(change));
  return {
    client,
    clock,
    win,
    states,
    sockets: WebSocket.instances,
    get socket() { return WebSocket.instances.at(-1); },
  };
}

/** Concatenates byte arrays into one ArrayBuffer. */
export function bytes(...parts) {
  const all = parts.flatMap((p) => [...(typeof p === 'string' ? new TextEncoder().encode(p) : p)]);
  return new Uint8Array(all).buffer;
}
