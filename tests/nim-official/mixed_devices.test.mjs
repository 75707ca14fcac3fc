// One account with official-SDK devices and nim-wasm devices at once: each lists the
// other in its own format, each kicks the other, one device policy counts both, and
// /metrics tells the protocols apart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NodeDevice, SINGLE, TEST_MS, devToken, launchBrowser, officialOptions, startServer, uniqueAccount,
} from './world.mjs';

let server;
let world;
const closing = [];
before(async () => {
  server = await startServer();
  world = await launchBrowser(server);
}, { timeout: 60000 });
after(async () => {
  for (const device of closing) await device.close();
  await world?.close();
  await server?.stop();
}, { timeout: 30000 });

async function device(start) {
  const d = await start;
  closing.push(d);
  return d;
}

/** The port `ports` lists with this connectionId. */
const byConnection = (ports, connectionId) => ports.find((p) => p.connectionId === connectionId);

test('an official and a nim-wasm device list each other and kick each other', { timeout: TEST_MS }, async () => {
  const account = uniqueAccount('mixed');
  const token = await devToken(server, account);
  const wasm = await device(world.wasm({ appKey: 'demo', account, token, customTag: 'wasm' }));
  const wasmConnect = await wasm.waitEvent('onconnect');
  const official = await device(world.official(officialOptions(server, { account, token, customTag: 'official' })));
  const officialConnect = await official.waitEvent('onconnect');

  // The official device sees the nim-wasm one as NIM describes a web device.
  const wasmPort = byConnection(await official.waitEvent('onloginportschange'), wasmConnect.connectionId);
  assert.ok(wasmPort, 'the official device lists the nim-wasm device');
  assert.equal(wasmPort.type, 'Web');
  assert.equal(wasmPort.customTag, 'wasm');
  assert.equal(typeof wasmPort.time, 'number');
  assert.equal(wasmPort.online, true);
  // And nim-wasm sees the official one the same way.
  const officialPort = byConnection(await wasm.waitEvent('onloginportschange',
    (ports) => ports.some((p) => p.connectionId === officialConnect.connectionId)), officialConnect.connectionId);
  assert.equal(officialPort.type, 'Web');
  assert.equal(officialPort.os, 'Linux 64-bit');
  assert.equal(officialPort.customTag, 'official');
  assert.equal(officialPort.time, Number(officialConnect.loginTime));
  assert.equal(officialPort.online, true);

  // The official device kicks nim-wasm.
  const [err, result] = await official.kick([wasmPort.deviceId]);
  assert.equal(err, null);
  assert.deepEqual(result, { deviceIds: [wasmPort.deviceId] });
  const kicked = await wasm.waitEvent('ondisconnect');
  assert.deepEqual([kicked.code, kicked.reason, kicked.from], ['kicked', 'otherPlatformKick', 'Web']);

  // A new nim-wasm device kicks the official one.
  const second = await device(world.wasm({ appKey: 'demo', account, token }));
  await second.waitEvent('onconnect');
  const ports = await second.waitEvent('onloginportschange');
  const target = byConnection(ports, officialConnect.connectionId);
  const [kickErr, kickResult] = await second.kick([target.deviceId]);
  assert.equal(kickErr, null);
  assert.deepEqual(kickResult.deviceIds, [target.deviceId]);
  const officialKicked = await official.waitEvent('ondisconnect');
  assert.deepEqual([officialKicked.code, officialKicked.reason, officialKicked.from], ['kicked', 'otherPlatformKick', 'Web']);
});

test('the single-device policy counts official and nim-wasm devices alike', { timeout: TEST_MS }, async () => {
  const account = uniqueAccount('mixed-single');
  const token = await devToken(server, account, SINGLE);
  const wasm = await device(world.wasm({ appKey: SINGLE.key, account, token }));
  await wasm.waitEvent('onconnect');
  const official = await device(world.official(officialOptions(server, { account, token, app: SINGLE, binaryWebsocket: false })));
  await official.waitEvent('onconnect');
  const displaced = await wasm.waitEvent('ondisconnect');
  assert.deepEqual([displaced.code, displaced.reason], ['kicked', 'samePlatformKick']);

  const again = await device(world.wasm({ appKey: SINGLE.key, account, token }));
  await again.waitEvent('onconnect');
  const officialOut = await official.waitEvent('ondisconnect');
  assert.deepEqual([officialOut.code, officialOut.reason, officialOut.from], ['kicked', 'samePlatformKick', 'Web']);
});

test('the Node build sees a nim-wasm device, and nim-wasm sees it', { timeout: TEST_MS }, async () => {
  const account = uniqueAccount('mixed-node');
  const token = await devToken(server, account);
  const wasm = await device(world.wasm({ appKey: 'demo', account, token }));
  const wasmConnect = await wasm.waitEvent('onconnect');
  const node = await device(NodeDevice.start(officialOptions(server, { account, token })));
  const nodeConnect = await node.waitEvent('onconnect');
  const seen = byConnection(await node.waitEvent('onloginportschange'), wasmConnect.connectionId);
  assert.equal(seen.type, 'Web');
  const seenByWasm = await wasm.waitEvent('onloginportschange',
    (ports) => ports.some((p) => p.connectionId === nodeConnect.connectionId));
  assert.equal(byConnection(seenByWasm, nodeConnect.connectionId).type, 'Web');
  await node.disconnect();
  const offline = await wasm.waitEvent('onloginportschange',
    (ports) => ports.some((p) => p.connectionId === nodeConnect.connectionId && !p.online));
  assert.equal(byConnection(offline, nodeConnect.connectionId).online, false);
  assert.deepEqual(node.blocked, []);
});

test('/metrics counts connections and logins by protocol', async () => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const value = (series) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.split(' ')[1]) : 0;
  };
  for (const protocol of ['nim-wasm', 'nim-binary', 'nim-socketio']) {
    assert.ok(value(`nim_protocol_connections_total{protocol="${protocol}"}`) >= 1, protocol);
    assert.ok(value(`nim_protocol_logins_total{code="200",protocol="${protocol}"}`) >= 1, protocol);
  }
  assert.deepEqual(world.strayRequests(), []);
  assert.deepEqual(world.problems(), []);
});
