// `shareConnection: true`: every tab of one browser profile (one Playwright context)
// that uses the same appKey + account shares one connection and one device; another
// context is another device, which sees that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STEP_MS, TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';
import { devToken } from './sdk_in_page.mjs';

const world = useWorld();

/** Starts a recording instance of `account` in `page` with `options`; resolves
 *  once `onconnect` (when `wait`). */
async function start(page, account, token, options = {}, wait = true) {
  await page.evaluate(async ({ account, token, options }) => {
    const { NIM } = await import('/pkg/nim_wasm.js');
    const events = [];
    const record = (name) => (arg) => events.push({ name, arg: JSON.parse(JSON.stringify(arg ?? null)) });
    const nim = NIM.getInstance({
      appKey: 'demo', account, token,
      onconnect: record('onconnect'), ondisconnect: record('ondisconnect'),
      onwillreconnect: record('onwillreconnect'), onloginportschange: record('onloginportschange'),
      onerror: record('onerror'),
      ...options,
    });
    window.__sdk = { nim, events };
  }, { account, token, options });
  if (wait) await waitFor(page, 'onconnect');
}

async function waitFor(page, name, n = 1) {
  const handle = await page.waitForFunction(([name, n]) => {
    const found = window.__sdk.events.filter((e) => e.name === name);
    return found.length >= n ? found[n - 1] : null;
  }, [name, n], { timeout: STEP_MS });
  return (await handle.jsonValue()).arg;
}

const events = (page, name) => page.evaluate((name) => window.__sdk.events.filter((e) => e.name === name).map((e) => e.arg), name);

async function newTab(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]');
  return page;
}

test('three tabs are one device for the other devices', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-three-tabs', async (open) => {
    const account = uniqueAccount('shared');
    const token = await devToken(world.url, account);
    const other = await open();
    await start(other, account, token);
    const first = await open();
    const tabs = [first, await newTab(first.context(), world.url), await newTab(first.context(), world.url)];
    for (const tab of tabs) await start(tab, account, token, { shareConnection: true });
    const ids = [];
    for (const tab of tabs) ids.push((await waitFor(tab, 'onconnect')).connectionId);
    assert.equal(new Set(ids).size, 1, `one connectionId: ${ids}`);
    for (const tab of tabs) assert.equal(await tab.evaluate(() => window.__sdk.nim.getLoginStatus()), 1);
    await new Promise((r) => setTimeout(r, 1000));
    const ports = await other.evaluate(() => window.__sdk.nim.getLoginPorts());
    assert.equal(ports.length, 1, JSON.stringify(ports));
    const seen = (await tabs[2].evaluate(() => window.__sdk.nim.getLoginPorts())).map((p) => p.deviceId);
    assert.equal(seen.length, 1);
  });
});
