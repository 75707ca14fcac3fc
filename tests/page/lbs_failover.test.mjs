// Two nim-server nodes share sessions through Redis; a page finds them through
// `lbsUrl` (with both in `defaultLink`), logs in, and when the node it is on is
// killed (SIGKILL) it logs in again on the other node by itself.
//
// Each node keeps its accounts in its own SQLite file, so the account is created on
// both through the signed server API with the same token; sessions (the part this
// story is about) are shared through one redis-server this file starts on a free
// port, with no persistence. Needs `redis-server` on PATH (scripts/setup.sh). The
// same story on PostgreSQL, with three nodes, is cluster/lbs_failover_on_node_death.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { STEP_MS, TEST_MS, launchBrowser, uniqueAccount, withPages } from './harness.mjs';
import { REFUSED, createAccount, useNodes } from './nodes.mjs';
import { startNim } from './sdk_in_page.mjs';

/** How long the page may take to log in again after its node died. */
const FAILOVER_MS = 30000;

const processes = useNodes();
let browser = null;
after(() => browser?.close());

test('when its node dies, a page found through lbsUrl logs in on the other node', { timeout: TEST_MS }, async () => {
  const redis = await processes.startRedis();
  const nodes = [await processes.startNode('a', { redis }), await processes.startNode('b', { redis })];
  const account = uniqueAccount('lbs');
  const token = `token-${randomBytes(6).toString('hex')}`;
  for (const node of nodes) await createAccount(node, account, token);
  browser = await launchBrowser();

  await withPages({ url: nodes[0].url, browser }, 'lbs-failover', async (open) => {
    const sdk = await startNim(await open(), account, { token, lbsUrl: nodes[0].lbs, defaultLink: nodes.map((n) => n.ws) });

    const first = await sdk.waitFor('onconnect', 1, STEP_MS);
    const on = nodes.find((n) => first.url === n.ws);
    assert.ok(on, `logged in through an LBS address: ${first.url}`);
    const other = nodes.find((n) => n !== on);

    await on.kill();

    const second = await sdk.waitFor('onconnect', 2, FAILOVER_MS);
    assert.equal(second.url, other.ws, 'the second login is on the live node');
    assert.notEqual(second.arg.connectionId, first.arg.connectionId);
    const final = (await sdk.payloads('ondisconnect')).filter((e) => !e.willReconnect);
    assert.deepEqual(final, [], 'no terminal ondisconnect');
  }, { allowConsole: REFUSED });
});
