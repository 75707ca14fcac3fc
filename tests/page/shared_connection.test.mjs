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

test('closing tabs: the creator changes nothing, the last one is one offline push', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-close-tabs', async (open) => {
    const account = uniqueAccount('shared');
    const token = await devToken(world.url, account);
    const other = await open();
    await start(other, account, token);
    const creator = await open();
    const second = await newTab(creator.context(), world.url);
    await start(creator, account, token, { shareConnection: true });
    await start(second, account, token, { shareConnection: true });
    await waitFor(other, 'onloginportschange');
    const before = (await events(other, 'onloginportschange')).length;
    await creator.close();
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await events(other, 'onloginportschange')).length, before, 'no push within 2 s');
    assert.equal(await second.evaluate(() => window.__sdk.nim.getLoginStatus()), 1);
    await second.close();
    const offline = await waitFor(other, 'onloginportschange', before + 1);
    assert.deepEqual(offline.map((p) => p.online), [false]);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await events(other, 'onloginportschange')).length, before + 1, 'exactly one offline push');
  });
});

test('kick from one tab settles only its Promise; kicked by another device reaches every tab', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-kick', async (open) => {
    const account = uniqueAccount('shared');
    const token = await devToken(world.url, account);
    const other = await open();
    await start(other, account, token);
    const one = await open();
    const two = await newTab(one.context(), world.url);
    await start(one, account, token, { shareConnection: true });
    await start(two, account, token, { shareConnection: true });
    // From tab one, the shared device kicks a third device.
    const victim = await open();
    await start(victim, account, token, { customTag: 'victim' });
    const handle = await one.waitForFunction(() => window.__sdk.nim.getLoginPorts().find((p) => p.customTag === 'victim'));
    const target = (await handle.jsonValue()).deviceId;
    const result = await one.evaluate(async (id) => window.__sdk.nim.kick({ deviceIds: [id] }), target);
    assert.deepEqual(result.deviceIds, [target]);
    assert.equal((await waitFor(victim, 'ondisconnect')).code, 'kicked');
    await two.waitForFunction((id) => !window.__sdk.nim.getLoginPorts().some((p) => p.deviceId === id), target);
    // The other device kicks the shared device: every tab gets `kicked`, none reconnects.
    const shared = (await other.evaluate(() => window.__sdk.nim.getLoginPorts())).map((p) => p.deviceId);
    await other.evaluate(async (ids) => window.__sdk.nim.kick({ deviceIds: ids }), shared);
    for (const tab of [one, two]) {
      const ev = await waitFor(tab, 'ondisconnect');
      assert.equal(ev.code, 'kicked');
    }
    await new Promise((r) => setTimeout(r, 2000));
    for (const tab of [one, two]) {
      assert.equal(await tab.evaluate(() => window.__sdk.nim.getLoginStatus()), 0);
      assert.equal((await events(tab, 'onconnect')).length, 1, 'no reconnect');
    }
  });
});

test('disconnect in one tab reaches every tab; connect in another logs in again', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-disconnect', async (open) => {
    const account = uniqueAccount('shared');
    const token = await devToken(world.url, account);
    const one = await open();
    const two = await newTab(one.context(), world.url);
    await start(one, account, token, { shareConnection: true });
    await start(two, account, token, { shareConnection: true });
    await one.evaluate(() => window.__sdk.nim.disconnect());
    for (const tab of [one, two]) assert.equal((await waitFor(tab, 'ondisconnect')).code, 'logout');
    assert.equal(await two.evaluate(() => window.__sdk.nim.getLoginStatus()), 0);
    await two.evaluate(() => window.__sdk.nim.connect());
    for (const tab of [one, two]) await waitFor(tab, 'onconnect', 2);
  });
});

test('destroy detaches one tab; the last one logs the device out', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-destroy', async (open) => {
    const account = uniqueAccount('shared');
    const token = await devToken(world.url, account);
    const other = await open();
    await start(other, account, token);
    const one = await open();
    const two = await newTab(one.context(), world.url);
    await start(one, account, token, { shareConnection: true });
    await start(two, account, token, { shareConnection: true });
    await waitFor(other, 'onloginportschange');
    await one.evaluate(() => window.__sdk.nim.destroy());
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await two.evaluate(() => window.__sdk.nim.getLoginStatus()), 1);
    assert.equal((await events(other, 'onloginportschange')).length, 1);
    await two.evaluate(() => window.__sdk.nim.destroy());
    const gone = await waitFor(other, 'onloginportschange', 2);
    assert.deepEqual(gone.map((p) => p.online), [false]);
  });
});

test('without SharedWorker the option falls back to a device per tab', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-fallback', async (open) => {
    const account = uniqueAccount('shared');
    const token = await devToken(world.url, account);
    const other = await open();
    await start(other, account, token);
    const one = await open();
    await one.context().addInitScript(() => { delete window.SharedWorker; });
    await one.reload();
    await one.waitForSelector('body[data-ready=true]');
    const two = await newTab(one.context(), world.url);
    await start(one, account, token, { shareConnection: true });
    await start(two, account, token, { shareConnection: true });
    await other.waitForFunction(() => window.__sdk.nim.getLoginPorts().length === 2);
  });
});
