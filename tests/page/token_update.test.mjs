// A token update through setOptions: a stale token is refused, the new one logs in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Panel, TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';

const world = useWorld();

test('a refused token is replaced through setOptions and the next login succeeds', { timeout: TEST_MS }, async () => {
  await withPages(world, 'token-update', async (open) => {
    const panel = new Panel(await open());
    const account = uniqueAccount('token');
    await panel.login(account);
    const oldToken = await panel.get('token').inputValue();

    // The server issues a new token (the old one stops working); the live session
    // goes on, but a new login with the old token is refused with 302.
    const newToken = await panel.devToken();
    assert.notEqual(newToken, oldToken);
    await panel.get('token').fill(oldToken);
    await panel.get('update-token').click();
    await panel.get('disconnect').click();
    await panel.waitStatus(0);
    await panel.get('connect').click();
    const refused = await panel.waitEvent('ondisconnect', (e) => e.code === 302);
    assert.equal(refused.willReconnect, false);
    await panel.waitStatus(0);
    assert.match(await panel.get('notice').textContent(), /302/);

    // setOptions({token}) with the new token, then Connect: logged in.
    await panel.get('token').fill(newToken);
    await panel.get('update-token').click();
    const [update] = (await panel.events('setOptions')).slice(-1);
    assert.ok(update.token, 'the update is logged');
    await panel.page.evaluate(() => window.demo.panels[0].nim.connect());
    await panel.waitStatus(1);
    assert.ok(await panel.get('notice').isHidden());
    assert.equal((await panel.events('onconnect')).length, 2);
  });
});
