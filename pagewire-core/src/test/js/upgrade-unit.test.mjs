// Upgrade (upgrade.js) on its own: one move from a fallback to WebSocket (PROTOCOL.md §9.5).
// upgrade.test.mjs drives it through the client, over fake sockets and requests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeClock, importModule } from './fakes.mjs';

const { Upgrade } = await importModule('upgrade.js');

/** An upgrade whose WebSocket is a plain record, with a fallback the test drains when it likes. */
function upgrading({ version = true } = {}) {
  const clock = fakeClock();
  const told = [];
  const sockets = [];
  const fallback = {
    drained: null,
    whenDrained(fn) {
      this.drained = fn;
    },
  };
  const upgrade = new Upgrade({
    negotiation: {
      connectTimeout: 3000,
      open(name, ack) {
        const socket = { name, ack, closedWith: null, close: (code, reason) => (socket.closedWith = { code, reason }) };
        sockets.push(socket);
        return socket;
      },
    },
    events: {},
    received: () => 5,
    setTimer: clock.setTimeout,
    clearTimer: clock.clearTimeout,
    acceptVersion: () => version,
    complete: (u) => told.push(['complete', u]),
    failed: (u, code, reason) => told.push(['failed', code, reason]),
  });
  upgrade.begin(fallback);
  return { clock, told, sockets, fallback, upgrade };
}

describe('Upgrade', () => {
  it('opens the WebSocket, with the ack, only once the fallback has drained', () => {
    const { sockets, fallback, upgrade } = upgrading();
    assert.equal(sockets.length, 0);
    fallback.drained();
    assert.equal(sockets.length, 1);
    assert.equal(sockets[0].ack, 5);
    assert.equal(upgrade.openedWith, 5);
  });

  it('opens nothing when cancelled before the fallback drained', () => {
    const { sockets, fallback, upgrade } = upgrading();
    upgrade.cancel(1000, '');
    fallback.drained();
    assert.equal(sockets.length, 0);
  });

  it('fails when the WebSocket says no hello within connectTimeout, closing it with 4408', () => {
    const { clock, told, sockets, fallback } = upgrading();
    fallback.drained();
    clock.advance(3000);
    assert.deepEqual(sockets[0].closedWith, { code: 4408, reason: 'no hello within 3000 ms' });
    assert.deepEqual(told, [['failed', 4408, 'no hello within 3000 ms']]);
  });

  it('completes once the WebSocket said hello and the fallback ended, in either order', () => {
    const a = upgrading();
    a.fallback.drained();
    a.upgrade.greeted({ v: 1, ack: 0 });
    assert.deepEqual(a.told, []);
    assert.equal(a.upgrade.fallbackEnded(4409, 'replaced'), true);
    assert.deepEqual(a.told, [['complete', a.upgrade]]);

    const b = upgrading();
    b.fallback.drained();
    assert.equal(b.upgrade.fallbackEnded(1006, ''), true);
    b.upgrade.greeted({ v: 1, ack: 0 });
    assert.deepEqual(b.told, [['complete', b.upgrade]]);
    assert.deepEqual(b.upgrade.fallbackEnd, { code: 1006, reason: '' });
  });

  it('gives the fallback connectTimeout after the hello to end, then completes anyway', () => {
    const { clock, told, fallback, upgrade } = upgrading();
    fallback.drained();
    upgrade.greeted({ v: 1, ack: 0 });
    clock.advance(2999);
    assert.deepEqual(told, []);
    clock.advance(1);
    assert.deepEqual(told, [['complete', upgrade]]);
  });

  it("leaves 4000, 4401, 4404, and a fallback's end before the WebSocket opened, to the client", () => {
    const { fallback, upgrade } = upgrading();
    assert.equal(upgrade.fallbackEnded(4409, ''), false, 'no WebSocket yet');
    fallback.drained();
    for (const code of [4000, 4401, 4404]) assert.equal(upgrade.fallbackEnded(code, ''), false, `${code}`);
  });

  it('keeps the data frames and the end of a WebSocket that said hello, for the switch', () => {
    const { told, fallback, upgrade } = upgrading();
    fallback.drained();
    upgrade.greeted({ v: 1, ack: 0 });
    upgrade.hold(['ev', 'a', 1, 1]);
    upgrade.socketEnded(1006, '');
    assert.deepEqual(told, []);
    assert.deepEqual(upgrade.buffer, [['ev', 'a', 1, 1]]);
    assert.deepEqual(upgrade.socketEnd, { code: 1006, reason: '' });
  });

  it('fails when the WebSocket ends before its hello, and ignores a hello of an unknown version', () => {
    const a = upgrading();
    a.fallback.drained();
    a.upgrade.socketEnded(1006, '');
    assert.deepEqual(a.told, [['failed', 1006, '']]);

    const b = upgrading({ version: false });
    b.fallback.drained();
    b.upgrade.greeted({ v: 2 });
    assert.equal(b.upgrade.hello, null);
  });
});
