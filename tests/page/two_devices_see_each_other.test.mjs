// Two browser contexts (two devices) log in to one account; each lists the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Panel, TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';

const world = useWorld();

test('two devices of one account each see the other in the device list', { timeout: TEST_MS }, async () => {
  await withPages(world, 'two-devices', async (open) => {
    const account = uniqueAccount('pair');
    const first = new Panel(await open());
    await first.login(account, { customTag: 'first-window' });
    assert.equal(await first.get('device-count').textContent(), '0');
    await first.get('devices-empty').waitFor();

    const second = new Panel(await open());
    await second.login(account, { customTag: 'second-window' });

    // The newcomer learns of the first from its login response...
    const row = second.device().filter({ hasText: 'first-window' });
    await row.waitFor();
    assert.equal(await row.getAttribute('data-online'), 'true');
    assert.equal(await row.locator('[data-field=type]').textContent(), 'Web');
    assert.match(await row.locator('[data-field=os]').textContent(), /Chrom/);
    assert.notEqual(await row.locator('[data-field=ip]').textContent(), '');
    assert.notEqual(await row.locator('[data-field=time]').textContent(), '');

    // ...and the first is told of the newcomer by a push.
    await first.device().filter({ hasText: 'second-window' }).waitFor();
    const [firstSees] = await first.onlineDeviceIds();
    const [secondSees] = await second.onlineDeviceIds();
    assert.equal((await first.onlineDeviceIds()).length, 1);
    assert.equal((await second.onlineDeviceIds()).length, 1);
    assert.notEqual(firstSees, secondSees, 'each lists the other device, not itself');
    assert.equal(await first.get('device-count').textContent(), '1');

    // Every callback is in the log with its payload.
    const connected = await first.waitEvent('onconnect');
    assert.equal(typeof connected.connectionId, 'string');
    const change = await first.waitEvent('onloginportschange', (ports) => ports.some((p) => p.customTag === 'second-window'));
    const port = change.find((p) => p.customTag === 'second-window');
    assert.equal(port.account, account);
    assert.equal(port.online, true);
    assert.equal(typeof port.time, 'number');
    assert.equal(port.deviceId, firstSees);
  });
});
