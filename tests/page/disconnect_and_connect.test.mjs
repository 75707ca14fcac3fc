// Disconnect logs out (the other device sees it leave); Connect logs in again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Panel, TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';

const world = useWorld();

test('disconnect logs out and connect logs in again, seen from another device', { timeout: TEST_MS }, async () => {
  await withPages(world, 'disconnect-connect', async (open) => {
    const account = uniqueAccount('cycle');
    const watcher = new Panel(await open());
    await watcher.login(account, { customTag: 'watcher' });
    const panel = new Panel(await open());
    await panel.login(account, { customTag: 'cycler' });
    await watcher.root.locator('[data-testid=device][data-online=true]').filter({ hasText: 'cycler' }).waitFor();

    await panel.get('disconnect').click();
    await panel.waitStatus(0);
    const logout = await panel.waitEvent('ondisconnect');
    assert.equal(logout.code, 'logout');
    assert.equal(logout.willReconnect, false);
    await panel.waitEvent('disconnect() done');
    assert.ok(await panel.get('notice').isHidden(), 'a logout is not an error');
    await watcher.root.locator('[data-testid=device][data-online=false]').filter({ hasText: 'cycler' }).waitFor();
    assert.deepEqual(await watcher.onlineDeviceIds(), []);

    // A second disconnect while idle reports alreadyDisconnected.
    await panel.get('disconnect').click();
    await panel.waitEvent('ondisconnect', (e) => e.code === 'alreadyDisconnected');

    await panel.get('connect').click();
    await panel.waitStatus(1);
    assert.equal((await panel.events('onconnect')).length, 2);
    await watcher.root.locator('[data-testid=device][data-online=true]').filter({ hasText: 'cycler' }).waitFor();
    assert.equal((await watcher.onlineDeviceIds()).length, 1);
    assert.equal((await panel.onlineDeviceIds()).length, 1, 'the reconnected device lists the watcher again');

    // Destroy ends the instance; Connect then makes a new one.
    await panel.get('destroy').click();
    await panel.waitEvent('destroy() done');
    assert.equal(await panel.get('status').textContent(), 'no instance');
    await panel.get('connect').click();
    await panel.waitStatus(1);
  });
});
