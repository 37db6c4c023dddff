import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, setup } from './fakes.mjs';

function connected() {
  const env = setup();
  env.socket.hello();
  return env;
}

/** The bytes of a sent binary frame, as a plain array for readable assertions. */
const sentBytes = (socket, i = 0) => {
  assert.ok(socket.sent[i] instanceof ArrayBuffer, 'a binary frame is sent as an ArrayBuffer');
  return [...new Uint8Array(socket.sent[i])];
};

describe('binary events out', () => {
  it('encodes an ArrayBuffer as uint32 BE header length, ["ev", name] in UTF-8, payload', () => {
    const { socket, client } = connected();
    client.page.emit('img', new Uint8Array([1, 2, 3]).buffer);
    // ["ev","img",1] is 14 bytes
    assert.deepEqual(sentBytes(socket), [0, 0, 0, 14, ...Buffer.from('["ev","img",1]'), 1, 2, 3]);
  });

  it('sends only the bytes a typed array views, not its whole buffer', () => {
    const { socket, client } = connected();
    const view = new Uint8Array([9, 9, 4, 5, 9]).subarray(2, 4);
    client.page.emit('a', view);
    assert.deepEqual(sentBytes(socket), [0, 0, 0, 12, ...Buffer.from('["ev","a",1]'), 4, 5]);
  });

  it('accepts a DataView and other typed arrays', () => {
    const { socket, client } = connected();
    client.page.emit('d', new DataView(new Uint8Array([7, 8, 9]).buffer, 1, 1));
    client.page.emit('f', new Uint16Array([0x0102]));
    assert.deepEqual(sentBytes(socket, 0), [0, 0, 0, 12, ...Buffer.from('["ev","d",1]'), 8]);
    const littleEndianPlatform = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    assert.deepEqual(sentBytes(socket, 1).slice(16), littleEndianPlatform ? [2, 1] : [1, 2]);
  });

  it('counts the header length in UTF-8 bytes, not characters', () => {
    const { socket, client } = connected();
    client.page.emit('é', new ArrayBuffer(0));
    const header = Buffer.from('["ev","é",1]');
    assert.equal(header.length, 13);
    assert.deepEqual(sentBytes(socket), [0, 0, 0, 13, ...header]);
  });

  it('queues binary and text events together, in order', () => {
    const { socket, client } = setup();
    client.page.emit('t1', 'a');
    client.page.emit('b', new Uint8Array([1]));
    client.page.emit('t2', 'b');
    socket.hello();
    assert.equal(socket.sent.length, 3);
    assert.equal(socket.sent[0], '["ev","t1","a",1]');
    assert.deepEqual(sentBytes(socket, 1), [0, 0, 0, 12, ...Buffer.from('["ev","b",2]'), 1]);
    assert.equal(socket.sent[2], '["ev","t2","b",3]');
  });

  it('copies the payload at emit time, so later changes do not leak into a queued event', () => {
    const { socket, client } = setup();
    const data = new Uint8Array([1]);
    client.page.emit('b', data);
    data[0] = 2;
    socket.hello();
    assert.deepEqual(sentBytes(socket).at(-1), 1);
  });
});

describe('binary events in', () => {
  it('hands the payload to listeners as an ArrayBuffer', () => {
    const { socket, client } = connected();
    const seen = [];
    client.page.on('img', (data, name) => seen.push([name, data]));
    socket.receive(bytes([0, 0, 0, 12], '["ev","img"]', [0xca, 0xfe, 0x00]));
    assert.equal(seen.length, 1);
    assert.equal(seen[0][0], 'img');
    assert.ok(seen[0][1] instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(seen[0][1])], [0xca, 0xfe, 0x00]);
  });

  it('delivers an empty ArrayBuffer for an empty payload', () => {
    const { socket, client } = connected();
    const seen = [];
    client.page.on('e', (data) => seen.push(data));
    socket.receive(bytes([0, 0, 0, 10], '["ev","e"]'));
    assert.equal(seen[0].byteLength, 0);
  });

  it('decodes what it encodes', () => {
    const { socket, client } = connected();
    client.page.emit('round', new Uint8Array([5, 6, 7]));
    const seen = [];
    client.page.on('round', (data) => seen.push([...new Uint8Array(data)]));
    socket.receive(socket.sent[0]);
    assert.deepEqual(seen, [[5, 6, 7]]);
  });
});
