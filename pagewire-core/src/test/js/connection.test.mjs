import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, fakeWebSocketClass, setup } from './fakes.mjs';

describe('connecting', () => {
  it('opens the channel URL with the token as the pagewire parameter, in arraybuffer mode', () => {
    const { socket, client } = setup({ token: 'v1.a/b+c.1.m=' });
    assert.equal(socket.url, 'ws://example.test/chat?pagewire=v1.a%2Fb%2Bc.1.m%3D&ack=0');
    assert.equal(socket.binaryType, 'arraybuffer');
    assert.equal(client.state, 'connecting');
    assert.equal(client.transport, null);
    assert.equal(client.pageId, null);
  });

  it('appends the token to a URL that already has a query', () => {
    const { socket } = setup({ url: 'wss://example.test/chat?room=1', token: 't' });
    assert.equal(socket.url, 'wss://example.test/chat?room=1&pagewire=t&ack=0');
  });

  it('needs a URL outside a web page', () => {
    assert.throws(() => connect({ token: 't', WebSocket: fakeWebSocketClass() }), TypeError);
  });

  it('is connected after hello, with the page id and a state event', () => {
    const { socket, client, states } = setup();
    socket.open();
    assert.equal(client.state, 'connecting', 'an open socket is not a connected page until hello');
    socket.hello('p-42', 20_000);
    assert.equal(client.state, 'connected');
    assert.equal(client.transport, 'websocket');
    assert.equal(client.pageId, 'p-42');
    assert.deepEqual(states, [{ state: 'connected', transport: 'websocket', code: null, reason: '' }]);
  });

  it('refuses a protocol version it does not know: expired with code 1002', () => {
    const { socket, client, states, clock, sockets } = setup();
    socket.open();
    socket.receive(['hello', { v: 2, page: 'p', heartbeat: 20_000 }]);
    // 1002 is a code browsers do not let a page send; the reason says why.
    assert.deepEqual(socket.closedWith, { code: 1000, reason: 'unsupported protocol version 2' });
    assert.equal(client.state, 'expired');
    assert.equal(states.at(-1).code, 1002);
    clock.advance(60_000);
    assert.equal(sockets.length, 1);
  });
});

describe('queueing', () => {
  it('sends events emitted before hello in order once hello arrives', () => {
    const { socket, client } = setup();
    client.page.emit('a', 1);
    client.page.emit('b', { x: [1, 2] });
    socket.open();
    client.page.emit('c');
    assert.deepEqual(socket.sent, [], 'nothing is sent before hello');
    socket.hello();
    client.page.emit('d', 'now');
    assert.deepEqual(socket.frames(), [
      ['ev', 'a', 1, 1],
      ['ev', 'b', { x: [1, 2] }, 2],
      ['ev', 'c', null, 3],
      ['ev', 'd', 'now', 4],
    ]);
  });

  it('sends queued events before one emitted by a "connected" listener', () => {
    const { socket, client } = setup();
    client.on('state', ({ state }) => {
      if (state === 'connected') client.page.emit('second');
    });
    client.page.emit('first');
    socket.hello();
    assert.deepEqual(socket.frames(), [
      ['ev', 'first', null, 1],
      ['ev', 'second', null, 2],
    ]);
  });

  it('throws when the queue is full and keeps what was queued', () => {
    const { socket, client } = setup({ maxQueuedEvents: 2 });
    client.page.emit('a');
    client.page.emit('b');
    assert.throws(
      () => client.page.emit('c'),
      (e) => e instanceof Error && /queue is full/.test(e.message),
    );
    socket.hello();
    assert.deepEqual(socket.frames(), [
      ['ev', 'a', null, 1],
      ['ev', 'b', null, 2],
    ]);
  });

  it('sends undefined data as null', () => {
    const { socket, client } = setup();
    socket.hello();
    client.page.emit('x', undefined);
    assert.deepEqual(socket.sent, ['["ev","x",null,1]']);
  });
});

describe('heartbeat', () => {
  it('answers ping with pong', () => {
    const { socket } = setup();
    socket.hello();
    socket.receive(['ping']);
    assert.deepEqual(socket.sent, ['["pong"]']);
  });

  it('ignores pong', () => {
    const { socket, client } = setup();
    socket.hello();
    socket.receive(['pong']);
    assert.deepEqual(socket.sent, []);
    assert.equal(client.state, 'connected');
  });
});

describe('server errors', () => {
  it('hands err frames to error listeners', (t) => {
    const warn = t.mock.method(console, 'warn', () => {});
    const { socket, client } = setup();
    const errors = [];
    client.on('error', (e) => errors.push(e));
    socket.hello();
    socket.receive(['err', 'unknown_event', 'no handler for "x"']);
    assert.deepEqual(errors, [{ code: 'unknown_event', message: 'no handler for "x"' }]);
    assert.equal(warn.mock.callCount(), 0);
    assert.equal(client.state, 'connected');
  });

  it('warns on the console when nobody listens for errors', (t) => {
    const warn = t.mock.method(console, 'warn', () => {});
    const { socket } = setup();
    socket.hello();
    socket.receive(['err', 'handler_error', 'the handler failed']);
    assert.equal(warn.mock.callCount(), 1);
    assert.match(warn.mock.calls[0].arguments[0], /handler_error.*the handler failed/);
  });

  it('rejects an unknown connection event kind with a hint', () => {
    const { client } = setup();
    assert.throws(() => client.on('chat', () => {}), { name: 'TypeError', message: /client\.page\.on\("chat"/ });
  });
});

describe('close codes', () => {
  for (const code of [4401, 4404]) {
    it(`${code} means expired, with code and reason, and no reconnect`, () => {
      const { socket, client, states, clock, sockets } = setup();
      socket.hello();
      socket.serverClose(code, 'token expired');
      assert.equal(client.state, 'expired');
      assert.deepEqual(states.at(-1), { state: 'expired', transport: null, code, reason: 'token expired' });
      clock.advance(600_000);
      assert.equal(sockets.length, 1);
      assert.deepEqual(clock.pending(), []);
      assert.throws(() => client.page.emit('late'), /expired/);
    });
  }

  it('4000 means closed by the server, no reconnect', () => {
    const { socket, client, states, clock, sockets } = setup();
    socket.hello();
    socket.serverClose(4000, 'page closed');
    assert.equal(client.state, 'closed');
    assert.deepEqual(states.at(-1), { state: 'closed', transport: null, code: 4000, reason: 'page closed' });
    clock.advance(600_000);
    assert.equal(sockets.length, 1);
  });

  it('4409 (one of its own late connections took over) means resume on a fresh connection', () => {
    const { socket, client, clock, sockets } = setup({ transport: 'websocket' });
    socket.hello();
    socket.serverClose(4409, 'replaced');
    assert.equal(client.state, 'reconnecting');
    clock.advance(250);
    assert.equal(sockets.length, 2);
    sockets[1].hello();
    assert.equal(client.state, 'connected');
  });

  it('the third 4409 within a minute closes for good: another copy of the page holds the channel', () => {
    const { client, clock, sockets, states } = setup({ transport: 'websocket' });
    for (let i = 0; i < 3; i++) {
      const socket = sockets.at(-1);
      socket.hello();
      socket.serverClose(4409, 'replaced');
      clock.advance(10_000);
    }
    assert.equal(client.state, 'closed');
    assert.deepEqual(states.at(-1), { state: 'closed', transport: null, code: 4409, reason: 'replaced' });
    const count = sockets.length;
    clock.advance(600_000);
    assert.equal(sockets.length, count, 'no reconnect after closed');
  });

  for (const code of [1000, 1001, 1002, 1006, 1007, 1009, 4400, 4408, 4429, 4503]) {
    it(`${code} means reconnect`, () => {
      const { socket, client, clock, sockets, states } = setup();
      socket.hello();
      socket.serverClose(code, 'bye for now');
      assert.equal(client.state, 'reconnecting');
      assert.deepEqual(states.at(-1), { state: 'reconnecting', transport: null, code, reason: 'bye for now' });
      clock.advance(250);
      assert.equal(sockets.length, 2);
    });
  }
});

describe('close()', () => {
  it('says bye, closes with 1000 and never reconnects', () => {
    const { socket, client, clock, sockets, states } = setup();
    socket.hello();
    client.close();
    assert.deepEqual(socket.sent, ['["bye"]']);
    assert.equal(socket.closedWith.code, 1000);
    assert.equal(client.state, 'closed');
    assert.equal(states.at(-1).state, 'closed');
    socket.serverClose(1006); // the socket's late close event must not revive the client
    clock.advance(600_000);
    assert.equal(sockets.length, 1);
    assert.throws(() => client.page.emit('late'), /closed/);
  });

  it('does not send bye on a socket that is not open yet', () => {
    const { socket, client } = setup();
    client.close();
    assert.deepEqual(socket.sent, []);
    assert.equal(socket.closedWith.code, 1000);
    assert.equal(client.state, 'closed');
  });

  it('stops a pending reconnect', () => {
    const { socket, client, clock, sockets } = setup();
    socket.serverClose(1006);
    client.close();
    clock.advance(600_000);
    assert.equal(sockets.length, 1);
    assert.equal(client.state, 'closed');
  });
});
