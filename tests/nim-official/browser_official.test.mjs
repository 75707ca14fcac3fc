// The official SDK's browser build in headless Chromium, in a page of another origin,
// against nim-server, on both of its transports: the binary websocket (its default)
// and socket.io (`binaryWebsocket: false`). Every host but loopback is unresolvable,
// and the test fails if any page asks for anything but the server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_MS, devToken, launchBrowser, officialOptions, serverApi, startServer, uniqueAccount,
} from './world.mjs';

let server;
let world;
before(async () => {
  server = await startServer();
  world = await launchBrowser(server);
}, { timeout: 60000 });
after(async () => {
  await world?.close();
  await server?.stop();
}, { timeout: 30000 });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TRANSPORTS = [
  { name: 'binary websocket', options: {}, path: /^ws:\/\/127\.0\.0\.1:\d+\/websocket$/ },
  { name: 'socket.io', options: { binaryWebsocket: false }, path: /^ws:\/\/127\.0\.0\.1:\d+\/socket\.io\/1\/websocket\/sio[0-9a-f]+$/ },
];

for (const transport of TRANSPORTS) {
  test(`two browser devices list, kick and log out (${transport.name})`, { timeout: TEST_MS }, async () => {
    const account = uniqueAccount('browser');
    const token = await devToken(server, account);
    const first = await world.official(officialOptions(server, { account, token, ...transport.options }));
    const firstConnect = await first.waitEvent('onconnect');
    await first.waitEvent('onsyncdone');
    const second = await world.official(officialOptions(server, { account, token, ...transport.options }));
    const secondConnect = await second.waitEvent('onconnect');
    const [firstPort] = await second.waitEvent('onloginportschange');
    assert.equal(firstPort.connectionId, firstConnect.connectionId);
    assert.equal(firstPort.type, 'Web');
    assert.equal(firstPort.os, 'Linux 64-bit');
    const [secondPort] = await first.waitEvent('onloginportschange', (p) => p[0]?.online);
    assert.equal(secondPort.connectionId, secondConnect.connectionId);

    const [err, result] = await first.kick([secondPort.deviceId]);
    assert.equal(err, null);
    assert.deepEqual(result, { deviceIds: [secondPort.deviceId] });
    const kicked = await second.waitEvent('ondisconnect');
    assert.deepEqual([kicked.code, kicked.reason, kicked.from], ['kicked', 'otherPlatformKick', 'Web']);
    await first.waitEvent('onloginportschange', (p) => p[0]?.online === false);

    await first.disconnect();
    assert.equal((await first.waitEvent('ondisconnect')).code, 'logout');
    await sleep(2000);
    assert.deepEqual(await second.args('onwillreconnect'), []);
    assert.ok(first.sockets.length >= 1 && first.sockets.every((url) => transport.path.test(url)), first.sockets.join());
    await first.close();
    await second.close();
  });

  test(`a wrong token gets 302 and is not retried (${transport.name})`, { timeout: TEST_MS }, async () => {
    const account = uniqueAccount('browser-302');
    await devToken(server, account);
    const device = await world.official(officialOptions(server, { account, token: 'wrong', ...transport.options }));
    const refused = await device.waitEvent('ondisconnect');
    assert.equal(refused.code, 302);
    await sleep(3000);
    assert.deepEqual(await device.args('onwillreconnect'), []);
    assert.deepEqual(await device.args('onconnect'), []);
    await device.close();
  });

  test(`block with needkick kicks with serverKick, and the next login gets 422 (${transport.name})`, { timeout: TEST_MS }, async () => {
    const account = uniqueAccount('browser-block');
    const token = await devToken(server, account);
    const device = await world.official(officialOptions(server, { account, token, ...transport.options }));
    await device.waitEvent('onconnect');
    assert.equal((await serverApi(server, 'block', { accid: account, needkick: 'true' })).code, 200);
    const kicked = await device.waitEvent('ondisconnect');
    assert.deepEqual([kicked.code, kicked.reason], ['kicked', 'serverKick']);
    const again = await world.official(officialOptions(server, { account, token, ...transport.options }));
    assert.equal((await again.waitEvent('ondisconnect')).code, 422);
    await sleep(2000);
    assert.deepEqual(await again.args('onwillreconnect'), []);
    await device.close();
    await again.close();
  });

  test(`the SDK finds the server through its LBS (${transport.name})`, { timeout: TEST_MS }, async () => {
    const account = uniqueAccount('browser-lbs');
    const token = await devToken(server, account);
    const device = await world.official(officialOptions(server, { account, token, lbs: true, ...transport.options }));
    await device.waitEvent('onconnect');
    const lbs = device.responses.filter((r) => r.url().includes('/lbs/webconf.jsp'));
    const answers = await Promise.all(lbs.map(async (r) => ({ url: r.url(), status: r.status(), body: await r.json() })));
    assert.ok(answers.length >= 1, 'the SDK asked the LBS');
    assert.equal(answers[0].status, 200);
    assert.match(answers[0].url, new RegExp(`[?&]k=demo(&|$)`));
    assert.deepEqual(answers[0].body.common.link, [`http://${server.host}`]);
    assert.ok(device.sockets.every((url) => transport.path.test(url)), device.sockets.join());
    await device.disconnect();
    await device.close();
  });
}

test('the guard sees the hosts the SDK reaches for when its options are left at their defaults', { timeout: TEST_MS }, async () => {
  const watched = await launchBrowser(server);
  try {
    const device = await watched.official({ appKey: 'demo', account: uniqueAccount('browser-default'), token: 't', db: false });
    await device.waitEvent('onwillreconnect');
    const hosts = new Set(watched.strayRequests().map((url) => new URL(url).host));
    assert.ok([...hosts].some((host) => host.endsWith('.netease.im')), [...hosts].join());
  } finally {
    await watched.close();
  }
});

test('no page reached anything but nim-server and its own origin', () => {
  assert.deepEqual(world.strayRequests(), []);
  assert.deepEqual(world.problems(), []);
});
