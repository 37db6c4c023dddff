// ClientState (client-state.js) on its own: the state the page sees and what a final state ends
// (PROTOCOL.md §5). connection.test.mjs and reconnect.test.mjs drive it through the client.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importModule } from './fakes.mjs';

const { ClientState } = await importModule('client-state.js');

/** A state whose host records, in one list, what it was told and in which order. */
function state({ reloadOnExpired = false, channels = true } = {}) {
  const told = [];
  const host = {
    events: { emit: (kind, event) => told.push([kind, event]) },
    channels: () => (channels ? { follow: (s, reason) => told.push(['follow', s, reason]) } : null),
    transport: () => 'sse',
    seq: { clear: () => told.push(['seq.clear']) },
    lifecycle: { detach: () => told.push(['detach']), reload: () => told.push(['reload']) },
    page: { close: (s) => told.push(['page.close', s]) },
    reloadOnExpired,
  };
  return { s: new ClientState(host), told };
}

describe('ClientState', () => {
  it('starts connecting, without a page id', () => {
    const { s } = state();
    assert.equal(s.state, 'connecting');
    assert.equal(s.final, false);
    assert.equal(s.pageId, null);
  });

  it('tells a change to the channels first, then to the state listeners; the same state again is no change', () => {
    const { s, told } = state();
    s.set('connected', null, undefined);
    s.set('connected', null, '');
    assert.deepEqual(told, [
      ['follow', 'connected', ''],
      ['state', { state: 'connected', transport: 'sse', code: null, reason: '' }],
    ]);
  });

  it('takes the page id from a hello that has one', () => {
    const { s } = state({ channels: false });
    s.greeted({ page: 'p-1' });
    s.greeted({});
    assert.equal(s.pageId, 'p-1');
  });

  it('a final state lets go of the kept frames and the window before it is told, then of the calls', () => {
    const { s, told } = state({ channels: false });
    s.finish('closed', 1000, '');
    assert.deepEqual(told, [
      ['seq.clear'],
      ['detach'],
      ['state', { state: 'closed', transport: 'sse', code: 1000, reason: '' }],
      ['page.close', 'closed'],
    ]);
    assert.equal(s.final, true);
    assert.throws(() => s.check('emit', 'chat'), { message: 'pagewire: cannot emit "chat": the channel is closed' });
  });

  it('reloads a page that asked to, had a server side, and lost it (4404, or 4401 after a restart)', () => {
    for (const [code, pageId, reloadOnExpired, reloads] of [
      [4404, 'p', true, true],
      [4401, 'p', true, true],
      [1002, 'p', true, false],
      [4404, null, true, false],
      [4404, 'p', false, false],
    ]) {
      const { s, told } = state({ reloadOnExpired, channels: false });
      if (pageId) s.greeted({ page: pageId });
      s.finish('expired', code, 'gone');
      assert.equal(told.at(-1)[0] === 'reload', reloads, `${code} ${pageId} ${reloadOnExpired}`);
    }
  });
});
