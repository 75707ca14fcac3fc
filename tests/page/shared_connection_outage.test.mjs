// `shareConnection: true` through a server outage: the shared session's retries wait
// while every tab is hidden, and with `authType: 1` the retry waits for one live tab's
// `onwillreconnect`, or for the next tab's when that one is closed meanwhile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.mjs';
import { TEST_MS, useWorld, withPages } from './harness.mjs';
import { setHidden } from './sdk_in_page.mjs';
import { events, newAccount, sharedTabs, status, waitFor } from './shared.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'nim-page-shared-'));
const world = useWorld({ dataDir });
const AWAY_MS = 5000;

/** Stops the server; returns a function that starts it again on the same port. */
async function outage() {
  const { port } = new URL(world.url);
  await world.server.stop();
  return async () => {
    world.server = await startServer({ listen: `127.0.0.1:${port}`, dataDir });
  };
}

test('retries wait while every tab is hidden, and start when one is shown', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-hidden', async (open) => {
    const [one, two] = await sharedTabs(open, world.url, await newAccount(world.url), 2);
    await setHidden(one, true);
    const restart = await outage();
    // One tab still visible: the session retries again and again.
    await waitFor(two, 'onwillreconnect', 2);
    await setHidden(two, true);
    const planned = (await events(two, 'onwillreconnect')).length;
    await new Promise((r) => setTimeout(r, AWAY_MS));
    assert.ok((await events(two, 'onwillreconnect')).length <= planned + 1, 'no retries while every tab is hidden');
    await restart();
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await status(one), 3, 'still waiting while hidden');
    await setHidden(one, false);
    for (const tab of [one, two]) await waitFor(tab, 'onconnect', 2);
  });
});

test('with authType 1 one live tab answers onwillreconnect; if it closes, the next one does', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-auth-type', async (open) => {
    const login = await newAccount(world.url);
    const [one, two] = await sharedTabs(open, world.url, login, 2, { authType: 1, gate: true });
    const restart = await outage();
    await waitFor(one, 'onwillreconnect');
    await waitFor(two, 'onwillreconnect');
    await restart();
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await status(two), 3, 'the retry waits for the asked tab');
    const asked = await one.evaluate(() => window.__gates.length);
    assert.equal(asked, 1, 'the first tab was asked');
    assert.equal(await two.evaluate(() => window.__gates.length), 1, 'the other tab got the event too');
    // The asked tab closes before it answers: the other one is asked.
    await one.close();
    await two.waitForFunction(() => window.__gates.length === 2);
    await two.evaluate(() => window.__gates[1]());
    await waitFor(two, 'onconnect', 2);
  });
});

test.after(() => rmSync(dataDir, { recursive: true, force: true }));
