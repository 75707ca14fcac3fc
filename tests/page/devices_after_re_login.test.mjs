// Two devices p and q of one account. p's session is lost (the server restarts, or p
// is paused past its idle timeout), and q leaves meanwhile, unseen by p. When p logs
// in again by itself, it reports q offline once, from the login's full device list.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.mjs';
import { STEP_MS, TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';
import { devToken, startNim } from './sdk_in_page.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'nim-page-relogin-'));
const world = useWorld({ dataDir });
after(() => rmSync(dataDir, { recursive: true, force: true }));
// While the server is down, Chromium itself logs each refused WebSocket connection.
const REFUSED = /WebSocket connection to .* failed/;
// A page resumed after its socket was closed logs its first send on it (a ping).
const CLOSED = /WebSocket is already in CLOSING or CLOSED state/;

/** p and q logged in; resolves to p's SDK, q's page and SDK, and q's device id. */
async function twoDevices(open, prefix, pOptions = {}) {
  const account = uniqueAccount(prefix);
  const token = await devToken(world.url, account);
  const pPage = await open();
  const p = await startNim(pPage, account, { token, ...pOptions });
  const qPage = await open();
  const q = await startNim(qPage, account, { token });
  const [qPort] = (await p.waitFor('onloginportschange')).arg;
  return { p, pPage, q, qPage, qId: qPort.deviceId };
}

/** Waits for p's second login, then checks q was reported offline once. */
async function qReportedOfflineOnce(p, qId) {
  await p.waitFor('onconnect', 2, 3 * STEP_MS);
  const changes = await p.payloads('onloginportschange');
  assert.equal(changes.length, 2, JSON.stringify(changes));
  assert.deepEqual(changes[1].map((port) => [port.deviceId, port.online]), [[qId, false]]);
  assert.deepEqual(await p.loginPorts(), []);
}

test('a device that left during a server restart is reported offline after the re-login', { timeout: TEST_MS }, async () => {
  await withPages(world, 'devices-after-restart', async (open) => {
    const { p, qPage, qId } = await twoDevices(open, 'restart-leave');
    const { port } = new URL(world.url);
    await world.server.stop();
    await qPage.context().close();
    world.server = await startServer({ listen: `127.0.0.1:${port}`, dataDir });
    await qReportedOfflineOnce(p, qId);
  }, { allowConsole: [REFUSED] });
});

test('a device that left during an idle expiry is reported offline after the re-login', { timeout: TEST_MS }, async () => {
  await withPages(world, 'devices-after-idle-expiry', async (open) => {
    const { p, pPage, q, qId } = await twoDevices(open, 'idle-leave', { heartbeatInterval: 5000 });
    // A page paused in the debugger runs no script, so it neither pings nor hears
    // anything: the server drops p once its idle timeout passes, which q is told.
    const cdp = await pPage.context().newCDPSession(pPage);
    await cdp.send('Debugger.enable');
    await cdp.send('Debugger.pause');
    const gone = await q.waitFor('onloginportschange', 2, 2 * STEP_MS);
    assert.deepEqual(gone.arg.map((port) => port.online), [false]);
    await qLeaves(q);
    await cdp.send('Debugger.resume');
    await qReportedOfflineOnce(p, qId);
  }, { allowConsole: [CLOSED] });
});

/** q logs out. */
async function qLeaves(q) {
  await q.page.evaluate(() => window.__sdk.nim.disconnect());
}
