// Channel (channel.js) on its own: the page's handle on one channel to an endpoint, its state and
// its `opened` promise (PROTOCOL.md §12). channels.test.mjs drives channels through the client.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importModule } from './fakes.mjs';

const { Channel, FAIL, REPORT, checkUsable } = await importModule('channel.js');

/** A channel over a carrier that records what the page asked of it. */
function channel() {
  const told = [];
  const api = new Proxy(
    {},
    {
      get:
        (_, member) =>
        (...args) =>
          told.push([member, ...args]),
    },
  );
  const c = new Channel('/stocks', () => ({ api, close: (reason) => told.push(['close', reason]) }));
  const changes = [];
  c.onState((change) => changes.push(change));
  return { c, told, changes };
}

describe('Channel', () => {
  it('hands events and calls to what carries it', () => {
    const { c, told } = channel();
    c.emit('watch', 'ACME');
    c.call('quote', 'ACME', { timeout: 5 });
    assert.deepEqual(told, [
      ['emit', 'watch', 'ACME'],
      ['call', 'quote', 'ACME', { timeout: 5 }],
    ]);
  });

  it('resolves opened when first open, and tells every change once', async () => {
    const { c, changes } = channel();
    c[REPORT]('open', null, '');
    c[REPORT]('open', null, '');
    c[REPORT]('reconnecting', null, 'network');
    assert.equal(await c.opened, c);
    assert.deepEqual(changes, [
      { state: 'open', code: null, reason: '' },
      { state: 'reconnecting', code: null, reason: 'network' },
    ]);
  });

  it('rejects opened with the code and reason of a refusal, and stays refused', async () => {
    const { c, changes, told } = channel();
    c[REPORT]('refused', 'not_found', 'no endpoint at /stocks');
    c[REPORT]('open', null, '');
    await assert.rejects(c.opened, { code: 'not_found', reason: 'no endpoint at /stocks' });
    assert.equal(c.state, 'refused');
    assert.equal(changes.length, 1);
    c.close('bye');
    assert.deepEqual(told, [], 'closing a channel that is over does nothing');
    assert.throws(() => checkUsable(c, 'emit', 'x'), /cannot emit "x": the channel is refused/);
  });

  it('tells errors to its listeners', () => {
    const { c } = channel();
    const errors = [];
    c.onError((e) => errors.push(e));
    c[FAIL]({ code: 'limit', message: 'too fast' });
    assert.deepEqual(errors, [{ code: 'limit', message: 'too fast' }]);
  });
});
