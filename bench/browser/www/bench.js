// The latency bench's page side: the SDK (NIM from /pkg/) and MiniClient, a minimal
// hand-written client doing the same protocol exchange, behind one small interface
// so latency.mjs drives both the same way. Times are `performance.timeOrigin +
// performance.now()`, comparable across the pages of one browser.
import init, { NIM } from '/pkg/nim_wasm.js';

const APP_KEY = 'demo';
const SOCKET_URL = `ws://${location.host}/ws`;
const now = () => performance.timeOrigin + performance.now();

/** The baseline: exactly the protocol exchange, nothing else (no reconnect, no heartbeat). */
class MiniClient {
  constructor({ account, token, deviceId, onconnect, onloginportschange, ondisconnect }) {
    this.handlers = { onconnect, onloginportschange, ondisconnect };
    this.nextId = 1;
    this.closed = new Promise((done) => { this.onClosed = done; });
    this.ws = new WebSocket(SOCKET_URL);
    this.ws.onopen = () => this.send({
      t: 'login', id: this.nextId++, v: 1, appKey: APP_KEY, account, token, authType: 0, deviceId,
      type: 'Web', os: navigator.platform, customTag: '', customClientType: 0, loginExt: '',
      auto: false, heartbeatInterval: 30000,
    });
    this.ws.onmessage = (e) => this.receive(JSON.parse(e.data));
    this.ws.onclose = () => this.onClosed();
  }

  send(message) { this.ws.send(JSON.stringify(message)); }

  receive(m) {
    const h = this.handlers;
    if (m.t === 'loginOk') {
      if (m.ports.length) h.onloginportschange?.(m.ports);
      h.onconnect?.(m.connection);
    } else if (m.t === 'loginPorts') {
      h.onloginportschange?.(m.ports);
    } else if (m.t === 'kicked') {
      h.ondisconnect?.({ code: 'kicked', reason: m.reason });
    }
  }

  kick(deviceIds) { this.send({ t: 'kick', id: this.nextId++, deviceIds, custom: '' }); }

  async destroy() {
    if (this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000);
    await this.closed;
  }
}

/** The SDK behind the same interface. */
class SdkClient {
  constructor(options) {
    this.nim = NIM.getInstance({ appKey: APP_KEY, socketUrl: SOCKET_URL, ...options });
  }

  kick(deviceIds) { this.nim.kick({ deviceIds }).catch(() => {}); }

  async destroy() { await this.nim.destroy(); }
}

const CLIENTS = { sdk: SdkClient, js: MiniClient };
/** Live clients of this page by name, and the times their callbacks fired. */
const live = new Map();

window.bench = {
  ready: init().then(() => true),

  async token(account) {
    const res = await fetch('/dev/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ appKey: APP_KEY, accid: account }),
    });
    return (await res.json()).info.token;
  },

  /** Logs in `kind` ('sdk' | 'js') and resolves to ms from the constructor to onconnect. */
  async login(name, kind, { account, token, deviceId }) {
    const record = { ports: [], disconnects: [] };
    let t0 = 0;
    const connected = new Promise((done) => {
      t0 = now();
      const client = new CLIENTS[kind]({
        account, token, deviceId,
        onconnect: () => done(now()),
        onloginportschange: (ports) => { const at = now(); for (const p of ports) record.ports.push({ ...p, at }); },
        ondisconnect: (e) => record.disconnects.push({ code: e.code, at: now() }),
      });
      live.set(name, { client, record, started: t0 });
    });
    const t1 = await connected;
    return { start: t0, connected: t1, ms: t1 - t0 };
  },

  /** Starts a login without waiting; resolves to its start time. */
  startLogin(name, kind, options) {
    const started = now();
    this.login(name, kind, options);
    return started;
  },

  /** The time `name` got a loginPorts entry for `deviceId` with `online`, or null. */
  portsSeen(name, deviceId, online) {
    return live.get(name)?.record.ports.find((p) => p.deviceId === deviceId && p.online === online)?.at ?? null;
  },

  /** The time `name` was told it was kicked, or null. */
  kickedAt(name) {
    return live.get(name)?.record.disconnects.find((d) => d.code === 'kicked')?.at ?? null;
  },

  /** `name` kicks `deviceIds`; resolves to the time the call was made. */
  kick(name, deviceIds) {
    const at = now();
    live.get(name).client.kick(deviceIds);
    return at;
  },

  async destroy(name) {
    const entry = live.get(name);
    live.delete(name);
    await entry?.client.destroy();
  },
};
