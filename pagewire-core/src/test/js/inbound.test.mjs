// Inbound (inbound.js) on its own: the server's frames as the transports report them, and the hello
// that makes a connection the page's (PROTOCOL.md §4, §6, §10.3). connection.test.mjs,
// reliability.test.mjs and upgrade.test.mjs drive it through the client, over fake sockets and requests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, fakeClock, importModule } from './fakes.mjs';

const { Inbound } = await importModule('inbound.js');
const { Receiver } = await importModule('receiver.js');
const { Sequencer } = await importModule('sequencer.js');

/**
 * An Inbound over a real Sequencer and Receiver; the rest of the client are records, and `told`
 * lists, in order, what it asked of them.
 */
function inbound({ name = 'websocket' } = {}) {
  const clock = fakeClock();
  const told = [];
  const connection = { name, sent: [], send: (frame) => connection.sent.push(frame) };
  let greeted = false;
  const opening = {
    transport: connection,
    openedWith: 0,
    greet: () => !greeted && (greeted = true),
  };
  const upgrades = { current: null, schedule: () => told.push(['schedule upgrade']) };
  const seq = new Sequencer(10, clock.setTimeout, clock.clearTimeout, () => false);
  let i;
  const receiver = new Receiver(seq, {
    hold: () => false,
    page: { deliver: (frame) => told.push(['deliver', frame]) },
    channels: () => null,
    error: (error) => told.push(['err', error]),
    missed: () => {},
    protocolError: (reason) => i.protocolError(reason),
  });
  i = new Inbound({
    opening,
    upgrades,
    receiver,
    seq,
    sender: { pump: () => told.push(['pump']) },
    liveness: { heard: () => told.push(['heard']), hello: (heartbeat) => told.push(['heartbeat', heartbeat]) },
    status: {
      greeted: (hello) => told.push(['page', hello.page]),
      set: (state, code, reason) => told.push(['state', state, code, reason]),
    },
    reconnects: {
      greeted: () => told.push(['greeted']),
      lost: (code, reason) => told.push(['lost', code, reason]),
      abandon: (code, reason) => told.push(['abandon', code, reason]),
      finish: (state, code, reason) => told.push(['finish', state, code, reason]),
    },
    error: (error) => told.push(['error', error]),
  });
  const receive = (frame, from = connection) => i.frame(from, JSON.stringify(frame));
  return { i, told, connection, opening, upgrades, seq, receive };
}

/** A hello object of protocol version 1. */
const hello = (fields = {}) => ({ v: 1, page: 'p', heartbeat: 1000, ...fields });

describe('Inbound', () => {
  it("makes the connection that says hello the page's: page id, heartbeat, resume, then connected", () => {
    const { told, receive } = inbound();
    receive(['hello', hello()]);
    assert.deepEqual(told, [
      ['heard'],
      ['page', 'p'],
      ['heartbeat', 1000],
      ['greeted'],
      ['pump'],
      ['state', 'connected', null, ''],
    ]);
  });

  it('tries WebSocket later only on a fallback', () => {
    const { told, receive } = inbound({ name: 'sse' });
    receive(['hello', hello()]);
    assert.deepEqual(told.at(-1), ['schedule upgrade']);
  });

  it('takes only the page id and heartbeat of a second hello on one connection', () => {
    const { told, receive } = inbound();
    receive(['hello', hello()]);
    told.length = 0;
    receive(['hello', hello({ page: 'q', heartbeat: 2000 })]);
    assert.deepEqual(told, [['heard'], ['page', 'q'], ['heartbeat', 2000]]);
  });

  it('expires the client at a hello of a protocol version it does not know', () => {
    const { i, told, receive } = inbound();
    receive(['hello', hello({ v: 2 })]);
    assert.deepEqual(told, [
      ['heard'],
      ['abandon', 1000, 'unsupported protocol version 2'],
      ['finish', 'expired', 1002, 'unsupported protocol version 2'],
    ]);
    assert.equal(i.acceptVersion(hello()), true);
  });

  it('lets go of what the server acked in hello, and refuses an ack of frames never sent', (t) => {
    const warn = t.mock.method(console, 'warn', () => {});
    const { told, seq, receive } = inbound();
    receive(['hello', hello({ ack: 1 })]);
    assert.deepEqual(told.at(-1), ['lost', 4400, 'an ack of 1 from the server, above the 0 frames sent']);
    assert.match(warn.mock.calls[0].arguments[0], /an ack of 1 .*; reconnecting$/);
    assert.equal(seq.lastSent, 0);
  });

  it('gives up the first kept frame at the hello after a 1009, and says so', () => {
    const { i, told, seq, receive } = inbound();
    const dropped = [];
    seq.add(
      (n) => `["ev","big",null,${n}]`,
      () => dropped.push('big'),
    );
    seq.add((n) => `["ev","small",null,${n}]`);
    i.refusedTooLarge();
    receive(['hello', hello()]);
    assert.deepEqual(dropped, ['big']);
    assert.deepEqual(told[4], [
      'error',
      {
        code: 'message_too_large',
        message: 'the server refused frame 1 as larger than its maxMessageBytes (close 1009); it is not sent again',
      },
    ]);
    assert.deepEqual([...seq.unsent()], ['["ev","small",null,1]'], 'the next frame takes its number');
  });

  it('gives up nothing at a later hello, nor when nothing is kept', () => {
    const { i, told, seq, receive, opening } = inbound();
    i.refusedTooLarge();
    receive(['hello', hello()]);
    seq.add((n) => `["ev","a",null,${n}]`);
    opening.greet = () => true; // a new connection
    receive(['hello', hello()]);
    assert.equal(seq.lastSent, 1);
    assert.equal(told.filter(([kind]) => kind === 'error').length, 0);
  });

  it('answers ping with pong, ignores pong, and hands acks and data frames to the receiver', () => {
    const { told, connection, seq, receive } = inbound();
    receive(['hello', hello()]);
    told.length = 0;
    seq.add((n) => `["ev","a",null,${n}]`);
    receive(['ping']);
    receive(['pong']);
    receive(['ack', 1]);
    receive(['ev', 'x', 1, 1]);
    assert.deepEqual(connection.sent, ['["pong"]']);
    assert.equal(seq.lastSent, 1);
    assert.deepEqual([...seq.unsent()], [], 'the acked frame is let go of');
    assert.deepEqual(told, [['heard'], ['heard'], ['heard'], ['heard'], ['deliver', ['ev', 'x', 1, 1]]]);
  });

  it('drops a frame it cannot read with a warning, and keeps the connection', (t) => {
    const warn = t.mock.method(console, 'warn', () => {});
    const { i, told, connection } = inbound();
    i.frame(connection, '["ev",');
    i.frame(connection, bytes([0, 0, 0, 9], '["ev"'));
    assert.equal(warn.mock.callCount(), 2);
    assert.match(warn.mock.calls[0].arguments[0], /^pagewire: ignoring a malformed frame from the server: /);
    assert.deepEqual(told, [['heard'], ['heard']], 'a frame that cannot be read still proves the connection alive');
  });

  it('ignores frames of a connection the client let go of', () => {
    const { told, receive } = inbound();
    const old = { name: 'websocket', send: () => assert.fail('no pong on an old connection') };
    receive(['ping'], old);
    receive(['hello', hello()], old);
    assert.deepEqual(told, []);
  });

  it("gives an upgrade's WebSocket its hello and keeps its data frames in the upgrade; its pings are answered on it", () => {
    const { told, upgrades, receive } = inbound({ name: 'sse' });
    const socket = { name: 'websocket', sent: [], send: (frame) => socket.sent.push(frame) };
    const upgrade = { socket, hellos: [], held: [] };
    upgrade.greeted = (h) => upgrade.hellos.push(h);
    upgrade.hold = (frame) => upgrade.held.push(frame);
    upgrades.current = upgrade;
    receive(['hello', hello()], socket);
    receive(['ev', 'x', 1, 1], socket);
    receive(['ping'], socket);
    assert.deepEqual(upgrade.hellos, [hello()]);
    assert.deepEqual(upgrade.held, [['ev', 'x', 1, 1]]);
    assert.deepEqual(socket.sent, ['["pong"]']);
    assert.deepEqual(told, [['heard'], ['heard'], ['heard']]);
  });
});
