// Backoff (backoff.js): the reconnect delays, exponential with "equal jitter" (PROTOCOL.md §5).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importModule } from './fakes.mjs';

const { Backoff } = await importModule('backoff.js');

/** The delays of `count` calls to next() with `random` always returning `r`. */
function delays(initial, max, r, count) {
  const backoff = new Backoff(initial, max, () => r);
  return Array.from({ length: count }, () => backoff.next());
}

describe('Backoff', () => {
  it('doubles the step from the initial delay up to the maximum, then stays there', () => {
    assert.deepEqual(
      delays(250, 10_000, 0.999999, 8).map(Math.round),
      [250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000],
    );
  });

  it('waits at least half of each step ("equal jitter")', () => {
    assert.deepEqual(delays(250, 10_000, 0, 8), [125, 250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('keeps every delay between half and all of its step, with the real Math.random', () => {
    const backoff = new Backoff(100, 1600);
    for (const step of [100, 200, 400, 800, 1600, 1600, 1600]) {
      const delay = backoff.next();
      assert.ok(delay >= step / 2 && delay <= step, `${delay} ms is not within [${step / 2}, ${step}]`);
    }
  });

  it('starts from the first step again after reset', () => {
    const backoff = new Backoff(250, 10_000, () => 0);
    backoff.next();
    backoff.next();
    backoff.next();
    backoff.reset();
    assert.equal(backoff.next(), 125);
  });

  it('takes a maximum below the initial delay as the initial delay', () => {
    assert.deepEqual(delays(1000, 10, 0, 3), [500, 500, 500]);
  });
});
