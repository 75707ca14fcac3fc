// The app backend creates an account through one node's server API; two devices
// of it log in, one pinned (`socketUrl`) to the other node, one on the first. Each
// lists the other with every field, and sees it go offline when it disconnects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Panel, TEST_MS, uniqueAccount, withPages } from '../harness.mjs';
import { createAccount, liveSessions } from '../nodes.mjs';
import { useCluster } from './cluster.mjs';

const world = useCluster(['a', 'b']);

const PORT_FIELDS = ['account', 'connectionId', 'customClientType', 'customTag', 'deviceId', 'ip', 'mac', 'online', 'os', 'time', 'type'];

/** The one entry of `ports` (asserting there is one) with every NIMLoginPort field checked. */
function onlyPort(ports, { account, customTag, connectionId, since }) {
  assert.equal(ports.length, 1, `one other device: ${JSON.stringify(ports)}`);
  const [port] = ports;
  assert.deepEqual(Object.keys(port).sort(), PORT_FIELDS);
  assert.equal(port.type, 'Web');
  assert.match(port.os, /Chrom/);
  assert.equal(port.mac, '');
  assert.match(port.deviceId, /^[0-9a-f]{32}$/);
  assert.equal(port.account, account);
  assert.equal(port.customTag, customTag);
  assert.equal(port.customClientType, 0);
  assert.equal(port.connectionId, connectionId);
  assert.equal(port.ip, '127.0.0.1');
  assert.ok(port.time >= since - 1000 && port.time <= Date.now() + 1000, `login time ${port.time}`);
  assert.equal(port.online, true);
  return port;
}

test('devices on two nodes see each other with every field, and see each other leave', { timeout: TEST_MS }, async () => {
  const { a, b } = world.nodes;
  await withPages(world, 'cluster-two-nodes', async (open) => {
    const account = uniqueAccount('pair');
    const token = await createAccount(a, account);
    const since = Date.now();

    const onB = new Panel(await open());
    await onB.login(account, { token, server: b.url, customTag: 'on-node-b' });
    const onA = new Panel(await open());
    await onA.login(account, { token, server: a.url, customTag: 'on-node-a' });
    assert.deepEqual([await liveSessions(a), await liveSessions(b)], [1, 1], 'one device on each node');

    const connB = await onB.waitEvent('onconnect');
    const connA = await onA.waitEvent('onconnect');
    assert.equal(connB.lastLoginDeviceId, '', 'the first login of the account');

    // The newcomer on A learns of the device on B from its login response...
    const portB = onlyPort(await onA.waitEvent('onloginportschange'),
      { account, customTag: 'on-node-b', connectionId: connB.connectionId, since });
    assert.equal(connA.lastLoginDeviceId, portB.deviceId, 'the last login, stored in PostgreSQL, was the one on B');
    // ...and the device on B is told of it by a push from the other node.
    const portA = onlyPort(await onB.waitEvent('onloginportschange'),
      { account, customTag: 'on-node-a', connectionId: connA.connectionId, since });
    assert.notEqual(portA.deviceId, portB.deviceId, 'two devices');

    const loginPorts = (panel) => panel.page.evaluate(() => window.demo.panels[0].nim.getLoginPorts());
    assert.deepEqual(await loginPorts(onA), [portB]);
    assert.deepEqual(await loginPorts(onB), [portA]);
    await onA.root.locator(`[data-testid=device][data-device-id="${portB.deviceId}"][data-online=true]`).waitFor();
    await onB.root.locator(`[data-testid=device][data-device-id="${portA.deviceId}"][data-online=true]`).waitFor();

    // B disconnects: A is told once, with B's entry marked offline.
    await onB.get('disconnect').click();
    await onB.waitStatus(0);
    const gone = await onA.waitEvent('onloginportschange', (ports) => ports.some((p) => !p.online));
    assert.deepEqual(gone, [{ ...portB, online: false }]);
    await onA.root.locator(`[data-testid=device][data-device-id="${portB.deviceId}"][data-online=false]`).waitFor();
    assert.equal(await onA.get('device-count').textContent(), '0');
    assert.deepEqual(await loginPorts(onA), []);
    assert.equal((await onA.events('onloginportschange')).length, 2, 'one change in, one out');
    assert.equal(await onA.status(), 1, 'A stays logged in');
  });
});
