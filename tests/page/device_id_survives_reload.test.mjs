// The device id a page logs in with survives a reload: one per tab by default
// (sessionStorage), one per browser with `isFixedDeviceId` (localStorage). The server
// reports each login's predecessor as `lastLoginDeviceId`, so the id of one load is
// what the next load of the account is told.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';
import { startNim } from './sdk_in_page.mjs';

const world = useWorld();

/** Logs `account` in from `page`, logs out again; resolves to `lastLoginDeviceId`. */
async function loginOnce(page, account, options) {
  const sdk = await startNim(page, account, options);
  const [connected] = await sdk.payloads('onconnect');
  await page.evaluate(() => window.__sdk.nim.disconnect());
  return connected.lastLoginDeviceId;
}

/** Reloads `page` and waits until the demo page loaded the SDK again. */
async function reload(page) {
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
}

/**
 * Three loads of one tab, then two of a second tab of the same browser: the device
 * id of the first tab, and the id of the second tab's first load.
 */
async function twoTabs(open, options) {
  const account = uniqueAccount('devid');
  const tab = await open();
  await loginOnce(tab, account, options);
  await reload(tab);
  const first = await loginOnce(tab, account, options);
  await reload(tab);
  assert.equal(await loginOnce(tab, account, options), first, 'the id survived a reload');
  assert.match(first, /^[0-9a-f]{32}$/);

  const other = await tab.context().newPage();
  await other.goto(world.url);
  await other.waitForSelector('body[data-ready=true]');
  assert.equal(await loginOnce(other, account, options), first, 'the first tab logged in last');
  await reload(other);
  const second = await loginOnce(other, account, options);
  return { first, second };
}

test('each tab keeps its own device id across reloads', { timeout: TEST_MS }, async () => {
  await withPages(world, 'device-id-per-tab', async (open) => {
    const { first, second } = await twoTabs(open, {});
    assert.match(second, /^[0-9a-f]{32}$/);
    assert.notEqual(second, first, 'another tab is another device');
  });
});

test('with isFixedDeviceId every tab of the browser shares one id', { timeout: TEST_MS }, async () => {
  await withPages(world, 'device-id-per-browser', async (open) => {
    const { first, second } = await twoTabs(open, { isFixedDeviceId: true });
    assert.equal(second, first, 'one id for the whole browser');
  });
});
