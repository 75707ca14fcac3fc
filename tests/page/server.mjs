// Starts a real nim-server on a free loopback port for the page tests, serving www/
// and pkg/ with the development app `demo` and POST /dev/token.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const APP_KEY = 'demo';
/** The SDK package served at /pkg/: $NIM_PAGE_PKG, else the repository's pkg/. */
export const PKG = process.env.NIM_PAGE_PKG || join(ROOT, 'pkg');

/** The nim-server binary: $NIM_SERVER_BIN, else the workspace's debug build. */
export function serverBinary() {
  const bin = process.env.NIM_SERVER_BIN || join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'debug', 'nim-server');
  if (!existsSync(bin)) throw new Error(`nim-server not found at ${bin}: run \`cargo build -p nim-server\` or set NIM_SERVER_BIN`);
  return bin;
}

/** Throws unless the SDK package the pages load has been built. */
export function requirePkg() {
  if (!existsSync(join(PKG, 'nim_wasm.js'))) {
    throw new Error(`${PKG}/nim_wasm.js is missing: run \`npm run build\` first`);
  }
}

/** Spawns nim-server serving `www`; resolves to `{url, stop(), log()}` once it prints its address. */
/**
 * `listen` defaults to a free port; `dataDir` (kept afterwards) lets a restarted
 * server find the accounts of an earlier one, else a temporary folder is used;
 * `args` are more command-line arguments.
 */
export async function startServer({ www = join(ROOT, 'www'), listen = '127.0.0.1:0', dataDir, timeoutMs = 20000, args = [] } = {}) {
  requirePkg();
  const data = dataDir || mkdtempSync(join(tmpdir(), 'nim-page-'));
  const child = spawn(serverBinary(), [
    '--listen', listen, '--dev', '--app', `${APP_KEY}:demosecret`,
    '--www', www, '--pkg', PKG, '--data', join(data, 'nim.sqlite'), ...args,
  ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' } });
  let output = '';
  const collect = (chunk) => { output += chunk; };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (!dataDir) rmSync(data, { recursive: true, force: true });
  };
  try {
    const url = await new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`nim-server printed no address in ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const check = () => {
        const m = /nim-server listening on (http:\/\/[0-9.:]+)/.exec(output);
        if (m) { clearTimeout(timer); done(m[1]); }
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`nim-server exited with ${code}:\n${output}`)); });
      check();
    });
    return { url, stop, log: () => output };
  } catch (err) {
    await stop();
    throw err;
  }
}
