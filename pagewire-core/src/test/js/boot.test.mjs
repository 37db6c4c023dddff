import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeWebSocketClass, importClient } from './fakes.mjs';

const browserGlobals = ['document', 'window', 'location', 'WebSocket'];
let evaluation = 0;

/** Evaluates a fresh copy of the module in a fake page; `token` null means no pagewire script tag. */
async function bootInPage({ token, protocol = 'http:', host = 'example.test:8080', pathname = '/chat' }) {
  const WebSocket = fakeWebSocketClass();
  const win = new EventTarget();
  Object.assign(globalThis, {
    WebSocket,
    window: win,
    location: { protocol, host, pathname, search: '?room=7' },
    document: {
      querySelector: (selector) => (selector === 'script[data-pagewire-token]' && token != null
        ? { getAttribute: (name) => (name === 'data-pagewire-token' ? token : null) }
        : null),
    },
  });
  const module = await importClient(`page-${++evaluation}`);
  return { module, win, sockets: WebSocket.instances };
}

describe('booting in a page', () => {
  afterEach(() => { for (const name of browserGlobals) delete globalThis[name]; });

  it('opens the page channel on the page path and sets window.pagewire', async () => {
    const { module, win, sockets } = await bootInPage({ token: 'v1.p.1.m+/=' });
    assert.equal(sockets.length, 1);
    assert.equal(sockets[0].url, 'ws://example.test:8080/chat?pagewire=v1.p.1.m%2B%2F%3D', 'the page query string is not reused');
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
    assert.equal(sockets[0].url, 'wss://example.test/chat?pagewire=t');
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
