// Bundle size: gzip and brotli of what a page downloads for the connection layer.
// Ours is pkg/nim_wasm_bg.wasm plus the JS glue pkg/nim_wasm.js, as built; the
// baselines are fetched from the npm registry at bench time with `npm pack`: the
// official NIM Web SDK's browser bundle and socket.io-client's browser bundle.
// Each file is compressed on its own (as a server sends it) and the sizes added.
//
// usage: node bench/browser/size.mjs OUT.json
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '../..');
const out = process.argv[2];

const BASELINES = [
  { name: 'NIM Web SDK', spec: '@yxim/nim-web-sdk', files: ['dist/SDK/NIM_Web_NIM.js'] },
  { name: 'socket.io-client', spec: 'socket.io-client', files: ['dist/socket.io.min.js'] },
];

/** Raw, gzip -9 and brotli (quality 11) sizes of `paths`, each compressed alone. */
function measure(paths) {
  const sizes = { raw: 0, gzip: 0, brotli: 0 };
  for (const path of paths) {
    const bytes = readFileSync(path);
    sizes.raw += bytes.length;
    sizes.gzip += gzipSync(bytes, { level: 9 }).length;
    sizes.brotli += brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length;
  }
  return sizes;
}

const ours = {
  name: 'nim-wasm',
  // The crate's version: pkg/ may have been built without a package.json.
  version: /\[package\][^[]*?\nversion = "([^"]+)"/.exec(readFileSync(join(ROOT, 'Cargo.toml'), 'utf8'))?.[1] ?? '?',
  files: ['pkg/nim_wasm_bg.wasm', 'pkg/nim_wasm.js'],
  ...measure(['pkg/nim_wasm_bg.wasm', 'pkg/nim_wasm.js'].map((f) => join(ROOT, f))),
};

const temp = mkdtempSync(join(tmpdir(), 'nim-bench-size-'));
const baselines = [];
try {
  for (const { name, spec, files } of BASELINES) {
    const packed = JSON.parse(execFileSync('npm', ['pack', spec, '--json', '--pack-destination', temp],
      { cwd: temp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }))[0];
    const dir = join(temp, packed.name.replace('/', '_'));
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('tar', ['-xzf', join(temp, packed.filename), '-C', dir]);
    baselines.push({
      name, version: packed.version, files: files.map((f) => `${spec}/${f}`),
      ...measure(files.map((f) => join(dir, 'package', f))),
    });
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}

const result = { ours, baselines, budgetGzipBytes: 25000 };
for (const b of [ours, ...baselines]) {
  console.error(`size: ${b.name} ${b.version}: raw ${b.raw} B, gzip ${b.gzip} B, brotli ${b.brotli} B`);
}
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
