// Helpers of the `shareConnection` page tests: a recording instance in a page (its
// callbacks' payloads in `window.__sdk.events`), waiting for its events, and more
// tabs of one browser profile (one Playwright context).
import { STEP_MS, uniqueAccount } from './harness.mjs';
import { devToken } from './sdk_in_page.mjs';

/**
 * Starts a recording instance of `account` in `page` with `options`; resolves once
 * `onconnect` (when `wait`). Two options of the tests' own: `logFunc: true` records
 * the log lines as `log` events, and `gate: true` makes `onwillreconnect` return a
 * Promise that `window.__gates` holds the resolve function of.
 */
export async function start(page, account, token, options = {}, wait = true) {
  await page.evaluate(async ({ account, token, options }) => {
    const { NIM } = await import('/pkg/nim_wasm.js');
    const events = [];
    const record = (name) => (arg) => events.push({ name, arg: JSON.parse(JSON.stringify(arg ?? null)) });
    const { logFunc, gate, ...rest } = options;
    window.__gates = [];
    const willReconnect = record('onwillreconnect');
    const nim = NIM.getInstance({
      appKey: 'demo', account, token,
      onconnect: record('onconnect'), ondisconnect: record('ondisconnect'),
      onloginportschange: record('onloginportschange'), onerror: record('onerror'),
      onwillreconnect: gate
        ? (arg) => { willReconnect(arg); return new Promise((resolve) => window.__gates.push(resolve)); }
        : willReconnect,
      ...(logFunc ? { logFunc: (level, message) => events.push({ name: 'log', arg: { level, message } }) } : {}),
      ...rest,
    });
    window.__sdk = { nim, events };
  }, { account, token, options });
  if (wait) await waitFor(page, 'onconnect');
}

/** Waits until `page` recorded `name` `n` times; resolves to that payload. */
export async function waitFor(page, name, n = 1) {
  const handle = await page.waitForFunction(([name, n]) => {
    const found = window.__sdk.events.filter((e) => e.name === name);
    return found.length >= n ? found[n - 1] : null;
  }, [name, n], { timeout: STEP_MS });
  return (await handle.jsonValue()).arg;
}

/** The payloads `page` recorded under `name`. */
export const events = (page, name) => page.evaluate((name) => window.__sdk.events.filter((e) => e.name === name).map((e) => e.arg), name);

/** Another tab of `context`'s browser profile, on the demo page. */
export async function newTab(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]');
  return page;
}


/** `nim.getLoginStatus()` in `page`. */
export const status = (page) => page.evaluate(() => window.__sdk.nim.getLoginStatus());

/** A new account of the app `demo` and a dev token for it. */
export async function newAccount(url) {
  const account = uniqueAccount('shared');
  return { account, token: await devToken(url, account) };
}

/** Another device of `account` (a browser context of its own), logged in. */
export async function otherDevice(open, { account, token }, options = {}) {
  const page = await open();
  await start(page, account, token, options);
  return page;
}

/**
 * `count` tabs of one new browser profile, each logged in to `account` with
 * `shareConnection: true` and `options`, in order.
 */
export async function sharedTabs(open, url, { account, token }, count, options = {}) {
  const first = await open();
  const tabs = [first];
  while (tabs.length < count) tabs.push(await newTab(first.context(), url));
  for (const tab of tabs) await start(tab, account, token, { shareConnection: true, ...options });
  return tabs;
}
