// Receiver (receiver.js): the server's frames in order, each to the channel it is for (PROTOCOL.md §10, §12.1).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeClock, importModule } from './fakes.mjs';

const { Receiver } = await importModule('receiver.js');
const { Sequencer } = await importModule('sequencer.js');

function receiving({ holding = false } = {}) {
  const clock = fakeClock();
  const seq = new Sequencer(10, clock.setTimeout, clock.clearTimeout, () => false);
  const got = [];
  const held = [];
  const channels = { deliver: (frame) => got.push(['channel', frame]) };
  const receiver = new Receiver(seq, {
    hold: (frame) => holding && held.push(frame) > 0,
    page: { deliver: (frame) => got.push(['page', frame]) },
    channels: () => channels,
    error: (error) => got.push(['error', error]),
    missed: (missed) => got.push(['missed', missed]),
    protocolError: (reason) => got.push(['protocolError', reason]),
  });
  return { seq, got, held, receiver };
}

describe('Receiver', () => {
  it('delivers data frames in order and drops duplicates', () => {
    const { got, seq, receiver } = receiving();
    receiver.accept(['ev', 'a', 1, 1]);
    receiver.accept(['ev', 'a', 1, 1]);
    receiver.accept(['ev', 'b', 2, 2]);
    assert.deepEqual(got, [
      ['page', ['ev', 'a', 1, 1]],
      ['page', ['ev', 'b', 2, 2]],
    ]);
    assert.equal(seq.received, 2);
  });

  it('calls a gap and a malformed number protocol errors, and delivers neither', () => {
    const { got, receiver } = receiving();
    receiver.accept(['ev', 'a', 1, 2]);
    receiver.accept(['ev', 'a', 1, 1.5]);
    assert.deepEqual(got, [
      ['protocolError', 'a sequence gap: expected 1, got 2'],
      ['protocolError', 'a malformed sequence number in a ev frame'],
    ]);
  });

  it('refuses an ack above what the client sent', () => {
    const { got, receiver } = receiving();
    assert.equal(receiver.acked(1), false);
    assert.deepEqual(got, [['protocolError', 'an ack of 1 from the server, above the 0 frames sent']]);
    assert.equal(receiver.acked(0), true);
  });

  it('routes err, missed and channel frames', () => {
    const { got, receiver } = receiving();
    receiver.accept(['err', 'handler_error', 'boom', 1]);
    receiver.accept(['missed', { from: 2, to: 4, reason: 'replay' }]);
    receiver.accept(['chok', 1, 5]);
    assert.deepEqual(got, [
      ['error', { code: 'handler_error', message: 'boom' }],
      ['missed', { from: 2, to: 4, reason: 'replay' }],
      ['channel', ['chok', 1, 5]],
    ]);
  });

  it('lets a held frame wait, numbered, and delivers it when handed back', () => {
    const { got, held, seq, receiver } = receiving({ holding: true });
    receiver.accept(['ev', 'a', 1, 1]);
    assert.deepEqual(got, []);
    assert.equal(seq.received, 1, 'a held frame is received: the server need not send it again');
    receiver.deliver(held[0]);
    assert.deepEqual(got, [['page', ['ev', 'a', 1, 1]]]);
  });
});
