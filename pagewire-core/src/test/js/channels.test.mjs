// Channels to endpoints (PROTOCOL.md §12): pagewire.open(pathOrUrl, params, options).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACK_DELAY_MS, binaryFrame, connected, fakeWebSocketClass, hello, outcome, settle, setup } from './fakes.mjs';

/** Every state change of `channel`, in order. */
function statesOf(channel) {
  const changes = [];
  channel.onState((change) => changes.push(change));
  return changes;
}

/** A channel on the page's connection, accepted by the server with `["chok", c, seq]`. */
function openAccepted(env, path, seq, params) {
  const channel = env.client.open(path, params);
  const number = env.socket
    .frames()
    .filter((f) => f[0] === 'chopen')
    .at(-1)[1];
  env.socket.receive(['chok', number, seq]);
  return channel;
}

describe('a channel on the page connection (same origin)', () => {
  it('sends chopen in the page sequence, is opening until chok, then open', async () => {
    const env = connected();
    const channel = env.client.open('/stocks', { symbol: 'ACME' });
    const changes = statesOf(channel);
    assert.equal(channel.state, 'opening');
    assert.deepEqual(env.socket.frames(), [['chopen', 1, '/stocks', { symbol: 'ACME' }, 1]]);
    assert.equal(await outcome(channel.opened), 'pending');
    env.socket.receive(['chok', 1, 1]);
    assert.equal(channel.state, 'open');
    assert.equal(channel.code, null);
    assert.deepEqual(changes, [{ state: 'open', code: null, reason: '' }]);
    assert.deepEqual(await outcome(channel.opened), { value: channel });
  });

  it('takes a URL of the page origin, ws: or http:, and sends only its path; params default to null', () => {
    const env = connected();
    env.client.open('http://example.test/a?ignored=1');
    env.client.open('ws://example.test/b');
    env.client.open('c/d');
    assert.deepEqual(env.socket.frames(), [
      ['chopen', 1, '/a', null, 1],
      ['chopen', 2, '/b', null, 2],
      ['chopen', 3, '/c/d', null, 3],
    ]);
  });

  it('refuses what is not a path or an http(s)/ws(s) URL, and params JSON cannot encode', () => {
    const env = connected();
    assert.throws(() => env.client.open(42), TypeError);
    assert.throws(() => env.client.open('ftp://example.test/x'), TypeError);
    assert.throws(() => env.client.open('/x', { n: 1n }), TypeError);
  });

  it('carries events both ways, with the channel number in front and the page ack piggybacked', () => {
    const env = connected();
    const channel = openAccepted(env, '/stocks', 1);
    const prices = [];
    channel.on('price', (data, name) => prices.push([name, data]));
    env.client.page.on('price', () => assert.fail('a channel event must not reach the page'));
    env.socket.receive([1, 'ev', 'price', 42, 2]);
    env.socket.receive([1, 'ev', 'price', null, 3]);
    channel.emit('buy', { qty: 3 });
    env.client.page.emit('page-event');
    assert.deepEqual(prices, [
      ['price', 42],
      ['price', null],
    ]);
    assert.deepEqual(env.socket.frames().slice(1), [
      [1, 'ev', 'buy', { qty: 3 }, 2, 3],
      ['ev', 'page-event', null, 3],
    ]);
  });

  it('once, off, and err frames of the channel go to its own listeners', () => {
    const env = connected();
    const channel = openAccepted(env, '/stocks', 1);
    const got = [];
    channel.once('tick', (d) => got.push(['once', d]));
    const every = (d) => got.push(['on', d]);
    channel.on('tick', every);
    const errors = [];
    channel.onError((e) => errors.push(e));
    env.client.on('error', () => assert.fail("a channel error is not the page's"));
    env.socket.receive([1, 'ev', 'tick', 1, 2]);
    channel.off('tick', every);
    env.socket.receive([1, 'ev', 'tick', 2, 3]);
    env.socket.receive([1, 'err', 'unknown_event', 'no handler for "x"', 4]);
    assert.deepEqual(got, [
      ['once', 1],
      ['on', 1],
    ]);
    assert.deepEqual(errors, [{ code: 'unknown_event', message: 'no handler for "x"' }]);
  });

  it('sends and receives binary events with [c, "ev", name, seq] headers', () => {
    const env = connected();
    const channel = openAccepted(env, '/files', 1);
    const received = [];
    channel.on('chunk', (data) => received.push(data));
    channel.emit('upload', new Uint8Array([7, 8]));
    const sent = env.socket.sent.at(-1);
    assert.ok(sent instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(sent)], [...new Uint8Array(binaryFrame([1, 'ev', 'upload', 2, 1], [7, 8]))]);
    env.socket.receive(binaryFrame([1, 'ev', 'chunk', 2], [1, 2, 3]));
    assert.equal(received.length, 1);
    assert.ok(received[0] instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(received[0])], [1, 2, 3]);
  });

  it("calls the endpoint with ids of its own, and answers the endpoint's calls", async () => {
    const env = connected();
    const channel = openAccepted(env, '/stocks', 1);
    const pageAnswer = env.client.page.call('who');
    const answer = channel.call('quote', 'ACME', { timeout: 1000 });
    assert.deepEqual(env.socket.frames().slice(1), [
      ['call', 1, 'who', null, 2, 1],
      [1, 'call', 1, 'quote', 'ACME', 3],
    ]);
    env.socket.receive([1, 'res', 1, true, 99.5, 2]);
    assert.deepEqual(await outcome(answer), { value: 99.5 });
    assert.equal(await outcome(pageAnswer), 'pending', "the page's call 1 is another call");

    channel.handle('confirm', (args) => `yes ${args}`);
    env.socket.receive([1, 'call', 7, 'confirm', 'sell', 3]);
    env.socket.receive([1, 'call', 8, 'missing', null, 4]);
    await settle();
    // The synchronous answer overtakes the one that awaits its handler's result.
    assert.deepEqual(
      env.socket
        .frames()
        .slice(3)
        .map((f) => f.slice(0, 5))
        .sort((x, y) => x[2] - y[2]),
      [
        [1, 'res', 7, true, 'yes sell'],
        [1, 'res', 8, false, { code: 'unknown_call', message: 'no handler for the call "missing" on this page' }],
      ],
    );
  });

  it('three channels: closing one sends chclose, drops its later frames, and leaves the page and the others working', async () => {
    const env = connected();
    const [a, b, c] = [openAccepted(env, '/a', 1), openAccepted(env, '/b', 2), openAccepted(env, '/c', 3)];
    const got = [];
    for (const [name, channel] of [
      ['a', a],
      ['b', b],
      ['c', c],
    ])
      channel.on('x', (d) => got.push(`${name}${d}`));
    const pending = outcome(b.call('slow'));
    b.close('done with b');
    assert.equal(b.state, 'closed');
    assert.equal(b.code, 'closed');
    assert.equal(b.reason, 'done with b');
    assert.deepEqual(env.socket.frames().at(-1), ['chclose', 2, 'closed', 'done with b', 5]);
    assert.equal((await pending).error.code, 'closed');
    assert.throws(() => b.emit('x', 1), /cannot emit "x": the channel is closed/);
    b.close(); // once is enough

    env.socket.receive([2, 'ev', 'x', 1, 4]); // crossed the chclose: dropped
    env.socket.receive([1, 'ev', 'x', 1, 5]);
    env.socket.receive([3, 'ev', 'x', 1, 6]);
    a.emit('y');
    c.emit('y');
    env.client.page.emit('z');
    assert.deepEqual(got, ['a1', 'c1']);
    assert.deepEqual(env.socket.frames().slice(-3), [
      [1, 'ev', 'y', null, 6, 6],
      [3, 'ev', 'y', null, 7],
      ['ev', 'z', null, 8],
    ]);
    assert.equal(a.state, 'open');
    assert.equal(c.state, 'open');
    assert.equal(env.client.state, 'connected');
  });

  it('drops frames of a closed or never opened channel, but acks them like any data frame', () => {
    const env = connected({ document: null });
    env.socket.receive([9, 'ev', 'x', 1, 1]);
    env.socket.receive(['chok', 9, 2]);
    env.socket.receive(['chclose', 9, 'closed', '', 3]);
    env.clock.advance(ACK_DELAY_MS);
    assert.deepEqual(env.socket.frames(), [['ack', 3]]);
  });

  for (const code of ['refused', 'not_found', 'limit', 'error']) {
    it(`a chclose with "${code}" refuses the channel: state refused, its code and reason, opened rejects`, async () => {
      const env = connected();
      const channel = env.client.open('/stocks');
      const changes = statesOf(channel);
      const pending = outcome(channel.call('early'));
      env.socket.receive(['chclose', 1, code, `because ${code}`, 1]);
      assert.equal(channel.state, 'refused');
      assert.equal(channel.code, code);
      assert.equal(channel.reason, `because ${code}`);
      assert.deepEqual(changes, [{ state: 'refused', code, reason: `because ${code}` }]);
      const { error } = await outcome(channel.opened);
      assert.ok(error instanceof Error);
      assert.equal(error.code, code);
      assert.equal(error.reason, `because ${code}`);
      assert.equal((await pending).error.code, 'closed');
      assert.throws(() => channel.emit('x'), /the channel is refused/);
      channel.close(); // nothing to close: no chclose
      assert.equal(env.socket.frames().filter((f) => f[0] === 'chclose').length, 0);
    });
  }

  it('a chclose after chok closes the channel, its code saying why (a lagging channel: limit)', () => {
    const env = connected();
    const channel = openAccepted(env, '/stocks', 1);
    const changes = statesOf(channel);
    env.socket.receive(['chclose', 1, 'limit', 'too many events queued (limit 2)', 2]);
    assert.equal(channel.state, 'closed');
    assert.equal(channel.code, 'limit');
    assert.deepEqual(changes, [{ state: 'closed', code: 'limit', reason: 'too many events queued (limit 2)' }]);
  });

  it('a chclose "closed" from the server closes an open channel; the page does not answer it', () => {
    const env = connected();
    const channel = openAccepted(env, '/stocks', 1);
    env.socket.receive(['chclose', 1, 'closed', 'market closed', 2]);
    assert.equal(channel.state, 'closed');
    assert.equal(channel.code, 'closed');
    assert.equal(channel.reason, 'market closed');
    assert.deepEqual(env.socket.frames(), [['chopen', 1, '/stocks', null, 1]]);
  });

  it('an unobserved refusal is not an unhandled rejection', async () => {
    const env = connected();
    let unhandled = 0;
    const count = () => {
      unhandled++;
    };
    process.on('unhandledRejection', count);
    try {
      env.client.open('/x');
      env.socket.receive(['chclose', 1, 'refused', 'no', 1]);
      await settle();
    } finally {
      process.off('unhandledRejection', count);
    }
    assert.equal(unhandled, 0);
  });

  it('opened before the page connects: chopen and early frames queue and go after hello, in order', () => {
    const env = setup({ transport: 'websocket' });
    const channel = env.client.open('/chat', { room: 7 });
    channel.emit('join');
    env.client.page.emit('hi');
    assert.deepEqual(env.socket.sent, []);
    env.socket.hello('page-1', 20_000, 0);
    assert.deepEqual(env.socket.frames(), [
      ['chopen', 1, '/chat', { room: 7 }, 1],
      [1, 'ev', 'join', null, 2],
      ['ev', 'hi', null, 3],
    ]);
    assert.equal(channel.state, 'opening');
  });

  it('numbers channel frames in the page sequence and resends them after a reconnect (resume), without a re-open', () => {
    const env = connected();
    const channel = openAccepted(env, '/stocks', 1);
    const changes = statesOf(channel);
    const got = [];
    channel.on('price', (d) => got.push(d));
    env.client.page.emit('a'); // 2
    channel.emit('b'); // 3
    env.socket.serverClose(1006);
    assert.equal(channel.state, 'reconnecting');
    channel.emit('c'); // 4, while away
    env.clock.advance(250);
    env.socket.hello('page-1', 20_000, 2); // the server has 1 and 2
    assert.deepEqual(env.socket.url, 'ws://example.test/chat?pagewire=v1.page-1.0.mac&ack=1');
    assert.deepEqual(env.socket.frames(), [
      [1, 'ev', 'b', null, 3],
      [1, 'ev', 'c', null, 4],
    ]);
    assert.equal(channel.state, 'open');
    env.socket.receive([1, 'ev', 'price', 1, 1]); // a duplicate of the chok's number: dropped
    env.socket.receive([1, 'ev', 'price', 2, 2]);
    assert.deepEqual(got, [2]);
    assert.deepEqual(
      changes.map((c) => c.state),
      ['reconnecting', 'open'],
    );
  });

  it('a channel not yet accepted stays opening across a reconnect, and opens on its chok', async () => {
    const env = connected();
    const channel = env.client.open('/slow');
    env.socket.serverClose(1006);
    assert.equal(channel.state, 'opening');
    env.clock.advance(250);
    env.socket.hello('page-1', 20_000, 0);
    assert.deepEqual(env.socket.frames(), [['chopen', 1, '/slow', null, 1]]);
    env.socket.receive(['chok', 1, 1]);
    assert.equal(channel.state, 'open');
    assert.deepEqual(await outcome(channel.opened), { value: channel });
  });

  for (const [how, end, state] of [
    ['the page closing', (env) => env.client.close(), 'closed'],
    ['the page expiring', (env) => env.socket.serverClose(4404, 'no such page'), 'expired'],
  ]) {
    it(`${how} ends every channel in state ${state} with code page_closed, without chclose`, async () => {
      const env = connected();
      const open = openAccepted(env, '/a', 1);
      const opening = env.client.open('/b');
      const pending = outcome(open.call('never'));
      end(env);
      for (const channel of [open, opening]) {
        assert.equal(channel.state, state);
        assert.equal(channel.code, 'page_closed');
      }
      assert.equal((await outcome(opening.opened)).error.code, 'page_closed');
      assert.equal((await pending).error.code, 'closed');
      assert.equal(env.socket.frames().filter((f) => f[0] === 'chclose').length, 0);
      assert.throws(() => env.client.open('/c'), /the channel is/);
    });
  }

  it("rides a fallback like the page's own frames: chopen and channel events in POSTs, channel frames in polls", async () => {
    const env = setup({ transport: 'longpolling' });
    env.fetch.last('longpolling').frames200(['open', 'conn-1'], hello('page-1', 20_000, 0));
    await settle();
    const channel = env.client.open('/stocks', { symbol: 'ACME' });
    channel.emit('watch', 'XYZ');
    channel.emit('bytes', new Uint8Array([5]));
    await settle();
    const post = env.fetch.last('post');
    assert.deepEqual(post.frames(), [
      ['chopen', 1, '/stocks', { symbol: 'ACME' }, 1],
      [1, 'ev', 'watch', 'XYZ', 2],
      [...new Uint8Array(binaryFrame([1, 'ev', 'bytes', 3], [5]))],
    ]);
    post.reply(204);
    const got = [];
    channel.on('price', (d) => got.push(d));
    channel.on('raw', (d) => got.push([...new Uint8Array(d)]));
    env.fetch.last('poll').frames200(['chok', 1, 1], [1, 'ev', 'price', 42, 2], binaryFrame([1, 'ev', 'raw', 3], [9]));
    await settle();
    assert.equal(channel.state, 'open');
    assert.deepEqual(got, [42, [9]]);
  });

  it('channel state changes come before the page state listeners run', () => {
    const env = connected();
    const channel = openAccepted(env, '/a', 1);
    const seen = [];
    env.client.on('state', ({ state }) => seen.push([state, channel.state]));
    env.socket.serverClose(1006);
    env.clock.advance(250);
    env.socket.hello('page-1', 20_000, 1);
    assert.deepEqual(seen, [
      ['reconnecting', 'reconnecting'],
      ['connected', 'open'],
    ]);
  });
});

/** A page on example.test that opens a channel to another origin, and the endpoint's POST. */
function crossOrigin({ withCredentials, params = { symbol: 'ACME' }, ...options } = {}) {
  const env = connected(options);
  const channel = env.client.open(
    'https://other.test/stocks',
    params,
    withCredentials === undefined ? undefined : { withCredentials },
  );
  return Object.assign(env, { channel, post: env.fetch.last('endpoint') });
}

describe('a channel to another origin', () => {
  it('opens with a CORS simple POST of {"params": …}, without credentials by default', () => {
    const { post, channel, sockets } = crossOrigin();
    assert.equal(post.url, 'https://other.test/stocks');
    assert.equal(post.method, 'POST');
    assert.deepEqual(post.init.headers, { 'Content-Type': 'application/json' });
    assert.deepEqual(JSON.parse(post.body), { params: { symbol: 'ACME' } });
    assert.equal(post.init.credentials, 'omit');
    assert.equal(post.init.mode, 'cors');
    assert.equal(channel.state, 'opening');
    assert.equal(sockets.length, 1, 'nothing connects before the endpoint answered');
    assert.deepEqual(sockets[0].frames(), [], 'nothing goes over the page connection');
  });

  it('sends credentials with withCredentials', () => {
    const { post } = crossOrigin({ withCredentials: true });
    assert.equal(post.init.credentials, 'include');
  });

  it('a 403 {"code":"refused"} refuses the channel with the endpoint\'s reason; nothing connects', async () => {
    const { post, channel, sockets, fetch } = crossOrigin();
    const changes = statesOf(channel);
    post.json(403, { code: 'refused', reason: 'not a subscriber' });
    await settle();
    assert.equal(channel.state, 'refused');
    assert.equal(channel.code, 'refused');
    assert.equal(channel.reason, 'not a subscriber');
    assert.deepEqual(changes, [{ state: 'refused', code: 'refused', reason: 'not a subscriber' }]);
    const { error } = await outcome(channel.opened);
    assert.equal(error.code, 'refused');
    assert.equal(sockets.length, 1);
    assert.equal(fetch.requests.length, 1);
  });

  it('a 404 is not_found', async () => {
    const { post, channel } = crossOrigin();
    post.reply(404, 'no endpoint at /stocks\n');
    await settle();
    assert.equal(channel.state, 'refused');
    assert.equal(channel.code, 'not_found');
    assert.equal(channel.reason, 'no endpoint at /stocks');
  });

  it("a POST that fails (the browser's CORS refusal, or the network) refuses with code origin", async () => {
    const { post, channel } = crossOrigin();
    post.fail();
    await settle();
    assert.equal(channel.state, 'refused');
    assert.equal(channel.code, 'origin');
    assert.equal(channel.reason, 'https://other.test did not allow this origin (CORS), or is unreachable');
    assert.equal((await outcome(channel.opened)).error.code, 'origin');
  });

  it('on 200 connects to the endpoint with its token, on a connection of its own that carries the channel', async () => {
    const { post, channel, sockets, client } = crossOrigin();
    const changes = statesOf(channel);
    const got = [];
    channel.on('price', (d) => got.push(d));
    channel.emit('early', 1); // kept until that connection says hello
    post.json(200, { token: 'v1.ep.1.mac', config: {} });
    await settle();
    assert.equal(sockets.length, 2);
    const endpoint = sockets[1];
    assert.equal(endpoint.url, 'wss://other.test/stocks?pagewire=v1.ep.1.mac&ack=0');
    endpoint.hello('ep', 20_000, 0);
    assert.equal(channel.state, 'open');
    assert.deepEqual(await outcome(channel.opened), { value: channel });
    assert.deepEqual(endpoint.frames(), [['ev', 'early', 1, 1]]);
    endpoint.receive(['ev', 'price', 7, 1]);
    assert.deepEqual(got, [7]);
    const answer = channel.call('quote');
    endpoint.receive(['res', 1, true, 99, 2]);
    assert.deepEqual(await outcome(answer), { value: 99 });
    assert.deepEqual(sockets[0].frames(), [], 'the page connection carries none of it');

    endpoint.serverClose(1006);
    assert.equal(channel.state, 'reconnecting');
    assert.equal(client.state, 'connected', 'the page is not affected');
    channel.close('bye now');
    assert.equal(channel.state, 'closed');
    assert.equal(channel.code, 'closed');
    assert.equal(channel.reason, 'bye now');
    assert.deepEqual(
      changes.map((c) => c.state),
      ['open', 'reconnecting', 'closed'],
    );
    assert.equal(client.state, 'connected');
  });

  it('close() says bye on the endpoint connection', async () => {
    const { post, channel, sockets } = crossOrigin();
    post.json(200, { token: 't', config: {} });
    await settle();
    sockets[1].hello('ep', 20_000, 0);
    channel.close();
    assert.deepEqual(sockets[1].sent, ['["bye"]']);
    assert.equal(sockets[0].closedWith, null);
  });

  it('the endpoint closing its page (4000) closes the channel; its expiry (4404) expires it', async () => {
    for (const [code, state, channelCode] of [
      [4000, 'closed', 'closed'],
      [4404, 'expired', 'page_closed'],
    ]) {
      const { post, channel, sockets } = crossOrigin();
      post.json(200, { token: 't', config: {} });
      await settle();
      sockets.at(-1).hello('ep', 20_000, 0);
      sockets.at(-1).serverClose(code, 'over');
      assert.equal(channel.state, state);
      assert.equal(channel.code, channelCode);
      assert.equal(channel.reason, 'over');
    }
  });

  it('closing the page client closes its connections to other origins too, with bye', async () => {
    const { post, channel, sockets, client } = crossOrigin();
    post.json(200, { token: 't', config: {} });
    await settle();
    sockets[1].hello('ep', 20_000, 0);
    client.close();
    assert.deepEqual(sockets[1].sent, ['["bye"]']);
    assert.equal(channel.state, 'closed');
    assert.equal(channel.code, 'page_closed');
  });

  it('closed before the endpoint answered: the answer is ignored, nothing connects', async () => {
    const { post, channel, sockets } = crossOrigin();
    channel.close();
    assert.equal(channel.state, 'closed');
    assert.ok(post.aborted);
    await settle();
    assert.equal(sockets.length, 1);
  });

  it('falls back on its own transport, sends no credentials there, and remembers it under a key of that origin', async () => {
    const WebSocket = fakeWebSocketClass();
    const env = setup({ WebSocket }); // the page negotiates too
    env.socket.hello('page-1', 20_000, 0);
    env.storage.map.set('pagewire.transport', JSON.stringify({ transport: 'longpolling', at: Date.now() }));
    const channel = env.client.open('https://other.test/stocks');
    env.fetch.last('endpoint').json(200, { token: 'tok', config: { connectTimeout: 50 } });
    await settle();
    assert.equal(WebSocket.instances.length, 2, 'this origin remembers nothing: WebSocket first');
    env.clock.advance(50); // the endpoint's own connectTimeout: no hello, on to SSE
    const sse = env.fetch.last('sse');
    assert.equal(sse.url, 'https://other.test/stocks?pagewire=tok&transport=sse&ack=0');
    assert.equal(sse.init.credentials, 'omit');
    const down = sse.stream();
    down.event(['open', 'c-1']);
    down.event(hello('ep', 20_000, 0));
    await settle();
    assert.equal(channel.state, 'open');
    channel.emit('x');
    await settle();
    assert.equal(env.fetch.last('post').init.credentials, 'omit');
    assert.equal(JSON.parse(env.storage.map.get('pagewire.transport:https://other.test')).transport, 'sse');
    assert.equal(
      JSON.parse(env.storage.map.get('pagewire.transport')).transport,
      'longpolling',
      "the page's own key is its own",
    );
    assert.equal(env.client.transport, 'websocket');
  });
});
