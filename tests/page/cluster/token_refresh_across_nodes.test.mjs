// The app backend refreshes a token through node A's server API: a page on node B
// with the old token is refused with 302 and does not retry; given the new token
// through setOptions it logs in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Panel, TEST_MS, uniqueAccount, withPages } from '../harness.mjs';
import { createAccount, serverApi } from '../nodes.mjs';
import { useCluster } from './cluster.mjs';

const world = useCluster(['a', 'b']);

test('a token refreshed on node A is refused on node B, and the new one logs in there', { timeout: TEST_MS }, async () => {
  const { a, b } = world.nodes;
  await withPages(world, 'cluster-token-refresh', async (open) => {
    const account = uniqueAccount('token');
    const oldToken = await createAccount(a, account);
    const panel = new Panel(await open());
    await panel.login(account, { token: oldToken, server: b.url });

    const refreshed = await serverApi(a, 'refreshToken.action', { accid: account });
    assert.equal(refreshed.code, 200, JSON.stringify(refreshed));
    const newToken = refreshed.info.token;
    assert.notEqual(newToken, oldToken);
    assert.equal(await panel.status(), 1, 'the live session on B goes on');

    // Logging in again on B with the old token: refused, once, for good.
    await panel.get('disconnect').click();
    await panel.waitStatus(0);
    await panel.get('connect').click();
    const refused = await panel.waitEvent('ondisconnect', (e) => e.code === 302);
    assert.equal(refused.willReconnect, false);
    assert.match(await panel.get('notice').textContent(), /302/);
    await panel.page.waitForTimeout(2000);
    assert.equal(await panel.status(), 0);
    assert.deepEqual(await panel.events('onwillreconnect'), [], 'no retry');
    assert.equal((await panel.events('onconnect')).length, 1);

    // setOptions({token}) with the new token, then connect(): logged in on B.
    await panel.get('token').fill(newToken);
    await panel.get('update-token').click();
    await panel.page.evaluate(() => window.demo.panels[0].nim.connect());
    await panel.waitStatus(1);
    assert.equal((await panel.events('onconnect')).length, 2);
    assert.ok(await panel.get('notice').isHidden());
  });
});
