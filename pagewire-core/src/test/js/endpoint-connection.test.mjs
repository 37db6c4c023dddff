// endpointConnection (endpoint-connection.js) on its own: the options of a page's connection to an
// endpoint of another origin (PROTOCOL.md §12.2). channels.test.mjs drives such connections end to end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importModule } from './fakes.mjs';

const { endpointConnection } = await importModule('endpoint-connection.js');

function page() {
  const WebSocket = class {};
  const fetch = () => {};
  const sendBeacon = () => true;
  const storage = { getItem() {}, setItem() {}, removeItem() {} };
  const window = {};
  const setTimer = () => 1;
  const clearTimer = () => {};
  const options = { document: null, reconnect: { maxDelayMs: 1 }, maxQueuedEvents: 5, transport: 'sse', token: 'page' };
  return {
    options,
    negotiation: { WebSocket, http: { fetch, sendBeacon }, storage, httpUrl: 'https://page.test/chat?pagewire=t' },
    window,
    setTimer,
    clearTimer,
  };
}

describe('endpointConnection', () => {
  it("is of the page's kind, to the endpoint's URL, remembered under its origin, without the page's token", () => {
    const p = page();
    const { options, endpoint } = endpointConnection(p, 'https://quotes.test/stocks', 'https://quotes.test', false);
    assert.deepEqual(options, {
      url: 'https://quotes.test/stocks',
      WebSocket: p.negotiation.WebSocket,
      fetch: p.negotiation.http.fetch,
      sendBeacon: null,
      storage: p.negotiation.storage,
      window: p.window,
      document: null,
      setTimeout: p.setTimer,
      clearTimeout: p.clearTimer,
      reconnect: p.options.reconnect,
      maxQueuedEvents: 5,
      transport: 'sse',
    });
    assert.deepEqual(endpoint, { storageKey: 'pagewire.transport:https://quotes.test', credentials: 'omit' });
  });

  it('with credentials its requests carry cookies, and so may its bye by beacon', () => {
    const p = page();
    const { options, endpoint } = endpointConnection(p, 'https://quotes.test/stocks', 'https://quotes.test', true);
    assert.equal(options.sendBeacon, p.negotiation.http.sendBeacon);
    assert.equal(endpoint.credentials, 'include');
  });

  it("to the page's own origin it shares the page's memory key", () => {
    const { endpoint } = endpointConnection(page(), 'https://page.test/x', 'https://page.test', false);
    assert.equal(endpoint.storageKey, 'pagewire.transport');
  });
});
