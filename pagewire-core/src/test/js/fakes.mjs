// Test doubles for the browser client: a scriptable WebSocket, a scriptable fetch (for the SSE and
// long-polling fallbacks), storage, sendBeacon, a manual clock and the loader that imports client.js
// and the modules beside it as ES modules (their .js names would make Node 20 treat them as CommonJS
// outside a folder whose package.json says "module").
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const source = fileURLToPath(new URL('../../main/resources/dev/pagewire/client/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pagewire-client-'));
for (const name of readdirSync(source).filter((n) => n.endsWith('.js')))
  copyFileSync(join(source, name), join(dir, name));
writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/**
 * Imports a fresh copy of the client's entry module; `tag` makes a separate module instance, so a
 * test can evaluate it again against different globals (the modules it imports hold no state).
 */
export function importClient(tag = '') {
  return import(pathToFileURL(join(dir, 'client.js')).href + (tag ? `?${tag}` : ''));
}

export const { connect } = await importClient();

/** Imports one of the client's modules by its file name ('backoff.js'), for the unit tests of its parts. */
export function importModule(name) {
  return import(pathToFileURL(join(dir, name)).href);
}

/** How long the client lets a standalone ack wait (PROTOCOL.md §10.2). */
export const { ACK_DELAY_MS } = await import(pathToFileURL(join(dir, 'sequencer.js')).href);

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

    /** Opens the socket if need be and says hello; `ack` is the server's ack (PROTOCOL.md §10.3). */
    hello(page = 'page-1', heartbeat = 20_000, ack = undefined) {
      if (this.readyState === 0) this.open();
      this.receive(hello(page, heartbeat, ack));
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
    clearTimeout: (id) => {
      timers.delete(id);
    },
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
 * A fetch whose requests wait until the test answers them, like a server would. `fetch.requests`
 * lists every request in order; each is a {@link FakeRequest}.
 */
export function fakeFetch() {
  const requests = [];
  const fetch = (url, init = {}) => {
    const request = new FakeRequest(String(url), init);
    requests.push(request);
    return request.response;
  };
  fetch.requests = requests;
  /** The requests of one kind ('sse', 'longpolling', 'poll', 'post', 'get'), oldest first. */
  fetch.of = (kind) => requests.filter((r) => r.kind === kind);
  /** The newest request of one kind. */
  fetch.last = (kind) => fetch.of(kind).at(-1);
  return fetch;
}

/** One request made through {@link fakeFetch}; the test answers it with reply, frames, stream or fail. */
export class FakeRequest {
  #resolve;
  #reject;
  #stream = null;
  #settled = false;

  constructor(url, init) {
    this.url = url;
    this.init = init;
    this.method = init.method ?? 'GET';
    this.query = new URL(url).searchParams;
    this.body = init.body ?? null;
    this.aborted = false;
    this.response = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    init.signal?.addEventListener('abort', () => {
      this.aborted = true;
      // Like a browser: a pending request rejects, a streaming body errors.
      const error = new DOMException('The operation was aborted.', 'AbortError');
      if (!this.#settled) this.#fail(error);
      try {
        this.#stream?.error(error);
      } catch {
        // the stream had ended already
      }
    });
  }

  /** 'sse' or 'longpolling' (an open), 'poll', 'post', 'get', or 'endpoint' (a POST opening an endpoint, §12.2). */
  get kind() {
    if (this.method === 'POST') return this.query.has('conn') ? 'post' : 'endpoint';
    if (this.query.has('transport')) return this.query.get('transport');
    return this.query.has('conn') ? 'poll' : 'get';
  }

  /** A POST's frame lines. */
  lines() {
    return this.body === null ? [] : this.body.split('\n');
  }

  /** A POST's frames: text frames parsed, binary ones as arrays of bytes. */
  frames() {
    return this.lines().map((l) => (l.startsWith('~') ? [...Buffer.from(l.slice(1), 'base64')] : JSON.parse(l)));
  }

  reply(status = 200, body = '', contentType = 'text/plain; charset=utf-8', headers = {}) {
    this.#answer(
      new Response(status === 204 ? null : body, { status, headers: { 'content-type': contentType, ...headers } }),
    );
  }

  /** Answers with `value` as JSON (application/json). */
  json(status, value) {
    this.reply(status, JSON.stringify(value), 'application/json');
  }

  /** Answers 200 text/plain with these frames as frame lines, each ended by \n. */
  frames200(...frames) {
    this.reply(200, frames.map((f) => frameLine(f) + '\n').join(''));
  }

  /** Answers 200 with a body that stays open; returns what writes to it. */
  stream(contentType = 'text/event-stream; charset=utf-8') {
    const encoder = new TextEncoder();
    let controller;
    const body = new ReadableStream({
      start: (c) => {
        controller = c;
      },
    });
    this.#stream = controller;
    this.#answer(new Response(body, { status: 200, headers: { 'content-type': contentType } }));
    // What the server writes after the client aborted never reaches the client.
    const enqueue = (chunk) => {
      if (!this.aborted) controller.enqueue(chunk);
    };
    return {
      write: (text) => enqueue(encoder.encode(text)),
      writeBytes: (chunk) => enqueue(chunk),
      /** One SSE event whose data is the frame line of `frame`. */
      event: (frame) => enqueue(encoder.encode(`data: ${frameLine(frame)}\n\n`)),
      end: () => controller.close(),
      error: () => controller.error(new TypeError('network error')),
    };
  }

  /** The network failed, as fetch reports it. */
  fail(message = 'Failed to fetch') {
    this.#fail(new TypeError(message));
  }

  #answer(response) {
    if (this.#settled) throw new Error(`${this.method} ${this.url} was answered already`);
    this.#settled = true;
    this.#resolve(response);
  }

  #fail(error) {
    if (this.#settled) throw new Error(`${this.method} ${this.url} was answered already`);
    this.#settled = true;
    this.#reject(error);
  }
}

/** A frame array as a frame line; a string or an ArrayBuffer (binary, `~` base64) as given. */
export function frameLine(frame) {
  if (frame instanceof ArrayBuffer) return '~' + Buffer.from(frame).toString('base64');
  return typeof frame === 'string' ? frame : JSON.stringify(frame);
}

/** A hello frame; with `ack`, the server's ack of the client's frames (PROTOCOL.md §10.3). */
export function hello(page = 'page-1', heartbeat = 20_000, ack = undefined) {
  return ['hello', ack === undefined ? { v: 1, page, heartbeat } : { v: 1, page, heartbeat, ack }];
}

/**
 * The server's side of the client's sequence (PROTOCOL.md §10.3): `read(post)` takes a POST's
 * frames in order and drops a data frame whose number is not above the last one it took, as the
 * server does; `last` is the server's ack, `delivered` the data of the `ev` frames it took.
 */
export function fakeServerInbox() {
  const inbox = { last: 0, delivered: [] };
  inbox.read = (post) => {
    for (const frame of post.frames()) {
      if (frame[0] !== 'ev' || frame[3] <= inbox.last) continue;
      inbox.last = frame[3];
      inbox.delivered.push(frame[2]);
    }
  };
  return inbox;
}

/** Lets pending promises (fetch answers, stream reads) run. */
export async function settle() {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A localStorage-like map; `throwing` makes every method throw, as blocked storage does. */
export function fakeStorage({ throwing = false } = {}) {
  const map = new Map();
  const guard = () => {
    if (throwing) throw new DOMException('The operation is insecure.', 'SecurityError');
  };
  return {
    map,
    getItem: (key) => {
      guard();
      return map.has(key) ? map.get(key) : null;
    },
    setItem: (key, value) => {
      guard();
      map.set(key, String(value));
    },
    removeItem: (key) => {
      guard();
      map.delete(key);
    },
  };
}

/** navigator.sendBeacon; `beacons` lists what was sent. */
export function fakeBeacon(result = true) {
  const beacons = [];
  const sendBeacon = (url, data) => {
    beacons.push({ url, data, query: new URL(url).searchParams });
    return result;
  };
  sendBeacon.beacons = beacons;
  return sendBeacon;
}

/**
 * A client connected to fakes; `socket` is always the newest socket. Options go to connect().
 */
export function setup({
  WebSocket = fakeWebSocketClass(),
  fetch = fakeFetch(),
  sendBeacon = fakeBeacon(),
  storage = fakeStorage(),
  ...options
} = {}) {
  const clock = fakeClock();
  const win = new EventTarget();
  const states = [];
  const transports = [];
  const client = connect({
    url: 'ws://example.test/chat',
    token: 'v1.page-1.0.mac',
    WebSocket,
    fetch,
    sendBeacon,
    storage,
    window: win,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    ...options,
  });
  client.on('state', (change) => states.push(change));
  client.on('transport', (change) => transports.push(change));
  return {
    client,
    clock,
    win,
    states,
    transports,
    fetch,
    storage,
    beacons: sendBeacon?.beacons,
    sockets: WebSocket?.instances ?? [],
    get socket() {
      return WebSocket?.instances.at(-1);
    },
  };
}

/** A binary message (PROTOCOL.md §3): uint32 BE length of the JSON `header`, the header, the payload bytes. */
export function binaryFrame(header, payload = []) {
  const json = new TextEncoder().encode(JSON.stringify(header));
  return bytes([0, 0, 0, json.length], json, payload);
}

/** Concatenates byte arrays into one ArrayBuffer. */
export function bytes(...parts) {
  const all = parts.flatMap((p) => [...(typeof p === 'string' ? new TextEncoder().encode(p) : p)]);
  return new Uint8Array(all).buffer;
}

/** A page client connected over a (forced) WebSocket; its hello acks nothing. */
export function connected(options = {}) {
  const env = setup({ transport: 'websocket', ...options });
  env.socket.hello('page-1', 20_000, 0);
  return env;
}

/** Settles `promise` now-ish: its outcome as {value} or {error}, or 'pending'. */
export async function outcome(promise) {
  let result = 'pending';
  promise.then(
    (value) => {
      result = { value };
    },
    (error) => {
      result = { error };
    },
  );
  await settle();
  return result;
}
