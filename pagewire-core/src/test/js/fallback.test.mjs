// The SSE + POST and long-polling transports (PROTOCOL.md §8), each forced so negotiation stays out of the way.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, fakeBeacon, hello, pageTransition, settle, setup } from './fakes.mjs';

/** A client connected over SSE; `down` writes to its event stream. */
async function onSse({ heartbeat, ...options } = {}) {
  const env = setup({ transport: 'sse', ...options });
  const down = env.fetch.last('sse').stream();
  down.write(`:${' '.repeat(2048)}\n\n`);
  down.event(['open', 'conn-1']);
  down.event(hello('page-1', heartbeat));
  await settle();
  assert.equal(env.client.state, 'connected');
  return Object.assign(env, { down });
}

/** A client connected over long-polling; `poll()` is the poll waiting for an answer. */
async function onLongPolling({ heartbeat, ...options } = {}) {
  const env = setup({ transport: 'longpolling', ...options });
  env.fetch.last('longpolling').frames200(['open', 'conn-1'], hello('page-1', heartbeat));
  await settle();
  assert.equal(env.client.state, 'connected');
  return Object.assign(env, { poll: () => env.fetch.last('poll') });
}

const transports = {
  sse: {
    connect: onSse,
    deliver: async (env, ...frames) => {
      for (const f of frames) env.down.event(f);
      await settle();
    },
  },
  longpolling: {
    connect: onLongPolling,
    deliver: async (env, ...frames) => {
      env.poll().frames200(...frames);
      await settle();
    },
  },
};

describe('SSE', () => {
  it('opens GET <page>?pagewire=TOKEN&transport=sse without cache, same-origin, abortable', () => {
    const { fetch } = setup({ transport: 'sse', url: 'wss://example.test/chat', token: 'v1.a/b.1.m' });
    const open = fetch.last('sse');
    assert.equal(open.url, 'https://example.test/chat?pagewire=v1.a%2Fb.1.m&transport=sse&ack=0');
    assert.equal(open.method, 'GET');
    assert.equal(open.init.cache, 'no-store');
    assert.equal(open.init.credentials, 'same-origin');
    assert.ok(open.init.signal instanceof AbortSignal);
  });

  it('is connected after open and hello, over "sse"', async () => {
    const { client, states } = await onSse();
    assert.equal(client.transport, 'sse');
    assert.equal(client.pageId, 'page-1');
    assert.deepEqual(states, [{ state: 'connected', transport: 'sse', code: null, reason: '' }]);
  });

  it('reads events split anywhere, with \\n, \\r\\n or \\r line ends, comments and several data lines', async () => {
    const env = setup({ transport: 'sse' });
    const down = env.fetch.last('sse').stream();
    const seen = [];
    env.client.page.on('n', (d) => seen.push(d));
    const text =
      ': padding\r\n\r\ndata: ["open","c"]\r\rdata:'
      + JSON.stringify(hello())
      + '\n\n'
      + 'event: ignored\nid: 7\ndata: ["ev","n",\ndata: 1]\n\n'
      + 'data: ["ev","n","a\\r\\nb"]\r\n\r\n'
      + 'data: ["ev","n",3]\r\n\r\n';
    // One character at a time: every line end is split across chunks at least once.
    for (const ch of text) down.write(ch);
    await settle();
    assert.equal(env.client.state, 'connected');
    assert.deepEqual(seen, [1, 'a\r\nb', 3]);
  });

  it('decodes UTF-8 split across chunks', async () => {
    const env = await onSse();
    const seen = [];
    env.client.page.on('n', (d) => seen.push(d));
    const encoded = new TextEncoder().encode('data: ["ev","n","é€"]\n\n');
    const middleOfE = encoded.indexOf(0xc3) + 1;
    env.down.writeBytes(encoded.slice(0, middleOfE));
    env.down.writeBytes(encoded.slice(middleOfE, middleOfE + 2));
    env.down.writeBytes(encoded.slice(middleOfE + 2));
    await settle();
    assert.deepEqual(seen, ['é€']);
  });

  it('a stream that ends means the connection is lost', async () => {
    const { down, client, fetch, clock, states } = await onSse();
    down.end();
    await settle();
    assert.equal(client.state, 'reconnecting');
    assert.equal(states.at(-1).code, 1006);
    clock.advance(250);
    assert.equal(fetch.of('sse').length, 2);
  });

  it('a stream that breaks means the connection is lost', async () => {
    const { down, client } = await onSse();
    down.error();
    await settle();
    assert.equal(client.state, 'reconnecting');
  });
});

describe('long-polling', () => {
  it('opens GET <page>?pagewire=TOKEN&transport=longpolling, then polls with the connection id', async () => {
    const { fetch } = await onLongPolling();
    assert.equal(
      fetch.last('longpolling').url,
      'http://example.test/chat?pagewire=v1.page-1.0.mac&transport=longpolling&ack=0',
    );
    const poll = fetch.last('poll');
    assert.equal(poll.url, 'http://example.test/chat?pagewire=v1.page-1.0.mac&conn=conn-1');
    assert.equal(poll.init.cache, 'no-store');
    assert.equal(poll.init.credentials, 'same-origin');
  });

  it('delivers every frame of a poll in order and polls again at once, also after an empty answer', async () => {
    const env = await onLongPolling();
    const seen = [];
    env.client.page.on('n', (d) => seen.push(d));
    env.poll().frames200(['ev', 'n', 1], ['ev', 'n', 2]);
    await settle();
    env.poll().reply(200, '');
    await settle();
    env.poll().reply(200, '["ev","n",3]\r\n');
    await settle();
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(env.fetch.of('poll').length, 4);
    assert.equal(env.client.state, 'connected');
  });

  it('delivers events that came with the open answer', async () => {
    const env = setup({ transport: 'longpolling' });
    const seen = [];
    env.client.page.on('n', (d) => seen.push(d));
    env.fetch.last('longpolling').frames200(['open', 'c'], hello(), ['ev', 'n', 'early']);
    await settle();
    assert.deepEqual(seen, ['early']);
  });

  it('410 on a poll means the connection is lost: reconnect', async () => {
    const { poll, client, states, clock, fetch } = await onLongPolling();
    poll().reply(410, 'connection unknown');
    await settle();
    assert.equal(client.state, 'reconnecting');
    assert.equal(states.at(-1).code, 1006);
    assert.match(states.at(-1).reason, /410/);
    clock.advance(250);
    assert.equal(fetch.of('longpolling').length, 2);
  });

  it('a poll that fails on the network means the connection is lost', async () => {
    const { poll, client } = await onLongPolling();
    poll().fail();
    await settle();
    assert.equal(client.state, 'reconnecting');
  });

  it('an open answer without an open frame does not connect', async (t) => {
    const warn = t.mock.method(console, 'warn', () => {});
    const env = setup({ transport: 'longpolling' });
    env.fetch.last('longpolling').reply(200, '<html>proxy says hi</html>\n', 'text/plain');
    await settle();
    assert.equal(warn.mock.callCount(), 1, 'the line is no frame');
    assert.equal(env.client.state, 'reconnecting');
    assert.match(env.states.at(-1).reason, /no open frame/);
    assert.equal(env.fetch.of('poll').length, 0);
  });
});

for (const [name, transport] of Object.entries(transports)) {
  describe(`client to server over ${name}`, () => {
    it('POSTs text/plain frame lines to <page>?pagewire=TOKEN&conn=CONN', async () => {
      const { client, fetch } = await transport.connect();
      client.page.emit('say', 'hi');
      await settle();
      const post = fetch.last('post');
      assert.equal(post.url, 'http://example.test/chat?pagewire=v1.page-1.0.mac&conn=conn-1');
      assert.equal(post.init.headers['Content-Type'], 'text/plain;charset=UTF-8');
      assert.equal(post.init.cache, 'no-store');
      assert.equal(post.init.credentials, 'same-origin');
      assert.equal(post.body, '["ev","say","hi",1]');
    });

    it('sends one POST at a time and batches what queued meanwhile, in order', async () => {
      const { client, fetch } = await transport.connect();
      client.page.emit('a', 1);
      await settle();
      client.page.emit('b', 2);
      client.page.emit('c', 3);
      await settle();
      assert.equal(fetch.of('post').length, 1, 'the second waits for the first');
      fetch.of('post')[0].reply(204);
      await settle();
      assert.equal(fetch.of('post').length, 2);
      assert.deepEqual(
        fetch.of('post').map((p) => p.frames()),
        [
          [['ev', 'a', 1, 1]],
          [
            ['ev', 'b', 2, 2],
            ['ev', 'c', 3, 3],
          ],
        ],
      );
      client.page.emit('d', 4);
      await settle();
      assert.equal(fetch.of('post').length, 2);
      fetch.of('post')[1].reply(204);
      await settle();
      assert.deepEqual(fetch.last('post').frames(), [['ev', 'd', 4, 4]]);
    });

    it('sends the events emitted in one task in one POST', async () => {
      const { client, fetch } = await transport.connect();
      client.page.emit('a', 1);
      client.page.emit('b', new Uint8Array([7]));
      client.page.emit('c', 3);
      await settle();
      assert.equal(fetch.of('post').length, 1);
      assert.equal(fetch.last('post').lines().length, 3);
    });

    it("splits a batch past 256 Ki characters, so a POST stays under the server's 1 MiB", async () => {
      const { client, fetch } = await transport.connect();
      const big = 'x'.repeat(100_000);
      for (let i = 0; i < 4; i++) client.page.emit('big', big);
      await settle();
      assert.equal(fetch.last('post').lines().length, 2);
      fetch.last('post').reply(204);
      await settle();
      assert.equal(fetch.of('post').length, 2);
      assert.equal(fetch.last('post').lines().length, 2);
    });

    it('sends a frame larger than a batch alone', async () => {
      const { client, fetch } = await transport.connect();
      client.page.emit('huge', 'x'.repeat(300_000));
      client.page.emit('small', 1);
      await settle();
      assert.equal(fetch.last('post').lines().length, 1);
    });

    it('sends what was emitted before hello in one POST once connected', async () => {
      const env = setup({ transport: name });
      env.client.page.emit('early', 1);
      env.client.page.emit('early', 2);
      if (name === 'sse') {
        const down = env.fetch.last('sse').stream();
        down.event(['open', 'c']);
        await settle();
        assert.equal(env.fetch.of('post').length, 0, 'nothing before hello');
        down.event(hello());
      } else {
        env.fetch.last('longpolling').frames200(['open', 'c'], hello());
      }
      await settle();
      assert.deepEqual(env.fetch.last('post').frames(), [
        ['ev', 'early', 1, 1],
        ['ev', 'early', 2, 2],
      ]);
    });

    it('answers ping with pong', async () => {
      const env = await transport.connect();
      await transport.deliver(env, ['ping']);
      assert.deepEqual(env.fetch.last('post').frames(), [['pong']]);
    });

    it('carries binary frames both ways as ~base64 of the WebSocket message bytes', async () => {
      const env = await transport.connect();
      const seen = [];
      env.client.page.on('img', (data, n) => seen.push([n, data]));
      await transport.deliver(env, bytes([0, 0, 0, 12], '["ev","img"]', [0xca, 0xfe, 0x00]));
      assert.ok(seen[0][1] instanceof ArrayBuffer);
      assert.deepEqual([...new Uint8Array(seen[0][1])], [0xca, 0xfe, 0x00]);
      env.client.page.emit('up', new Uint8Array([1, 2, 255]));
      await settle();
      const line = env.fetch.last('post').body;
      assert.match(line, /^~[A-Za-z0-9+/]+=*$/);
      assert.deepEqual(
        [...Buffer.from(line.slice(1), 'base64')],
        [0, 0, 0, 13, ...Buffer.from('["ev","up",1]'), 1, 2, 255],
      );
    });

    it('warns about a malformed frame line and carries on', async (t) => {
      const warn = t.mock.method(console, 'warn', () => {});
      const env = await transport.connect();
      const seen = [];
      env.client.page.on('ok', (d) => seen.push(d));
      await transport.deliver(env, '~not base64!', '{nope', ['ev', 'ok', 1]);
      assert.equal(warn.mock.callCount(), 2);
      assert.deepEqual(seen, [1]);
      assert.equal(env.client.state, 'connected');
    });

    for (const status of [400, 413]) {
      it(`${status} on a POST: the server closes the connection, its close frame says how`, async (t) => {
        t.mock.method(console, 'warn', () => {});
        const env = await transport.connect();
        env.client.page.emit('big', 'x');
        await settle();
        env.client.page.emit('next', 1);
        env.fetch.last('post').reply(status, 'too large');
        await settle();
        assert.equal(env.fetch.of('post').length, 1, 'nothing more is POSTed on a refused connection');
        assert.equal(env.client.state, 'connected', 'until the close frame arrives');
        const code = status === 400 ? 4400 : 1009;
        await transport.deliver(env, ['close', code, 'refused']);
        assert.equal(env.client.state, 'reconnecting');
        assert.deepEqual(env.states.at(-1), { state: 'reconnecting', transport: null, code, reason: 'refused' });
      });
    }

    it('409 on a POST: the server closed the connection; its close frame decides, not the POST', async (t) => {
      const warn = t.mock.method(console, 'warn', () => {});
      const env = await transport.connect();
      env.client.page.emit('late', 1);
      await settle();
      env.fetch.last('post').reply(409, 'the server closed the connection');
      await settle();
      assert.equal(env.client.state, 'connected', 'a 409 is no lost connection');
      assert.equal(warn.mock.callCount(), 0, 'a race with a close is no warning');
      await transport.deliver(env, ['close', 4000, 'page closed by the server']);
      assert.equal(env.client.state, 'closed');
    });

    for (const failure of ['410', 'network']) {
      it(`a POST answered ${failure === '410' ? '410' : 'by a network error'} means the connection is lost`, async () => {
        const env = await transport.connect();
        env.client.page.emit('a', 1);
        await settle();
        if (failure === '410') env.fetch.last('post').reply(410, 'gone');
        else env.fetch.last('post').fail();
        await settle();
        assert.equal(env.client.state, 'reconnecting');
        assert.ok(
          env.fetch.requests.filter((r) => r.method === 'GET').every((r) => r.aborted),
          'the down channel is aborted',
        );
      });
    }
  });

  describe(`close frames over ${name}`, () => {
    const reactions = {
      4000: 'closed',
      4409: 'reconnecting',
      4401: 'expired',
      4404: 'expired',
      1001: 'reconnecting',
      4408: 'reconnecting',
      4503: 'reconnecting',
    };
    for (const [code, state] of Object.entries(reactions)) {
      it(`close ${code} means ${state}, as on a WebSocket`, async () => {
        const env = await transport.connect();
        await transport.deliver(env, ['close', Number(code), 'why']);
        assert.equal(env.client.state, state);
        assert.deepEqual(env.states.at(-1), { state, transport: null, code: Number(code), reason: 'why' });
        const requests = env.fetch.requests.length;
        env.clock.advance(state === 'reconnecting' ? 1 : 600_000);
        await settle();
        assert.equal(env.fetch.requests.length, requests, 'the stream or poll loop ended');
      });
    }

    for (const code of [4401, 4404]) {
      it(`a refused open (200 with close ${code}) means expired`, async () => {
        const env = setup({ transport: name });
        const open = env.fetch.last(name);
        if (name === 'sse') open.stream().event(['close', code, 'token expired']);
        else open.frames200(['close', code, 'token expired']);
        await settle();
        assert.equal(env.client.state, 'expired');
        assert.deepEqual(env.states.at(-1), { state: 'expired', transport: null, code, reason: 'token expired' });
        env.clock.advance(600_000);
        assert.equal(env.fetch.requests.length, 1);
      });
    }
  });

  describe(`leaving the page over ${name}`, () => {
    it('pagehide for good sends what waits and ["bye"] by beacon, then stops', async () => {
      const env = await transport.connect();
      env.client.page.emit('a', 1);
      await settle(); // in flight
      env.client.page.emit('b', 2); // waiting
      env.win.dispatchEvent(pageTransition('pagehide', false));
      assert.equal(env.beacons.length, 1);
      assert.equal(env.beacons[0].url, 'http://example.test/chat?pagewire=v1.page-1.0.mac&conn=conn-1');
      assert.equal(env.beacons[0].data, '["ev","b",2,2]\n["bye"]');
      assert.equal(env.client.state, 'closed');
      assert.ok(
        env.fetch.requests.filter((r) => r.method === 'GET').every((r) => r.aborted),
        'the down channel is aborted',
      );
    });

    it('says only bye when what waits would not fit in a beacon', async () => {
      const env = await transport.connect();
      env.client.page.emit('a', 1);
      await settle(); // in flight
      env.client.page.emit('b', 'x'.repeat(70_000));
      env.client.close();
      assert.equal(env.beacons[0].data, '["bye"]');
    });

    it('says bye with fetch keepalive when sendBeacon refuses', async () => {
      const env = await transport.connect({ sendBeacon: fakeBeacon(false) });
      env.client.close();
      const bye = env.fetch.last('post');
      assert.equal(bye.body, '["bye"]');
      assert.equal(bye.init.keepalive, true);
      assert.equal(bye.query.get('conn'), 'conn-1');
    });

    it('says bye with fetch keepalive without sendBeacon', async () => {
      const env = await transport.connect({ sendBeacon: null });
      env.client.close();
      assert.equal(env.fetch.last('post').body, '["bye"]');
    });

    it('pagehide into the back/forward cache aborts without bye; pageshow reconnects', async () => {
      const env = await transport.connect();
      env.win.dispatchEvent(pageTransition('pagehide', true));
      assert.equal(env.beacons.length, 0);
      assert.equal(env.client.state, 'reconnecting');
      assert.ok(env.fetch.requests.filter((r) => r.method === 'GET').every((r) => r.aborted));
      env.win.dispatchEvent(pageTransition('pageshow', true));
      assert.equal(env.fetch.of(name).length, 2);
    });
  });

  describe(`liveness over ${name}`, () => {
    it('reconnects when no frame arrives for twice the heartbeat plus 5 s', async () => {
      const env = await transport.connect({ heartbeat: 1000 });
      env.clock.advance(6999);
      assert.equal(env.client.state, 'connected');
      await transport.deliver(env, ['ping']);
      env.clock.advance(6999);
      assert.equal(env.client.state, 'connected');
      env.clock.advance(1);
      assert.equal(env.client.state, 'reconnecting');
      assert.equal(env.states.at(-1).code, 4408);
    });
  });
}
