// A tab hidden while the server is away spends no attempts: one retry is planned
// (one `onwillreconnect`) and then nothing happens, however long the outage; when the
// tab is visible again it retries at once and logs in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.mjs';
import { TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';
import { setHidden, startNim } from './sdk_in_page.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'nim-page-hidden-'));
const world = useWorld({ dataDir });
const AWAY_MS = 6000;

test('a hidden tab spends no attempts during an outage and retries at once when shown', { timeout: TEST_MS }, async () => {
  try {
    await withPages(world, 'outage-hidden-tab', async (open) => {
      const page = await open();
      const sdk = await startNim(page, uniqueAccount('hidden'));
      const socketsBefore = await sdk.socketsOpened();
      await setHidden(page, true);
      assert.equal(await sdk.status(), 1, 'hiding a logged-in tab changes nothing');

      const { port } = new URL(world.url);
      await world.server.stop();
      const retry = await sdk.waitFor('onwillreconnect');
      assert.equal(retry.arg.retryCount, 1);
      await new Promise((r) => setTimeout(r, AWAY_MS));
      // Visible, this outage would have planned 3 or more retries (see the server-away test).
      assert.equal((await sdk.payloads('onwillreconnect')).length, 1, 'no further retry planned');
      assert.equal(await sdk.socketsOpened(), socketsBefore, 'no attempt while hidden');
      assert.equal(await sdk.status(), 3);

      world.server = await startServer({ listen: `127.0.0.1:${port}`, dataDir });
      const shownAt = await sdk.now();
      await setHidden(page, false);
      const back = await sdk.waitFor('onconnect', 2);
      assert.ok(back.at - shownAt < 2000, `logged in ${Math.round(back.at - shownAt)} ms after the tab was shown`);
      assert.equal(await sdk.socketsOpened(), socketsBefore + 1, 'one attempt, at once');
      assert.equal((await sdk.payloads('onwillreconnect')).length, 1);
      assert.deepEqual((await sdk.payloads('ondisconnect')).filter((e) => !e.willReconnect), []);
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
