// The client's modules as the server serves them (ClientFiles.java): every module the entry
// reaches by relative import must be one of the names the server hands out.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const folder = fileURLToPath(new URL('../../main/resources/dev/pagewire/client/', import.meta.url));
const clientFiles = readFileSync(
  fileURLToPath(new URL('../../main/java/dev/pagewire/internal/http/ClientFiles.java', import.meta.url)),
  'utf8',
);
const served = new Set(
  [...clientFiles.match(/NAMES = java\.util\.Set\.of\(([^)]*)\)/)[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]),
);

describe('the client modules', () => {
  it('imports only served modules, by relative URL, and every module in the folder is served', () => {
    const modules = readdirSync(folder).filter((n) => n.endsWith('.js'));
    for (const name of modules) {
      assert.ok(served.has(name), `${name} is not in ClientFiles.NAMES`);
      const source = readFileSync(folder + name, 'utf8');
      for (const [, target] of source.matchAll(/^import [^;]*? from '([^']+)';/gms)) {
        assert.match(
          target,
          /^\.\/[\w-]+\.js$/,
          `${name} imports ${target}: only ./name.js works without a build step`,
        );
        assert.ok(served.has(target.slice(2)), `${name} imports ${target}, which the server does not serve`);
      }
    }
    assert.ok(served.has('client.d.ts'));
  });
});
