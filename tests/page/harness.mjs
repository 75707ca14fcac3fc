// Shared by the page tests: one nim-server and one headless Chromium per test file,
// pages that fail their test on any console error or uncaught exception, a
// screenshot of every page at the end of every test, and helpers that drive one
// account panel of the demo page.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, startServer } from './server.mjs';

export const ARTIFACTS = join(ROOT, 'test-artifacts', 'page');
/** How long one expectation on the page may take. */
export const STEP_MS = 15000;
/** How long one test may take. */
export const TEST_MS = 90000;

const LAUNCH = {
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  headless: true,
  timeout: 30000,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
};

/** Headless Chromium with the page tests' flags, and `extraArgs`. */
export function launchBrowser(extraArgs = []) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ ...LAUNCH, args: [...LAUNCH.args, ...extraArgs] });
}

/**
 * Starts the server and browser before the file's tests and stops them after;
 * `browserArgs` are extra Chromium flags.
 */
export function useWorld(serverOptions, browserArgs = []) {
  const world = { url: '', browser: null, server: null };
  before(async () => {
    world.server = await startServer(serverOptions);
    world.url = world.server.url;
    world.browser = await launchBrowser(browserArgs);
  }, { timeout: 60000 });
  after(async () => {
    await world.browser?.close();
    await world.server?.stop();
  }, { timeout: 30000 });
  return world;
}

/** A unique account name, so tests never meet each other's devices. */
export function uniqueAccount(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Runs `body(open)` where `open(query)` opens the demo page in a fresh browser
 * context (a separate "device"). Afterwards screenshots every page into
 * test-artifacts/page/<name>-<n>.png, closes the contexts and fails the test if any
 * page logged a console error (other than those matching `allowConsole`) or threw.
 */
export async function withPages(world, name, body, { ready = 'body[data-ready=true]', allowConsole = [] } = {}) {
  const opened = [];
  const open = async (query = '') => {
    const context = await world.browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(STEP_MS);
    const page = await context.newPage();
    const problems = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !allowConsole.some((re) => re.test(msg.text()))) {
        problems.push(`console.error: ${msg.text()}`);
      }
    });
    page.on('pageerror', (err) => problems.push(`uncaught: ${err.stack || err.message}`));
    opened.push({ context, page, problems });
    await page.goto(`${world.url}/${query}`);
    await page.waitForSelector(`${ready}, [data-testid=sdk-state][data-state=failed]`);
    const failed = page.getByTestId('sdk-state').and(page.locator('[data-state=failed]'));
    if (await failed.count()) throw new Error(await failed.textContent());
    return page;
  };
  let failure = null;
  try {
    await body(open);
  } catch (err) {
    failure = err;
  } finally {
    for (const [i, { page }] of opened.entries()) {
      await page.screenshot({ path: join(ARTIFACTS, `${name}-${i + 1}.png`), fullPage: true, timeout: STEP_MS })
        .catch((err) => console.log(`screenshot ${name}-${i + 1} failed: ${err.message}`));
    }
    for (const { context } of opened) await context.close().catch(() => {});
  }
  const problems = opened.flatMap(({ problems: p }, i) => p.map((text) => `page ${i + 1}: ${text}`));
  if (failure) {
    // The page's own errors usually explain the failure: report them with it.
    if (problems.length) failure.message += `\nthe pages logged:\n${problems.join('\n')}`;
    throw failure;
  }
  assert.deepEqual(problems, [], 'the pages logged errors');
}

/** Drives the n-th account panel (0-based) of a page. */
export class Panel {
  constructor(page, index = 0) {
    this.page = page;
    this.root = page.getByTestId('account-panel').nth(index);
  }

  get(testid) {
    return this.root.getByTestId(testid);
  }

  /**
   * Fills the account, gets a dev token for it (or fills `token`), sets the Server
   * field to `server` when given, and connects; waits until logged in.
   */
  async login(account, { customTag, token, server } = {}) {
    await this.get('account').fill(account);
    if (customTag !== undefined) await this.get('custom-tag').fill(customTag);
    if (server !== undefined) await this.page.getByTestId('server-url').fill(server);
    if (token === undefined) await this.devToken();
    else await this.get('token').fill(token);
    await this.get('connect').click();
    await this.waitStatus(1);
  }

  /** Clicks "Get dev token" and resolves to the new token once it is in the field. */
  async devToken() {
    const before = await this.get('token').inputValue();
    await this.get('dev-token').click();
    await this.page.waitForFunction(([el, old]) => el.value && el.value !== old,
      [await this.get('token').elementHandle(), before], { timeout: STEP_MS });
    return this.get('token').inputValue();
  }

  /** Waits until the status badge shows `status` (0 out, 1 in, 2 logging in, 3 waiting). */
  async waitStatus(status) {
    await this.root.locator(`[data-testid=status][data-status="${status}"]`).waitFor({ timeout: STEP_MS });
  }

  async status() {
    return Number(await this.get('status').getAttribute('data-status'));
  }

  /** The device row of `deviceId`, or of any device with `online` when no id. */
  device(deviceId) {
    return this.root.locator(deviceId ? `[data-testid=device][data-device-id="${deviceId}"]` : '[data-testid=device]');
  }

  /** The ids of the other devices listed as online. */
  async onlineDeviceIds() {
    return this.root.locator('[data-testid=device][data-online=true]')
      .evaluateAll((rows) => rows.map((r) => r.dataset.deviceId));
  }

  /** Payloads of the log entries named `event`, oldest first. */
  async events(event) {
    const texts = await this.root.locator(`[data-testid=log-entry][data-event="${event}"] pre`).allTextContents();
    return texts.reverse().map((t) => JSON.parse(t));
  }

  /** Waits until the log has an `event` entry whose payload passes `match`; returns it. */
  async waitEvent(event, match = () => true) {
    const deadline = Date.now() + STEP_MS;
    for (;;) {
      const found = (await this.events(event)).filter(match);
      if (found.length) return found[found.length - 1];
      if (Date.now() > deadline) {
        const log = await this.get('log').innerText();
        throw new Error(`no ${event} entry matching in ${STEP_MS} ms; log:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
