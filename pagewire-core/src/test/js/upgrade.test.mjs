// A page on a fallback moving back to WebSocket without loss or reordering (PROTOCOL.md §9.5).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, fakeStorage, hello, settle, setup } from './fakes.mjs';

/** A client whose WebSocket failed and that is connected over SSE; `down` is the stream. */
async function onSseAfterWebSocketFailed({ heartbeat, ...options } = {}) {
  const env = setup(options);
  env.socket.serverClose(1006);
  const down = env.fetch.last('sse').stream();
  down.event(['open', 'conn-1']);
  down.event(hello('page-1', heartbeat));
  await settle();
  assert.equal(env.client.transport, 'sse');
  return Object.assign(env, { down });
}

/** Lets upgradeAfter pass, so the client opens a WebSocket; returns it. */
function upgradeTime(env, ms = 10_000) {
  const before = env.sockets.length;
  env.clock.advance(ms);
  assert.equal(env.sockets.length, before + 1, `a WebSocket after ${ms} ms`);
  return env.socket;
}

describe('upgrading to WebSocket', () => {
  it('tries WebSocket upgradeAfter after connecting on a fallback', async () => {
    const env = await onSseAfterWebSocketFailed({ upgradeAfter: 4000 });
    env.clock.advance(3999);
    assert.equal(env.sockets.length, 1);
    env.clock.advance(1);
    assert.equal(env.sockets.length, 2);
    assert.equal(env.socket.url, 'ws://example.test/chat?pagewire=v1.page-1.0.mac&ack=0');
  });

  it('keeps the order: frames of the old stream before its 4409 come before frames of the new WebSocket', async () => {
    const env = await onSseAfterWebSocketFailed();
    const seen = [];
    env.client.page.on('n', (d) => seen.push(d));
    env.client.page.on('b', (d) => seen.push([...new Uint8Array(d)]));
    const socket = upgradeTime(env);
    socket.hello('page-1', 20_000);
    socket.receive(['ev', 'n', 3]);
    socket.receive(bytes([0, 0, 0, 10], '["ev","b"]', [4]));
    assert.deepEqual(seen, [], 'the WebSocket waits for the old stream to end');
    env.down.event(['ev', 'n', 1]);
    env.down.event(['ev', 'n', 2]);
    await settle();
    assert.deepEqual(seen, [1, 2]);
    env.down.event(['close', 4409, 'replaced by a newer connection']);
    await settle();
    assert.deepEqual(seen, [1, 2, 3, [4]]);
    socket.receive(['ev', 'n', 5]);
    assert.deepEqual(seen, [1, 2, 3, [4], 5]);
  });

  it('changes transport without a state change and fires a transport event', async () => {
    const env = await onSseAfterWebSocketFailed();
    const socket = upgradeTime(env);
    socket.hello();
    assert.equal(env.client.transport, 'sse');
    env.down.event(['close', 4409, 'replaced']);
    await settle();
    assert.equal(env.client.state, 'connected');
    assert.equal(env.client.transport, 'websocket');
    assert.deepEqual(
      env.states.map((s) => s.state),
      ['connected'],
      'the 4409 is expected and ignored',
    );
    assert.deepEqual(env.transports, [{ transport: 'websocket', previous: 'sse' }]);
    assert.ok(env.fetch.last('sse').aborted);
  });

  it('holds frames emitted during the upgrade and sends them over the WebSocket after the switch', async () => {
    const env = await onSseAfterWebSocketFailed();
    const socket = upgradeTime(env);
    env.client.page.emit('held', 1);
    env.client.page.emit('held', 2);
    await settle();
    assert.equal(env.fetch.of('post').length, 0, 'not POSTed');
    socket.hello();
    env.client.page.on('n', () => env.client.page.emit('reaction', 3)); // during the buffered dispatch
    socket.receive(['ev', 'n', 0]);
    assert.deepEqual(socket.sent, [], 'nothing on the WebSocket before the switch');
    env.down.event(['close', 4409, 'replaced']);
    await settle();
    assert.deepEqual(socket.frames(), [
      ['ev', 'held', 1, 1],
      ['ev', 'held', 2, 2],
      ['ev', 'reaction', 3, 3],
    ]);
    env.client.page.emit('after', 4);
    assert.deepEqual(socket.frames().at(-1), ['ev', 'after', 4, 4]);
    assert.equal(env.fetch.of('post').length, 0);
  });

  it('waits until no POST is in flight before opening the WebSocket', async () => {
    const env = await onSseAfterWebSocketFailed();
    env.client.page.emit('a', 1);
    await settle();
    const post = env.fetch.last('post');
    env.clock.advance(10_000);
    assert.equal(env.sockets.length, 1, 'no WebSocket while a POST is in flight');
    env.client.page.emit('b', 2);
    await settle();
    assert.equal(env.fetch.of('post').length, 1, 'b is held, not POSTed');
    post.reply(204);
    await settle();
    assert.equal(env.sockets.length, 2);
    const socket = env.socket;
    socket.hello('page-1', 20_000, 1); // the POST carried a to the server
    env.down.event(['close', 4409, 'replaced']);
    await settle();
    assert.deepEqual(socket.frames(), [['ev', 'b', 2, 2]]);
  });

  it('answers a ping on the connection it came from', async () => {
    const env = await onSseAfterWebSocketFailed();
    const socket = upgradeTime(env);
    socket.hello();
    socket.receive(['ping']);
    assert.deepEqual(socket.sent, ['["pong"]']);
  });

  it('a 4409 on the old stream before the WebSocket hello: the switch happens at hello', async () => {
    const env = await onSseAfterWebSocketFailed();
    const socket = upgradeTime(env);
    env.down.event(['close', 4409, 'replaced']);
    await settle();
    assert.equal(env.client.state, 'connected');
    socket.hello();
    assert.equal(env.client.transport, 'websocket');
    assert.deepEqual(
      env.states.map((s) => s.state),
      ['connected'],
    );
  });

  it('an old stream that does not end within connectTimeout after the hello is given up', async () => {
    const env = await onSseAfterWebSocketFailed();
    const socket = upgradeTime(env);
    socket.hello();
    env.clock.advance(2999);
    assert.equal(env.client.transport, 'sse');
    env.clock.advance(1);
    assert.equal(env.client.transport, 'websocket');
    assert.ok(env.fetch.last('sse').aborted);
  });

  it('a WebSocket that dies after its hello, before the old stream ended: the stream is read to its end, then reconnect', async () => {
    const env = await onSseAfterWebSocketFailed();
    const seen = [];
    env.client.page.on('n', (d) => seen.push(d));
    const socket = upgradeTime(env);
    socket.hello();
    socket.receive(['ev', 'n', 2]);
    socket.serverClose(1006);
    env.down.event(['ev', 'n', 1]);
    env.down.event(['close', 4409, 'replaced']);
    await settle();
    assert.deepEqual(seen, [1, 2]);
    assert.equal(env.client.state, 'reconnecting');
    assert.equal(env.states.at(-1).code, 1006);
    assert.deepEqual(env.transports, []);
  });

  it('a WebSocket hello acking more than the client handed out: 4400, and the reconnect resends what it did not ack', async (t) => {
    t.mock.method(console, 'warn', () => {});
    const env = await onSseAfterWebSocketFailed();
    env.client.page.emit('a', 1);
    await settle();
    env.fetch.last('post').reply(204); // on the server, but not acked yet
    await settle();
    const socket = upgradeTime(env);
    socket.hello('page-1', 20_000, 2); // the client has numbered only 1 (PROTOCOL.md §10.2)
    env.down.event(['close', 4409, 'replaced']);
    await settle();
    assert.equal(socket.closedWith.code, 4400);
    assert.equal(env.client.state, 'reconnecting');
    assert.equal(env.states.at(-1).code, 4400);
    assert.deepEqual(env.transports, []);
    env.clock.advance(250); // the remembered fallback again
    const down = env.fetch.last('sse').stream();
    down.event(['open', 'conn-2']);
    down.event(hello('page-1', 20_000, 0));
    await settle();
    assert.deepEqual(env.fetch.last('post').frames(), [['ev', 'a', 1, 1]]);
  });

  it('close() after the WebSocket hello says bye over the WebSocket', async () => {
    const env = await onSseAfterWebSocketFailed();
    const socket = upgradeTime(env);
    socket.hello();
    env.client.close();
    assert.deepEqual(socket.sent, ['["bye"]']);
    assert.equal(env.beacons.length, 0);
    assert.equal(env.client.state, 'closed');
  });

  it('close() before the WebSocket hello says bye over the fallback', async () => {
    const env = await onSseAfterWebSocketFailed();
    const socket = upgradeTime(env);
    env.client.close();
    assert.equal(env.beacons.length, 1);
    assert.equal(socket.closedWith.code, 1000);
  });

  it('works from long-polling too: the last poll delivers the 4409, polling stops', async () => {
    const env = setup({ storage: fakeStorage() });
    env.socket.serverClose(1006);
    env.fetch.last('sse').fail();
    await settle();
    env.fetch.last('longpolling').frames200(['open', 'c'], hello());
    await settle();
    assert.equal(env.client.transport, 'longpolling');
    const seen = [];
    env.client.page.on('n', (d) => seen.push(d));
    const socket = upgradeTime(env);
    socket.hello();
    socket.receive(['ev', 'n', 2]);
    env.fetch.last('poll').frames200(['ev', 'n', 1], ['close', 4409, 'replaced']);
    await settle();
    assert.deepEqual(seen, [1, 2]);
    assert.equal(env.client.transport, 'websocket');
    const polls = env.fetch.of('poll').length;
    env.clock.advance(60_000);
    await settle();
    assert.equal(env.fetch.of('poll').length, polls);
  });

  it('forgets the remembered fallback after a successful upgrade; the next attempt starts with WebSocket', async () => {
    const env = await onSseAfterWebSocketFailed();
    assert.equal(JSON.parse(env.storage.map.get('pagewire.transport')).transport, 'sse');
    const socket = upgradeTime(env);
    socket.hello();
    env.down.event(['close', 4409, 'replaced']);
    await settle();
    assert.equal(env.storage.map.has('pagewire.transport'), false);
    socket.serverClose(1006);
    env.clock.advance(250);
    assert.equal(env.sockets.length, 3);
  });
});

describe('a failed upgrade', () => {
  it('releases the held frames to POST, remembers the fallback, and tries again after twice the delay', async () => {
    const env = await onSseAfterWebSocketFailed();
    env.storage.map.clear();
    const socket = upgradeTime(env);
    env.client.page.emit('held', 1);
    env.client.page.emit('held', 2);
    socket.serverClose(1006);
    await settle();
    assert.deepEqual(env.fetch.last('post').frames(), [
      ['ev', 'held', 1, 1],
      ['ev', 'held', 2, 2],
    ]);
    assert.equal(JSON.parse(env.storage.map.get('pagewire.transport')).transport, 'sse');
    assert.equal(env.client.state, 'connected');
    assert.equal(env.client.transport, 'sse');
    assert.deepEqual(
      env.states.map((s) => s.state),
      ['connected'],
    );
    env.client.page.emit('after', 3);
    env.fetch.last('post').reply(204);
    await settle();
    assert.deepEqual(env.fetch.last('post').frames(), [['ev', 'after', 3, 3]]);
    env.fetch.last('post').reply(204);
    await settle();
    env.clock.advance(19_999);
    assert.equal(env.sockets.length, 2);
    env.clock.advance(1);
    assert.equal(env.sockets.length, 3);
  });

  it('a WebSocket without hello within connectTimeout is a failure too', async () => {
    const env = await onSseAfterWebSocketFailed();
    const socket = upgradeTime(env);
    socket.open();
    env.clock.advance(3000);
    assert.equal(socket.closedWith.code, 4408);
    assert.equal(env.client.transport, 'sse');
    upgradeTime(env, 20_000);
  });

  it('doubles the delay after each failure, up to 5 minutes', async () => {
    const env = await onSseAfterWebSocketFailed({ heartbeat: 3_600_000 }); // no liveness in the way
    const delays = [];
    let delay = 10_000;
    for (let i = 0; i < 7; i++) {
      const socket = upgradeTime(env, delay);
      delays.push(delay);
      socket.serverClose(1006);
      delay = Math.min(delay * 2, 300_000);
    }
    assert.deepEqual(delays, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('the old stream failing while the WebSocket has not said hello: reconnect if the WebSocket then fails', async () => {
    const env = await onSseAfterWebSocketFailed();
    const socket = upgradeTime(env);
    env.client.page.emit('held', 1);
    env.down.error();
    await settle();
    assert.equal(env.client.state, 'connected', 'the WebSocket may still take over');
    socket.serverClose(1006);
    assert.equal(env.client.state, 'reconnecting');
    env.clock.advance(250);
    // SSE is remembered, so the next attempt starts there; what was held goes out after its hello.
    const down = env.fetch.last('sse').stream();
    down.event(['open', 'conn-2']);
    down.event(hello());
    await settle();
    assert.deepEqual(env.fetch.last('post').frames(), [['ev', 'held', 1, 1]]);
  });

  it('is not tried again once the connection is lost; the next fallback connection schedules its own', async () => {
    const env = await onSseAfterWebSocketFailed();
    env.down.end();
    await settle();
    assert.equal(env.client.state, 'reconnecting');
    env.clock.advance(250); // the retry, over SSE (remembered)
    assert.equal(env.sockets.length, 1);
    env.clock.advance(60_000);
    assert.equal(env.sockets.length, 1, 'no upgrade while not connected');
  });
});
