// Upgrades (upgrades.js) on its own: when a page on a fallback tries WebSocket, one Upgrade at a
// time (PROTOCOL.md §9.5). upgrade.test.mjs drives whole upgrades through the client.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeClock, importModule } from './fakes.mjs';

const { Upgrades } = await importModule('upgrades.js');

function upgrades({ mayUpgrade = true, connected = true } = {}) {
  const clock = fakeClock();
  const told = [];
  const fallback = { name: 'sse', drained: null, whenDrained: (fn) => (fallback.drained = fn) };
  const host = {
    negotiation: {
      mayUpgrade,
      upgradeDelay: 10_000,
      connectTimeout: 3000,
      open: (name) => ({ name, close: () => {} }),
      upgradeFailed: (name) => told.push(['upgradeFailed', name]),
    },
    events: {},
    opening: { transport: fallback },
    receiver: {},
    seq: { received: 0 },
    setTimer: clock.setTimeout,
    clearTimer: clock.clearTimeout,
    connected: () => connected,
    acceptVersion: () => true,
    applyHello: () => {},
    flush: () => told.push(['flush']),
    lost: (code, reason) => told.push(['lost', code, reason]),
    ended: () => {},
    switched: (change) => told.push(['switched', change]),
  };
  return { u: new Upgrades(host), clock, told, fallback };
}

describe('Upgrades', () => {
  it("begins an upgrade after the negotiation's delay, which holds frames back until it is over", () => {
    const { u, clock, fallback } = upgrades();
    u.schedule();
    assert.deepEqual(clock.pending(), [10_000]);
    assert.equal(u.current, null);
    clock.advance(10_000);
    assert.notEqual(u.current, null);
    assert.equal(typeof fallback.drained, 'function', 'the WebSocket waits for the fallback to drain');
  });

  it('is not tried when the negotiation says no (forced transport, no WebSocket) or the page is not connected', () => {
    for (const options of [{ mayUpgrade: false }, { connected: false }]) {
      const { u, clock } = upgrades(options);
      u.schedule();
      assert.deepEqual(clock.pending(), []);
    }
  });

  it('a failed upgrade sends what waited over the fallback and tries again later', () => {
    const { u, clock, told, fallback } = upgrades();
    u.schedule();
    clock.advance(10_000);
    fallback.drained();
    clock.advance(3000); // no hello from the WebSocket
    assert.equal(u.current, null);
    assert.deepEqual(told, [['upgradeFailed', 'sse'], ['flush']]);
    assert.deepEqual(clock.pending(), [10_000]);
  });

  it('cancelled, nothing waits and nothing goes on', () => {
    const { u, clock, fallback } = upgrades();
    u.schedule();
    clock.advance(10_000);
    const upgrade = u.current;
    u.cancel(1000, '');
    assert.equal(u.current, null);
    fallback.drained();
    assert.equal(upgrade.socket, null, 'no WebSocket opened after the cancel');
    u.schedule();
    u.cancel(1000, '');
    assert.deepEqual(clock.pending(), []);
  });
});
