// Several accounts side by side in one page, each with its own instance and panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Panel, TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';

const world = useWorld();

test('two accounts log in side by side in one page and stay independent', { timeout: TEST_MS }, async () => {
  await withPages(world, 'two-accounts', async (open) => {
    const page = await open();
    const alice = new Panel(page, 0);
    const bob = new Panel(page, 1);
    await page.getByTestId('add-account').click();
    assert.equal(await page.getByTestId('account-panel').count(), 2);

    const aliceAccount = uniqueAccount('alice');
    const bobAccount = uniqueAccount('bob');
    await alice.login(aliceAccount);
    await bob.login(bobAccount);
    assert.equal(await alice.status(), 1);
    assert.equal(await alice.root.getAttribute('data-account'), aliceAccount);
    assert.equal(await bob.root.getAttribute('data-account'), bobAccount);
    const [a] = await alice.events('onconnect');
    const [b] = await bob.events('onconnect');
    assert.notEqual(a.connectionId, b.connectionId);
    // Different accounts are not each other's devices.
    assert.deepEqual(await alice.onlineDeviceIds(), []);
    assert.deepEqual(await bob.onlineDeviceIds(), []);

    // One account logging out leaves the other logged in.
    await alice.get('disconnect').click();
    await alice.waitStatus(0);
    await page.waitForTimeout(500);
    assert.equal(await bob.status(), 1);
    assert.equal((await bob.events('ondisconnect')).length, 0);

    // A third panel cannot open the second instance of a live account.
    await page.getByTestId('add-account').click();
    const third = new Panel(page, 2);
    await third.get('account').fill(bobAccount);
    await third.get('token').fill('whatever');
    await third.get('connect').click();
    await third.waitEvent('connect failed', (e) => e.code === 'inUse');
    assert.equal(await bob.status(), 1);

    await alice.get('connect').click();
    await alice.waitStatus(1);
    assert.equal(await bob.status(), 1);
  });
});
