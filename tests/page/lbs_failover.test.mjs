// Two nim-server nodes share sessions through Redis; a page finds them through
// `lbsUrl` (with both in `defaultLink`), logs in, and when the node it is on is
// killed (SIGKILL) it logs in again on the other node by itself.
//
// Each node keeps its accounts in its own SQLite file, so the account is created on
// both through the signed server API with the same token; sessions (the part this
// story is about) are shared through one redis-server this file starts on a free
// port, with no persistence. Needs `redis-server` on PATH (scripts/setup.sh).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { APP_KEY, PKG, ROOT, serverBinary } from './server.mjs';
import { STEP_MS, TEST_MS, uniqueAccount, withPages } from './harness.mjs';

const SECRET = 'demosecret';
const START_MS = 20000;
/** How long the page may take to log in again after its node died. */
const FAILOVER_MS = 30000;
// Chromium logs every refused WebSocket and fetch to the dead node.
const REFUSED = [/WebSocket connection to .* failed/, /Failed to load resource/, /net::ERR_CONNECTION_REFUSED/];

const data = mkdtempSync(join(tmpdir(), 'nim-page-lbs-'));
const children = [];
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(data, { recursive: true, force: true });
});

/** A free loopback port (for redis-server, which cannot report one it chose). */
function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

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
      if (m) { clearTimeout(timer); done({ child, match: m }); }
    };
    child.stdout.setEncoding('utf8').on('data', check);
    child.stderr.setEncoding('utf8').on('data', check);
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`${name} exited with ${code}:\n${output}`)); });
  });
}

async function startRedis() {
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
    throw new Error('redis-server is not on PATH: this test needs it (scripts/setup.sh must install the redis-server package)');
  }
  const port = await freePort();
  await spawnUntil('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', data],
    /Ready to accept connections/, 'redis-server');
  return `redis://127.0.0.1:${port}/`;
}

async function startNode(name, redis) {
  const { child, match } = await spawnUntil(serverBinary(), [
    '--listen', '127.0.0.1:0', '--dev', '--app', `${APP_KEY}:${SECRET}`, '--www', join(ROOT, 'www'), '--pkg', PKG,
    '--data', join(data, `${name}.sqlite`), '--redis', redis,
  ], /nim-server listening on (http:\/\/[0-9.:]+)/, `nim-server ${name}`);
  const url = match[1];
  return { name, child, url, ws: `${url.replace('http', 'ws')}/ws`, port: new URL(url).port };
}

/** Creates `accid` with `token` on `node` through the signed server API. */
async function createAccount(node, accid, token) {
  const nonce = randomBytes(8).toString('hex');
  const curTime = String(Math.floor(Date.now() / 1000));
  const checkSum = createHash('sha1').update(SECRET + nonce + curTime).digest('hex');
  const response = await fetch(`${node.url}/nimserver/user/create.action`, {
    method: 'POST',
    headers: { AppKey: APP_KEY, Nonce: nonce, CurTime: curTime, CheckSum: checkSum, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ accid, token, name: accid }),
  });
  const reply = await response.json();
  assert.equal(reply.code, 200, `create.action on ${node.name}: ${JSON.stringify(reply)}`);
}

test('when its node dies, a page found through lbsUrl logs in on the other node', { timeout: TEST_MS }, async () => {
  const redis = await startRedis();
  const nodes = [await startNode('a', redis), await startNode('b', redis)];
  const account = uniqueAccount('lbs');
  const token = `token-${randomBytes(6).toString('hex')}`;
  for (const node of nodes) await createAccount(node, account, token);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, timeout: 30000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });
  try {
    await withPages({ url: nodes[0].url, browser }, 'lbs-failover', async (open) => {
      const page = await open();
      await page.evaluate(async ({ lbsUrl, defaultLink, appKey, account, token }) => {
        // Record the address of every WebSocket the SDK opens.
        const seen = window.lbsTest = { urls: [], connects: [], disconnects: [] };
        window.WebSocket = class extends window.WebSocket {
          constructor(url, ...rest) { super(url, ...rest); seen.urls.push(String(url)); }
        };
        const sdk = await import('/pkg/nim_wasm.js');
        await sdk.default();
        sdk.NIM.getInstance({
          appKey, account, token, lbsUrl, defaultLink,
          onconnect: (info) => seen.connects.push({ info, url: seen.urls[seen.urls.length - 1] }),
          ondisconnect: (event) => seen.disconnects.push(event),
        });
      }, { lbsUrl: `${nodes[0].url}/lbs`, defaultLink: nodes.map((n) => n.ws), appKey: APP_KEY, account, token });

      const connects = (n, timeout) => page.waitForFunction((n) => window.lbsTest.connects.length >= n, n, { timeout })
        .then(() => page.evaluate(() => window.lbsTest.connects));
      const [first] = await connects(1, STEP_MS);
      const on = nodes.find((n) => first.url === n.ws);
      assert.ok(on, `logged in through an LBS address: ${first.url}`);
      const other = nodes.find((n) => n !== on);

      const killed = new Promise((done) => on.child.once('exit', done));
      on.child.kill('SIGKILL');
      await killed;

      const second = (await connects(2, FAILOVER_MS))[1];
      assert.equal(second.url, other.ws, 'the second login is on the live node');
      assert.notEqual(second.info.connectionId, first.info.connectionId);
      const final = await page.evaluate(() => window.lbsTest.disconnects.filter((e) => !e.willReconnect));
      assert.deepEqual(final, [], 'no terminal ondisconnect');
    }, { allowConsole: REFUSED });
  } finally {
    await browser.close();
  }
});
