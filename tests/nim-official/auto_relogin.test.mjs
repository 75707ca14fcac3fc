// The official SDK's automatic re-login after a lost connection (appLogin 0) is
// nim-wasm's `auto`: when another device took the only slot meanwhile, it gets 417
// and gives up, instead of kicking that device. The browser build is the one that
// waits out an outage: the Node build's socket.io handshake has no error handler,
// and its process dies on the refused connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NodeDevice, SINGLE, STEP_MS, TEST_MS, devToken, launchBrowser, officialOptions, startServer, uniqueAccount,
} from './world.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('a re-login after a server restart gets 417 when another device took the slot', { timeout: TEST_MS }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nim-official-restart-'));
  const devices = [];
  let server = await startServer({ dataDir });
  const world = await launchBrowser(server);
  try {
    const account = uniqueAccount('relogin');
    const token = await devToken(server, account, SINGLE);
    const options = officialOptions(server, { account, token, app: SINGLE });
    const first = await world.official(options);
    devices.push(first);
    await first.waitEvent('onconnect');

    // The server goes away; the SDK's first retry finds nothing, the second comes later.
    await server.stop();
    await first.waitEvent('onwillreconnect', (arg) => arg.retryCount >= 2, 1, 2 * STEP_MS);
    server = await startServer({ listen: server.host, dataDir });
    const second = await NodeDevice.start(options);
    devices.push(second);
    await second.waitEvent('onconnect');

    const refused = await first.waitEvent('ondisconnect', (arg) => arg.code === 417, 1, 2 * STEP_MS);
    assert.equal(refused.code, 417);
    const reconnects = (await first.args('onwillreconnect')).length;
    await sleep(4000);
    assert.equal((await first.args('onwillreconnect')).length, reconnects, 'no retry after 417');
    assert.deepEqual(await second.args('ondisconnect'), [], 'the device that took the slot stays');
    assert.deepEqual(second.blocked, []);
    assert.deepEqual(world.strayRequests(), []);
  } finally {
    for (const device of devices) await device.close();
    await world.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
