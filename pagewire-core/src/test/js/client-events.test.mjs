// ClientEvents (client-events.js): the listeners of the client itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importModule } from './fakes.mjs';

const { ClientEvents } = await importModule('client-events.js');

describe('ClientEvents', () => {
  it('tells the listeners of a kind in order; the remover and off take one away', () => {
    const events = new ClientEvents();
    const got = [];
    const remove = events.on('state', (e) => got.push(['a', e]));
    const b = (e) => got.push(['b', e]);
    events.on('state', b);
    events.emit('state', 1);
    remove();
    events.emit('state', 2);
    events.off('state', b);
    events.emit('state', 3);
    assert.deepEqual(got, [
      ['a', 1],
      ['b', 1],
      ['b', 2],
    ]);
  });

  it('refuses an unknown kind, pointing to the page for its events', () => {
    assert.throws(() => new ClientEvents().on('chat', () => {}), /client\.page\.on\("chat", fn\)/);
    assert.throws(() => new ClientEvents().on('state', 'nope'), TypeError);
  });

  it('logs a server error only when no one listens to "error"', (t) => {
    const warn = t.mock.method(console, 'warn', () => {});
    const events = new ClientEvents();
    events.serverError({ code: 'handler_error', message: 'boom' });
    assert.equal(warn.mock.callCount(), 1);
    const got = [];
    events.on('error', (e) => got.push(e));
    events.serverError({ code: 'x', message: 'y' });
    assert.equal(warn.mock.callCount(), 1);
    assert.deepEqual(got, [{ code: 'x', message: 'y' }]);
  });

  it('runs the other listeners when one throws', (t) => {
    t.mock.method(console, 'error', () => {});
    const events = new ClientEvents();
    const got = [];
    events.on('missed', () => {
      throw new Error('faulty');
    });
    events.on('missed', (e) => got.push(e));
    events.emit('missed', { from: 1, to: 2, reason: '' });
    assert.equal(got.length, 1);
  });
});
