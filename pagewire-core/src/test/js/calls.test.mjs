// Calls with replies in both directions (PROTOCOL.md §11).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connected, outcome, settle } from './fakes.mjs';

describe('page.call', () => {
  it('sends ["call", id, name, args, seq] and resolves with the value of the reply', async () => {
    const { socket, client } = connected();
    const answer = client.page.call('add', [1, 2]);
    const second = client.page.call('none');
    assert.deepEqual(socket.frames(), [
      ['call', 1, 'add', [1, 2], 1],
      ['call', 2, 'none', null, 2],
    ]);
    socket.receive(['res', 2, true, null, 1]);
    socket.receive(['res', 1, true, { sum: 3 }, 2]);
    assert.deepEqual(await outcome(answer), { value: { sum: 3 } });
    assert.deepEqual(await outcome(second), { value: null });
  });

  it('rejects with an Error carrying the code and message of an error reply', async () => {
    const { socket, client } = connected();
    const answer = client.page.call('pay', { amount: -1 });
    socket.receive(['res', 1, false, { code: 'invalid_amount', message: 'The amount must be positive' }, 1]);
    const { error } = await outcome(answer);
    assert.ok(error instanceof Error);
    assert.equal(error.code, 'invalid_amount');
    assert.equal(error.message, 'The amount must be positive');
  });

  it('rejects with timeout after 30 s by default, and ignores a later reply', async () => {
    const { socket, client, clock } = connected({ document: null });
    const answer = client.page.call('slow');
    clock.advance(29_999);
    assert.equal(await outcome(answer), 'pending');
    clock.advance(1);
    const { error } = await outcome(answer);
    assert.equal(error.code, 'timeout');
    socket.receive(['res', 1, true, 'late', 1]);
    assert.equal(client.state, 'connected');
  });

  it('takes its own timeout', async () => {
    const { client, clock } = connected();
    const answer = client.page.call('slow', null, { timeout: 500 });
    clock.advance(500);
    assert.equal((await outcome(answer)).error.code, 'timeout');
    assert.throws(() => client.page.call('x', null, { timeout: -1 }), TypeError);
  });

  for (const [how, end] of [
    ['close()', (env) => env.client.close()],
    ['the page expiring', (env) => env.socket.serverClose(4404, 'gone')],
  ]) {
    it(`rejects with closed on ${how}`, async () => {
      const env = connected();
      const answer = env.client.page.call('never');
      end(env);
      const { error } = await outcome(answer);
      assert.equal(error.code, 'closed');
      assert.throws(() => env.client.page.call('after'), /cannot call "after": the channel is/);
    });
  }

  it('a call in flight across a reconnect is resent after the resume and resolves once', async () => {
    const { socket, client, clock, sockets } = connected();
    const answer = client.page.call('book', { seat: 7 });
    socket.serverClose(1006);
    clock.advance(250);
    sockets[1].hello('page-1', 20_000, 0);
    assert.deepEqual(sockets[1].frames(), [['call', 1, 'book', { seat: 7 }, 1]]);
    sockets[1].receive(['res', 1, true, 'booked', 1]);
    sockets[1].receive(['res', 1, true, 'booked', 1]); // a duplicate, dropped by its number
    sockets[1].receive(['res', 1, true, 'again', 2]); // an id already answered, ignored
    assert.deepEqual(await outcome(answer), { value: 'booked' });
  });

  it('refuses an invalid name and arguments JSON cannot encode, synchronously', () => {
    const { client } = connected();
    assert.throws(() => client.page.call(''), TypeError);
    assert.throws(() => client.page.call('x', { n: 1n }), TypeError);
  });
});

describe('page.handle: calls from the server', () => {
  async function answerTo(env, name, args, id = 1, seq = id) {
    env.socket.receive(['call', id, name, args, seq]);
    await settle();
    return env.socket
      .frames()
      .filter((f) => f[0] === 'res' && f[1] === id)
      .map((f) => f.slice(0, 4));
  }

  it('answers with the value the handler returns', async () => {
    const env = connected();
    env.client.page.handle('double', (n) => n * 2);
    assert.deepEqual(await answerTo(env, 'double', 21), [['res', 1, true, 42]]);
  });

  it("answers with what the handler's Promise resolves to; undefined as null", async () => {
    const env = connected();
    env.client.page.handle('later', async (x) => ({ got: x }));
    env.client.page.handle('nothing', () => undefined);
    assert.deepEqual(await answerTo(env, 'later', 'a'), [['res', 1, true, { got: 'a' }]]);
    assert.deepEqual(await answerTo(env, 'nothing', null, 2), [['res', 2, true, null]]);
  });

  it('answers a thrown Error with a string code with that code and message', async () => {
    const env = connected();
    env.client.page.handle('confirm', async () => {
      throw Object.assign(new Error('The user said no'), { code: 'refused' });
    });
    assert.deepEqual(await answerTo(env, 'confirm', null), [
      ['res', 1, false, { code: 'refused', message: 'The user said no' }],
    ]);
  });

  it('answers any other failure with handler_error and a generic message, logged with console.error', async (t) => {
    const error = t.mock.method(console, 'error', () => {});
    const env = connected();
    env.client.page.handle('broken', () => {
      throw new TypeError('secret detail');
    });
    const [reply] = await answerTo(env, 'broken', null);
    assert.equal(reply[2], false);
    assert.equal(reply[3].code, 'handler_error');
    assert.doesNotMatch(reply[3].message, /secret detail/);
    assert.equal(error.mock.callCount(), 1);
    assert.equal(error.mock.calls[0].arguments[1].message, 'secret detail');
  });

  it('answers unknown_call when no handler is registered', async () => {
    const env = connected();
    const [reply] = await answerTo(env, 'nobody', null);
    assert.deepEqual(reply.slice(0, 3), ['res', 1, false]);
    assert.equal(reply[3].code, 'unknown_call');
  });

  it('keeps one handler per name: a new one replaces it; the remover removes only its own', async () => {
    const env = connected();
    const removeFirst = env.client.page.handle('who', () => 'first');
    const removeSecond = env.client.page.handle('who', () => 'second');
    assert.deepEqual(await answerTo(env, 'who', null, 1), [['res', 1, true, 'second']]);
    removeFirst();
    assert.deepEqual(await answerTo(env, 'who', null, 2), [['res', 2, true, 'second']]);
    removeSecond();
    assert.equal((await answerTo(env, 'who', null, 3))[0][3].code, 'unknown_call');
  });

  it("numbers replies in the client's sequence and acks the call on them", async () => {
    const env = connected();
    env.client.page.emit('first');
    env.client.page.handle('ping', () => 'pong');
    env.socket.receive(['call', 5, 'ping', null, 1]);
    await settle();
    assert.deepEqual(env.socket.frames(), [
      ['ev', 'first', null, 1],
      ['res', 5, true, 'pong', 2, 1],
    ]);
  });

  it('a call resent by the server after a resume runs once', async () => {
    const env = connected();
    let runs = 0;
    env.client.page.handle('once', () => ++runs);
    env.socket.receive(['call', 1, 'once', null, 1]);
    env.socket.receive(['call', 1, 'once', null, 1]);
    await settle();
    assert.equal(runs, 1);
  });

  it("waits with calls, like events, until the page's scripts registered their handlers", async () => {
    let loaded;
    const doc = {
      readyState: 'loading',
      addEventListener: (type, fn) => {
        loaded = fn;
      },
    };
    const env = connected({ document: doc });
    env.socket.receive(['call', 1, 'late', null, 1]);
    env.client.page.handle('late', () => 'here');
    loaded();
    await settle();
    assert.deepEqual(
      env.socket.frames().map((f) => f.slice(0, 4)),
      [['res', 1, true, 'here']],
    );
  });

  it('refuses a handler that is not a function', () => {
    const { client } = connected();
    assert.throws(() => client.page.handle('x', 'nope'), TypeError);
  });
});

describe('a call the server refuses for its size', () => {
  it('rejects with message_too_large instead of waiting for its timeout', async (t) => {
    t.mock.method(console, 'warn', () => {});
    const { socket, client, clock, sockets } = connected();
    const answer = client.page.call('upload', 'x'.repeat(1000));
    socket.serverClose(1009, 'message too large');
    clock.advance(250);
    sockets[1].hello('page-1', 20_000, 0);
    const { error } = await outcome(answer);
    assert.equal(error.code, 'message_too_large');
    assert.deepEqual(sockets[1].frames(), []);
  });
});
