// Latency in headless Chromium against a real nim-server (`--profile server` build) on
// loopback: the SDK against MiniClient, a minimal hand-written JavaScript client
// doing the same protocol exchange, in the same pages and run, interleaved round by
// round so both see the same machine noise.
//
// - login: NIM.getInstance (or new MiniClient) until onconnect, then destroy;
// - kick: device A calls kick until device B (another page) hears it was kicked;
// - ports: device B starts its login until device A (another page) has the
//   loginPorts push for it.
//
// usage: NIM_SERVER_BIN=... node bench/browser/latency.mjs OUT.json [logins] [rounds]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, startServer } from '../../tests/page/server.mjs';
import { LAUNCH } from './launch.mjs';

const [out, loginsArg, roundsArg] = process.argv.slice(2);
const LOGINS = Number(loginsArg || 300);
const ROUNDS = Number(roundsArg || 100);
const WARMUP = 20;
const STEP_MS = 10000;

function summary(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const rank = (p) => s[Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length))) - 1];
  return { count: s.length, p50: rank(50), p99: rank(99), mean: s.reduce((a, b) => a + b, 0) / s.length, max: s[s.length - 1] };
}

async function waitFor(page, fn, args) {
  const handle = await page.waitForFunction(fn, args, { timeout: STEP_MS, polling: 'raf' });
  return handle.jsonValue();
}

function progress(label, i, n) {
  if (process.stderr.isTTY) process.stderr.write(`\r${label.padStart(12)} ${i}/${n}`);
  if (i === n) process.stderr.write(process.stderr.isTTY ? '\n' : `${label}: ${n} done\n`);
}

const server = await startServer({ www: join(ROOT, 'bench/browser/www') });
const browser = await chromium.launch(LAUNCH);
const result = { logins: LOGINS, rounds: ROUNDS, warmup: WARMUP, chromium: browser.version() };
try {
  const pages = [];
  for (let i = 0; i < 2; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error(`page ${i + 1}: ${err.message}`));
    await page.goto(`${server.url}/index.html`);
    await page.evaluate(() => window.bench.ready);
    pages.push(page);
  }
  const [a, b] = pages;
  const stamp = Date.now().toString(36);
  const token = (page, account) => page.evaluate((acc) => window.bench.token(acc), account);

  // 1. Login latency, SDK and MiniClient alternating which goes first.
  const login = { sdk: [], js: [] };
  const accounts = {};
  for (const kind of ['sdk', 'js']) {
    const account = `lat-${kind}-${stamp}`;
    accounts[kind] = { account, token: await token(a, account), deviceId: `lat-${kind}` };
  }
  for (let i = 0; i < WARMUP + LOGINS; i++) {
    const order = i % 2 ? ['js', 'sdk'] : ['sdk', 'js'];
    for (const kind of order) {
      const { ms } = await a.evaluate(async ([k, opts]) => {
        const r = await window.bench.login('lat', k, opts);
        await window.bench.destroy('lat');
        return r;
      }, [kind, accounts[kind]]);
      if (i >= WARMUP) login[kind].push(ms);
    }
    progress('login', Math.max(0, i - WARMUP + 1), LOGINS);
  }
  result.login = { sdk: summary(login.sdk), js: summary(login.js) };

  // 2. Kick: A kicks B (another page) until B's ondisconnect; 3. ports: B starts
  // logging in until A has the push.
  const kick = { sdk: [], js: [] };
  const ports = { sdk: [], js: [] };
  for (const kind of ['sdk', 'js']) {
    const account = `kick-${kind}-${stamp}`;
    const tok = await token(a, account);
    await a.evaluate(([k, opts]) => window.bench.login('a', k, opts), [kind, { account, token: tok, deviceId: `a-${kind}` }]);
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const victim = `b-${kind}-${i}`;
      const started = await b.evaluate(([k, opts]) => window.bench.startLogin('b', k, opts),
        [kind, { account, token: tok, deviceId: victim }]);
      const seen = await waitFor(a, ([id]) => window.bench.portsSeen('a', id, true), [victim]);
      const kickedAt = await a.evaluate(([id]) => window.bench.kick('a', [id]), [victim]);
      const heard = await waitFor(b, () => window.bench.kickedAt('b'), []);
      await b.evaluate(() => window.bench.destroy('b'));
      if (i >= WARMUP) {
        ports[kind].push(seen - started);
        kick[kind].push(heard - kickedAt);
      }
      progress(`kick ${kind}`, Math.max(0, i - WARMUP + 1), ROUNDS);
    }
    await a.evaluate(() => window.bench.destroy('a'));
  }
  result.kick = { sdk: summary(kick.sdk), js: summary(kick.js) };
  result.ports = { sdk: summary(ports.sdk), js: summary(ports.js) };
  for (const what of ['login', 'kick', 'ports']) {
    const { sdk, js } = result[what];
    result[what].ratioP50 = sdk.p50 / js.p50;
    result[what].ratioP99 = sdk.p99 / js.p99;
    console.error(`${what}: SDK p50 ${sdk.p50.toFixed(2)} ms p99 ${sdk.p99.toFixed(2)} ms; `
      + `MiniClient p50 ${js.p50.toFixed(2)} ms p99 ${js.p99.toFixed(2)} ms; ratio p50 ${result[what].ratioP50.toFixed(2)}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
