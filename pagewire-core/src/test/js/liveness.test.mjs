// Liveness (liveness.js): a connection silent for twice the heartbeat plus 5 s is gone (PROTOCOL.md §4).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeClock, importModule } from './fakes.mjs';

const { Liveness, DEFAULT_HEARTBEAT_MS } = await importModule('liveness.js');

function watched() {
  const clock = fakeClock();
  const silent = [];
  const liveness = new Liveness(clock.setTimeout, clock.clearTimeout, (reason) => silent.push(reason));
  return { clock, silent, liveness };
}

describe('Liveness', () => {
  it('gives the server twice the default heartbeat plus 5 s before any hello', () => {
    const { clock, silent, liveness } = watched();
    liveness.heard();
    assert.equal(liveness.timeout, 2 * DEFAULT_HEARTBEAT_MS + 5000);
    clock.advance(45_000 - 1);
    assert.deepEqual(silent, []);
    clock.advance(1);
    assert.deepEqual(silent, ['nothing received from the server for 45000 ms']);
  });

  it('starts the deadline again at every frame', () => {
    const { clock, silent, liveness } = watched();
    liveness.heard();
    clock.advance(40_000);
    liveness.heard();
    clock.advance(40_000);
    assert.deepEqual(silent, []);
    assert.deepEqual(clock.pending(), [5000], 'one timer, never one per frame');
  });

  it('takes the heartbeat of hello, and the default for one that is missing or not positive', () => {
    const { clock, silent, liveness } = watched();
    liveness.hello(1000);
    clock.advance(7000);
    assert.deepEqual(silent, ['nothing received from the server for 7000 ms']);
    for (const heartbeat of [undefined, 0, -5, NaN, Infinity, '1000']) {
      liveness.hello(heartbeat);
      assert.equal(liveness.timeout, 45_000, `heartbeat ${String(heartbeat)}`);
    }
  });

  it('keeps the heartbeat for the next connections', () => {
    const { clock, liveness } = watched();
    liveness.hello(2000);
    liveness.stop();
    liveness.heard();
    assert.deepEqual(clock.pending(), [9000]);
  });

  it('says nothing once stopped', () => {
    const { clock, silent, liveness } = watched();
    liveness.heard();
    liveness.stop();
    clock.advance(120_000);
    assert.deepEqual(silent, []);
    assert.deepEqual(clock.pending(), []);
  });
});
