// Reconnects (reconnects.js) on its own: how a connection ends and when the next attempt starts
// (PROTOCOL.md §5). connection.test.mjs, reconnect.test.mjs and events.test.mjs drive it through the
// client, over fake sockets and a fake window.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeClock, importModule } from './fakes.mjs';

const { Reconnects } = await importModule('reconnects.js');
const { Backoff } = await importModule('backoff.js');

/**
 * Reconnects over a Backoff whose waits are half of each step (125, 250, … ms); the rest of the
 * client are records, and `told` lists, in order, what it asked of them.
 */
function reconnects() {
  const clock = fakeClock();
  const told = [];
  const opening = {
    transport: null,
    greeted: false,
    start() {
      told.push(['start']);
      opening.transport = { name: 'websocket', close: (code, reason) => told.push(['close', code, reason]) };
      opening.greeted = false;
    },
    release() {
      const transport = opening.transport;
      opening.transport = null;
      opening.greeted = false;
      return transport;
    },
    failed: (name, code, reason) => told.push(['next transport', name, code, reason]),
  };
  const status = {
    state: 'connecting',
    get final() {
      return status.state === 'closed' || status.state === 'expired';
    },
    set(state, code, reason) {
      if (state === status.state) return;
      status.state = state;
      told.push(['state', state, code, reason]);
    },
    finish(state, code, reason) {
      status.state = state;
      told.push(['finish', state, code, reason]);
    },
  };
  const upgrades = {
    current: null,
    cancel: (code, reason) => upgrades.current && told.push(['cancel upgrade', code, reason]),
  };
  const r = new Reconnects({
    opening,
    upgrades,
    liveness: { stop: () => {} },
    seq: { pause: () => {} },
    status,
    backoff: new Backoff(250, 10_000, () => 0),
    refusedTooLarge: () => told.push(['refused too large']),
    setTimer: clock.setTimeout,
    clearTimer: clock.clearTimeout,
  });
  /** Starts, and lets the first connection say hello. */
  const connect = () => {
    if (!r.started) r.start();
    opening.greeted = true;
    status.state = 'connected';
    told.length = 0;
    return opening.transport;
  };
  return { r, clock, told, opening, upgrades, status, connect };
}

describe('Reconnects', () => {
  it('begins the first attempt when started, and not before', () => {
    const { r, told } = reconnects();
    assert.equal(r.started, false);
    r.start();
    assert.equal(r.started, true);
    assert.deepEqual(told, [['start']]);
  });

  it('reconnects after the back-off when a connection that said hello ends, longer each time', () => {
    const { r, clock, told, connect } = reconnects();
    r.ended(connect(), 1006, 'gone');
    assert.deepEqual(told, [
      ['close', 1000, ''],
      ['state', 'reconnecting', 1006, 'gone'],
    ]);
    assert.deepEqual(clock.pending(), [125]);
    clock.advance(125);
    assert.deepEqual(told.at(-1), ['start']);
    r.ended(connect(), 1006, 'gone');
    assert.deepEqual(clock.pending(), [250]);
  });

  it('tries the next transport when a connection ends before its hello', () => {
    const { r, clock, told, opening } = reconnects();
    r.start();
    r.ended(opening.transport, 1006, 'no route');
    assert.deepEqual(told.slice(1), [
      ['close', 1000, ''],
      ['next transport', 'websocket', 1006, 'no route'],
    ]);
    assert.deepEqual(clock.pending(), []);
  });

  it('ends the client for good at a final close code, with no attempt waiting', (t) => {
    const error = t.mock.method(console, 'error', () => {});
    for (const [code, state] of [
      [4000, 'closed'],
      [4401, 'expired'],
      [4404, 'expired'],
      [4403, 'closed'],
    ]) {
      const { r, clock, told, connect } = reconnects();
      r.ended(connect(), code, 'why');
      assert.deepEqual(told.at(-1), ['finish', state, code, 'why'], `${code}`);
      assert.deepEqual(clock.pending(), []);
    }
    assert.equal(error.mock.callCount(), 1, 'a refusal by the origin rule is logged');
    assert.match(error.mock.calls[0].arguments[0], /refused the channel: why/);
  });

  it('remembers a 1009 for the next hello, and reconnects', () => {
    const { r, told, connect } = reconnects();
    r.ended(connect(), 1009, 'too big');
    assert.deepEqual(told.slice(1), [['refused too large'], ['state', 'reconnecting', 1009, 'too big']]);
  });

  it('ignores the end of a connection it let go of', () => {
    const { r, told, connect } = reconnects();
    connect();
    r.ended({ name: 'sse' }, 1006, '');
    assert.deepEqual(told, []);
  });

  it("leaves the ends of an upgrade's WebSocket, and of the fallback it replaces, to the upgrade", () => {
    const { r, told, upgrades, connect } = reconnects();
    const fallback = connect();
    const socket = { name: 'websocket' };
    const ends = [];
    upgrades.current = {
      socket,
      socketEnded: (code, reason) => ends.push(['socket', code, reason]),
      fallbackEnded: (code, reason) => ends.push(['fallback', code, reason]) > 0 && code === 4409,
    };
    r.ended(socket, 1006, 'broke');
    r.ended(fallback, 4409, 'replaced');
    assert.deepEqual(ends, [
      ['socket', 1006, 'broke'],
      ['fallback', 4409, 'replaced'],
    ]);
    assert.deepEqual(told, []);
    r.ended(fallback, 4000, 'page closed'); // not the upgrade's to decide
    assert.deepEqual(told, [
      ['close', 1000, ''],
      ['cancel upgrade', 1000, ''],
      ['finish', 'closed', 4000, 'page closed'],
    ]);
  });

  it('closes a lost connection with its code and reconnects', () => {
    const { r, clock, told, connect } = reconnects();
    connect();
    r.lost(4408, 'silent');
    assert.deepEqual(told, [
      ['close', 4408, 'silent'],
      ['state', 'reconnecting', 4408, 'silent'],
    ]);
    assert.deepEqual(clock.pending(), [125]);
  });

  it('starts no attempt after finish', () => {
    const { r, clock, connect } = reconnects();
    r.ended(connect(), 1006, '');
    r.finish('closed', 1000, '');
    assert.deepEqual(clock.pending(), []);
  });

  it('starts the waiting attempt at once when the browser is back online, and none when none waits', () => {
    const { r, clock, told, connect } = reconnects();
    connect();
    r.online();
    assert.deepEqual(told, []);
    r.ended(connect(), 1006, '');
    r.online();
    assert.deepEqual(told.at(-1), ['start']);
    assert.deepEqual(clock.pending(), []);
  });

  it('lets go of the connection as the page goes into the back/forward cache, and reconnects at once when it is back', () => {
    const { r, clock, told, connect } = reconnects();
    connect();
    r.freeze();
    assert.deepEqual(told, [
      ['close', 1000, 'page hidden'],
      ['state', 'reconnecting', 1000, 'page hidden'],
    ]);
    assert.deepEqual(clock.pending(), [], 'no attempt while the page is hidden');
    r.thaw();
    assert.deepEqual(told.at(-1), ['start']);
    r.thaw();
    assert.equal(told.filter(([kind]) => kind === 'start').length, 1, 'a connection is being opened already');
  });

  it('waits the first step again after a hello, or back from the back/forward cache', () => {
    const { r, clock, connect } = reconnects();
    r.ended(connect(), 1006, '');
    clock.advance(125);
    r.ended(connect(), 1006, '');
    assert.deepEqual(clock.pending(), [250]);
    clock.advance(250);
    r.greeted();
    r.ended(connect(), 1006, '');
    assert.deepEqual(clock.pending(), [125]);
    clock.advance(125);
    r.ended(connect(), 1006, '');
    r.freeze();
    r.thaw();
    r.ended(connect(), 1006, '');
    assert.deepEqual(clock.pending(), [125]);
  });

  it('does nothing in the back/forward cache before the first attempt, or once final', () => {
    const a = reconnects();
    a.r.freeze();
    assert.deepEqual(a.told, []);
    const b = reconnects();
    b.connect();
    b.r.finish('closed', 1000, '');
    b.told.length = 0;
    b.r.freeze();
    assert.deepEqual(b.told, []);
  });
});
