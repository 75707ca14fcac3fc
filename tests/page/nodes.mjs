// nim-server nodes (and a redis-server) as child processes of a page test file, for
// the stories with more than one node: each node on a free loopback port serving
// www/ and pkg/, killable with SIGKILL; and the signed server API the app backend
// uses to create accounts and change tokens on one node.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_KEY, PKG, ROOT, requirePkg, serverBinary } from './server.mjs';

/** The app secret every node is given, for signing server API calls. */
export const SECRET = 'demosecret';
/** How long a process may take to print that it is ready. */
const START_MS = 20000;
/**
 * Console errors Chromium logs for every refused WebSocket and fetch to a dead
 * node: expected in the stories that kill one.
 */
export const REFUSED = [/WebSocket connection to .* failed/, /Failed to load resource/, /net::ERR_CONNECTION_REFUSED/];

/** A free loopback port (for redis-server, which cannot report one it chose). */
export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/**
 * The processes of one test file: `startRedis()` and `startNode(name, options)`
 * spawn them; all are killed, and their temporary folder removed, after the file.
 */
export function useNodes() {
  const dir = mkdtempSync(join(tmpdir(), 'nim-page-nodes-'));
  const children = [];
  after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  /** Spawns a process and resolves once its output matches `ready` (to the match). */
  function spawnUntil(bin, args, ready, name) {
    const child = spawn(bin, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' } });
    children.push(child);
    let output = '';
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`${name} not ready in ${START_MS} ms:\n${output}`)), START_MS);
      const check = (chunk) => {
        output += chunk;
        const m = ready.exec(output);
        if (m) { clearTimeout(timer); done({ child, match: m, log: () => output }); }
      };
      child.stdout.setEncoding('utf8').on('data', check);
      child.stderr.setEncoding('utf8').on('data', check);
      child.once('exit', (code, signal) => { clearTimeout(timer); fail(new Error(`${name} exited with ${code ?? signal}:\n${output}`)); });
    });
  }

  /** Starts a redis-server without persistence; resolves to its `redis://` URL. */
  async function startRedis() {
    if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
      throw new Error('redis-server is not on PATH: this test needs it (scripts/setup.sh must install the redis-server package)');
    }
    const port = await freePort();
    await spawnUntil('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      /Ready to accept connections/, 'redis-server');
    return `redis://127.0.0.1:${port}/`;
  }

  /**
   * Starts node `name` sharing sessions through `redis` (under `redisPrefix`), and
   * accounts through PostgreSQL at `database` when given (else its own SQLite file).
   * `lease` ({nodeLeaseMs, sweepIntervalMs}) shortens the failover timings.
   * Resolves to `{name, url, ws, lbs, kill(), stop(), log()}`.
   */
  async function startNode(name, { redis, redisPrefix, database, lease } = {}) {
    requirePkg();
    const args = ['--listen', '127.0.0.1:0', '--app', `${APP_KEY}:${SECRET}`, '--www', join(ROOT, 'www'), '--pkg', PKG,
      '--data', join(dir, `${name}.sqlite`)];
    if (redis) args.push('--redis', redis);
    if (redisPrefix) args.push('--redis-prefix', redisPrefix);
    if (database) args.push('--database', database);
    if (lease) {
      const config = join(dir, `${name}.toml`);
      writeFileSync(config, `[cluster]\nnode_lease_ms = ${lease.nodeLeaseMs}\nsweep_interval_ms = ${lease.sweepIntervalMs}\n`);
      args.push('--config', config);
    }
    const { child, match, log } = await spawnUntil(serverBinary(), args, /nim-server listening on (http:\/\/[0-9.:]+)/, `nim-server ${name}`);
    const url = match[1];
    return {
      name,
      url,
      ws: `${url.replace('http', 'ws')}/ws`,
      lbs: `${url}/lbs`,
      log,
      /** SIGKILL: no goodbye to anyone. Resolves once the process is gone. */
      kill: () => signal(child, 'SIGKILL'),
      /** SIGTERM: a graceful shutdown (SIGKILL after 5 s). Resolves once the process is gone. */
      async stop() {
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await signal(child, 'SIGTERM');
        clearTimeout(timer);
      },
    };
  }

  return { dir, startRedis, startNode };
}

/** Sends `name` to `child`; resolves once it has exited. */
async function signal(child, name) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill(name);
  await exited;
}

/** Calls `action` (`create.action`, …) of the signed server API on `node`; resolves to the reply. */
export async function serverApi(node, action, fields) {
  const nonce = randomBytes(8).toString('hex');
  const curTime = String(Math.floor(Date.now() / 1000));
  const checkSum = createHash('sha1').update(SECRET + nonce + curTime).digest('hex');
  const response = await fetch(`${node.url}/nimserver/user/${action}`, {
    method: 'POST',
    headers: { AppKey: APP_KEY, Nonce: nonce, CurTime: curTime, CheckSum: checkSum, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  return response.json();
}

/** Creates `accid` on `node` through the server API; resolves to its token (`token` when given). */
export async function createAccount(node, accid, token) {
  const reply = await serverApi(node, 'create.action', { accid, name: accid, ...(token ? { token } : {}) });
  assert.equal(reply.code, 200, `create.action on ${node.name}: ${JSON.stringify(reply)}`);
  return reply.info.token;
}

/** How many logged-in devices `node` itself holds (`nim_sessions_live` of its /metrics). */
export async function liveSessions(node) {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const m = /^nim_sessions_live (\d+)$/m.exec(text);
  assert.ok(m, `no nim_sessions_live in ${node.name}'s /metrics:\n${text}`);
  return Number(m[1]);
}
