import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeWebSocketClass, pageTransition, setup } from './fakes.mjs';

/** Asserts the only pending timer is a retry whose delay is within the jittered step. */
function assertRetryWithin(clock, step) {
  const pending = clock.pending();
  assert.equal(pending.length, 1, `one retry timer pending, got ${pending}`);
  assert.ok(
    pending[0] >= step / 2 && pending[0] <= step,
    `retry after ${pending[0]} ms, expected ${step / 2}..${step}`,
  );
}

// An attempt tries every transport of the negotiation chain (negotiation.test.mjs); with one transport
// forced, each attempt is one WebSocket, which keeps these tests about the back-off alone.
describe('reconnecting with back-off', () => {
  it('doubles the delay from initialDelayMs up to maxDelayMs, with jitter', () => {
    const { socket, client, clock, sockets, states } = setup({
      transport: 'websocket',
      reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    });
    socket.serverClose(1006);
    assert.equal(client.state, 'reconnecting');
    for (const step of [100, 200, 400, 800, 1000, 1000]) {
      assertRetryWithin(clock, step);
      const before = sockets.length;
      clock.advance(step / 2 - 1);
      assert.equal(sockets.length, before, 'no attempt before half the step');
      clock.advance(step / 2 + 1);
      assert.equal(sockets.length, before + 1, 'an attempt by the end of the step');
      assert.equal(sockets.at(-1).url, sockets[0].url, 'the same URL, the same token');
      sockets.at(-1).serverClose(1006);
    }
    assert.deepEqual(
      states.map((s) => s.state),
      ['reconnecting'],
      'one state event for the whole outage',
    );
  });

  it('starts again from initialDelayMs after a successful hello', () => {
    const { socket, clock, sockets } = setup({
      transport: 'websocket',
      reconnect: { initialDelayMs: 100, maxDelayMs: 10_000 },
    });
    socket.serverClose(1006);
    clock.advance(100);
    sockets.at(-1).serverClose(1006);
    assertRetryWithin(clock, 200);
    clock.advance(200);
    sockets.at(-1).hello();
    sockets.at(-1).serverClose(1001, 'server shutting down');
    assertRetryWithin(clock, 100);
  });

  it('opens nothing more when a state listener closes the client on hearing reconnecting', () => {
    const { socket, client, clock, sockets } = setup({ transport: 'websocket' });
    socket.hello();
    client.on('state', ({ state }) => {
      if (state === 'reconnecting') client.close();
    });
    socket.serverClose(1006);
    assert.equal(client.state, 'closed');
    assert.deepEqual(clock.pending(), [], 'no retry waits');
    clock.advance(10 * 60_000);
    assert.equal(sockets.length, 1, 'no connection after the close');
  });

  it('uses 250 ms and 10 s by default', () => {
    const { socket, clock, sockets } = setup({ transport: 'websocket' });
    socket.serverClose(1006);
    assertRetryWithin(clock, 250);
    for (let i = 0; i < 10; i++) {
      clock.advance(10_000);
      sockets.at(-1).serverClose(1006);
    }
    assertRetryWithin(clock, 10_000);
  });

  it('sends what was emitted during the outage after the next hello', () => {
    const { socket, client, clock, sockets, states } = setup();
    socket.hello();
    client.page.emit('before', 1);
    socket.serverClose(1006);
    client.page.emit('during', 2);
    clock.advance(250);
    assert.deepEqual(sockets[1].sent, []);
    sockets[1].hello();
    // The server's hello acks nothing, so 'before' goes again, before 'during' (PROTOCOL.md §10.3).
    assert.deepEqual(socket.frames(), [['ev', 'before', 1, 1]]);
    assert.deepEqual(sockets[1].frames(), [
      ['ev', 'before', 1, 1],
      ['ev', 'during', 2, 2],
    ]);
    assert.deepEqual(
      states.map((s) => s.state),
      ['connected', 'reconnecting', 'connected'],
    );
    assert.equal(client.transport, 'websocket');
  });

  it('retries at once when the browser comes back online', () => {
    const { socket, clock, sockets, win } = setup();
    socket.hello();
    socket.serverClose(1006);
    win.dispatchEvent(new Event('online'));
    assert.equal(sockets.length, 2);
    clock.advance(250);
    assert.equal(sockets.length, 2, 'the retry timer is gone');
  });

  it('ignores online while connected', () => {
    const { socket, sockets, win } = setup();
    socket.hello();
    win.dispatchEvent(new Event('online'));
    assert.equal(sockets.length, 1);
  });

  it('keeps retrying when the WebSocket constructor throws', (t) => {
    const error = t.mock.method(console, 'error', () => {});
    let fail = false;
    const Flaky = class extends fakeWebSocketClass() {
      constructor(url) {
        if (fail) throw new Error('blocked');
        super(url);
      }
    };
    const { socket, client, clock, sockets } = setup({ WebSocket: Flaky, transport: 'websocket' });
    fail = true;
    socket.serverClose(1006);
    clock.advance(250);
    assert.equal(error.mock.callCount(), 1);
    assert.equal(client.state, 'reconnecting');
    fail = false;
    clock.advance(500);
    assert.equal(sockets.length, 2);
  });
});

describe('liveness', () => {
  it('reconnects when nothing arrives for twice the heartbeat plus 5 s', () => {
    const { socket, client, clock, sockets } = setup();
    socket.hello('p', 1000);
    clock.advance(6999);
    assert.equal(socket.closedWith, null);
    clock.advance(1);
    assert.equal(socket.closedWith.code, 4408);
    assert.equal(client.state, 'reconnecting');
    clock.advance(250);
    assert.equal(sockets.length, 2);
  });

  it('counts every frame received as a sign of life', () => {
    const { socket, clock } = setup();
    socket.hello('p', 1000);
    clock.advance(6000);
    socket.receive(['ping']);
    clock.advance(6000);
    socket.receive(['ev', 'x', 1]);
    clock.advance(6000);
    assert.equal(socket.closedWith, null);
  });

  it('falls back to the server default heartbeat when hello has none', () => {
    const { socket, clock } = setup();
    socket.open();
    socket.receive(['hello', { v: 1, page: 'p' }]);
    clock.advance(44_999);
    assert.equal(socket.closedWith, null);
    clock.advance(1);
    assert.equal(socket.closedWith.code, 4408);
  });

  it('waits for the server default heartbeat before hello, on a forced WebSocket', () => {
    // Negotiating, connectTimeout gives up on it sooner (negotiation.test.mjs).
    const { socket, clock } = setup({ transport: 'websocket' });
    socket.open();
    clock.advance(44_999);
    assert.equal(socket.closedWith, null);
    clock.advance(1);
    assert.equal(socket.closedWith.code, 4408);
  });

  it('ignores the late close event of a socket it gave up on', () => {
    const { socket, client, clock, sockets } = setup();
    socket.hello('p', 1000);
    clock.advance(7000);
    clock.advance(250);
    sockets[1].hello();
    socket.serverClose(1006);
    assert.equal(client.state, 'connected');
    assert.equal(sockets.length, 2);
  });
});

describe('page lifecycle', () => {
  it('pagehide for good says bye, closes with 1000 and stays closed', () => {
    const { socket, client, clock, sockets, win } = setup();
    socket.hello();
    win.dispatchEvent(pageTransition('pagehide', false));
    assert.deepEqual(socket.sent, ['["bye"]']);
    assert.equal(socket.closedWith.code, 1000);
    assert.equal(client.state, 'closed');
    win.dispatchEvent(new Event('online'));
    win.dispatchEvent(pageTransition('pageshow', true));
    clock.advance(600_000);
    assert.equal(sockets.length, 1);
  });

  it('pagehide into the back/forward cache closes without bye; pageshow reconnects', () => {
    const { socket, client, clock, sockets, win } = setup();
    socket.hello();
    win.dispatchEvent(pageTransition('pagehide', true));
    assert.deepEqual(socket.sent, [], 'no bye: the page may come back');
    assert.equal(socket.closedWith.code, 1000);
    assert.equal(client.state, 'reconnecting');
    assert.deepEqual(clock.pending(), [], 'no retry while the page is in the cache');
    client.page.emit('while-hidden', 1);
    win.dispatchEvent(pageTransition('pageshow', true));
    assert.equal(sockets.length, 2);
    sockets[1].hello();
    assert.equal(client.state, 'connected');
    assert.deepEqual(sockets[1].frames(), [['ev', 'while-hidden', 1, 1]]);
  });

  it('ignores a pageshow that is not a return from the cache', () => {
    const { socket, sockets, win } = setup();
    socket.hello();
    win.dispatchEvent(pageTransition('pageshow', false));
    assert.equal(sockets.length, 1);
  });

  it('stops listening to the window once closed', () => {
    const { socket, client, win } = setup();
    socket.hello();
    client.close();
    assert.doesNotThrow(() => win.dispatchEvent(pageTransition('pagehide', true)));
    assert.equal(client.state, 'closed');
  });
});
