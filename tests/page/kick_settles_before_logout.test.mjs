// `kick()` followed at once by `disconnect()` or `destroy()`: the server answers the
// kick before it closes the session, so the kick's Promise resolves with the device
// it kicked rather than failing as 'disconnected'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';
import { devToken, startNim } from './sdk_in_page.mjs';

const world = useWorld();

for (const end of ['disconnect', 'destroy']) {
  test(`a kick answered before ${end}() closed the session resolves`, { timeout: TEST_MS }, async () => {
    await withPages(world, `kick-then-${end}`, async (open) => {
      const account = uniqueAccount(`kick-${end}`);
      const token = await devToken(world.url, account);
      const p = await startNim(await open(), account, { token });
      const q = await startNim(await open(), account, { token });
      const [qPort] = (await p.waitFor('onloginportschange')).arg;
      const outcome = await p.page.evaluate(async ([qId, end]) => {
        const { nim } = window.__sdk;
        const kicked = nim.kick({ deviceIds: [qId] });
        const ended = nim[end]();
        const result = await kicked.then((value) => ({ value }), (error) => ({ error: error.code }));
        await ended;
        return result;
      }, [qPort.deviceId, end]);
      assert.deepEqual(outcome, { value: { deviceIds: [qPort.deviceId] } });
      const kicked = await q.waitFor('ondisconnect');
      assert.equal(kicked.arg.reason, 'otherPlatformKick', JSON.stringify(kicked.arg));
    });
  });
}
