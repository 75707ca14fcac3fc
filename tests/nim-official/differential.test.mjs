// Differential conformance: the same scenario (scenario.mjs) with two official
// devices and with two nim-wasm devices against one nim-server, comparing every
// callback: which fire, in what order, which fields they carry and their types.
// Every difference must be one that docs/MIGRATING.md ("Differences from the
// official SDK") documents: a new one fails the test, and so does a documented one
// that is gone (the document must then lose its row).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, officialOptions, startServer, TEST_MS } from './world.mjs';
import { differences, runScenario } from './scenario.mjs';

/** The callbacks compared; `kick done` is `nim.kick`'s `done(err, obj)`. */
const COMPARED = ['onconnect', 'onloginportschange', 'ondisconnect', 'onwillreconnect', 'onerror', 'kick done'];

/** The differences docs/MIGRATING.md documents, each with the reason it gives. */
const DOCUMENTED = {
  'onconnect loginTime: string vs absent': 'nim-wasm has no loginTime yet',
  'onconnect customTag: absent vs string': 'nim-wasm always reports customTag ("" when unset)',
  'onconnect lastLoginDeviceId: absent vs string': 'nim-wasm always reports lastLoginDeviceId ("" on a first login)',
  'onloginportschange [].mac: absent vs string': 'nim-wasm always reports mac ("" for web devices)',
  'onloginportschange [].customClientType: absent vs number': 'nim-wasm always reports customClientType (0 when unset)',
  'ondisconnect callFunc: string vs absent': 'the official SDK\'s internal diagnostics',
  'ondisconnect event: object vs absent': 'the official SDK\'s internal diagnostics',
  'ondisconnect timetag: number vs absent': 'the official SDK\'s internal diagnostics',
  'ondisconnect cmd: string vs absent': 'the official SDK names the failed command of a refused login',
};

let server;
let world;
let wasmRun;
before(async () => {
  server = await startServer();
  world = await launchBrowser(server);
  wasmRun = await runScenario(server, (o) => world.wasm({ appKey: 'demo', ...o }), 'diff-wasm');
}, { timeout: TEST_MS });
after(async () => {
  await world?.close();
  await server?.stop();
}, { timeout: 30000 });

for (const [name, options] of [['binary websocket', {}], ['socket.io', { binaryWebsocket: false }]]) {
  test(`official SDK (${name}) and nim-wasm fire the same callbacks, but for the documented differences`, { timeout: TEST_MS }, async (t) => {
    const official = await runScenario(server, (o) => world.official(officialOptions(server, { ...o, ...options })), 'diff-official');
    const found = differences(official, wasmRun, COMPARED);
    for (const line of found) t.diagnostic(`${line} (${DOCUMENTED[line] ?? 'UNDOCUMENTED'})`);
    // Values that differ by nature are compared by type; os is a format, shown here.
    const os = (run) => run.B.find((e) => e.event === 'onloginportschange')?.arg[0]?.os;
    t.diagnostic(`loginPort os: official ${JSON.stringify(os(official))}, nim-wasm ${JSON.stringify(os(wasmRun))}`);
    assert.deepEqual(found, Object.keys(DOCUMENTED).sort());
  });
}

test('no page reached anything but nim-server and its own origin', () => {
  assert.deepEqual(world.strayRequests(), []);
  assert.deepEqual(world.problems(), []);
});
