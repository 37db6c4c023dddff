// Opening (opening.js) on its own: one attempt walks the chain of transports, each but the last with
// connectTimeout to prove itself, until one says hello (PROTOCOL.md §9.3, §9.4). negotiation.test.mjs
// drives it through the client, over fake sockets and requests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeClock, importModule } from './fakes.mjs';

const { Opening } = await importModule('opening.js');

/** An opening over a plain negotiation of `names`, whose transports are records; `told` lists what it asked of the client. */
function opening(names = ['websocket', 'sse', 'longpolling'], { throwing = [] } = {}) {
  const clock = fakeClock();
  const told = [];
  const opened = [];
  let chain = [];
  const negotiation = {
    connectTimeout: 3000,
    restart: () => (chain = [...names]),
    next: () => chain.shift(),
    get hasNext() {
      return chain.length > 0;
    },
    open(name, ack) {
      if (throwing.includes(name)) throw new TypeError(`no ${name} here`);
      const transport = { name, ack };
      opened.push(transport);
      return transport;
    },
    failed: (name) => told.push(['failed', name]),
    settled: (name) => told.push(['settled', name]),
  };
  let received = 7;
  const o = new Opening({
    negotiation,
    events: {},
    received: () => received,
    setTimer: clock.setTimeout,
    clearTimer: clock.clearTimeout,
    opened: () => told.push(['opened']),
    abandon: (code, reason) => {
      told.push(['abandon', code, reason]);
      o.release();
    },
    exhausted: (code, reason) => told.push(['exhausted', code, reason]),
  });
  return { o, clock, told, opened, setReceived: (n) => (received = n) };
}

describe('Opening', () => {
  it('opens the first transport with the client ack and gives it connectTimeout while there is a next one', () => {
    const { o, clock, told, opened } = opening();
    o.start();
    assert.deepEqual(opened, [{ name: 'websocket', ack: 7 }]);
    assert.equal(o.transport, opened[0]);
    assert.equal(o.openedWith, 7);
    assert.equal(o.greeted, false);
    assert.deepEqual(told, [['opened']]);
    assert.deepEqual(clock.pending(), [3000]);
  });

  it('gives a transport up after connectTimeout: a WebSocket without hello, a fallback without open frame', () => {
    const { o, clock, told, opened } = opening();
    o.start();
    clock.advance(3000);
    assert.deepEqual(told.slice(1, 3), [
      ['abandon', 4408, 'no hello within 3000 ms'],
      ['failed', 'websocket'],
    ]);
    assert.equal(o.transport, opened[1]);
    clock.advance(3000);
    assert.deepEqual(told.slice(4, 6), [
      ['abandon', 4408, 'no open frame within 3000 ms'],
      ['failed', 'sse'],
    ]);
    assert.equal(o.transport.name, 'longpolling');
    assert.deepEqual(clock.pending(), [], 'the last transport has no deadline of its own');
  });

  it("a fallback whose open frame arrived has proved itself: no deadline; another transport's frame counts for nothing", () => {
    const { o, clock, opened } = opening(['sse', 'longpolling']);
    o.start();
    o.opened({ name: 'sse' });
    assert.deepEqual(clock.pending(), [3000]);
    o.opened(opened[0]);
    assert.deepEqual(clock.pending(), []);
  });

  it('tells the client when the last transport failed too', () => {
    const { o, told } = opening(['sse', 'longpolling']);
    o.start();
    o.failed('sse', 1006, 'broke');
    o.failed('longpolling', 1006, 'broke too');
    assert.deepEqual(told.at(-1), ['exhausted', 1006, 'broke too']);
  });

  it('tries the next transport at once when one cannot be opened; null code when none could', () => {
    const { o, told, opened } = opening(['websocket', 'sse'], { throwing: ['websocket', 'sse'] });
    o.start();
    assert.deepEqual(opened, []);
    assert.deepEqual(told, [
      ['failed', 'websocket'],
      ['failed', 'sse'],
      ['exhausted', null, 'no sse here'],
    ]);
  });

  it('a hello ends the attempt once: the deadline stops and the negotiation learns which transport worked', () => {
    const { o, clock, told } = opening();
    o.start();
    assert.equal(o.greet(), true);
    assert.equal(o.greeted, true);
    assert.deepEqual(told.at(-1), ['settled', 'websocket']);
    assert.deepEqual(clock.pending(), []);
    assert.equal(o.greet(), false, 'a second hello on one connection');
  });

  it("lets go of its transport, and an upgrade's WebSocket replaces the fallback, keeping the hello", () => {
    const { o, clock, opened, setReceived } = opening(['sse']);
    o.start();
    o.greet();
    const socket = { name: 'websocket' };
    assert.equal(o.replace(socket, 9), opened[0]);
    assert.equal(o.transport, socket);
    assert.equal(o.openedWith, 9);
    assert.equal(o.greeted, true);
    assert.equal(o.release(), socket);
    assert.equal(o.transport, null);
    assert.equal(o.greeted, false);
    setReceived(11);
    o.start();
    assert.equal(o.openedWith, 11);
    assert.deepEqual(clock.pending(), []);
  });
});
