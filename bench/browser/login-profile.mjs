// Where the SDK's login time goes in headless Chromium: runs the latency bench's
// login loop (NIM.getInstance → onconnect → destroy) for the SDK and for MiniClient
// under the DevTools sampling profiler (100 µs interval), and prints the self time
// of each, grouped: the SDK's wasm, the SDK's JS glue, the bench page, the browser's
// own work (GC, program, idle). Prints figures; it does not pass or fail.
//
// usage: NIM_SERVER_BIN=... node bench/browser/login-profile.mjs [logins] [OUT.json]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, startServer } from '../../tests/page/server.mjs';
import { LAUNCH } from './launch.mjs';

const LOGINS = Number(process.argv[2] || 300);
const OUT = process.argv[3];

/** Self time per category and the top functions, from a DevTools CPU profile. */
function attribute(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const id = profile.samples[i];
    self.set(id, (self.get(id) || 0) + dt);
  }
  const groups = {};
  const functions = {};
  for (const [id, ms] of self) {
    const { callFrame: f } = byId.get(id);
    const group = f.url.endsWith('.wasm') || f.url.startsWith('wasm://') ? 'SDK wasm'
      : f.url.includes('/pkg/') ? 'SDK JS glue'
        : f.url.includes('bench.js') ? 'bench page'
          : f.url ? 'other script'
            : `(${f.functionName.replace(/[()]/g, '') || 'anonymous'})`;
    groups[group] = (groups[group] || 0) + ms;
    const name = `${group}: ${f.functionName || '(anonymous)'}`;
    functions[name] = (functions[name] || 0) + ms;
  }
  const top = Object.entries(functions).sort((a, b) => b[1] - a[1]).slice(0, 12);
  return { groups, top };
}

const server = await startServer({ www: join(ROOT, 'bench/browser/www') });
const browser = await chromium.launch(LAUNCH);
const result = { logins: LOGINS };
try {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (err) => console.error(`page: ${err.message}`));
  await page.goto(`${server.url}/index.html`);
  await page.evaluate(() => window.bench.ready);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  const stamp = Date.now().toString(36);
  for (const kind of ['sdk', 'js']) {
    const opts = { account: `prof-${kind}-${stamp}`, deviceId: `prof-${kind}` };
    opts.token = await page.evaluate((acc) => window.bench.token(acc), opts.account);
    const loop = (n) => page.evaluate(async ([k, o, count]) => {
      let total = 0;
      for (let i = 0; i < count; i++) {
        total += (await window.bench.login('p', k, o)).ms;
        await window.bench.destroy('p');
      }
      return total;
    }, [kind, opts, n]);
    await loop(20);
    await cdp.send('Profiler.start');
    const started = Date.now();
    const loginMs = await loop(LOGINS);
    const wall = Date.now() - started;
    const { profile } = await cdp.send('Profiler.stop');
    const { groups, top } = attribute(profile);
    result[kind] = { wallMs: wall, meanLoginMs: loginMs / LOGINS, groups, top };
    console.log(`\n${kind === 'sdk' ? 'SDK' : 'MiniClient'}: ${LOGINS} logins, mean ${(loginMs / LOGINS).toFixed(2)} ms, wall ${wall} ms`);
    for (const [g, ms] of Object.entries(groups).sort((a, b) => b[1] - a[1])) {
      console.log(`  ${g.padEnd(22)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / LOGINS).toFixed(3)} ms/login`);
    }
    console.log('  top self time:');
    for (const [name, ms] of top) console.log(`    ${ms.toFixed(1).padStart(8)} ms  ${name}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
if (OUT) writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
