// Kick on the first device removes the second, which says it was kicked and stays out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Panel, TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';

const world = useWorld();

test('Kick in one window removes the other, which shows it was kicked and does not reconnect', { timeout: TEST_MS }, async () => {
  await withPages(world, 'kick', async (open) => {
    const account = uniqueAccount('kick');
    const first = new Panel(await open());
    await first.login(account, { customTag: 'kicker' });
    const second = new Panel(await open());
    await second.login(account, { customTag: 'victim' });

    const victim = first.device().filter({ hasText: 'victim' });
    await victim.waitFor();
    const victimId = await victim.getAttribute('data-device-id');
    await victim.getByTestId('kick').click();

    // The kicker gets the ids the server kicked, and sees the device go.
    const result = await first.waitEvent('kick() result');
    assert.deepEqual(result.deviceIds, [victimId]);
    await first.root.locator(`[data-testid=device][data-device-id="${victimId}"][data-online=false]`).waitFor();
    assert.deepEqual(await first.onlineDeviceIds(), []);
    assert.equal(await first.status(), 1, 'the kicker stays logged in');

    // The kicked page says so, with the reason and the kicker's device type.
    await second.waitStatus(0);
    const disconnect = await second.waitEvent('ondisconnect');
    assert.equal(disconnect.code, 'kicked');
    assert.equal(disconnect.reason, 'otherPlatformKick');
    assert.equal(disconnect.from, 'Web');
    assert.equal(disconnect.willReconnect, false);
    assert.equal(disconnect.custom, 'kicked from the nim-wasm demo');
    const notice = second.get('notice');
    await notice.waitFor();
    assert.match(await notice.textContent(), /Kicked by another device \(Web\).*kicked from the nim-wasm demo/);
    assert.equal(await notice.getAttribute('data-kind'), 'kicked');

    // It does not come back: no retry is scheduled and nothing logs in again.
    await second.page.waitForTimeout(3000);
    assert.equal(await second.status(), 0);
    assert.deepEqual(await second.events('onwillreconnect'), []);
    assert.equal((await second.events('onconnect')).length, 1);
    assert.ok(await second.get('retry').isHidden());
    assert.deepEqual(await first.onlineDeviceIds(), []);
    assert.equal(await first.status(), 1);
  });
});
