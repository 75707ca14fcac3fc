// The Vite example's production build (examples/vite/dist, from `vite build`) logs in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './server.mjs';
import { STEP_MS, TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';

const DIST = join(ROOT, 'examples', 'vite', 'dist');
if (!existsSync(join(DIST, 'index.html'))) {
  throw new Error('examples/vite/dist is missing: run `npm --prefix examples/vite install && npm --prefix examples/vite run build` first');
}
const world = useWorld({ www: DIST });

test('the Vite build bundles the SDK with its .wasm and logs in', { timeout: TEST_MS }, async () => {
  const assets = readdirSync(join(DIST, 'assets'));
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `a .wasm asset in dist/assets: ${assets}`);
  await withPages(world, 'vite-example', async (open) => {
    const page = await open(`?account=${uniqueAccount('vite')}`);
    await page.locator('#status[data-status="1"]').waitFor({ timeout: STEP_MS });
    assert.match(await page.locator('#log').textContent(), /onconnect/);
  }, { ready: '#status' });
});

test('with ?share two tabs of the Vite build share one connection through the bundled worker', { timeout: TEST_MS }, async () => {
  const assets = readdirSync(join(DIST, 'assets'));
  assert.ok(assets.some((f) => /^nim_worker.*\.js$/.test(f)), `the worker in dist/assets: ${assets}`);
  await withPages(world, 'vite-example-share', async (open) => {
    const url = `?account=${uniqueAccount('vite')}&share`;
    const first = await open(url);
    const second = await first.context().newPage();
    await second.goto(`${world.url}/${url}`);
    const ids = [];
    for (const page of [first, second]) {
      await page.locator('#status[data-status="1"]').waitFor({ timeout: STEP_MS });
      ids.push((await page.locator('#log').textContent()).match(/onconnect .*"connectionId":"(\d+)"/)[1]);
    }
    assert.equal(ids[0], ids[1], 'one connection for both tabs');
  }, { ready: '#status' });
});
