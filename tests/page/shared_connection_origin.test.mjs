// The worker of `shareConnection` has the page's origin, so `--allow-origin` applies
// to it as to a tab of its own; and `sharedWorkerUrl` loads it from another URL of
// the page's origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { launchBrowser, TEST_MS, withPages } from './harness.mjs';
import { startServer } from './server.mjs';
import { events, newAccount, sharedTabs, start, status, waitFor } from './shared.mjs';

/** A free loopback port. */
function freePort() {
  return new Promise((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

/** A world (server and browser) whose server allows the origin `origin(port)` only. */
async function world(origin) {
  const port = await freePort();
  const server = await startServer({ listen: `127.0.0.1:${port}`, args: ['--allow-origin', origin(port)] });
  return { url: server.url, server, browser: await launchBrowser() };
}

async function stop(w) {
  await w.browser.close();
  await w.server.stop();
}

test('allowed origin: two tabs share the worker loaded from sharedWorkerUrl', { timeout: TEST_MS }, async () => {
  const w = await world((port) => `http://127.0.0.1:${port}`);
  try {
    await withPages(w, 'shared-origin-allowed', async (open) => {
      const options = { sharedWorkerUrl: '/pkg/nim_worker.js?from=option' };
      const [one, two] = await sharedTabs(open, w.url, await newAccount(w.url), 2, options);
      const ids = [];
      for (const tab of [one, two]) ids.push((await waitFor(tab, 'onconnect')).connectionId);
      assert.equal(ids[0], ids[1], 'one connection');
      const cdp = await one.context().browser().newBrowserCDPSession();
      const { targetInfos } = await cdp.send('Target.getTargets');
      const workers = targetInfos.filter((t) => t.type === 'shared_worker').map((t) => t.url);
      assert.deepEqual(workers, [`${w.url}/pkg/nim_worker.js?from=option`]);
    });
  } finally {
    await stop(w);
  }
});

test('another origin only: the shared worker is refused as a tab would be', { timeout: TEST_MS }, async () => {
  const w = await world(() => 'http://app.example.test');
  try {
    await withPages(w, 'shared-origin-refused', async (open) => {
      const { account, token } = await newAccount(w.url);
      const one = await open();
      await start(one, account, token, { shareConnection: true }, false);
      await waitFor(one, 'onwillreconnect');
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual(await events(one, 'onconnect'), [], 'never logged in');
      assert.notEqual(await status(one), 1);
    }, { allowConsole: [/WebSocket connection to .* failed/] });
  } finally {
    await stop(w);
  }
});
