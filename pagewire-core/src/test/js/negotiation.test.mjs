// Which transport the client picks by itself (PROTOCOL.md §9.1-§9.4), and what it remembers.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeStorage, fakeWebSocketClass, hello, settle, setup } from './fakes.mjs';

const KEY = 'pagewire.transport';

/** Stored as a page that ended on `transport` `ago` ms ago would have left it. */
function remembered(transport, ago = 0) {
  const storage = fakeStorage();
  storage.setItem(KEY, JSON.stringify({ transport, at: Date.now() - ago }));
  return storage;
}

/** Opens the SSE stream the client asked for, with open and hello. */
async function answerSse(fetch) {
  const down = fetch.last('sse').stream();
  down.event(['open', 'conn-1']);
  down.event(hello());
  await settle();
  return down;
}

describe('forced transports', () => {
  for (const name of ['websocket', 'sse', 'longpolling']) {
    it(`transport: "${name}" uses only ${name}, with no fallback and no upgrade`, async () => {
      const { fetch, sockets, clock, client } = setup({ transport: name });
      const first = name === 'websocket' ? sockets.length : fetch.requests.length;
      assert.equal(first, 1);
      assert.equal(name === 'websocket' ? fetch.requests.length : sockets.length, 0);
      clock.advance(3000); // no connectTimeout: there is nothing to fall back to
      await settle();
      assert.equal(client.state, 'connecting');
      assert.equal(fetch.requests.length + sockets.length, 1);
    });
  }

  it('a forced fallback never upgrades', async () => {
    const { fetch, sockets, clock } = setup({ transport: 'sse' });
    await answerSse(fetch);
    clock.advance(600_000);
    assert.equal(sockets.length, 0);
  });

  it('a forced WebSocket that fails reconnects with back-off, never falls back', () => {
    const { socket, fetch, client, clock, sockets } = setup({ transport: 'websocket' });
    socket.serverClose(1006);
    assert.equal(client.state, 'reconnecting');
    assert.equal(fetch.requests.length, 0);
    clock.advance(250);
    assert.equal(sockets.length, 2);
  });

  it('does not touch the remembered fallback', async () => {
    const storage = remembered('longpolling');
    const before = storage.map.get(KEY);
    const { socket, sockets } = setup({ transport: 'websocket', storage });
    assert.equal(sockets.length, 1, 'the memory does not override the forced transport');
    socket.hello();
    assert.equal(storage.map.get(KEY), before);
  });

  it('refuses an unknown transport', () => {
    assert.throws(() => setup({ transport: 'carrier-pigeon' }), {
      name: 'TypeError',
      message: /websocket, sse, longpolling/,
    });
  });

  it('refuses a forced transport this environment lacks', () => {
    assert.throws(() => setup({ transport: 'websocket', WebSocket: null }), {
      name: 'TypeError',
      message: /WebSocket/,
    });
  });

  describe('from the page URL', () => {
    afterEach(() => {
      delete globalThis.location;
    });

    it('pagewire-transport=longpolling in the page query forces long-polling', () => {
      globalThis.location = { search: '?room=1&pagewire-transport=longpolling' };
      const { fetch, sockets } = setup();
      assert.equal(sockets.length, 0);
      assert.equal(fetch.requests[0].kind, 'longpolling');
    });

    it('an unknown value is ignored with a warning', (t) => {
      const warn = t.mock.method(console, 'warn', () => {});
      globalThis.location = { search: '?pagewire-transport=telegraph' };
      const { sockets } = setup();
      assert.equal(sockets.length, 1);
      assert.equal(warn.mock.callCount(), 1);
    });

    it('options.transport: null negotiates whatever the URL says', () => {
      globalThis.location = { search: '?pagewire-transport=sse' };
      const { sockets } = setup({ transport: null });
      assert.equal(sockets.length, 1);
    });
  });
});

describe('falling back', () => {
  it('starts with WebSocket', () => {
    const { sockets, fetch } = setup();
    assert.equal(sockets.length, 1);
    assert.equal(fetch.requests.length, 0);
  });

  it('a WebSocket that closes before hello is followed by SSE at once, without a state change', () => {
    const { socket, fetch, states } = setup();
    socket.serverClose(1006);
    assert.equal(fetch.requests.length, 1);
    assert.equal(fetch.requests[0].kind, 'sse');
    assert.deepEqual(states, []);
  });

  it('a WebSocket without hello within connectTimeout is closed and followed by SSE', async () => {
    const { socket, fetch, clock, client, states } = setup({ connectTimeout: 2000 });
    socket.open();
    clock.advance(1999);
    assert.equal(fetch.requests.length, 0);
    clock.advance(1);
    assert.deepEqual(socket.closedWith, { code: 4408, reason: 'no hello within 2000 ms' });
    assert.equal(fetch.last('sse').kind, 'sse');
    await answerSse(fetch);
    assert.equal(client.transport, 'sse');
    assert.deepEqual(states, [{ state: 'connected', transport: 'sse', code: null, reason: '' }]);
    socket.serverClose(1000); // the abandoned socket's late close changes nothing
    assert.equal(client.state, 'connected');
  });

  it('an SSE stream whose open frame does not come within connectTimeout (a buffering proxy) is followed by long-polling', async () => {
    const { socket, fetch, clock, client } = setup();
    socket.serverClose(1006);
    const down = fetch.last('sse').stream();
    down.write(`:${' '.repeat(2048)}\n\n`);
    await settle();
    clock.advance(2999);
    assert.equal(fetch.of('longpolling').length, 0);
    clock.advance(1);
    assert.ok(fetch.last('sse').aborted, 'the SSE request is aborted');
    fetch.last('longpolling').frames200(['open', 'c'], hello());
    await settle();
    assert.equal(client.state, 'connected');
    assert.equal(client.transport, 'longpolling');
    down.event(['open', 'late']); // a buffering proxy letting go at last changes nothing
    await settle();
    assert.equal(client.transport, 'longpolling');
  });

  it('an SSE stream whose open frame arrived in time is kept while hello follows', async () => {
    const { socket, fetch, clock, client } = setup();
    socket.serverClose(1006);
    const down = fetch.last('sse').stream();
    down.event(['open', 'c']);
    await settle();
    clock.advance(10_000);
    assert.equal(fetch.of('longpolling').length, 0);
    down.event(hello());
    await settle();
    assert.equal(client.transport, 'sse');
  });

  for (const [what, fail] of [
    ['answered 404', (r) => r.reply(404, 'not found')],
    ['answered with HTML', (r) => r.reply(200, '<html></html>', 'text/html')],
    ['failing on the network', (r) => r.fail()],
  ]) {
    it(`an SSE request ${what} is followed by long-polling`, async () => {
      const { socket, fetch } = setup();
      socket.serverClose(1006);
      fail(fetch.last('sse'));
      await settle();
      assert.equal(fetch.of('longpolling').length, 1);
    });
  }

  it('when long-polling fails too: back-off, then the next attempt starts again with WebSocket', async () => {
    const { socket, fetch, clock, client, sockets, states } = setup();
    socket.serverClose(1006);
    fetch.last('sse').fail();
    await settle();
    fetch.last('longpolling').fail();
    await settle();
    assert.equal(client.state, 'reconnecting');
    assert.deepEqual(
      states.map((s) => s.state),
      ['reconnecting'],
    );
    const pending = clock.pending();
    assert.equal(pending.length, 1);
    assert.ok(pending[0] >= 125 && pending[0] <= 250);
    clock.advance(250);
    assert.equal(sockets.length, 2, 'the chain starts over');
    sockets[1].hello();
    assert.equal(client.transport, 'websocket');
  });

  it('a connection lost after hello on a fallback starts the chain over after the back-off', async () => {
    const { socket, fetch, clock, sockets, client } = setup();
    socket.serverClose(1006);
    const down = await answerSse(fetch);
    down.end();
    await settle();
    assert.equal(client.state, 'reconnecting');
    clock.advance(250);
    // This origin now remembers SSE (WebSocket failed), so that is where the chain starts.
    assert.equal(sockets.length, 1);
    assert.equal(fetch.of('sse').length, 2);
  });

  it('a refused WebSocket (4401) means expired, no fallback', () => {
    const { socket, fetch, client } = setup();
    socket.open();
    socket.serverClose(4401, 'token expired');
    assert.equal(client.state, 'expired');
    assert.equal(fetch.requests.length, 0);
  });

  it('a refused SSE open (4404) after a failed WebSocket means expired, no long-polling', async () => {
    const { socket, fetch, client, states } = setup();
    socket.serverClose(1006);
    fetch.last('sse').stream().event(['close', 4404, 'no such page']);
    await settle();
    assert.equal(client.state, 'expired');
    assert.deepEqual(states.at(-1), { state: 'expired', transport: null, code: 4404, reason: 'no such page' });
    assert.equal(fetch.of('longpolling').length, 0);
  });

  it('queued events wait through the whole chain and go out after hello', async () => {
    const { socket, fetch, client } = setup();
    client.page.emit('a', 1);
    socket.serverClose(1006);
    client.page.emit('b', 2);
    await answerSse(fetch);
    assert.deepEqual(fetch.last('post').frames(), [
      ['ev', 'a', 1, 1],
      ['ev', 'b', 2, 2],
    ]);
  });

  it('a fetch that throws at once counts as a failed transport', async () => {
    const fetch = () => {
      throw new TypeError('blocked');
    };
    const { socket, client, clock, sockets } = setup({ fetch });
    socket.serverClose(1006);
    await settle();
    assert.equal(client.state, 'reconnecting', 'SSE and long-polling failed, back-off');
    clock.advance(250);
    assert.equal(sockets.length, 2);
  });

  it('without a WebSocket class negotiation starts with SSE', () => {
    const { fetch } = setup({ WebSocket: null });
    assert.equal(fetch.requests[0].kind, 'sse');
  });

  it('connect() refuses to run without WebSocket and fetch', () => {
    assert.throws(() => setup({ WebSocket: null, fetch: null }), {
      name: 'TypeError',
      message: /neither WebSocket nor fetch/,
    });
  });

  it('refuses a connectTimeout that is not a positive number', () => {
    assert.throws(() => setup({ connectTimeout: 0 }), { name: 'TypeError', message: /connectTimeout/ });
  });
});

describe('remembering the fallback', () => {
  it('remembers the fallback a page ended on after WebSocket failed', async () => {
    const { socket, fetch, storage } = setup();
    socket.serverClose(1006);
    await answerSse(fetch);
    const saved = JSON.parse(storage.map.get(KEY));
    assert.equal(saved.transport, 'sse');
    assert.ok(Math.abs(saved.at - Date.now()) < 5000);
  });

  it('the next page starts with the remembered fallback, then upgrades to WebSocket and forgets it', async () => {
    const storage = remembered('sse');
    const { fetch, sockets, clock, client, transports } = setup({ storage });
    assert.equal(sockets.length, 0, 'no WebSocket first');
    const down = await answerSse(fetch);
    assert.equal(client.transport, 'sse');
    clock.advance(9999);
    assert.equal(sockets.length, 0);
    clock.advance(1);
    assert.equal(sockets.length, 1, 'an upgrade after upgradeAfter');
    sockets[0].hello();
    assert.equal(client.transport, 'sse', 'the switch waits for the old stream to end');
    down.event(['close', 4409, 'replaced']);
    await settle();
    assert.equal(client.transport, 'websocket');
    assert.deepEqual(transports, [{ transport: 'websocket', previous: 'sse' }]);
    assert.equal(storage.map.has(KEY), false);
  });

  it('a remembered long-polling skips SSE too', () => {
    const { fetch, sockets } = setup({ storage: remembered('longpolling') });
    assert.equal(sockets.length, 0);
    assert.equal(fetch.requests[0].kind, 'longpolling');
  });

  it('forgets it when a WebSocket works', () => {
    const storage = remembered('sse', 2 * 60 * 60_000); // too old to be used
    const { socket } = setup({ storage });
    socket.hello();
    assert.equal(storage.map.has(KEY), false);
  });

  it('ignores what is older than rememberFor', () => {
    const { sockets } = setup({ storage: remembered('sse', 60_001), rememberFor: 60_000 });
    assert.equal(sockets.length, 1);
  });

  it('uses what is within rememberFor', () => {
    const { sockets } = setup({ storage: remembered('sse', 59_000), rememberFor: 60_000 });
    assert.equal(sockets.length, 0);
  });

  it('ignores garbage in storage', () => {
    const storage = fakeStorage();
    storage.setItem(KEY, '{not json');
    const { sockets } = setup({ storage });
    assert.equal(sockets.length, 1);
  });

  it('works with storage that throws (blocked) or is absent', async () => {
    for (const storage of [fakeStorage({ throwing: true }), null]) {
      const { socket, fetch, client } = setup({ storage });
      socket.serverClose(1006);
      await answerSse(fetch);
      assert.equal(client.transport, 'sse');
    }
  });

  it('does not remember a fallback the page started on by memory alone, but keeps it', async () => {
    const storage = remembered('sse', 1000);
    const before = storage.map.get(KEY);
    const { fetch } = setup({ storage });
    await answerSse(fetch);
    assert.equal(storage.map.get(KEY), before);
  });

  it('remembers after a WebSocket that never said hello, with a WebSocket class that throws', async (t) => {
    t.mock.method(console, 'error', () => {});
    const Blocked = class extends fakeWebSocketClass() {
      constructor() {
        super();
        throw new Error('blocked by policy');
      }
    };
    const { fetch, storage } = setup({ WebSocket: Blocked });
    await answerSse(fetch);
    assert.equal(JSON.parse(storage.map.get(KEY)).transport, 'sse');
  });
});

describe("a refusal by the server's origin rule (PROTOCOL.md §2, §5: 4403)", () => {
  const refused = (request) =>
    request.reply(403, 'origin not allowed: http://a.example\n', 'text/plain; charset=utf-8', {
      'pagewire-refused': 'origin',
    });

  it('the WebSocket fails (its 403 is hidden), the SSE open says why: closed with 4403, nothing retried', async (t) => {
    const error = t.mock.method(console, 'error', () => {});
    const { socket, fetch, client, clock, states, sockets } = setup();
    socket.serverClose(1006);
    await settle();
    refused(fetch.last('sse'));
    await settle();
    assert.equal(client.state, 'closed');
    const last = states.at(-1);
    assert.equal(last.code, 4403);
    assert.match(
      last.reason,
      /^origin not allowed: http:\/\/a\.example: the server takes channels only from its own origin/,
    );
    assert.match(String(error.mock.calls[0].arguments[0]), /the server refused the channel: origin not allowed/);
    const requests = fetch.requests.length;
    clock.advance(600_000);
    await settle();
    assert.equal(fetch.requests.length, requests);
    assert.equal(sockets.length, 1);
  });

  it('on long-polling too', async (t) => {
    t.mock.method(console, 'error', () => {});
    const { fetch, client, states } = setup({ transport: 'longpolling' });
    refused(fetch.last('longpolling'));
    await settle();
    assert.equal(client.state, 'closed');
    assert.equal(states.at(-1).code, 4403);
  });

  it('a POST refused so (a same-origin GET carries no Origin, so the stream opened) closes it the same way', async (t) => {
    t.mock.method(console, 'error', () => {});
    const { fetch, client, states } = setup({ transport: 'sse' });
    await answerSse(fetch);
    client.page.emit('say', 'hi');
    await settle();
    refused(fetch.last('post'));
    await settle();
    assert.equal(client.state, 'closed');
    assert.equal(states.at(-1).code, 4403);
    assert.deepEqual(
      states.map((s) => s.state),
      ['connected', 'closed'],
    );
  });

  it('a 403 without Pagewire-Refused (from a proxy or a firewall) is no reason to stop: the next transport is tried', async () => {
    const { fetch, client } = setup({ transport: 'sse' });
    fetch.last('sse').reply(403, 'blocked by policy');
    await settle();
    assert.equal(client.state, 'reconnecting');
  });
});
