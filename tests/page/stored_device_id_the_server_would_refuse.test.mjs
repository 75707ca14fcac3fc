// A device id in sessionStorage that the server would refuse (written there by
// someone else) is replaced by a fresh one, and the login goes through. The page
// reads its id once, so this is a page of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';
import { startNim } from './sdk_in_page.mjs';

const world = useWorld();

test('a stored device id the server would refuse is replaced', { timeout: TEST_MS }, async () => {
  await withPages(world, 'refused-stored-id', async (open) => {
    const tab = await open();
    await tab.context().addInitScript(() => sessionStorage.setItem('nim-wasm:deviceId', '设'.repeat(64)));
    await tab.reload();
    await tab.waitForSelector('body[data-ready=true]');
    const account = uniqueAccount('storedid');
    const sdk = await startNim(tab, account);

    // The next login of the account is told the tab's id.
    const [next] = await (await startNim(await open(), account)).payloads('onconnect');
    assert.match(next.lastLoginDeviceId, /^[0-9a-f]{32}$/, 'a fresh id');
    assert.deepEqual(await sdk.payloads('ondisconnect'), []);
  });
});
