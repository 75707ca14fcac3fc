// Runs the demo page's real-browser tests: every tests/page/*.test.mjs under node's
// test runner, one file at a time (each starts its own nim-server and Chromium).
// Usage: node tests/page/run.mjs [--cluster] [file-name-filter]
// With --cluster it runs tests/page/cluster/*.test.mjs instead: nodes on a shared
// PostgreSQL and Redis, which need NIM_TEST_POSTGRES and NIM_TEST_REDIS
// (scripts/test-cluster.sh sets them).
// Needs pkg/ (npm run build) and nim-server (cargo build -p nim-server, or
// NIM_SERVER_BIN); screenshots land in test-artifacts/page/.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const cluster = args[0] === '--cluster';
const dir = cluster ? join(import.meta.dirname, 'cluster') : import.meta.dirname;
const filter = (cluster ? args[1] : args[0]) || '';
const files = readdirSync(dir).filter((f) => f.endsWith('.test.mjs') && f.includes(filter)).sort().map((f) => join(dir, f));
if (files.length === 0) {
  console.error(`no page test matches "${filter}"`);
  process.exit(1);
}
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
// The whole run is bounded: a wedged browser or server cannot hang the test command.
const watchdog = setTimeout(() => {
  console.error('page tests: took over 10 minutes, stopping');
  child.kill('SIGTERM');
}, 10 * 60 * 1000);
child.on('exit', (code, signal) => {
  clearTimeout(watchdog);
  process.exit(code ?? (signal ? 1 : 0));
});
