// Sender (sender.js) on its own: the page's frames on their way to the server (PROTOCOL.md §10, §9.5).
// connection.test.mjs and reliability.test.mjs drive it through the client, over fake sockets and requests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeClock, importModule } from './fakes.mjs';

const { Sender } = await importModule('sender.js');
const { Sequencer } = await importModule('sequencer.js');

/** A sender over a real Sequencer of `max` frames; the connection and the upgrade are records the test sets. */
function sending({ max = 10, greeted = false } = {}) {
  const clock = fakeClock();
  const connection = { name: 'sse', sent: [], byes: 0, send: (frame) => connection.sent.push(frame) };
  connection.bye = () => connection.byes++;
  const opening = { greeted, transport: connection };
  const upgrades = { current: null };
  let sender;
  const seq = new Sequencer(max, clock.setTimeout, clock.clearTimeout, (frame) => sender.control(frame));
  sender = new Sender({ seq, opening, upgrades, state: () => 'connecting' });
  const event = (name) => (n, ack) => JSON.stringify(ack === null ? ['ev', name, null, n] : ['ev', name, null, n, ack]);
  return { sender, seq, opening, upgrades, connection, event };
}

describe('Sender', () => {
  it('sends a data frame at once over a connection that said hello, numbered', () => {
    const { sender, connection, event, seq } = sending({ greeted: true });
    sender.data(event('a'), 'emit "a"');
    sender.data(event('b'), 'emit "b"');
    assert.deepEqual(connection.sent, ['["ev","a",null,1]', '["ev","b",null,2]']);
    assert.equal(seq.lastSent, 2);
  });

  it('keeps data frames before hello and sends them in order with pump', () => {
    const { sender, opening, connection, event } = sending();
    sender.data(event('a'), 'emit "a"');
    sender.data(event('b'), 'emit "b"');
    assert.deepEqual(connection.sent, []);
    opening.greeted = true;
    sender.pump();
    sender.pump();
    assert.deepEqual(connection.sent, ['["ev","a",null,1]', '["ev","b",null,2]'], 'each frame once');
  });

  it('keeps data frames while an upgrade is under way', () => {
    const { sender, upgrades, connection, event } = sending({ greeted: true });
    upgrades.current = { hello: null, socket: null };
    sender.data(event('a'), 'emit "a"');
    sender.pump();
    assert.deepEqual(connection.sent, []);
    upgrades.current = null;
    sender.pump();
    assert.deepEqual(connection.sent, ['["ev","a",null,1]']);
  });

  it('refuses a frame when the queue is full, saying what the channel is doing', () => {
    const { sender, upgrades, event } = sending({ max: 1 });
    sender.data(event('a'), 'emit "a"');
    assert.throws(() => sender.data(event('b'), 'emit "b"'), {
      message:
        'pagewire: cannot emit "b": the queue is full (1 frames are waiting for the server\'s ack while the '
        + 'channel is connecting); raise maxQueuedEvents or emit less',
    });
    upgrades.current = { hello: null, socket: null };
    assert.throws(() => sender.data(event('b'), 'emit "b"'), /while the channel is switching to WebSocket\)/);
  });

  it('sends a control frame only when it can go now', () => {
    const { sender, opening, upgrades, connection } = sending();
    assert.equal(sender.control('["ack",1]'), false);
    opening.greeted = true;
    upgrades.current = { hello: null, socket: null };
    assert.equal(sender.control('["ack",1]'), false, 'not while an upgrade holds frames back');
    upgrades.current = null;
    assert.equal(sender.control('["ack",1]'), true);
    assert.deepEqual(connection.sent, ['["ack",1]']);
  });

  it('flushes what waited, and an ack that no frame carried', () => {
    const { sender, seq, opening, connection, event } = sending();
    sender.data(event('a'), 'emit "a"');
    seq.receive(1);
    opening.greeted = true;
    sender.flush();
    assert.deepEqual(connection.sent, ['["ev","a",null,1,1]'], 'the frame carries the ack');
    seq.receive(2);
    sender.flush();
    assert.deepEqual(connection.sent, ['["ev","a",null,1,1]', '["ack",2]']);
  });

  it("says bye over the page's connection, or over an upgrade's WebSocket once it said hello", () => {
    const { sender, upgrades, connection } = sending({ greeted: true });
    const socket = { byes: 0, bye: () => socket.byes++ };
    upgrades.current = { hello: null, socket };
    sender.bye();
    assert.deepEqual([connection.byes, socket.byes], [1, 0], 'the server reads the fallback until the hello');
    upgrades.current = { hello: { v: 1 }, socket };
    sender.bye();
    assert.deepEqual([connection.byes, socket.byes], [1, 1]);
  });

  it('says no bye without a connection', () => {
    const { sender, opening } = sending();
    opening.transport = null;
    assert.doesNotThrow(() => sender.bye());
  });
});
