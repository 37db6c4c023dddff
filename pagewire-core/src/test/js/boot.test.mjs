import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeFetch, fakeWebSocketClass, importClient } from './fakes.mjs';

const browserGlobals = ['document', 'window', 'location', 'WebSocket'];
const nodeFetch = globalThis.fetch;
let evaluation = 0;

/**
 * Evaluates a fresh copy of the module in a fake page; `token` null means no pagewire script tag,
 * `config` is its data-pagewire-config attribute.
 */
async function bootInPage({
  token,
  config = null,
  protocol = 'http:',
  host = 'example.test:8080',
  pathname = '/chat',
  search = '?room=7',
}) {
  const WebSocket = fakeWebSocketClass();
  const win = new EventTarget();
  const fetch = fakeFetch();
  const attributes = { 'data-pagewire-token': token, 'data-pagewire-config': config };
  Object.assign(globalThis, {
    WebSocket,
    fetch,
    window: win,
    location: { protocol, host, pathname, search },
    document: {
      querySelector: (selector) =>
        selector === 'script[data-pagewire-token]' && token != null
          ? { getAttribute: (name) => attributes[name] ?? null }
          : null,
    },
  });
  const module = await importClient(`page-${++evaluation}`);
  return { module, win, fetch, sockets: WebSocket.instances };
}

/** Waits, on real timers, until `condition` holds; fails after `ms`. */
async function until(condition, ms = 1000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`not within ${ms} ms: ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('booting in a page', () => {
  afterEach(() => {
    for (const name of browserGlobals) delete globalThis[name];
    globalThis.fetch = nodeFetch;
  });

  it('opens the page channel on the page path and sets window.pagewire', async () => {
    const { module, win, sockets } = await bootInPage({ token: 'v1.p.1.m+/=' });
    assert.equal(sockets.length, 1);
    assert.equal(
      sockets[0].url,
      'ws://example.test:8080/chat?pagewire=v1.p.1.m%2B%2F%3D&ack=0',
      'the page query string is not reused',
    );
    assert.ok(module.pagewire);
    assert.equal(module.default, module.pagewire);
    assert.equal(win.pagewire, module.pagewire);
    sockets[0].hello('p');
    assert.equal(win.pagewire.state, 'connected');
    assert.equal(win.pagewire.pageId, 'p');
    win.pagewire.close();
  });

  it('uses wss: on an https: page', async () => {
    const { sockets, win } = await bootInPage({ token: 't', protocol: 'https:', host: 'example.test' });
    assert.equal(sockets[0].url, 'wss://example.test/chat?pagewire=t&ack=0');
    win.pagewire.close();
  });

  it('follows the page lifecycle of the window', async () => {
    const { sockets, win } = await bootInPage({ token: 't' });
    sockets[0].hello('p');
    const event = new Event('pagehide');
    Object.defineProperty(event, 'persisted', { value: false });
    win.dispatchEvent(event);
    assert.deepEqual(sockets[0].sent, ['["bye"]']);
    assert.equal(win.pagewire.state, 'closed');
  });

  it('takes connectTimeout from data-pagewire-config', async () => {
    const { sockets, fetch, win } = await bootInPage({
      token: 't',
      config: '{"connectTimeout":20,"upgradeAfter":10000}',
    });
    sockets[0].open();
    // With the default 3000 ms this would time out.
    await until(() => fetch.requests.length === 1);
    assert.equal(fetch.requests[0].url, 'http://example.test:8080/chat?pagewire=t&transport=sse&ack=0');
    win.pagewire.close();
  });

  it('takes reloadOnExpired from data-pagewire-config: a page the server forgot reloads', async () => {
    const { sockets, win } = await bootInPage({ token: 't', config: '{"reloadOnExpired":true}' });
    let reloads = 0;
    globalThis.location.reload = () => {
      reloads++;
    };
    sockets[0].hello();
    sockets[0].serverClose(4404, 'no such page');
    assert.equal(win.pagewire.state, 'expired');
    assert.equal(reloads, 1);
  });

  it('warns about a data-pagewire-config that is not JSON and uses the defaults', async (t) => {
    const warn = t.mock.method(console, 'warn', () => {});
    const { sockets, win } = await bootInPage({ token: 't', config: '{connectTimeout:1' });
    assert.equal(warn.mock.callCount(), 1);
    assert.match(warn.mock.calls[0].arguments[0], /data-pagewire-config/);
    assert.equal(sockets.length, 1);
    win.pagewire.close();
  });

  it('uses the transport the page URL forces with pagewire-transport', async () => {
    const { sockets, fetch, win } = await bootInPage({
      token: 't',
      protocol: 'https:',
      host: 'example.test',
      search: '?pagewire-transport=longpolling',
    });
    assert.equal(sockets.length, 0);
    assert.equal(fetch.requests[0].url, 'https://example.test/chat?pagewire=t&transport=longpolling&ack=0');
    win.pagewire.close();
  });

  it('a second copy in the same page takes the page client of the first: one channel', async () => {
    const { module, win, sockets } = await bootInPage({ token: 't' });
    const second = await importClient(`page-${++evaluation}`);
    assert.equal(sockets.length, 1, 'no second socket');
    assert.equal(second.pagewire, module.pagewire);
    assert.equal(second.default, module.pagewire);
    assert.equal(win.pagewire, module.pagewire);
    win.pagewire.close();
  });

  it('does nothing in a page without the pagewire script tag', async () => {
    const { module, win, sockets } = await bootInPage({ token: null });
    assert.equal(module.pagewire, null);
    assert.equal(module.default, null);
    assert.equal(win.pagewire, undefined);
    assert.equal(sockets.length, 0);
  });
});

describe('outside a page', () => {
  it('can be imported without a document and exports no client', async () => {
    const module = await importClient('node');
    assert.equal(module.pagewire, null);
    assert.equal(module.default, null);
    assert.equal(typeof module.connect, 'function');
  });
});
