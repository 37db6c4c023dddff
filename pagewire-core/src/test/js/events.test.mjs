import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, setup } from './fakes.mjs';

function connected(options) {
  const env = setup(options);
  env.socket.hello();
  return env;
}

describe('page events', () => {
  it('calls on() listeners with the data and the event name', () => {
    const { socket, client } = connected();
    const seen = [];
    client.page.on('chat', (data, name) => seen.push([name, data]));
    client.page.on('chat', (data) => seen.push(['second', data]));
    socket.receive(['ev', 'chat', { text: 'hi' }]);
    socket.receive(['ev', 'other', 1]);
    assert.deepEqual(seen, [
      ['chat', { text: 'hi' }],
      ['second', { text: 'hi' }],
    ]);
  });

  it('delivers null when the event carries no data', () => {
    const { socket, client } = connected();
    const seen = [];
    client.page.on('tick', (data) => seen.push(data));
    socket.receive(['ev', 'tick']);
    socket.receive(['ev', 'tick', null]);
    assert.deepEqual(seen, [null, null]);
  });

  it('stops calling a listener after its unsubscribe function ran', () => {
    const { socket, client } = connected();
    const seen = [];
    const unsubscribe = client.page.on('n', (d) => seen.push(d));
    socket.receive(['ev', 'n', 1]);
    unsubscribe();
    unsubscribe(); // twice is harmless
    socket.receive(['ev', 'n', 2]);
    assert.deepEqual(seen, [1]);
  });

  it('off(name, fn) removes that listener, off(name) removes all of the name', () => {
    const { socket, client } = connected();
    const seen = [];
    const a = (d) => seen.push(`a${d}`);
    const b = (d) => seen.push(`b${d}`);
    client.page.on('n', a);
    client.page.on('n', b);
    client.page.off('n', a);
    socket.receive(['ev', 'n', 1]);
    client.page.off('n');
    socket.receive(['ev', 'n', 2]);
    assert.deepEqual(seen, ['b1']);
  });

  it('once() calls a listener for the first event only', () => {
    const { socket, client } = connected();
    const seen = [];
    client.page.once('n', (d, name) => seen.push([name, d]));
    socket.receive(['ev', 'n', 1]);
    socket.receive(['ev', 'n', 2]);
    assert.deepEqual(seen, [['n', 1]]);
  });

  it('a once() listener can be removed with off() or its unsubscribe function', () => {
    const { socket, client } = connected();
    const seen = [];
    const fn = (d) => seen.push(d);
    client.page.once('n', fn);
    client.page.off('n', fn);
    client.page.once('n', fn)();
    socket.receive(['ev', 'n', 1]);
    assert.deepEqual(seen, []);
  });

  it('a listener that throws does not stop the others nor the connection', (t) => {
    const error = t.mock.method(console, 'error', () => {});
    const { socket, client } = connected();
    const seen = [];
    client.page.on('n', () => {
      throw new Error('boom');
    });
    client.page.on('n', (d) => seen.push(d));
    socket.receive(['ev', 'n', 1]);
    socket.receive(['ping']);
    assert.deepEqual(seen, [1]);
    assert.equal(error.mock.callCount(), 1);
    assert.equal(error.mock.calls[0].arguments[1].message, 'boom');
    assert.equal(client.state, 'connected');
    assert.deepEqual(socket.sent, ['["pong"]']);
  });

  it('a state listener that throws does not stop the connection', (t) => {
    t.mock.method(console, 'error', () => {});
    const { socket, client } = setup();
    client.on('state', () => {
      throw new Error('boom');
    });
    client.page.emit('queued');
    socket.hello();
    assert.equal(client.state, 'connected');
    assert.deepEqual(socket.frames(), [['ev', 'queued', null, 1]]);
  });
});

describe('event names', () => {
  const invalid = ['', 'x'.repeat(129), 42, null, undefined, {}];

  for (const name of invalid) {
    it(`emit and on refuse ${JSON.stringify(name)?.slice(0, 20)} with a TypeError`, () => {
      const { client } = connected();
      assert.throws(() => client.page.emit(name, 1), {
        name: 'TypeError',
        message: /event name must be a non-empty string of at most 128 characters/,
      });
      assert.throws(() => client.page.on(name, () => {}), TypeError);
      assert.throws(() => client.page.once(name, () => {}), TypeError);
    });
  }

  it('accepts a name of exactly 128 characters', () => {
    const { socket, client } = connected();
    const name = 'x'.repeat(128);
    client.page.emit(name, 1);
    assert.deepEqual(socket.frames(), [['ev', name, 1, 1]]);
  });

  it('on refuses a listener that is not a function', () => {
    const { client } = connected();
    assert.throws(() => client.page.on('n', 'nope'), { name: 'TypeError', message: /listener must be a function/ });
  });
});

describe('malformed frames from the server', () => {
  const malformed = {
    'not JSON': '{nope',
    'not an array': '{"ev":"x"}',
    'an empty array': '[]',
    'an unknown type': '["surprise", 1]',
    'an ev without a name': '["ev"]',
    'an ev with a number as name': '["ev", 7, 1]',
    'a hello without an object': '["hello"]',
    'a binary message shorter than its prefix': bytes([0, 0]),
    'a binary header longer than the message': bytes([0, 0, 0, 9], '["ev"]'),
    'a binary header that is not ["ev", name]': bytes([0, 0, 0, 10], '["xx","n"]'),
    'a binary header that is not UTF-8': bytes([0, 0, 0, 2], [0xff, 0xfe]),
  };

  for (const [what, message] of Object.entries(malformed)) {
    it(`warns about ${what} and carries on`, (t) => {
      const warn = t.mock.method(console, 'warn', () => {});
      const { socket, client } = connected();
      const seen = [];
      client.page.on('ok', (d) => seen.push(d));
      assert.doesNotThrow(() => socket.receive(message));
      socket.receive(['ev', 'ok', 1]);
      assert.equal(warn.mock.callCount(), 1);
      assert.match(warn.mock.calls[0].arguments[0], /malformed frame/);
      assert.deepEqual(seen, [1]);
      assert.equal(socket.closedWith, null);
      assert.equal(client.state, 'connected');
    });
  }
});

describe('while the document is loading', () => {
  function loadingDocument() {
    const listeners = [];
    return {
      readyState: 'loading',
      addEventListener: (type, fn) => listeners.push([type, fn]),
      loaded() {
        this.readyState = 'interactive';
        for (const [type, fn] of listeners) if (type === 'DOMContentLoaded') fn();
      },
    };
  }

  it('holds events until DOMContentLoaded, so the page scripts that run after the client see them all', () => {
    const doc = loadingDocument();
    const { socket, client } = connected({ document: doc });
    const seen = [];
    socket.receive(['ev', 'me', { name: 'Guest 1' }]);
    socket.receive(['err', 'x', 'refused']);
    socket.receive(['ev', 'clock', '12:00']);
    // The page's own module script registers its listeners only now.
    client.page.on('me', (d) => seen.push(['me', d]));
    client.page.on('clock', (d) => seen.push(['clock', d]));
    client.on('error', (e) => seen.push(['error', e.code]));
    assert.deepEqual(seen, []);
    doc.loaded();
    assert.deepEqual(seen, [
      ['me', { name: 'Guest 1' }],
      ['error', 'x'],
      ['clock', '12:00'],
    ]);
    socket.receive(['ev', 'clock', '12:01']);
    assert.deepEqual(seen.at(-1), ['clock', '12:01']);
  });

  it('holds events while the document is interactive and DOMContentLoaded has not fired (module scripts still running)', () => {
    const doc = loadingDocument();
    doc.readyState = 'interactive';
    const { socket, client } = connected({ document: doc });
    const seen = [];
    socket.receive(['ev', 'me', 'Guest 2', 1]);
    client.page.on('me', (d) => seen.push(d)); // the page's module script, which ran after the event
    assert.deepEqual(seen, []);
    doc.loaded();
    assert.deepEqual(seen, ['Guest 2']);
  });

  it('dispatches at once when the document has already loaded', () => {
    const { socket, client } = connected({ document: { readyState: 'complete', addEventListener() {} } });
    const seen = [];
    client.page.on('n', (d) => seen.push(d));
    socket.receive(['ev', 'n', 1]);
    assert.deepEqual(seen, [1]);
  });
});
