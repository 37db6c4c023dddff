// Sequence numbers, acks, resume and missed data (PROTOCOL.md §10), on every transport.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACK_DELAY_MS, bytes, fakeServerInbox, hello, pageTransition, settle, setup } from './fakes.mjs';

/** A client connected over a WebSocket whose hello carries `ack`. */
function connected({ ack, ...options } = {}) {
  const env = setup({ transport: 'websocket', ...options });
  env.socket.hello('page-1', 20_000, ack);
  return env;
}

/**
 * The three transports, driven alike: `open` answers the newest channel request with hello (and
 * the server's ack), `deliver` plays server frames, `sent` is what the client sent on the current
 * connection (POSTs are answered 204 as they come), `drop` breaks the connection, `request` is
 * the newest channel request (its URL carries the client's ack).
 */
const transports = {
  websocket: {
    async open(env, ack) {
      env.socket.hello('page-1', 20_000, ack);
    },
    async deliver(env, ...frames) {
      for (const f of frames) env.socket.receive(f);
    },
    async sent(env) {
      return env.socket.frames();
    },
    async drop(env) {
      env.socket.serverClose(1006);
    },
    request: (env) => ({ query: new URL(env.socket.url).searchParams }),
  },
  sse: {
    async open(env, ack) {
      env.down = env.fetch.last('sse').stream();
      env.conn = `conn-${env.fetch.of('sse').length}`;
      env.down.event(['open', env.conn]);
      env.down.event(hello('page-1', 20_000, ack));
      await settle();
    },
    async deliver(env, ...frames) {
      for (const f of frames) env.down.event(f);
      await settle();
    },
    sent: (env) => posted(env),
    async drop(env) {
      env.down.end();
      await settle();
    },
    request: (env) => env.fetch.last('sse'),
  },
  longpolling: {
    async open(env, ack) {
      env.conn = `conn-${env.fetch.of('longpolling').length}`;
      env.fetch.last('longpolling').frames200(['open', env.conn], hello('page-1', 20_000, ack));
      await settle();
    },
    async deliver(env, ...frames) {
      env.fetch.last('poll').frames200(...frames);
      await settle();
    },
    sent: (env) => posted(env),
    async drop(env) {
      env.fetch.last('poll').fail();
      await settle();
    },
    request: (env) => env.fetch.last('longpolling'),
  },
};

const answered = new WeakSet();

/** Answers every POST 204 until none is waiting; returns the frames POSTed on the current connection. */
async function posted(env) {
  for (;;) {
    await settle();
    const waiting = env.fetch.of('post').filter((p) => !answered.has(p) && !p.aborted);
    if (waiting.length === 0) break;
    for (const p of waiting) {
      answered.add(p);
      p.reply(204);
    }
  }
  return env.fetch
    .of('post')
    .filter((p) => p.query.get('conn') === env.conn)
    .flatMap((p) => p.frames());
}

describe('numbering what the client sends', () => {
  it('numbers events, binary events and calls in one sequence', () => {
    const { socket, client } = connected();
    client.page.emit('a', 1);
    client.page.emit('b', new Uint8Array([9]));
    client.page.call('c', { x: 1 }).catch(() => {});
    assert.equal(socket.sent[0], '["ev","a",1,1]');
    assert.deepEqual([...new Uint8Array(socket.sent[1])], [0, 0, 0, 12, ...Buffer.from('["ev","b",2]'), 9]);
    assert.equal(socket.sent[2], '["call",1,"c",{"x":1},3]');
  });

  it('continues the sequence on the next connection', () => {
    const { socket, client, clock, sockets } = connected();
    client.page.emit('a');
    socket.receive(['ack', 1]);
    socket.serverClose(1006);
    clock.advance(250);
    sockets[1].hello('page-1', 20_000, 1);
    client.page.emit('b');
    assert.deepEqual(sockets[1].frames(), [['ev', 'b', null, 2]]);
  });

  it('keeps at most maxQueuedEvents frames the server has not acked, also while connected', () => {
    const { socket, client } = connected({ maxQueuedEvents: 2 });
    client.page.emit('a');
    client.page.emit('b');
    assert.throws(() => client.page.emit('c'), /queue is full \(2 frames are waiting for the server's ack/);
    assert.throws(() => client.page.call('d'), /cannot call "d": the queue is full/);
    socket.receive(['ack', 1]);
    client.page.emit('c');
    assert.deepEqual(
      socket.frames().map((f) => f[1]),
      ['a', 'b', 'c'],
    );
  });
});

describe('acks', () => {
  it('piggybacks the ack on the next data frame when it changed', () => {
    const { socket, client } = connected();
    socket.receive(['ev', 'x', 'hi', 1]);
    socket.receive(['ev', 'x', 'ho', 2]);
    client.page.emit('a', 1);
    client.page.emit('b', 2);
    assert.deepEqual(socket.frames(), [
      ['ev', 'a', 1, 1, 2],
      ['ev', 'b', 2, 2],
    ]);
  });

  it('piggybacks the ack on a binary header too', () => {
    const { socket, client } = connected();
    socket.receive(['ev', 'x', null, 1]);
    client.page.emit('b', new Uint8Array([7]));
    assert.deepEqual([...new Uint8Array(socket.sent[0])], [0, 0, 0, 14, ...Buffer.from('["ev","b",1,1]'), 7]);
  });

  it('sends ["ack", a] ACK_DELAY_MS after the first unacked frame when nothing goes out', () => {
    const { socket, clock } = connected();
    assert.equal(ACK_DELAY_MS, 5000, 'PROTOCOL.md §10.2');
    socket.receive(['ev', 'x', null, 1]);
    clock.advance(600);
    socket.receive(['ev', 'x', null, 2]);
    clock.advance(ACK_DELAY_MS - 601);
    assert.deepEqual(socket.frames(), []);
    clock.advance(1);
    assert.deepEqual(socket.frames(), [['ack', 2]]);
    clock.advance(10000);
    assert.deepEqual(socket.frames(), [['ack', 2]], 'one ack, and none while nothing new arrives');
  });

  it('acks at once when 64 frames wait for an ack', () => {
    const { socket } = connected();
    for (let s = 1; s <= 63; s++) socket.receive(['ev', 'x', null, s]);
    assert.deepEqual(socket.frames(), []);
    socket.receive(['ev', 'x', null, 64]);
    assert.deepEqual(socket.frames(), [['ack', 64]]);
  });

  it('a piggybacked ack cancels the standalone one', () => {
    const { socket, client, clock } = connected();
    socket.receive(['ev', 'x', null, 1]);
    client.page.emit('a');
    clock.advance(1000);
    assert.deepEqual(socket.frames(), [['ev', 'a', null, 1, 1]]);
  });

  it('an ack from the server, standalone or piggybacked, means those frames are not resent', () => {
    const { socket, client, clock, sockets } = connected();
    for (const name of ['a', 'b', 'c', 'd']) client.page.emit(name);
    socket.receive(['ack', 1]);
    socket.receive(['ev', 'x', null, 1, 3]); // the server's frame 1, acking the client's 1..3
    socket.serverClose(1006);
    clock.advance(250);
    sockets[1].hello('page-1', 20_000, 0); // even a hello that acks less does not bring them back
    assert.deepEqual(
      sockets[1].frames().map((f) => f.slice(0, 4)),
      [['ev', 'd', null, 4]],
    );
  });
});

// The Java client's RecoveryTest checks the same rule, on the same three kinds of ack.
describe('an ack above the last number the client handed out (PROTOCOL.md §10.2)', () => {
  const forms = {
    standalone: (socket) => {
      socket.hello('page-1', 20_000, 0);
      socket.receive(['ack', 3]);
    },
    'piggybacked on a data frame': (socket) => {
      socket.hello('page-1', 20_000, 0);
      socket.receive(['ev', 'x', 'y', 1, 3]);
    },
    'in hello': (socket) => socket.hello('page-1', 20_000, 3),
  };
  for (const [form, play] of Object.entries(forms)) {
    it(`${form}: closes with 4400, reconnects after the back-off and lets go of nothing`, (t) => {
      t.mock.method(console, 'warn', () => {});
      const env = setup({ transport: 'websocket' });
      const seen = [];
      env.client.page.on('x', (d) => seen.push(d));
      env.client.page.emit('a', 1);
      env.client.page.emit('b', 2); // numbered 1 and 2, kept until the server acks them
      play(env.sockets[0]);
      assert.equal(env.sockets[0].closedWith.code, 4400);
      assert.equal(env.client.state, 'reconnecting');
      assert.equal(env.states.at(-1).code, 4400);
      assert.match(env.states.at(-1).reason, /an ack of 3 from the server, above the 2 frames sent/);
      assert.deepEqual(seen, [], 'the frame that carried it is not delivered');
      assert.equal(env.sockets.length, 1, 'no reconnect before the back-off');
      env.clock.advance(250);
      assert.equal(new URL(env.socket.url).searchParams.get('ack'), '0');
      env.socket.hello('page-1', 20_000, 0);
      assert.deepEqual(env.socket.frames(), [
        ['ev', 'a', 1, 1],
        ['ev', 'b', 2, 2],
      ]);
    });
  }
});

for (const [name, transport] of Object.entries(transports)) {
  describe(`resuming over ${name}`, () => {
    async function start() {
      const env = setup({ transport: name });
      await transport.open(env);
      return env;
    }

    it('carries ack=0 on the first channel request, then the last server number received', async () => {
      const env = setup({ transport: name });
      assert.equal(transport.request(env).query.get('ack'), '0');
      await transport.open(env);
      await transport.deliver(env, ['ev', 'x', null, 1], ['ev', 'x', null, 2]);
      await transport.drop(env);
      env.clock.advance(250);
      assert.equal(transport.request(env).query.get('ack'), '2');
    });

    it('resends exactly the frames the hello does not ack, in order, before anything new', async () => {
      const env = await start();
      for (const n of [1, 2, 3, 4]) env.client.page.emit('n', n);
      await transport.sent(env);
      await transport.drop(env);
      env.client.page.emit('n', 5); // while reconnecting
      env.clock.advance(250);
      env.client.on('state', ({ state }) => {
        if (state === 'connected') env.client.page.emit('n', 6);
      });
      await transport.open(env, 2);
      env.client.page.emit('n', 7);
      const resent = await transport.sent(env);
      assert.deepEqual(
        resent.map((f) => f.slice(0, 4)),
        [3, 4, 5, 6, 7].map((n) => ['ev', 'n', n, n]),
      );
    });

    it('drops a duplicate from the server, and acks it again', async () => {
      const env = await start();
      const seen = [];
      env.client.page.on('n', (d) => seen.push(d));
      await transport.deliver(env, ['ev', 'n', 'a', 1], ['ev', 'n', 'b', 2], ['ev', 'n', 'b', 2], ['ev', 'n', 'c', 3]);
      assert.deepEqual(seen, ['a', 'b', 'c']);
      env.clock.advance(ACK_DELAY_MS);
      assert.deepEqual(
        (await transport.sent(env)).filter((f) => f[0] === 'ack'),
        [['ack', 3]],
      );
    });

    it('a gap closes the connection with 4400 and resumes from the last number received', async (t) => {
      t.mock.method(console, 'warn', () => {});
      const env = await start();
      const seen = [];
      env.client.page.on('n', (d) => seen.push(d));
      await transport.deliver(env, ['ev', 'n', 'a', 1], ['ev', 'n', 'c', 3]);
      assert.deepEqual(seen, ['a']);
      assert.equal(env.client.state, 'reconnecting');
      assert.equal(env.states.at(-1).code, 4400);
      assert.match(env.states.at(-1).reason, /expected 2, got 3/);
      if (name === 'websocket') assert.equal(env.sockets[0].closedWith.code, 4400);
      env.clock.advance(250);
      assert.equal(transport.request(env).query.get('ack'), '1');
      await transport.open(env);
      await transport.deliver(env, ['ev', 'n', 'b', 2], ['ev', 'n', 'c', 3]);
      assert.deepEqual(seen, ['a', 'b', 'c']);
    });

    it('missed: raises a missed event and continues after `to`', async () => {
      const env = await start();
      const seen = [];
      env.client.page.on('n', (d) => seen.push(d));
      env.client.on('missed', (m) => seen.push(m));
      await transport.deliver(env, ['ev', 'n', 'a', 1]);
      await transport.drop(env);
      env.clock.advance(250);
      await transport.open(env);
      await transport.deliver(
        env,
        ['missed', { from: 2, to: 9, reason: 'replay buffer full (1024 frames)' }],
        ['ev', 'n', 'j', 10],
      );
      assert.deepEqual(seen, ['a', { from: 2, to: 9, reason: 'replay buffer full (1024 frames)' }, 'j']);
      assert.equal(env.client.state, 'connected');
      env.client.page.emit('after');
      assert.deepEqual((await transport.sent(env)).at(-1), ['ev', 'after', null, 1, 10]);
    });
  });
}

describe('a failed POST', () => {
  async function onSse(env) {
    const down = env.fetch.last('sse').stream();
    down.event(['open', `conn-${env.fetch.of('sse').length}`]);
    return down;
  }

  for (const reached of [false, true]) {
    it(`is resent after the reconnect, and delivered once, when it ${reached ? 'did' : 'did not'} reach the server`, async () => {
      const env = setup({ transport: 'sse' });
      const server = fakeServerInbox();
      let down = await onSse(env);
      down.event(hello('page-1', 20_000, server.last));
      await settle();
      env.client.page.emit('n', 1);
      env.client.page.emit('n', 2);
      await settle();
      const lost = env.fetch.last('post');
      if (reached) server.read(lost); // it arrived, only its answer was lost
      lost.fail();
      await settle();
      assert.equal(env.client.state, 'reconnecting');
      env.client.page.emit('n', 3);
      env.clock.advance(250);
      down = await onSse(env);
      down.event(hello('page-1', 20_000, server.last));
      await settle();
      server.read(env.fetch.last('post'));
      assert.deepEqual(server.delivered, [1, 2, 3]);
      assert.deepEqual(
        env.fetch
          .last('post')
          .frames()
          .map((f) => f[2]),
        reached ? [3] : [1, 2, 3],
      );
    });
  }

  it('that arrives late, after the resend, is dropped by the server as duplicates', async () => {
    const env = setup({ transport: 'longpolling' });
    const server = fakeServerInbox();
    env.fetch.last('longpolling').frames200(['open', 'c1'], hello('page-1', 20_000, 0));
    await settle();
    env.client.page.emit('n', 1);
    await settle();
    const late = env.fetch.last('post');
    late.fail();
    await settle();
    env.clock.advance(250);
    env.fetch.last('longpolling').frames200(['open', 'c2'], hello('page-1', 20_000, 0));
    await settle();
    server.read(env.fetch.last('post'));
    server.read(late);
    assert.deepEqual(server.delivered, [1]);
  });
});

describe('the upgrade from a fallback to WebSocket', () => {
  async function onSse() {
    const env = setup({ storage: null });
    env.socket.serverClose(1006);
    const down = env.fetch.last('sse').stream();
    down.event(['open', 'conn-1']);
    down.event(hello('page-1', 20_000, 0));
    await settle();
    return Object.assign(env, { down, conn: 'conn-1' });
  }

  it("resends what the WebSocket hello does not ack, and the server's replay of the old stream's frames is dropped", async () => {
    const env = await onSse();
    const seen = [];
    env.client.page.on('n', (d) => seen.push(d));
    env.down.event(['ev', 'n', 1, 1]);
    env.client.page.emit('up', 1);
    await settle();
    env.clock.advance(10_000); // the upgrade begins while a POST is in flight (and then the ack's)
    assert.equal(env.sockets.length, 1);
    env.client.page.emit('up', 2); // held
    assert.deepEqual(
      (await posted(env)).map((f) => f.slice(0, 4)),
      [
        ['ev', 'up', 1, 1],
        ['ack', 1],
      ],
    );
    const socket = env.socket;
    assert.equal(new URL(socket.url).searchParams.get('ack'), '1');
    // The server had frame 1 of the client; it wrote 2 and 3 to the old stream before switching,
    // and replays them on the WebSocket (the client's ack said 1), then sends 4.
    socket.hello('page-1', 20_000, 1);
    socket.receive(['ev', 'n', 2, 2]);
    socket.receive(['ev', 'n', 3, 3]);
    socket.receive(bytes([0, 0, 0, 12], '["ev","n",4]', [4]));
    env.down.event(['ev', 'n', 2, 2]);
    env.down.event(['ev', 'n', 3, 3]);
    env.down.event(['close', 4409, 'replaced']);
    await settle();
    assert.deepEqual(
      seen.map((d) => (d instanceof ArrayBuffer ? [...new Uint8Array(d)] : d)),
      [1, 2, 3, [4]],
    );
    assert.equal(env.client.transport, 'websocket');
    assert.deepEqual(socket.frames(), [['ev', 'up', 2, 2, 4]]);
  });

  it('a POST that fails while the upgrade waits for it: nothing lost, nothing doubled after the reconnect', async () => {
    const env = await onSse();
    env.client.page.emit('up', 1);
    await settle();
    env.clock.advance(10_000); // the upgrade waits for the POST
    env.client.page.emit('up', 2);
    env.fetch.last('post').fail();
    await settle();
    assert.equal(env.client.state, 'reconnecting');
    env.clock.advance(250);
    env.socket.hello('page-1', 20_000, 0); // the server never got the POST
    assert.deepEqual(env.socket.frames(), [
      ['ev', 'up', 1, 1],
      ['ev', 'up', 2, 2],
    ]);
  });
});

describe('the back/forward cache', () => {
  it('pageshow resumes with the ack and resends what the server lacks', () => {
    const { socket, client, win, sockets } = connected();
    socket.receive(['ev', 'x', null, 1]);
    client.page.emit('a');
    win.dispatchEvent(pageTransition('pagehide', true));
    client.page.emit('b');
    win.dispatchEvent(pageTransition('pageshow', true));
    assert.equal(new URL(sockets[1].url).searchParams.get('ack'), '1');
    sockets[1].hello('page-1', 20_000, 1);
    assert.deepEqual(sockets[1].frames(), [['ev', 'b', null, 2]]);
  });

  it('a page gone meanwhile ends expired, and reloads with reloadOnExpired', () => {
    let reloads = 0;
    const env = connected({ reloadOnExpired: true });
    env.win.location = {
      reload: () => {
        reloads++;
      },
    };
    env.win.dispatchEvent(pageTransition('pagehide', true));
    env.win.dispatchEvent(pageTransition('pageshow', true));
    env.socket.serverClose(4404, 'no such page');
    assert.equal(env.client.state, 'expired');
    assert.equal(reloads, 1);
  });
});

describe('reloadOnExpired', () => {
  function reloadCount(env) {
    const counter = { n: 0 };
    env.win.location = {
      reload: () => {
        counter.n++;
      },
    };
    return counter;
  }

  it('is off by default', () => {
    const env = connected();
    const reloads = reloadCount(env);
    env.socket.serverClose(4404, 'gone');
    assert.equal(env.client.state, 'expired');
    assert.equal(reloads.n, 0);
  });

  it('reloads a connected page whose token a restarted server refuses (4401)', () => {
    const env = connected({ reloadOnExpired: true });
    const reloads = reloadCount(env);
    env.socket.serverClose(4401, 'invalid page token');
    assert.equal(env.client.state, 'expired');
    assert.equal(reloads.n, 1);
  });

  it('does not reload a page that never connected', () => {
    const fresh = setup({ transport: 'websocket', reloadOnExpired: true });
    const freshReloads = reloadCount(fresh);
    fresh.socket.serverClose(4404, 'gone'); // a reload would meet the same refusal, for ever
    const refused = setup({ transport: 'websocket', reloadOnExpired: true });
    const refusedReloads = reloadCount(refused);
    refused.socket.serverClose(4401, 'page token expired');
    assert.equal(freshReloads.n + refusedReloads.n, 0);
    assert.equal(fresh.client.state, 'expired');
    assert.equal(refused.client.state, 'expired');
  });
});

describe('a frame the server refuses for its size', () => {
  it('is not resent after the 1009: the next hello drops it, renumbers the rest and reports an error', (t) => {
    const warn = t.mock.method(console, 'warn', () => {});
    const { socket, client, clock, sockets } = connected();
    const errors = [];
    client.on('error', (e) => errors.push(e));
    client.page.emit('ok', 1);
    client.page.emit('huge', 'x'.repeat(1000));
    client.page.emit('after', 3);
    socket.serverClose(1009, 'message too large');
    clock.advance(250);
    sockets[1].hello('page-1', 20_000, 1);
    assert.deepEqual(sockets[1].frames(), [['ev', 'after', 3, 2]]);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, 'message_too_large');
    client.page.emit('next', 4);
    assert.deepEqual(sockets[1].frames().at(-1), ['ev', 'next', 4, 3]);
    assert.equal(warn.mock.callCount(), 0);
  });
});
