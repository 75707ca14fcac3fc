// Runs the official NIM Web SDK's tests: every tests/nim-official/*.test.mjs under
// node's test runner, one file at a time (each starts its own nim-server, and the
// browser ones their own Chromium). The SDK is the npm devDependency
// @yxim/nim-web-sdk; nothing of it is in the repository.
// Usage: node tests/nim-official/run.mjs [file-name-filter]
// Needs nim-server (cargo build -p nim-server, or NIM_SERVER_BIN) and, for the
// files with nim-wasm devices, pkg/ (npm run build).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const filter = process.argv[2] || '';
const files = readdirSync(dir).filter((f) => f.endsWith('.test.mjs') && f.includes(filter)).sort().map((f) => join(dir, f));
if (files.length === 0) {
  console.error(`no official-SDK test matches "${filter}"`);
  process.exit(1);
}
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
// The whole run is bounded: a wedged browser or server cannot hang the test command.
const watchdog = setTimeout(() => {
  console.error('official-SDK tests: took over 10 minutes, stopping');
  child.kill('SIGTERM');
}, 10 * 60 * 1000);
child.on('exit', (code, signal) => {
  clearTimeout(watchdog);
  process.exit(code ?? (signal ? 1 : 0));
});
