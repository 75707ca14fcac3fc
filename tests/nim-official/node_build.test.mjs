// The official SDK's Node build (socket.io, always) against nim-server: two devices
// of one account see each other, one kicks the other, logout, a wrong token; and it
// reaches nothing but the server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { APP, NodeDevice, STEP_MS, TEST_MS, devToken, officialOptions, startServer, uniqueAccount } from './world.mjs';

let server;
const devices = [];
before(async () => { server = await startServer(); });
after(async () => {
  for (const device of devices) await device.close();
  await server?.stop();
});

async function node(options) {
  const device = await NodeDevice.start(options);
  devices.push(device);
  return device;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('two Node devices of one account list, kick and log out like on NetEase', { timeout: TEST_MS }, async () => {
  const account = uniqueAccount('node');
  const token = await devToken(server, account);
  const first = await node(officialOptions(server, { account, token, customTag: 'first' }));
  const firstConnect = await first.waitEvent('onconnect');
  assert.match(firstConnect.connectionId, /^\d+$/);
  assert.equal(firstConnect.ip, '127.0.0.1');
  assert.ok(Math.abs(Number(firstConnect.loginTime) - Date.now()) < STEP_MS, 'loginTime is the login time in ms');

  const second = await node(officialOptions(server, { account, token, customTag: 'second' }));
  const secondConnect = await second.waitEvent('onconnect');
  // The new device hears of the first before its own onconnect, as NIM orders it.
  const secondEvents = (await second.events()).map((e) => e.event);
  assert.ok(secondEvents.indexOf('onloginportschange') < secondEvents.indexOf('onconnect'), secondEvents.join());
  const [firstPort] = await second.waitEvent('onloginportschange');
  assert.equal(firstPort.type, 'Web');
  assert.equal(firstPort.account, account);
  assert.equal(firstPort.customTag, 'first');
  assert.equal(firstPort.connectionId, firstConnect.connectionId);
  assert.equal(firstPort.time, Number(firstConnect.loginTime));
  assert.equal(firstPort.online, true);
  assert.match(firstPort.deviceId, /^[0-9a-f]{32}$/);

  // The first device is told the second came online.
  const [secondPort] = await first.waitEvent('onloginportschange', (ports) => ports[0]?.online);
  assert.equal(secondPort.connectionId, secondConnect.connectionId);
  assert.equal(secondPort.customTag, 'second');

  // Kick: done(null, {deviceIds}); the kicked device is told why and by whom, and stays out.
  const [err, result] = await first.kick([secondPort.deviceId]);
  assert.equal(err, null);
  assert.deepEqual(result, { deviceIds: [secondPort.deviceId] });
  const kicked = await second.waitEvent('ondisconnect');
  assert.equal(kicked.code, 'kicked');
  assert.equal(kicked.reason, 'otherPlatformKick');
  assert.equal(kicked.from, 'Web');
  const [gone] = await first.waitEvent('onloginportschange', (ports) => ports[0]?.online === false);
  assert.equal(gone.deviceId, secondPort.deviceId);
  await sleep(3000);
  assert.deepEqual(await second.args('onwillreconnect'), []);
  assert.equal((await second.args('onconnect')).length, 1);

  // Logout.
  await first.disconnect();
  const logout = await first.waitEvent('ondisconnect');
  assert.equal(logout.code, 'logout');

  for (const device of [first, second]) assert.deepEqual(device.blocked, [], 'the SDK reached only the server');
});

test('a wrong token gets 302 and the Node build does not retry', { timeout: TEST_MS }, async () => {
  const account = uniqueAccount('node-302');
  await devToken(server, account);
  const device = await node(officialOptions(server, { account, token: 'not-the-token' }));
  const refused = await device.waitEvent('ondisconnect');
  assert.equal(refused.code, 302);
  await sleep(3000);
  assert.deepEqual(await device.args('onwillreconnect'), []);
  assert.deepEqual(await device.args('onconnect'), []);
  assert.deepEqual(device.blocked, []);
});

test('an unknown app key gets 403 and an unknown account 404, neither retried', { timeout: TEST_MS }, async () => {
  const wrongApp = await node(officialOptions(server, { account: uniqueAccount('node-403'), token: 't', app: { key: 'no-such-app' } }));
  const noAccount = await node(officialOptions(server, { account: uniqueAccount('node-404'), token: 't' }));
  assert.equal((await wrongApp.waitEvent('ondisconnect')).code, 403);
  assert.equal((await noAccount.waitEvent('ondisconnect')).code, 404);
  await sleep(3000);
  for (const device of [wrongApp, noAccount]) {
    assert.deepEqual(await device.args('onwillreconnect'), []);
    assert.deepEqual(device.blocked, []);
  }
});

test('the guard sees the hosts the SDK reaches for when its options are left at their defaults', { timeout: TEST_MS }, async () => {
  const device = await node({ appKey: APP.key, account: uniqueAccount('node-default'), token: 't', db: false });
  const deadline = Date.now() + STEP_MS;
  while (device.blocked.length === 0 && Date.now() < deadline) await sleep(100);
  assert.ok(device.blocked.some((host) => host.endsWith('.netease.im')), `blocked: ${device.blocked}`);
});
