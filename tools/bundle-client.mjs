// Builds the browser client as pages load it: one minified ES module made from the readable modules
// (entry client.js), with its source map and its gzip and brotli encodings, and a manifest that
// names its content-hashed URL. The server serves these (ClientFiles.java); docs/CLIENT.md, "How
// the client is served", says what a browser gets.
//
//   node tools/bundle-client.mjs SOURCE_FOLDER OUTPUT_FOLDER
//
// tools/bundle-client.sh runs this after checking Node and esbuild (the exact version in the root
// package.json); Maven runs that in pagewire-core's generate-resources phase. OUTPUT_FOLDER is
// emptied first and then holds, under fixed names (so that a changed client leaves no stale file
// behind in target/classes or the jar):
//   client.min.js      the bundle, ending in //# sourceMappingURL=client.HASH.js.map
//   client.min.js.map  its source map, with every module's text (sourcesContent)
//   client.min.js.gz   the bundle, gzip level 9
//   client.min.js.br   the bundle, brotli quality 11
//   client-bundle.json {"hash": HASH, "file": "client.HASH.js", "map": "client.HASH.js.map"}
// HASH is the first 16 hex digits of the SHA-256 of the bundle's code, so the URL changes exactly
// when the code does, and browsers may keep a fetched bundle for a year without asking again.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const [source, output] = process.argv.slice(2).map((p) => p && resolve(p));
if (!source || !output) {
  console.error('usage: node tools/bundle-client.mjs SOURCE_FOLDER OUTPUT_FOLDER (Maven runs tools/bundle-client.sh)');
  process.exit(2);
}

// The folder esbuild would write to: the map's sources are relative to it, and are rewritten
// below to be relative to the source folder, which is where the server serves the modules.
const outdir = resolve(source, '.bundle');
const result = await build({
  absWorkingDir: source,
  entryPoints: ['client.js'],
  outdir,
  bundle: true,
  format: 'esm',
  // The modules already need ES2022 (private class members): a bundle for exactly those browsers
  // adds no lowering and removes none.
  target: 'es2022',
  platform: 'browser',
  minify: true,
  sourcemap: 'external',
  sourcesContent: true,
  legalComments: 'none',
  charset: 'utf8',
  write: false,
  logLevel: 'warning',
});

const code = result.outputFiles.find((f) => f.path.endsWith('.js'));
const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'));
if (result.outputFiles.length !== 2 || !code || !map) {
  throw new Error(`esbuild wrote ${result.outputFiles.map((f) => f.path).join(', ')}: expected client.js and its map`);
}

const hash = createHash('sha256').update(code.contents).digest('hex').slice(0, 16);
const file = `client.${hash}.js`;
const bundle = Buffer.from(`${code.text}//# sourceMappingURL=${file}.map\n`, 'utf8');

const sourceMap = JSON.parse(map.text);
sourceMap.sources = sourceMap.sources.map((s) => {
  const module = relative(source, resolve(outdir, s));
  if (module.startsWith('..')) throw new Error(`the bundle includes ${s}, which is outside ${source}`);
  return module.split(sep).join('/');
});

const gzip = gzipSync(bundle, { level: 9 });
const brotli = brotliCompressSync(bundle, {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 11,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    [constants.BROTLI_PARAM_SIZE_HINT]: bundle.length,
  },
});

rmSync(output, { recursive: true, force: true });
mkdirSync(output, { recursive: true });
writeFileSync(`${output}/client.min.js`, bundle);
writeFileSync(`${output}/client.min.js.map`, JSON.stringify(sourceMap));
writeFileSync(`${output}/client.min.js.gz`, gzip);
writeFileSync(`${output}/client.min.js.br`, brotli);
writeFileSync(`${output}/client-bundle.json`, `${JSON.stringify({ hash, file, map: `${file}.map` }, null, 2)}\n`);

console.log(
  `bundle-client: ${file} from ${sourceMap.sources.length} modules: ${bundle.length} bytes,`
    + ` gzip ${gzip.length}, brotli ${brotli.length} (in ${output})`,
);
