// Drives the SDK itself inside a page of the test server, for options the demo page
// has no field for (`quickReconnect`, `reconnectDelayProvider`, `lbsUrl`): imports
// the /pkg/nim_wasm.js the demo page already initialised, gets a dev token unless
// given one, records every callback with its time and socket, and counts the
// WebSockets the page opens (each one is one connection attempt).
import { STEP_MS } from './harness.mjs';

/**
 * Starts `NIM.getInstance` for `account` in `page` with `options` plus recording
 * callbacks; `delayMs`, when set, becomes a `reconnectDelayProvider` returning it.
 * Without `token` it gets a dev token (creating the account). Resolves once logged
 * in; returns helpers to read what happened.
 */
export async function startNim(page, account, { delayMs, token, ...options } = {}) {
  await page.evaluate(async ({ account, delayMs, token, options }) => {
    const NativeSocket = window.WebSocket;
    const counter = { opened: 0, urls: [] };
    window.WebSocket = class extends NativeSocket {
      constructor(...args) {
        super(...args);
        counter.opened += 1;
        counter.urls.push(String(args[0]));
      }
    };
    const { NIM } = await import('/pkg/nim_wasm.js');
    if (token === undefined) {
      const body = new URLSearchParams({ appKey: 'demo', accid: account });
      const reply = await (await fetch('/dev/token', { method: 'POST', body })).json();
      token = reply.info.token;
    }
    const events = [];
    const record = (name) => (arg) => {
      // The socket the event came through: the last one opened.
      const url = counter.urls[counter.urls.length - 1];
      events.push({ name, arg: JSON.parse(JSON.stringify(arg ?? null)), at: performance.now(), url });
    };
    const nim = NIM.getInstance({
      appKey: 'demo',
      account,
      token,
      onconnect: record('onconnect'),
      ondisconnect: record('ondisconnect'),
      onwillreconnect: record('onwillreconnect'),
      onloginportschange: record('onloginportschange'),
      onerror: record('onerror'),
      ...(delayMs === undefined ? {} : { reconnectDelayProvider: () => delayMs }),
      ...options,
    });
    window.__sdk = { nim, events, counter };
  }, { account, delayMs, token, options });
  const sdk = {
    /** The page the SDK runs in (`window.__sdk.nim` there is the instance). */
    page,
    /** Every recorded `{name, arg, at, url}` (`url`: the socket's), oldest first. */
    events: () => page.evaluate(() => window.__sdk.events),
    /** The payloads recorded under `name`. */
    async payloads(name) {
      return (await sdk.events()).filter((e) => e.name === name).map((e) => e.arg);
    },
    status: () => page.evaluate(() => window.__sdk.nim.getLoginStatus()),
    /** `nim.getLoginPorts()`: the other devices online now. */
    loginPorts: () => page.evaluate(() => window.__sdk.nim.getLoginPorts()),
    /** How many WebSockets the page opened so far. */
    socketsOpened: () => page.evaluate(() => window.__sdk.counter.opened),
    /** `performance.now()` in the page. */
    now: () => page.evaluate(() => performance.now()),
    /** Waits until `name` was recorded `n` times; resolves to that event. */
    async waitFor(name, n = 1, timeout = STEP_MS) {
      const handle = await page.waitForFunction(([name, n]) => {
        const found = window.__sdk.events.filter((e) => e.name === name);
        return found.length >= n ? found[n - 1] : null;
      }, [name, n], { timeout });
      return handle.jsonValue();
    },
  };
  await sdk.waitFor('onconnect');
  return sdk;
}

/** A new dev token for `account` of the app `demo` from the server at `url`. */
export async function devToken(url, account) {
  const body = new URLSearchParams({ appKey: 'demo', accid: account });
  const reply = await (await fetch(`${url}/dev/token`, { method: 'POST', body })).json();
  return reply.info.token;
}

/** Makes `page` report itself hidden (`hidden = true`) or visible, with a `visibilitychange`. */
export async function setHidden(page, hidden) {
  await page.evaluate((hidden) => {
    if (hidden) {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    } else {
      delete document.visibilityState;
      delete document.hidden;
    }
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}
