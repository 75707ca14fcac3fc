// The server restarts: the page shows "waiting to reconnect" with the retry count and
// delay, then logs in again by itself once the server is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.mjs';
import { Panel, STEP_MS, TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'nim-page-restart-'));
const world = useWorld({ dataDir });
// While the server is down, Chromium itself logs each refused WebSocket connection.
const REFUSED = /WebSocket connection to .* failed/;

test('after a server restart the page waits, shows its retries and logs in again', { timeout: TEST_MS }, async () => {
  try {
    await withPages(world, 'server-restart', async (open) => {
      const panel = new Panel(await open());
      await panel.login(uniqueAccount('restart'));

      const { port } = new URL(world.url);
      await world.server.stop();
      await panel.waitStatus(3);
      const retry = await panel.waitEvent('onwillreconnect');
      assert.equal(retry.retryCount, 1);
      assert.equal(typeof retry.duration, 'number');
      const line = panel.get('retry');
      assert.match(await line.textContent(), /^Retry \d+ (in [\d.]+ s \(delay \d+ ms\)|: logging in)/);
      assert.equal(Number(await line.getAttribute('data-retry-count')) >= 1, true);

      world.server = await startServer({ listen: `127.0.0.1:${port}`, dataDir });
      // The backoff may have grown to a few seconds while the server was down.
      await panel.root.locator('[data-testid=status][data-status="1"]').waitFor({ timeout: 2 * STEP_MS });
      assert.equal((await panel.events('onconnect')).length, 2);
      assert.deepEqual((await panel.events('ondisconnect')).filter((e) => !e.willReconnect), []);
      assert.ok(await panel.get('retry').isHidden());
      assert.ok(await panel.get('notice').isHidden());
    }, { allowConsole: [REFUSED] });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
