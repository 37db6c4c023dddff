// The bundle pages load (tools/bundle-client.mjs, built by Maven into target/generated-resources):
// one self-contained module that exposes what client.js exposes, what client.d.ts promises, and
// boots a page the same way. Run by Maven after generate-resources; alone, it needs
// `mvn -o -q -pl pagewire-core generate-resources` first.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fakeFetch, fakeWebSocketClass, importClient } from './fakes.mjs';

const source = fileURLToPath(new URL('../../main/resources/dev/pagewire/client/', import.meta.url));
const built = fileURLToPath(
  new URL('../../../target/generated-resources/client/dev/pagewire/client/bundle/', import.meta.url),
);
const missing = !existsSync(join(built, 'client-bundle.json'));
if (missing && process.env.CI === 'true') {
  throw new Error(`no bundle in ${built}: Maven builds it in pagewire-core's generate-resources phase`);
}
const skip = missing && `no bundle in ${built}; run mvn -o -q -pl pagewire-core generate-resources first`;

// Node reads a .js file as CommonJS outside a folder whose package.json says "module".
const dir = mkdtempSync(join(tmpdir(), 'pagewire-bundle-'));
writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
if (!missing) copyFileSync(join(built, 'client.min.js'), join(dir, 'client.js'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let evaluation = 0;
const importBundle = () => import(`${pathToFileURL(join(dir, 'client.js')).href}?${++evaluation}`);

/** Every property name along the prototype chain of `object`, but Object's own. */
function api(object) {
  const names = new Set();
  for (let o = object; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) if (name !== 'constructor') names.add(name);
  }
  return [...names].sort();
}

/** The members client.d.ts declares for `interface name`, with those of the interface it extends. */
function declared(types, name) {
  const block = types.match(new RegExp(`^export interface ${name}(?: extends (\\w+))? \\{\\n([\\s\\S]*?)^\\}`, 'm'));
  assert.ok(block, `client.d.ts declares interface ${name}`);
  const own = [...block[2].matchAll(/^ {2}(?:readonly )?(\w+)\??[(<:]/gm)].map((m) => m[1]);
  return [...new Set([...(block[1] ? declared(types, block[1]) : []), ...own])].sort();
}

/** A client of `connect` on fakes, its page channel and a channel to an endpoint. */
function objects(connect) {
  const client = connect({ url: 'ws://example.test/chat', token: 't', WebSocket: fakeWebSocketClass(), storage: null });
  const channel = client.open('/stats');
  const result = { client, page: client.page, channel };
  client.close();
  return result;
}

describe('the bundle', { skip }, () => {
  it('is one module, named by the hash of its code, with its source map beside it', () => {
    const manifest = JSON.parse(readFileSync(join(built, 'client-bundle.json'), 'utf8'));
    const text = readFileSync(join(built, 'client.min.js'), 'utf8');
    const comment = `//# sourceMappingURL=client.${manifest.hash}.js.map\n`;
    assert.ok(text.endsWith(comment), text.slice(-100));
    const code = text.slice(0, -comment.length);
    assert.equal(manifest.hash, createHash('sha256').update(code).digest('hex').slice(0, 16));
    assert.equal(manifest.file, `client.${manifest.hash}.js`);
    assert.doesNotMatch(code, /(^|[;}])import[\s{*"']/, 'nothing left to import');

    const map = JSON.parse(readFileSync(join(built, 'client.min.js.map'), 'utf8'));
    const modules = readdirSync(source).filter((n) => n.endsWith('.js'));
    assert.deepEqual([...map.sources].sort(), modules.sort(), 'every module, named as the server serves it');
    for (const [i, name] of map.sources.entries()) {
      assert.equal(map.sourcesContent[i], readFileSync(join(source, name), 'utf8'), name);
    }
  });

  it('exports what client.js exports', async () => {
    const bundle = await importBundle();
    const client = await importClient('bundle-exports');
    assert.deepEqual(Object.keys(bundle).sort(), Object.keys(client).sort());
    assert.deepEqual(Object.keys(bundle).sort(), ['connect', 'default', 'pagewire']);
    assert.equal(bundle.pagewire, null, 'no page here');
    assert.equal(typeof bundle.connect, 'function');
  });

  it('makes clients, page channels and channels with the API of the modules', async () => {
    const fromBundle = objects((await importBundle()).connect);
    const fromModules = objects((await importClient('bundle-api')).connect);
    for (const name of Object.keys(fromBundle)) {
      assert.deepEqual(api(fromBundle[name]), api(fromModules[name]), name);
    }
  });

  it('has every member client.d.ts declares', async () => {
    const types = readFileSync(join(source, 'client.d.ts'), 'utf8');
    const { client, page, channel } = objects((await importBundle()).connect);
    for (const [name, object] of [
      ['PagewireClient', client],
      ['PageChannel', page],
      ['Channel', channel],
    ]) {
      const members = api(object);
      for (const member of declared(types, name)) assert.ok(members.includes(member), `${name}.${member}`);
    }
    assert.match(types, /^export function connect\(/m);
    assert.match(types, /^export let pagewire: PagewireClient \| null;$/m);
    assert.match(types, /^export default pagewire;$/m);
  });

  it('opens the page channel in a page and sets window.pagewire', async () => {
    const WebSocket = fakeWebSocketClass();
    const win = new EventTarget();
    const nodeFetch = globalThis.fetch;
    Object.assign(globalThis, {
      WebSocket,
      fetch: fakeFetch(),
      window: win,
      location: { protocol: 'http:', host: 'example.test', pathname: '/chat', search: '' },
      document: {
        querySelector: (selector) =>
          selector === 'script[data-pagewire-token]'
            ? { getAttribute: (name) => ({ 'data-pagewire-token': 'v1.p.1.m' })[name] ?? null }
            : null,
      },
    });
    try {
      const bundle = await importBundle();
      assert.equal(WebSocket.instances.length, 1);
      assert.equal(WebSocket.instances[0].url, 'ws://example.test/chat?pagewire=v1.p.1.m&ack=0');
      assert.ok(bundle.pagewire);
      assert.equal(win.pagewire, bundle.pagewire);
      assert.equal(bundle.default, bundle.pagewire);
      WebSocket.instances[0].hello('p');
      assert.equal(win.pagewire.state, 'connected');
      win.pagewire.page.emit('say', 'hi');
      assert.deepEqual(JSON.parse(WebSocket.instances[0].sent.at(-1)), ['ev', 'say', 'hi', 1]);
      win.pagewire.close();
    } finally {
      for (const name of ['WebSocket', 'window', 'location', 'document']) delete globalThis[name];
      globalThis.fetch = nodeFetch;
    }
  });
});
