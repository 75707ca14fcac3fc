// The package's download size: `gzip -9` and brotli (quality 11) of the wasm and of
// the JS glue, each compressed alone (as a server sends them), and their sum. gzip is
// the gzip program itself (GNU gzip, `-n`: no name or time in the header), which is
// what the budget means; Node's zlib compresses the wasm a little worse.
// With --check, exits non-zero when the gzip sum is over the budget.
//
// usage: node scripts/package-size.mjs PKG_DIR [--check]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

/** The most the wasm and the glue may weigh together, gzip -9. */
export const BUDGET_GZIP_BYTES = 65536;

/** Raw, gzip -9 and brotli sizes of one file. */
export function sizes(path) {
  const bytes = readFileSync(path);
  return {
    raw: bytes.length,
    gzip: execFileSync('gzip', ['-9', '-n', '-c', path], { maxBuffer: 1 << 28 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? 'pkg';
  const wasm = sizes(join(dir, 'nim_wasm_bg.wasm'));
  const glue = sizes(join(dir, 'nim_wasm.js'));
  const gzip = wasm.gzip + glue.gzip;
  // The worker of `shareConnection` is loaded by the worker, not by the page: shown
  // apart (a page that shares its connection loads it once more, from the cache).
  const worker = sizes(join(dir, 'nim_worker.js'));
  console.log(`size: wasm ${wasm.raw} B (gzip ${wasm.gzip}, brotli ${wasm.brotli}); ` +
    `glue ${glue.raw} B (gzip ${glue.gzip}, brotli ${glue.brotli}); ` +
    `total gzip ${gzip} B, brotli ${wasm.brotli + glue.brotli} B; budget gzip ${BUDGET_GZIP_BYTES} B; ` +
    `shared-connection worker ${worker.raw} B (gzip ${worker.gzip})`);
  if (process.argv.includes('--check') && gzip > BUDGET_GZIP_BYTES) {
    console.error(`size: over budget by ${gzip - BUDGET_GZIP_BYTES} B`);
    process.exit(1);
  }
}
