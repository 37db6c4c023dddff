// Negotiation (negotiation.js) on its own: the chain of transports an attempt tries, what the origin
// remembers, and the delay of the next upgrade (PROTOCOL.md §9). negotiation.test.mjs drives it through the client.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeFetch, fakeStorage, fakeWebSocketClass, importModule } from './fakes.mjs';

const { Negotiation } = await importModule('negotiation.js');

function negotiation(options = {}) {
  const storage = fakeStorage();
  const n = new Negotiation(
    { WebSocket: fakeWebSocketClass(), fetch: fakeFetch(), sendBeacon: null, storage, transport: null, ...options },
    'ws://example.test/chat?pagewire=t',
    null,
  );
  return { n, storage };
}

/** Every transport the current attempt would try, in order. */
function chain(n) {
  const names = [];
  do names.push(n.next());
  while (n.hasNext);
  return names;
}

describe('Negotiation', () => {
  it('tries WebSocket, then SSE, then long-polling', () => {
    const { n } = negotiation();
    n.restart();
    assert.deepEqual(chain(n), ['websocket', 'sse', 'longpolling']);
  });

  it('leaves out what the environment cannot run, and refuses a forced transport it cannot', () => {
    const { n } = negotiation({ WebSocket: null });
    n.restart();
    assert.deepEqual(chain(n), ['sse', 'longpolling']);
    assert.equal(n.mayUpgrade, false);
    assert.throws(() => negotiation({ fetch: null, transport: 'sse' }), /"sse" was asked for/);
    assert.throws(() => negotiation({ fetch: null, WebSocket: null }), /neither WebSocket nor fetch/);
  });

  it('remembers the fallback that worked after WebSocket failed, and starts there next time', () => {
    const { n, storage } = negotiation();
    n.restart();
    n.failed(n.next());
    n.settled(n.next());
    assert.equal(JSON.parse(storage.map.get('pagewire.transport')).transport, 'sse');
    n.restart();
    assert.deepEqual(chain(n), ['sse', 'longpolling']);
  });

  it('forgets the fallback once a WebSocket said hello', () => {
    const { n, storage } = negotiation();
    storage.map.set('pagewire.transport', JSON.stringify({ transport: 'longpolling', at: Date.now() }));
    n.settled('websocket');
    assert.equal(storage.map.size, 0);
  });

  it('neither reads nor writes the memory for a forced transport, and never upgrades it', () => {
    const { n, storage } = negotiation({ transport: 'longpolling' });
    n.restart();
    assert.deepEqual(chain(n), ['longpolling']);
    n.settled('longpolling');
    assert.equal(storage.map.size, 0);
    assert.equal(n.mayUpgrade, false);
  });

  it('doubles the delay of the next upgrade after each failure, up to 5 minutes; a WebSocket resets it', () => {
    const { n } = negotiation({ upgradeAfter: 60_000 });
    const seen = [n.upgradeDelay];
    for (let i = 0; i < 4; i++) {
      n.upgradeFailed('sse');
      seen.push(n.upgradeDelay);
    }
    assert.deepEqual(seen, [60_000, 120_000, 240_000, 300_000, 300_000]);
    n.upgraded();
    assert.equal(n.upgradeDelay, 60_000);
  });

  it('opens each transport with the ack in its request, at the URL it was given last', () => {
    const { n } = negotiation();
    const events = { frame() {}, open() {}, end() {} };
    n.setUrl('http://example.test/chat?pagewire=u');
    const socket = n.open('websocket', 7, events);
    assert.equal(socket.name, 'websocket');
    assert.equal(n.httpUrl, 'http://example.test/chat?pagewire=u');
    socket.close(1000, '');
  });

  it('takes its deadlines from a config, and refuses one that is not a positive number', () => {
    const { n } = negotiation();
    assert.equal(n.connectTimeout, 3000);
    n.configure({ connectTimeout: 500 });
    assert.equal(n.connectTimeout, 500);
    assert.throws(() => n.configure({ upgradeAfter: -1 }), /options\.upgradeAfter must be a positive number/);
  });
});
