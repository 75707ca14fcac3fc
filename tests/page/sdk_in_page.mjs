// Drives the SDK itself inside a page of the test server, for options the demo page
// has no field for (`quickReconnect`, `reconnectDelayProvider`): imports the
// /pkg/nim_wasm.js the demo page already initialised, gets a dev token, records every
// callback with its time, and counts the WebSockets the page opens (each one is one
// connection attempt).
import { STEP_MS } from './harness.mjs';

/**
 * Starts `NIM.getInstance` for a new account in `page` with `options` plus recording
 * callbacks; `delayMs`, when set, becomes a `reconnectDelayProvider` returning it.
 * Resolves once logged in; returns helpers to read what happened.
 */
export async function startNim(page, account, { delayMs, ...options } = {}) {
  await page.evaluate(async ({ account, delayMs, options }) => {
    const NativeSocket = window.WebSocket;
    const counter = { opened: 0 };
    window.WebSocket = class extends NativeSocket {
      constructor(...args) {
        super(...args);
        counter.opened += 1;
      }
    };
    const { NIM } = await import('/pkg/nim_wasm.js');
    const body = new URLSearchParams({ appKey: 'demo', accid: account });
    const reply = await (await fetch('/dev/token', { method: 'POST', body })).json();
    const events = [];
    const record = (name) => (arg) => {
      events.push({ name, arg: JSON.parse(JSON.stringify(arg ?? null)), at: performance.now() });
    };
    const nim = NIM.getInstance({
      appKey: 'demo',
      account,
      token: reply.info.token,
      onconnect: record('onconnect'),
      ondisconnect: record('ondisconnect'),
      onwillreconnect: record('onwillreconnect'),
      onerror: record('onerror'),
      ...(delayMs === undefined ? {} : { reconnectDelayProvider: () => delayMs }),
      ...options,
    });
    window.__sdk = { nim, events, counter };
  }, { account, delayMs, options });
  const sdk = {
    /** Every recorded `{name, arg, at}`, oldest first. */
    events: () => page.evaluate(() => window.__sdk.events),
    /** The payloads recorded under `name`. */
    async payloads(name) {
      return (await sdk.events()).filter((e) => e.name === name).map((e) => e.arg);
    },
    status: () => page.evaluate(() => window.__sdk.nim.getLoginStatus()),
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
