// The server vanishes for longer than several retry delays, then comes back on the
// same port: the page keeps retrying with a growing count, never gives up, and logs
// in again by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.mjs';
import { Panel, STEP_MS, TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'nim-page-outage-'));
const world = useWorld({ dataDir });
// While the server is away, Chromium itself logs each refused WebSocket connection.
const REFUSED = /WebSocket connection to .* failed/;
const AWAY_MS = 7000;

test('after a 7 s outage the page logs in again by itself', { timeout: TEST_MS }, async () => {
  try {
    await withPages(world, 'outage-server-away', async (open) => {
      const panel = new Panel(await open());
      await panel.login(uniqueAccount('away'));

      const { port } = new URL(world.url);
      await world.server.stop();
      await panel.waitStatus(3);
      await new Promise((r) => setTimeout(r, AWAY_MS));
      // Retry n waits at most min(16 s, 2^(n-1) s): within 7 s at least 3 are planned.
      const retries = await panel.events('onwillreconnect');
      assert.ok(retries.length >= 3, `retries while away: ${JSON.stringify(retries)}`);
      assert.deepEqual(retries.map((r) => r.retryCount), retries.map((_, i) => i + 1));
      assert.notEqual(await panel.status(), 0, 'still trying, not logged out');
      assert.deepEqual((await panel.events('ondisconnect')).filter((e) => !e.willReconnect), []);

      world.server = await startServer({ listen: `127.0.0.1:${port}`, dataDir });
      // The pending retry may wait up to 8 s (retry 4) or 16 s (retry 5).
      await panel.root.locator('[data-testid=status][data-status="1"]').waitFor({ timeout: 20000 + STEP_MS });
      assert.equal((await panel.events('onconnect')).length, 2);
      assert.deepEqual((await panel.events('ondisconnect')).filter((e) => !e.willReconnect), []);
      assert.ok(await panel.get('notice').isHidden());
    }, { allowConsole: [REFUSED] });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
