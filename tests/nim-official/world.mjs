// The world of the official-SDK tests: a real nim-server on a free loopback port,
// headless Chromium where every host but loopback is unresolvable, and three kinds
// of device of one account that all record their callbacks the same way:
//   - the official NIM Web SDK's browser build in a page of another origin (an
//     app page served by the test on its own loopback port), on the binary
//     websocket or socket.io;
//   - its Node build, one process per device (node_device.mjs);
//   - nim-wasm (pkg/) in a page of the server.
// Each device keeps `events`: `{event, arg}` for every callback, in order, and
// "kick done" with `[err, obj]` for each kick.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { PKG, ROOT, requirePkg, serverBinary } from '../page/server.mjs';

/** How long one expectation may take. */
export const STEP_MS = 15000;
/** How long one test may take. */
export const TEST_MS = 120000;
/** The app of every test: nim-server's default multi-device policy. */
export const APP = { key: 'demo', secret: 'demosecret' };
/** An app with the `single` policy: one device per account. */
export const SINGLE = { key: 'single', secret: 'singlesecret' };
const SDK_DIR = join(ROOT, 'node_modules', '@yxim', 'nim-web-sdk', 'dist', 'SDK');
const BROWSER_SDK = join(SDK_DIR, 'NIM_Web_NIM.js');
const NODE_DEVICE = join(import.meta.dirname, 'node_device.mjs');
/** The callbacks recorded on every device; `onsyncdone` only exists in the official SDK. */
const CALLBACKS = ['onconnect', 'onloginportschange', 'ondisconnect', 'onwillreconnect', 'onerror'];

/** A unique account name, so tests never meet each other's devices. */
export function uniqueAccount(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
}

/**
 * Starts nim-server with the test apps; resolves to `{url, host, stop(), log()}`.
 * `listen` defaults to a free port; `dataDir` (kept afterwards) lets a restarted
 * server find the accounts of an earlier one, else a temporary folder is used.
 */
export async function startServer({ listen = '127.0.0.1:0', dataDir } = {}) {
  const data = dataDir || mkdtempSync(join(tmpdir(), 'nim-official-'));
  const child = spawn(serverBinary(), [
    '--listen', listen, '--dev', '--www', join(ROOT, 'www'), '--pkg', PKG,
    '--app', `${APP.key}:${APP.secret}`, '--app', `${SINGLE.key}:${SINGLE.secret}:single`,
    '--data', join(data, 'nim.sqlite'),
  ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' } });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (c) => { output += c; });
  child.stderr.setEncoding('utf8').on('data', (c) => { output += c; });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (!dataDir) rmSync(data, { recursive: true, force: true });
  };
  const url = await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`nim-server printed no address:\n${output}`)), 20000);
    const check = () => {
      const m = /nim-server listening on (http:\/\/[0-9.:]+)/.exec(output);
      if (m) { clearTimeout(timer); done(m[1]); }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`nim-server exited with ${code}:\n${output}`)); });
  }).catch(async (err) => { await stop(); throw err; });
  return { url, host: new URL(url).host, stop, log: () => output };
}

/** Creates `account` (or gives it a new token) through `/dev/token`; resolves to the token. */
export async function devToken(server, account, app = APP) {
  const body = new URLSearchParams({ appKey: app.key, accid: account });
  const reply = await (await fetch(`${server.url}/dev/token`, { method: 'POST', body })).json();
  return reply.info.token;
}

/** Calls the server API's `/nimserver/user/ACTION.action` with NIM's checksum headers. */
export async function serverApi(server, action, fields, app = APP) {
  const nonce = randomBytes(8).toString('hex');
  const curTime = String(Math.floor(Date.now() / 1000));
  const checkSum = createHash('sha1').update(app.secret + nonce + curTime).digest('hex');
  const reply = await fetch(`${server.url}/nimserver/user/${action}.action`, {
    method: 'POST',
    headers: { AppKey: app.key, Nonce: nonce, CurTime: curTime, CheckSum: checkSum },
    body: new URLSearchParams(fields),
  });
  return reply.json();
}

/**
 * The init options that point an existing NIM web app at nim-server (docs/NIM_COMPAT.md):
 * the server's link, plain ws/http, and the SDK's own reporting, A/B test and mixed
 * store requests off. `lbs: true` discovers the server through its LBS instead of
 * `socketUrl`.
 */
export function officialOptions(server, { account, token, app = APP, lbs = false, ...rest }) {
  const link = lbs
    ? { lbsUrl: `${server.url}/lbs/webconf.jsp`, defaultLink: server.host, lbsBackup: false }
    : { socketUrl: server.url, defaultLink: server.host };
  return {
    appKey: app.key, account, token, ...link, secure: false, db: false,
    privateConf: { isDataReportEnable: false, isABTestEnable: false, isMixStoreEnable: false },
    ...rest,
  };
}

/** Waits until `events()` holds `n` entries named `name` passing `match`; resolves to the n-th. */
async function waitEvent(events, name, match = () => true, n = 1, timeout = STEP_MS, stderr = () => '') {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = (await events()).filter((e) => e.event === name && match(e.arg));
    if (found.length >= n) return found[n - 1].arg;
    if (Date.now() > deadline) {
      throw new Error(`no ${n}× ${name} in ${timeout} ms; events: ${JSON.stringify(await events())}${stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What every device offers the tests. */
class Device {
  /** Waits for the n-th `name` event passing `match`; resolves to its argument. */
  waitEvent(name, match, n, timeout) {
    return waitEvent(() => this.events(), name, match, n, timeout, () => (this.stderr ? `; stderr: ${this.stderr}` : ''));
  }

  /** The arguments of every `name` event so far. */
  async args(name) {
    return (await this.events()).filter((e) => e.event === name).map((e) => e.arg);
  }

  /** `nim.kick({deviceIds, done})`; resolves to done's `[err, obj]`. */
  async kick(deviceIds) {
    const before = (await this.args('kick done')).length;
    await this.send({ op: 'kick', deviceIds });
    return this.waitEvent('kick done', undefined, before + 1);
  }

  /** `nim.disconnect()`: logs out. */
  async disconnect() {
    await this.send({ op: 'disconnect' });
    await this.waitEvent('ondisconnect');
  }
}

/**
 * The official SDK's Node build, in its own process; `blocked` lists the hosts its
 * guard refused, `stderr` what the process wrote there.
 */
export class NodeDevice extends Device {
  static async start(options) {
    const device = new NodeDevice();
    device.kind = 'official-node';
    device.list = [];
    device.blocked = [];
    device.stderr = '';
    device.child = spawn(process.execPath, [NODE_DEVICE], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    device.child.stderr.setEncoding('utf8').on('data', (chunk) => { device.stderr += chunk; });
    createInterface({ input: device.child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line);
      if (entry.event === 'blocked') device.blocked.push(entry.arg);
      else device.list.push(entry);
    });
    await device.waitEvent('ready');
    device.list.length = 0;
    await device.send({ op: 'init', options });
    return device;
  }

  async events() {
    return this.list;
  }

  async send(command) {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  async close() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Runs in a page: starts `NIM.getInstance` with recording callbacks. */
function startInPage({ kind, options, callbacks }) {
  const plain = (v) => {
    try {
      return JSON.parse(JSON.stringify(v ?? null));
    } catch {
      return String(v);
    }
  };
  const start = async () => {
    const NIM = kind === 'wasm' ? (await import('/pkg/nim_wasm.js')).NIM : window.NIM;
    const events = [];
    const record = (event) => (arg) => events.push({ event, arg: plain(arg) });
    const handlers = Object.fromEntries(callbacks.map((name) => [name, record(name)]));
    const nim = NIM.getInstance({ ...options, ...handlers });
    window.__device = { nim, events, record };
  };
  return start();
}

/** Runs in a page: carries out one command on `window.__device`. */
function commandInPage(command) {
  const { nim, record } = window.__device;
  if (command.op === 'kick') {
    nim.kick({ deviceIds: command.deviceIds, done: (err, obj) => record('kick done')([err, obj]) });
  } else if (command.op === 'disconnect') {
    nim.disconnect();
  }
}

/**
 * A device in a browser page: the official browser build or nim-wasm. `sockets`
 * holds the URL of every WebSocket its page opened, `responses` every HTTP response.
 */
class PageDevice extends Device {
  async events() {
    return this.page.evaluate(() => window.__device.events);
  }

  async send(command) {
    await this.page.evaluate(commandInPage, command);
  }

  async close() {
    await this.context.close().catch(() => {});
  }
}

/**
 * Headless Chromium in which every host name but the test page's own resolves to
 * nothing, and which records every request and WebSocket of every page, so that
 * `strayRequests()` lists whatever went anywhere but the server and the app page.
 */
export async function launchBrowser(server) {
  const app = await appPage();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    timeout: 30000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
  const seen = [];
  const allowed = new Set([server.host, app.host]);
  const watch = (page) => {
    page.on('request', (request) => seen.push(request.url()));
    page.on('websocket', (socket) => seen.push(socket.url()));
  };
  const problems = [];
  const open = async (url, kind) => {
    const context = await browser.newContext();
    context.setDefaultTimeout(STEP_MS);
    const page = await context.newPage();
    watch(page);
    const sockets = [];
    const responses = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    page.on('response', (response) => responses.push(response));
    page.on('pageerror', (err) => problems.push(`${kind}: uncaught ${err.stack || err.message}`));
    await page.goto(url);
    return { context, page, sockets, responses };
  };
  return {
    browser,
    /** Every URL a page requested or opened a WebSocket to, outside the server and the app page. */
    strayRequests: () => seen.filter((url) => !allowed.has(new URL(url).host)),
    /** Uncaught exceptions in any page. */
    problems: () => problems,
    /** The official browser build in a page of the app origin, logged in with `options`. */
    async official(options) {
      const opened = await open(`${app.url}/`, 'official');
      await opened.page.addScriptTag({ path: BROWSER_SDK });
      await opened.page.evaluate(startInPage, { kind: 'official', options, callbacks: [...CALLBACKS, 'onsyncdone'] });
      const device = Object.assign(new PageDevice(), opened);
      device.kind = options.binaryWebsocket === false ? 'official-socketio' : 'official-binary';
      return device;
    },
    /** nim-wasm in a page of the server, logged in with `options`. */
    async wasm(options) {
      requirePkg();
      const opened = await open(`${server.url}/`, 'wasm');
      await opened.page.waitForSelector('body[data-ready=true]');
      await opened.page.evaluate(startInPage, { kind: 'wasm', options, callbacks: CALLBACKS });
      return Object.assign(new PageDevice(), opened, { kind: 'wasm' });
    },
    async close() {
      await browser.close();
      app.server.close();
    },
  };
}

/**
 * The existing NIM web app's page, on a loopback port of its own: another origin
 * than nim-server's, so the SDK's LBS and handshake requests are cross-origin.
 */
async function appPage() {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><meta charset="utf-8"><title>NIM web app</title>');
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const host = `127.0.0.1:${server.address().port}`;
  return { server, host, url: `http://${host}` };
}
