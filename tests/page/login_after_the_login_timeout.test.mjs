// A login that reaches the server after its login timeout (the page's main thread
// busy for 6 s right after `getInstance`, so the socket opens but `login` waits) is
// closed with 4008. The SDK backs off as after any transient failure: one retry
// after its announced delay logs in, with no `ondisconnect`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STEP_MS, TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';

const world = useWorld();

test('a login after the login timeout gets 4008 and is retried', { timeout: TEST_MS }, async () => {
  await withPages(world, 'login-after-timeout', async (open) => {
    const page = await open();
    await page.evaluate(async (account) => {
      const { NIM } = await import('/pkg/nim_wasm.js');
      const body = new URLSearchParams({ appKey: 'demo', accid: account });
      const { info } = await (await fetch('/dev/token', { method: 'POST', body })).json();
      const events = [];
      const record = (name) => (arg) => events.push({ name, arg: JSON.parse(JSON.stringify(arg ?? null)) });
      window.__late = { events };
      NIM.getInstance({
        appKey: 'demo',
        account,
        token: info.token,
        debug: true,
        logFunc: (level, line) => events.push({ name: 'log', arg: String(line) }),
        onconnect: record('onconnect'),
        ondisconnect: record('ondisconnect'),
        onwillreconnect: record('onwillreconnect'),
      });
      // Longer than the server's 5 s login timeout.
      const busyUntil = performance.now() + 6000;
      while (performance.now() < busyUntil);
    }, uniqueAccount('late'));
    await page.waitForFunction(() => window.__late.events.some((e) => e.name === 'onconnect'), null,
      { timeout: STEP_MS });
    const events = await page.evaluate(() => window.__late.events);
    const lines = events.filter((e) => e.name === 'log').map((e) => e.arg);
    assert.ok(lines.some((line) => line.includes('4008')), `closed with 4008: ${JSON.stringify(lines)}`);
    const retries = events.filter((e) => e.name === 'onwillreconnect').map((e) => e.arg);
    assert.equal(retries.length, 1, 'one retry');
    assert.equal(retries[0].retryCount, 1);
    assert.ok(retries[0].duration >= 250, `after ${retries[0].duration} ms`);
    assert.deepEqual(events.filter((e) => e.name === 'ondisconnect'), []);
  });
});
