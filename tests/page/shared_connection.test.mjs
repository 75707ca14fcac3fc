// `shareConnection: true`: every tab of one browser profile (one Playwright context)
// that uses the same appKey + account shares one connection and one device; another
// context is another device, which sees that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Panel, TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';
import { events, newAccount, newTab, otherDevice, sharedTabs, start, status, waitFor } from './shared.mjs';

const world = useWorld();

test('three tabs are one device for the other devices', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-three-tabs', async (open) => {
    const login = await newAccount(world.url);
    const other = await otherDevice(open, login);
    const tabs = await sharedTabs(open, world.url, login, 3);
    const ids = [];
    for (const tab of tabs) ids.push((await waitFor(tab, 'onconnect')).connectionId);
    assert.equal(new Set(ids).size, 1, `one connectionId: ${ids}`);
    for (const tab of tabs) assert.equal(await tab.evaluate(() => window.__sdk.nim.getLoginStatus()), 1);
    await new Promise((r) => setTimeout(r, 1000));
    const ports = await other.evaluate(() => window.__sdk.nim.getLoginPorts());
    assert.equal(ports.length, 1, JSON.stringify(ports));
    const seen = (await tabs[2].evaluate(() => window.__sdk.nim.getLoginPorts())).map((p) => p.deviceId);
    assert.equal(seen.length, 1);
    // The last tab joined a session already logged in: its first `onloginportschange`
    // is the full list, the other device only (never a tab).
    const [joined] = await events(tabs[2], 'onloginportschange');
    assert.deepEqual(joined.map((p) => [p.deviceId, p.online]), [[seen[0], true]]);
  });
});

test('closing tabs: the creator changes nothing, the last one is one offline push', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-close-tabs', async (open) => {
    const login = await newAccount(world.url);
    const other = await otherDevice(open, login);
    const [creator, second] = await sharedTabs(open, world.url, login, 2);
    await waitFor(other, 'onloginportschange');
    const before = (await events(other, 'onloginportschange')).length;
    await creator.close();
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await events(other, 'onloginportschange')).length, before, 'no push within 2 s');
    assert.equal(await second.evaluate(() => window.__sdk.nim.getLoginStatus()), 1);
    await second.close();
    const offline = await waitFor(other, 'onloginportschange', before + 1);
    assert.deepEqual(offline.map((p) => p.online), [false]);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await events(other, 'onloginportschange')).length, before + 1, 'exactly one offline push');
  });
});

test('kick from one tab settles only its Promise; kicked by another device reaches every tab', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-kick', async (open) => {
    const login = await newAccount(world.url);
    const other = await otherDevice(open, login);
    const [one, two] = await sharedTabs(open, world.url, login, 2);
    // From tab one, the shared device kicks a third device.
    const victim = await otherDevice(open, login, { customTag: 'victim' });
    const handle = await one.waitForFunction(() => window.__sdk.nim.getLoginPorts().find((p) => p.customTag === 'victim'));
    const target = (await handle.jsonValue()).deviceId;
    const result = await one.evaluate(async (id) => window.__sdk.nim.kick({ deviceIds: [id] }), target);
    assert.deepEqual(result.deviceIds, [target]);
    assert.equal((await waitFor(victim, 'ondisconnect')).code, 'kicked');
    await two.waitForFunction((id) => !window.__sdk.nim.getLoginPorts().some((p) => p.deviceId === id), target);
    // The other device kicks the shared device: every tab gets `kicked`, none reconnects.
    const shared = (await other.evaluate(() => window.__sdk.nim.getLoginPorts())).map((p) => p.deviceId);
    await other.evaluate(async (ids) => window.__sdk.nim.kick({ deviceIds: ids }), shared);
    for (const tab of [one, two]) {
      const ev = await waitFor(tab, 'ondisconnect');
      assert.equal(ev.code, 'kicked');
    }
    await new Promise((r) => setTimeout(r, 2000));
    for (const tab of [one, two]) {
      assert.equal(await tab.evaluate(() => window.__sdk.nim.getLoginStatus()), 0);
      assert.equal((await events(tab, 'onconnect')).length, 1, 'no reconnect');
    }
  });
});

test('disconnect in one tab reaches every tab; connect in another logs in again', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-disconnect', async (open) => {
    const login = await newAccount(world.url);
    const [one, two] = await sharedTabs(open, world.url, login, 2);
    await one.evaluate(() => window.__sdk.nim.disconnect());
    for (const tab of [one, two]) assert.equal((await waitFor(tab, 'ondisconnect')).code, 'logout');
    assert.equal(await two.evaluate(() => window.__sdk.nim.getLoginStatus()), 0);
    await two.evaluate(() => window.__sdk.nim.connect());
    for (const tab of [one, two]) await waitFor(tab, 'onconnect', 2);
  });
});

test('destroy detaches one tab; the last one logs the device out', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-destroy', async (open) => {
    const login = await newAccount(world.url);
    const other = await otherDevice(open, login);
    const [one, two] = await sharedTabs(open, world.url, login, 2);
    await waitFor(other, 'onloginportschange');
    await one.evaluate(() => window.__sdk.nim.destroy());
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await two.evaluate(() => window.__sdk.nim.getLoginStatus()), 1);
    assert.equal((await events(other, 'onloginportschange')).length, 1);
    await two.evaluate(() => window.__sdk.nim.destroy());
    const gone = await waitFor(other, 'onloginportschange', 2);
    assert.deepEqual(gone.map((p) => p.online), [false]);
  });
});

test('without SharedWorker the option falls back to a device per tab', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-fallback', async (open) => {
    const login = await newAccount(world.url);
    const { account, token } = login;
    const other = await otherDevice(open, login);
    const one = await open();
    await one.context().addInitScript(() => { delete window.SharedWorker; });
    await one.reload();
    await one.waitForSelector('body[data-ready=true]');
    const two = await newTab(one.context(), world.url);
    await start(one, account, token, { shareConnection: true });
    await start(two, account, token, { shareConnection: true });
    await other.waitForFunction(() => window.__sdk.nim.getLoginPorts().length === 2);
  });
});

test('an explicit deviceId other than the shared one is a typed error in that tab', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-device-id', async (open) => {
    const login = await newAccount(world.url);
    const { account, token } = login;
    const one = await open();
    const two = await newTab(one.context(), world.url);
    await start(one, account, token, { shareConnection: true, deviceId: 'first-device' });
    await start(two, account, token, { shareConnection: true, deviceId: 'other-device', logFunc: true }, false);
    const logged = await waitFor(two, 'log');
    assert.equal(logged.level, 'error');
    // From then on every method of that tab's instance throws the error.
    const thrown = await two.evaluate(() => ['connect', 'getLoginStatus', 'kick'].map((method) => {
      try { window.__sdk.nim[method]({ deviceIds: ['x'] }); return null; } catch (err) { return { code: err.code, message: err.message }; }
    }));
    for (const error of thrown) {
      assert.equal(error?.code, 'invalidOption', JSON.stringify(thrown));
      assert.match(error.message, /deviceId/);
    }
    assert.equal(await status(one), 1, 'the shared session goes on');
  });
});

test('the shared device id is kept in localStorage, one per appKey + account', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-device-id-kept', async (open) => {
    const first = await newAccount(world.url);
    const second = await newAccount(world.url);
    const watchers = [await otherDevice(open, first), await otherDevice(open, second)];
    const [tab] = await sharedTabs(open, world.url, first, 1);
    const [otherTab] = await sharedTabs(open, world.url, second, 1);
    const ids = [];
    for (const [i, { account }] of [first, second].entries()) {
      const page = i === 0 ? tab : otherTab;
      const seen = await watchers[i].waitForFunction(() => window.__sdk.nim.getLoginPorts()[0]?.deviceId);
      const kept = await page.evaluate((account) => localStorage.getItem(`nim-wasm:deviceId:demo\n${account}`), account);
      assert.equal(await seen.jsonValue(), kept, 'the id the other device sees is the one kept');
      ids.push(kept);
    }
    assert.notEqual(ids[0], ids[1], 'one id per account');
  });
});

test('login-time options: the last tab to set them wins at the next login; callbacks stay per tab', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-set-options', async (open) => {
    const login = await newAccount(world.url);
    const { account, token } = login;
    const other = await otherDevice(open, login);
    const one = await open();
    const two = await newTab(one.context(), world.url);
    await start(one, account, token, { shareConnection: true, customTag: 'first' });
    await start(two, account, token, { shareConnection: true });
    await one.evaluate(() => window.__sdk.nim.setOptions({ customTag: 'from-one' }));
    await two.evaluate(() => window.__sdk.nim.setOptions({ customTag: 'from-two' }));
    // The current session goes on with its tag; the next login carries the last one.
    await one.evaluate(() => window.__sdk.nim.disconnect());
    await two.evaluate(() => window.__sdk.nim.connect());
    const handle = await other.waitForFunction(() => window.__sdk.nim.getLoginPorts()[0]?.customTag === 'from-two'
      && window.__sdk.nim.getLoginPorts()[0].customTag);
    assert.equal(await handle.jsonValue(), 'from-two');
    // Callbacks stay per tab: tab one's new `onconnect` replaces its recorder only.
    await one.evaluate(() => window.__sdk.nim.setOptions({ onconnect: () => { window.__replaced = true; } }));
    await two.evaluate(() => window.__sdk.nim.disconnect());
    await two.evaluate(() => window.__sdk.nim.connect());
    await waitFor(two, 'onconnect', 3);
    await one.waitForFunction(() => window.__replaced === true);
    assert.equal((await events(one, 'onconnect')).length, 2, 'tab one\'s recorder was replaced by its new callback');
  });
});

test('debug lines of the shared session reach the logFunc of every tab with debug', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-logs', async (open) => {
    const login = await newAccount(world.url);
    const { account, token } = login;
    const one = await open();
    const two = await newTab(one.context(), world.url);
    // Nothing listens there: each attempt fails, and the session logs why.
    const nowhere = { shareConnection: true, socketUrl: 'ws://127.0.0.1:9/ws', logFunc: true };
    await start(one, account, token, { ...nowhere, debug: true }, false);
    const line = await waitFor(one, 'log');
    assert.equal(line.level, 'debug');
    assert.match(line.message, /^nim-wasm: connect attempt closed with 1006/);
    // A tab without debug joins: the first tab still gets the lines.
    await start(two, account, token, { ...nowhere, debug: false }, false);
    const seen = (await events(one, 'log')).length;
    await waitFor(one, 'log', seen + 1);
    assert.deepEqual((await events(two, 'log')).filter((l) => l.level === 'debug'), [], 'without debug, no debug lines');
  });
});

test('a crashed tab changes nothing for the others; the worker killed: every tab logs in again, same device', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-crash', async (open) => {
    const login = await newAccount(world.url);
    const other = await otherDevice(open, login);
    const [one, two, three] = await sharedTabs(open, world.url, login, 3);
    await waitFor(other, 'onloginportschange');
    const deviceId = (await other.evaluate(() => window.__sdk.nim.getLoginPorts()))[0].deviceId;
    const pushes = (await events(other, 'onloginportschange')).length;

    const cdp = await one.context().newCDPSession(three);
    const crashed = new Promise((resolve) => three.once('crash', resolve));
    // The command never answers: the page is gone.
    cdp.send('Page.crash').catch(() => {});
    await crashed;
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await events(other, 'onloginportschange')).length, pushes, 'no push for a crashed tab');
    assert.equal(await status(two), 1);

    // The worker: closed from its own scope through the browser's DevTools protocol.
    const browser = await one.context().browser().newBrowserCDPSession();
    const { targetInfos } = await browser.send('Target.getTargets');
    const worker = targetInfos.find((t) => t.type === 'shared_worker');
    assert.ok(worker, JSON.stringify(targetInfos.map((t) => t.type)));
    await browser.send('Target.closeTarget', { targetId: worker.targetId });
    for (const tab of [one, two]) await waitFor(tab, 'onconnect', 2);
    const ids = [];
    for (const tab of [one, two]) ids.push((await events(tab, 'onconnect'))[1].connectionId);
    assert.equal(new Set(ids).size, 1, 'one new connection for both tabs');
    assert.equal((await events(one, 'ondisconnect')).length, 0, 'the restart is not shown as a kick');
    const ports = await other.waitForFunction((id) => {
      const ports = window.__sdk.nim.getLoginPorts();
      return ports.length === 1 && ports[0].deviceId === id && ports;
    }, deviceId);
    assert.equal((await ports.jsonValue()).length, 1, 'still one device, with the same id');
    // The new login came within the server's reconnect grace: one push replaced the
    // old connection with the new one.
    const after = (await events(other, 'onloginportschange')).slice(pushes);
    assert.deepEqual(after.map((push) => push.map((p) => p.online)), [[false, true]], JSON.stringify(after));
  });
});

test('the demo page\'s switch shares the connection of two tabs', { timeout: TEST_MS }, async () => {
  await withPages(world, 'shared-demo-switch', async (open) => {
    const account = uniqueAccount('shared');
    const watcher = new Panel(await open());
    await watcher.login(account);
    const first = await open();
    const tabs = [new Panel(first), new Panel(await newTab(first.context(), world.url))];
    for (const tab of tabs) {
      await tab.get('share-connection').check();
      await tab.login(account);
    }
    await watcher.root.locator('[data-testid=device][data-online=true]').first().waitFor();
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await watcher.onlineDeviceIds()).length, 1, 'two tabs, one device');
  });
});
