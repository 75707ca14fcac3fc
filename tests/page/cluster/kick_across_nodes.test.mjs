// A page on node B kicks the account's device on node A: kick() resolves with the
// kicked id, the page on A says it was kicked by another device and stays out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Panel, TEST_MS, uniqueAccount, withPages } from '../harness.mjs';
import { createAccount } from '../nodes.mjs';
import { useCluster } from './cluster.mjs';

const world = useCluster(['a', 'b']);

test('kick from a page on node B removes the device on node A, which does not come back', { timeout: TEST_MS }, async () => {
  const { a, b } = world.nodes;
  await withPages(world, 'cluster-kick', async (open) => {
    const account = uniqueAccount('kick');
    const token = await createAccount(a, account);
    const victim = new Panel(await open());
    await victim.login(account, { token, server: a.url, customTag: 'victim-on-a' });
    const kicker = new Panel(await open());
    await kicker.login(account, { token, server: b.url, customTag: 'kicker-on-b' });

    const row = kicker.device().filter({ hasText: 'victim-on-a' });
    await row.waitFor();
    const victimId = await row.getAttribute('data-device-id');
    await row.getByTestId('kick').click();

    // kick() resolves with the id the server kicked; the kicker sees it go.
    const result = await kicker.waitEvent('kick() result');
    assert.deepEqual(result, { deviceIds: [victimId] });
    await kicker.root.locator(`[data-testid=device][data-device-id="${victimId}"][data-online=false]`).waitFor();
    assert.deepEqual(await kicker.onlineDeviceIds(), []);

    // The page on A is told by its own node, with the reason and the kicker's type.
    await victim.waitStatus(0);
    const disconnect = await victim.waitEvent('ondisconnect');
    assert.equal(disconnect.code, 'kicked');
    assert.equal(disconnect.reason, 'otherPlatformKick');
    assert.equal(disconnect.from, 'Web');
    assert.equal(disconnect.custom, 'kicked from the nim-wasm demo');
    assert.equal(disconnect.willReconnect, false);
    assert.match(await victim.get('notice').textContent(), /Kicked by another device \(Web\)/);

    // It never reconnects: nothing is scheduled, nothing logs in, for a few seconds.
    await victim.page.waitForTimeout(4000);
    assert.equal(await victim.status(), 0);
    assert.deepEqual(await victim.events('onwillreconnect'), []);
    assert.equal((await victim.events('onconnect')).length, 1);
    assert.equal((await victim.events('ondisconnect')).length, 1);
    assert.deepEqual(await kicker.onlineDeviceIds(), []);
    assert.deepEqual(await kicker.page.evaluate(() => window.demo.panels[0].nim.getLoginPorts()), []);
    assert.equal(await kicker.status(), 1, 'the kicker stays logged in');
  });
});
