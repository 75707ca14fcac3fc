// Bundle size: gzip -9 and brotli of what a page downloads for the connection layer.
// Ours is pkg/nim_wasm_bg.wasm plus the JS glue pkg/nim_wasm.js, as built; the
// baselines are the browser bundles of npm devDependencies (package.json), installed
// by setup: the official NIM Web SDK, socket.io-client and centrifuge-js. Each file is
// compressed on its own (as a server sends it) and the sizes added, the same way
// `scripts/package-size.mjs` measures the package for the size budget.
//
// usage: node bench/browser/size.mjs OUT.json
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUDGET_GZIP_BYTES, sizes } from '../../scripts/package-size.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const out = process.argv[2];

const BASELINES = [
  { name: 'NIM Web SDK', spec: '@yxim/nim-web-sdk', files: ['dist/SDK/NIM_Web_NIM.js'] },
  { name: 'socket.io-client', spec: 'socket.io-client', files: ['dist/socket.io.min.js'] },
  { name: 'centrifuge-js', spec: 'centrifuge', files: ['dist/centrifuge.js'] },
];

/** Raw, gzip -9 and brotli sizes of `paths`, each compressed alone, added. */
function measure(paths) {
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const path of paths) {
    const one = sizes(path);
    for (const key of Object.keys(total)) total[key] += one[key];
  }
  return total;
}

const version = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
const ourFiles = ['pkg/nim_wasm_bg.wasm', 'pkg/nim_wasm.js'];
const ours = {
  name: 'nim-wasm',
  // The crate's version: pkg/ may have been built without a package.json.
  version: /\[package\][^[]*?\nversion = "([^"]+)"/.exec(readFileSync(join(ROOT, 'Cargo.toml'), 'utf8'))?.[1] ?? '?',
  files: ourFiles,
  parts: Object.fromEntries(ourFiles.map((f) => [f, sizes(join(ROOT, f))])),
  ...measure(ourFiles.map((f) => join(ROOT, f))),
};
const baselines = BASELINES.map(({ name, spec, files }) => {
  const dir = join(ROOT, 'node_modules', spec);
  return { name, version: version(dir), files: files.map((f) => `${spec}/${f}`), ...measure(files.map((f) => join(dir, f))) };
});

const result = { ours, baselines, budgetGzipBytes: BUDGET_GZIP_BYTES };
for (const b of [ours, ...baselines]) {
  console.error(`size: ${b.name} ${b.version}: raw ${b.raw} B, gzip ${b.gzip} B, brotli ${b.brotli} B`);
}
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
