// Three nodes behind `lbsUrl`; two pages of one account log in on two of them. The
// node one page is on is killed (SIGKILL): that page logs in again on a survivor by
// itself, and the other page lists it online exactly once, with no ghost of its
// dead connection, within the documented failover time, and keeps it listed after
// the dead node is swept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STEP_MS, TEST_MS, uniqueAccount, withPages } from '../harness.mjs';
import { REFUSED, createAccount } from '../nodes.mjs';
import { startNim } from '../sdk_in_page.mjs';
import { LEASE, useCluster } from './cluster.mjs';

const world = useCluster(['a', 'b', 'c']);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * From the kill until the survivors list the page right, as docs/RELIABILITY.md
 * states it: its first retry's delay (at most 1 s, docs/API.md) plus the sweep
 * bound (node_lease + sweep_interval, docs/SERVER.md).
 */
const FAILOVER_MS = 1000 + LEASE.nodeLeaseMs + LEASE.sweepIntervalMs;

/** The node whose WebSocket URL is `url`. */
function nodeAt(url) {
  const node = Object.values(world.nodes).find((n) => n.ws === url);
  assert.ok(node, `a node's address: ${url}`);
  return node;
}

/** Waits until `a`'s /lbs no longer puts `node` first: its load has reached Redis. */
async function untilLoaded(lbs, node) {
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    const reply = await (await fetch(`${lbs}?k=demo`)).json();
    if (reply.link.length === 3 && reply.link[0] !== node.ws) return;
    assert.ok(Date.now() < deadline, `/lbs still puts ${node.name} first: ${JSON.stringify(reply)}`);
    await sleep(100);
  }
}

test('a page whose node is killed logs in on a survivor, and its other device lists it once', { timeout: TEST_MS }, async (t) => {
  const { a } = world.nodes;
  await withPages(world, 'cluster-lbs-failover', async (open) => {
    const account = uniqueAccount('failover');
    const token = await createAccount(a, account);
    const options = { token, lbsUrl: a.lbs };
    const first = await startNim(await open(), account, options);
    const firstNode = nodeAt((await first.waitFor('onconnect')).url);
    await untilLoaded(a.lbs, firstNode);
    const second = await startNim(await open(), account, options);
    const secondNode = nodeAt((await second.waitFor('onconnect')).url);
    assert.notEqual(secondNode, firstNode, 'the LBS sends the second page to a less loaded node');

    // Kill a node other than the LBS's own, so the LBS answers throughout.
    const [victim, observer, doomed] = firstNode === a ? [second, first, secondNode] : [first, second, firstNode];
    const [victimPort] = await observer.loginPorts();
    const [observerPort] = await victim.loginPorts();
    assert.ok(victimPort?.online && observerPort?.online, 'each lists the other before');

    await doomed.kill();
    const killedAt = Date.now();

    // The victim logs in again by itself, on a live node, with no terminal disconnect.
    const relogin = await victim.waitFor('onconnect', 2, FAILOVER_MS);
    assert.notEqual(relogin.url, doomed.ws, 'logged in again on a survivor');
    assert.notEqual(relogin.arg.connectionId, victimPort.connectionId);
    assert.deepEqual((await victim.payloads('ondisconnect')).filter((e) => !e.willReconnect), []);

    // The observer lists the victim's new connection, and only that, in time.
    const listed = () => observer.loginPorts();
    const wanted = [{ ...victimPort, connectionId: relogin.arg.connectionId, online: true }];
    const strip = (ports) => ports.map(({ time, ip, ...rest }) => rest);
    for (;;) {
      const now = strip(await listed());
      if (JSON.stringify(now) === JSON.stringify(strip(wanted))) break;
      assert.ok(Date.now() - killedAt < FAILOVER_MS, `after ${FAILOVER_MS} ms the observer lists ${JSON.stringify(now)}`);
      await sleep(100);
    }
    t.diagnostic(`killed ${doomed.name}: logged in again on ${nodeAt(relogin.url).name} and listed right after ${Date.now() - killedAt} ms`);

    // Past the sweep of the dead node, twice over: nothing changes any more.
    await sleep(2 * (LEASE.nodeLeaseMs + LEASE.sweepIntervalMs));
    assert.deepEqual(strip(await listed()), strip(wanted), 'the sweep leaves the live device listed');
    assert.deepEqual((await victim.loginPorts()).map((p) => p.connectionId), [observerPort.connectionId]);
    const changes = (await observer.payloads('onloginportschange')).flat().filter((p) => p.deviceId === victimPort.deviceId);
    assert.deepEqual(changes.map((p) => [p.connectionId, p.online]), [
      [victimPort.connectionId, true],
      [victimPort.connectionId, false],
      [relogin.arg.connectionId, true],
    ], 'the observer saw the old connection leave once and the new one arrive once');
    assert.equal((await observer.payloads('onconnect')).length, 1, 'the observer, on a live node, never reconnected');
  }, { allowConsole: REFUSED });
});
