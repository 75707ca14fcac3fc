// Logged in with `heartbeatInterval: 5000` (the server's idle timeout is then 15 s),
// `setOptions({heartbeatInterval: 60000})` is told to the server, which lengthens its
// idle timeout: the session outlives the old timeout, and the other device sees no
// flap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';
import { devToken, startNim } from './sdk_in_page.mjs';

const world = useWorld();
/** Past the idle timeout a 5 s heartbeat gets (2 × 5 s + 5 s), with room to spare. */
const PAST_OLD_IDLE_TIMEOUT_MS = 22000;

test('raising heartbeatInterval while logged in keeps the session', { timeout: TEST_MS }, async () => {
  await withPages(world, 'heartbeat-raised', async (open) => {
    const account = uniqueAccount('heartbeat');
    const token = await devToken(world.url, account);
    const p = await startNim(await open(), account, { token, heartbeatInterval: 5000 });
    const q = await startNim(await open(), account, { token });
    await p.waitFor('onloginportschange');
    const qSawBefore = (await q.payloads('onloginportschange')).length;
    await p.page.evaluate(() => window.__sdk.nim.setOptions({ heartbeatInterval: 60000 }));
    await new Promise((done) => setTimeout(done, PAST_OLD_IDLE_TIMEOUT_MS));
    assert.equal(await p.status(), 1);
    assert.equal((await p.payloads('onconnect')).length, 1);
    assert.deepEqual(await p.payloads('ondisconnect'), []);
    assert.equal((await q.payloads('onloginportschange')).length, qSawBefore, 'q saw p flap');
  });
});
