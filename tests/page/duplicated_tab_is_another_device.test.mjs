// A duplicated tab starts with a copy of the original's sessionStorage, and with it
// the original's per-tab device id. It must log in as another device: with the same
// id, the server would replace the original's connection (`kicked`). The duplicate
// is made here as a browser makes it: a new page of the same browser whose
// sessionStorage holds a copy of the original's before the page loads. A third
// device of the account watches which ids log in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STEP_MS, TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';
import { startNim } from './sdk_in_page.mjs';

const world = useWorld();

/** How long both tabs must stay logged in, untouched, after the second login. */
const CALM_MS = 3000;

/** Opens a copy of `tab`: a new page of its browser, with its sessionStorage. */
async function duplicate(tab) {
  const entries = await tab.evaluate(() => Object.entries(sessionStorage));
  const copy = await tab.context().newPage();
  // On the first load only: the copy's reloads start from its own sessionStorage.
  await copy.addInitScript((entries) => {
    if (sessionStorage.getItem('test:duplicated')) return;
    for (const [key, value] of entries) sessionStorage.setItem(key, value);
    sessionStorage.setItem('test:duplicated', '1');
  }, entries);
  await copy.goto(world.url);
  await copy.waitForSelector('body[data-ready=true]');
  return copy;
}

/** Reloads `page` and waits until the demo page loaded the SDK again. */
async function reload(page) {
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
}

/** Waits until `page`'s instance lists `count` other devices online; their ids. */
async function onlineIds(page, count) {
  const handle = await page.waitForFunction((count) => {
    const ids = window.__sdk.nim.getLoginPorts().filter((p) => p.online).map((p) => p.deviceId);
    return ids.length === count && ids;
  }, count, { timeout: STEP_MS });
  return handle.jsonValue();
}

/**
 * `tab` logs in, then a duplicate of it: both stay logged in as two devices, the
 * original with the id it had. A reload of each keeps its id. With `locked` (Web
 * Locks) the tab's id stays in its sessionStorage while it is open, else it is out.
 */
async function duplicateAndReload(open, tab, account, locked) {
  const first = await startNim(tab, account);
  const watcher = await open();
  await startNim(watcher, account);
  const [tabId] = await onlineIds(watcher, 1);

  const copy = await duplicate(tab);
  const second = await startNim(copy, account);
  const ids = await onlineIds(watcher, 2);
  const copyId = ids.find((id) => id !== tabId);
  assert.ok(ids.includes(tabId), 'the original kept its id');
  assert.match(copyId ?? '', /^[0-9a-f]{32}$/, 'the duplicate is another device');
  const stored = await tab.evaluate(() => sessionStorage.getItem('nim-wasm:deviceId'));
  assert.equal(stored, locked ? tabId : null, 'with Web Locks a crash would not lose the id');

  await new Promise((done) => setTimeout(done, CALM_MS));
  for (const sdk of [first, second]) {
    assert.deepEqual(await sdk.payloads('ondisconnect'), [], 'nobody was replaced');
    assert.equal(await sdk.status(), 1);
  }

  // Each login is told its predecessor's id (`lastLoginDeviceId`): the copy logs in
  // again, then the tab (told the copy's id), then the watcher (told the tab's).
  const again = async (page) => {
    await reload(page);
    const [connected] = await (await startNim(page, account)).payloads('onconnect');
    return connected.lastLoginDeviceId;
  };
  await again(copy);
  assert.equal(await again(tab), copyId, 'a reload of the duplicate kept its id');
  assert.equal(await again(watcher), tabId, 'a reload of the original kept its id');
}

test('a duplicated tab logs in as another device, and the original keeps its id', { timeout: TEST_MS }, async () => {
  await withPages(world, 'duplicated-tab', async (open) => {
    await duplicateAndReload(open, await open(), uniqueAccount('dup'), true);
  });
});

test('without Web Locks a duplicated tab is another device too', { timeout: TEST_MS }, async () => {
  await withPages(world, 'duplicated-tab-no-locks', async (open) => {
    const tab = await open();
    // As in an insecure context (a page on http:// from a LAN address).
    await tab.context().addInitScript(() => delete Navigator.prototype.locks);
    await reload(tab);
    assert.equal(await tab.evaluate(() => 'locks' in navigator), false);
    await duplicateAndReload(open, tab, uniqueAccount('dup-nolocks'), false);
  });
});
