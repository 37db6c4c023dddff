// HttpTransport (http-link.js) on its own: what SSE and long-polling share as transports (PROTOCOL.md §8).
// fallback.test.mjs drives both fallbacks through the client, over fake requests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeBeacon, fakeFetch, importModule, settle } from './fakes.mjs';

const { HttpTransport } = await importModule('http-link.js');

/** A transport named `name` whose read loop only keeps its link; `told` lists what it reported. */
function transport(name = 'sse') {
  const fetch = fakeFetch();
  const sendBeacon = fakeBeacon();
  const told = [];
  const events = {
    frame: (from, data) => told.push(['frame', from, data]),
    open: (from) => told.push(['open', from]),
    end: (from, code, reason) => told.push(['end', from, code, reason]),
  };
  let link = null;
  const t = new HttpTransport(
    name,
    'http://example.test/chat?pagewire=t',
    { fetch, sendBeacon, credentials: 'same-origin' },
    events,
    (l) => (link = l),
  );
  return { t, link, fetch, sendBeacon, told };
}

describe('HttpTransport', () => {
  it('has its name and hands its link to read at once, reported as itself', () => {
    const { t, link, told } = transport('longpolling');
    assert.equal(t.name, 'longpolling');
    assert.notEqual(link, null);
    link.receive('["open","c1"]');
    link.receive('["ev","a",1,1]');
    assert.deepEqual(told, [
      ['open', t],
      ['frame', t, '["ev","a",1,1]'],
    ]);
  });

  it("sends through its link's POSTs, and is drained once they are answered", async () => {
    const { t, link, fetch } = transport();
    link.receive('["open","c1"]');
    t.send('["ev","a",null,1]');
    let drained = false;
    t.whenDrained(() => (drained = true));
    await settle();
    assert.deepEqual(fetch.last('post').lines(), ['["ev","a",null,1]']);
    assert.equal(drained, false);
    fetch.last('post').reply(204);
    await settle();
    assert.equal(drained, true);
  });

  it('says bye with a beacon and closes its link, which reports nothing more', () => {
    const { t, link, sendBeacon, told } = transport();
    link.receive('["open","c1"]');
    t.bye();
    assert.deepEqual(
      sendBeacon.beacons.map((b) => b.data),
      ['["bye"]'],
    );
    assert.equal(link.ended, true);
    link.receive('["ev","a",1,1]');
    assert.deepEqual(told, [['open', t]]);
  });

  it('closes its link without a report', () => {
    const { t, link, told } = transport();
    t.close();
    assert.equal(link.ended, true);
    assert.deepEqual(told, []);
  });
});
