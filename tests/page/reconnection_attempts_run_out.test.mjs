// `reconnectionAttempts` bounds the retries after a lost session: with the server
// gone, the page announces exactly that many retries, opens one socket for each,
// then ends with `ondisconnect({code: 'allAttemptsFailed'})` and opens no more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.mjs';
import { TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';
import { startNim } from './sdk_in_page.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'nim-page-attempts-'));
const world = useWorld({ dataDir });
// While the server is away, Chromium itself logs each refused WebSocket connection.
const REFUSED = /WebSocket connection to .* failed/;

test('two reconnection attempts, then allAttemptsFailed', { timeout: TEST_MS }, async () => {
  try {
    await withPages(world, 'reconnection-attempts', async (open) => {
      const page = await open();
      const sdk = await startNim(page, uniqueAccount('attempts'), { reconnectionAttempts: 2 });
      assert.equal(await sdk.socketsOpened(), 1);

      const { port } = new URL(world.url);
      await world.server.stop();
      const ended = await sdk.waitFor('ondisconnect');
      assert.equal(ended.arg.code, 'allAttemptsFailed');
      assert.equal(ended.arg.retryCount, 2);
      assert.equal(ended.arg.willReconnect, false);
      const retries = await sdk.payloads('onwillreconnect');
      assert.deepEqual(retries.map((r) => r.retryCount), [1, 2]);
      assert.equal(await sdk.socketsOpened(), 3, 'the login and one socket per retry');

      await page.waitForTimeout(3000);
      assert.equal(await sdk.socketsOpened(), 3, 'nothing after giving up');
      assert.equal(await sdk.status(), 0);
      assert.equal((await sdk.payloads('ondisconnect')).length, 1);
      world.server = await startServer({ listen: `127.0.0.1:${port}`, dataDir });
    }, { allowConsole: [REFUSED] });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
