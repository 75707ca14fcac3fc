// The browser goes offline (Playwright's `context.setOffline`) with `quickReconnect`:
// the session ends at once with `ondisconnect({code: 'offlineListener', willReconnect:
// true})`, no attempt is spent while offline, and `online` reconnects at once even
// though the planned retry delay is a minute.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';
import { startNim } from './sdk_in_page.mjs';

const world = useWorld();
const MINUTE = 60000;

test('offline ends the session with offlineListener and online reconnects at once', { timeout: TEST_MS }, async () => {
  await withPages(world, 'outage-offline', async (open) => {
    const page = await open();
    const sdk = await startNim(page, uniqueAccount('offline'), { quickReconnect: true, delayMs: MINUTE });
    const socketsBefore = await sdk.socketsOpened();

    await page.context().setOffline(true);
    const gone = await sdk.waitFor('ondisconnect');
    assert.equal(gone.arg.code, 'offlineListener');
    assert.equal(gone.arg.willReconnect, true, 'offlineListener is not terminal');
    const retry = await sdk.waitFor('onwillreconnect');
    assert.deepEqual(retry.arg, { retryCount: 1, duration: MINUTE });
    assert.equal(await sdk.status(), 3, 'waiting to reconnect');

    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await sdk.socketsOpened(), socketsBefore, 'no attempt while offline');
    assert.equal((await sdk.payloads('onwillreconnect')).length, 1);
    assert.equal((await sdk.payloads('ondisconnect')).length, 1);

    const onlineAt = await sdk.now();
    await page.context().setOffline(false);
    const back = await sdk.waitFor('onconnect', 2);
    assert.ok(back.at - onlineAt < 3000, `logged in ${Math.round(back.at - onlineAt)} ms after online, not after the minute`);
    assert.equal(await sdk.status(), 1);
    assert.equal(await sdk.socketsOpened(), socketsBefore + 1, 'one attempt, which succeeded');
    assert.deepEqual(await sdk.payloads('onerror'), []);
  });
});
