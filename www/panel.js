// One account panel: a NIM instance, its form, live status, other devices and log.
import { NIM } from '/pkg/nim_wasm.js';
import { fetchDevToken, serverEndpoints } from './server.js';
import { DeviceList } from './devices.js';
import { EventLog } from './log.js';

const STATUS = ['logged out', 'logged in', 'logging in', 'waiting to reconnect'];
/** The `custom` text a kick passes to the kicked device. */
const KICK_MESSAGE = 'kicked from the nim-wasm demo';

/** Accounts with a live instance in this page, so two panels never share one. */
const openAccounts = new Map();

/** The human reading of an `ondisconnect` payload that ends the session for good. */
function terminalNotice(err) {
  switch (err.code) {
    case 'kicked': {
      const by = err.reason === 'serverKick' ? 'the server' : `another device (${err.from || 'unknown'})`;
      const custom = err.custom ? `: “${err.custom}”` : '';
      return `Kicked by ${by}, reason ${err.reason}${custom}. Not reconnecting.`;
    }
    case 'logout': return null;
    case 'alreadyDisconnected': return null;
    case 302: return 'Login refused (302): bad account or token. Get or paste a new token.';
    case 403: return 'Login refused (403): unknown app key or not allowed.';
    case 404: return 'Login refused (404): no such account.';
    case 417: return 'Re-login refused (417): another device took this slot meanwhile.';
    case 422: return 'Login refused (422): the account is blocked.';
    default: return `Disconnected (${err.code}): ${err.message || ''}`;
  }
}

export class AccountPanel {
  /** `settings()` returns the page-wide `{appKey, server}`. */
  constructor(root, number, account, settings) {
    this.root = root;
    this.settings = settings;
    this.nim = null;
    this.account = '';
    this.retry = null;
    root.id = `panel-${number}`;
    root.dataset.panel = String(number);
    this.form = root.querySelector('form.login');
    this.field('account').value = account;
    this.el = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.log = new EventLog(this.el('log'));
    this.devices = new DeviceList(this.el('devices'), this.el('device-count'), this.el('devices-empty'),
      (deviceId) => this.kick(deviceId));
    this.wire();
    this.render();
  }

  field(name) {
    return this.form.elements[name];
  }

  wire() {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.connect();
    });
    this.field('account').addEventListener('input', () => this.render());
    this.el('disconnect').addEventListener('click', () => this.disconnect());
    this.el('destroy').addEventListener('click', () => this.destroy());
    this.el('remove').addEventListener('click', () => this.destroy().then(() => this.root.remove()));
    this.el('dev-token').addEventListener('click', () => this.getDevToken());
    this.el('update-token').addEventListener('click', () => this.updateToken());
    this.el('clear-log').addEventListener('click', () => this.log.clear());
  }

  /** The options for `NIM.getInstance` from the form and the page settings. */
  options() {
    const { appKey, server } = this.settings();
    const { socketUrl } = serverEndpoints(server);
    const dynamic = this.field('dynamic').checked;
    const options = {
      appKey,
      account: this.field('account').value.trim(),
      token: this.field('token').value.trim(),
      customTag: this.field('customTag').value,
      authType: dynamic ? 1 : 0,
      shareConnection: this.field('share').checked,
      onconnect: (res) => this.onconnect(res),
      ondisconnect: (err) => this.ondisconnect(err),
      onwillreconnect: (info) => this.onwillreconnect(info),
      onloginportschange: (ports) => this.onloginportschange(ports),
      onerror: (err) => this.onerror(err),
    };
    if (socketUrl) options.socketUrl = socketUrl;
    return options;
  }

  connect() {
    this.notice(null);
    const options = this.options();
    try {
      if (this.nim) {
        // A live instance keeps its account; new token, tag and auth type apply to
        // this login.
        const { token, customTag, authType } = options;
        this.nim.setOptions({ token, customTag, authType });
        this.log.call('setOptions', { token: short(token), customTag, authType });
        this.devices.clear();
        this.nim.connect();
        this.log.call('connect()');
      } else {
        const owner = openAccounts.get(options.account);
        if (owner && owner !== this) {
          throw Object.assign(new Error(`account “${options.account}” is already open in panel ${owner.root.dataset.panel}: `
            + 'one instance per account per page; open another window for a second device'), { code: 'inUse' });
        }
        this.devices.clear();
        this.nim = NIM.getInstance(options);
        this.account = options.account;
        openAccounts.set(this.account, this);
        this.log.call('NIM.getInstance', { appKey: options.appKey, account: options.account,
          socketUrl: options.socketUrl, authType: options.authType, customTag: options.customTag,
          shareConnection: options.shareConnection });
      }
    } catch (err) {
      this.fail('connect', err);
    }
    this.render();
  }

  disconnect() {
    if (!this.nim) return;
    this.retry = null;
    try {
      this.nim.disconnect({ done: (err) => { this.log.call('disconnect() done', err ?? null); this.render(); } });
    } catch (err) {
      this.fail('disconnect', err);
    }
    this.render();
  }

  /** Destroys the instance (if any); resolves once its `done` fired. */
  destroy() {
    const nim = this.nim;
    if (!nim) return Promise.resolve();
    this.nim = null;
    this.retry = null;
    openAccounts.delete(this.account);
    this.devices.clear();
    return new Promise((resolve) => {
      try {
        nim.destroy({ done: (err) => { this.log.call('destroy() done', err ?? null); resolve(); } });
      } catch (err) {
        this.fail('destroy', err);
        resolve();
      }
      this.render();
    });
  }

  async kick(deviceId) {
    if (!this.nim) return;
    this.log.call('kick', { deviceIds: [deviceId], custom: KICK_MESSAGE });
    try {
      const result = await this.nim.kick({ deviceIds: [deviceId], custom: KICK_MESSAGE });
      this.log.call('kick() result', result);
    } catch (err) {
      this.fail('kick', err);
    }
  }

  async getDevToken() {
    const { appKey, server } = this.settings();
    const accid = this.field('account').value.trim();
    if (!accid) return this.notice('Enter an account first.');
    try {
      const token = await fetchDevToken(serverEndpoints(server).httpBase, appKey, accid);
      this.field('token').value = token;
      this.log.call('dev token', { accid, token: short(token) });
      this.notice(null);
    } catch (err) {
      this.fail('dev token', err);
    }
  }

  /** `setOptions({token})`: the new token is used from the next login on. */
  updateToken() {
    if (!this.nim) return this.notice('Connect first: the token update goes to a live instance.');
    const token = this.field('token').value.trim();
    try {
      this.nim.setOptions({ token });
      this.log.call('setOptions', { token: short(token) });
      this.notice(null);
    } catch (err) {
      this.fail('setOptions', err);
    }
  }

  onconnect(res) {
    this.retry = null;
    this.log.event('onconnect', res);
    const session = this.el('session');
    for (const dd of session.querySelectorAll('dd')) dd.textContent = res[dd.dataset.field] || '—';
    session.hidden = false;
    this.render();
  }

  ondisconnect(err) {
    this.log.event('ondisconnect', err);
    this.devices.clear();
    this.el('session').hidden = true;
    if (!err.willReconnect) {
      this.retry = null;
      this.notice(terminalNotice(err), err.code);
    }
    this.render();
  }

  onwillreconnect(info) {
    this.log.event('onwillreconnect', info);
    this.devices.clear();
    this.retry = { count: info.retryCount, duration: info.duration, at: Date.now() + info.duration };
    this.render();
    if (!this.field('dynamic').checked) return undefined;
    // authType 1: the SDK waits for this promise before the retry.
    const { appKey, server } = this.settings();
    return fetchDevToken(serverEndpoints(server).httpBase, appKey, this.account)
      .then((token) => {
        this.field('token').value = token;
        this.nim?.setOptions({ token });
        this.log.call('setOptions (dynamic token)', { token: short(token) });
      })
      .catch((err) => this.fail('dynamic token', err));
  }

  onloginportschange(ports) {
    this.log.event('onloginportschange', ports);
    this.devices.update(ports);
  }

  onerror(err) {
    this.log.event('onerror', err);
  }

  fail(what, err) {
    const payload = { code: err?.code, message: err?.message ?? String(err) };
    this.log.event(`${what} failed`, payload, 'error');
    this.notice(`${what} failed: ${payload.message}`, 'error');
    this.render();
  }

  notice(text, kind) {
    const el = this.el('notice');
    el.hidden = !text;
    el.textContent = text || '';
    el.dataset.kind = kind === undefined || kind === null ? '' : String(kind);
  }

  status() {
    if (!this.nim) return 0;
    try {
      return this.nim.getLoginStatus();
    } catch {
      return 0;
    }
  }

  /** Redraws the status badge, the retry line and the buttons. */
  render() {
    const status = this.status();
    const badge = this.el('status');
    badge.dataset.status = String(status);
    badge.textContent = this.nim ? STATUS[status] : 'no instance';
    const account = this.nim ? this.account : this.field('account').value.trim();
    this.el('panel-title').textContent = account || 'new account';
    this.root.dataset.account = account;
    this.field('account').readOnly = Boolean(this.nim);
    this.el('connect').disabled = status === 1 || status === 2;
    this.el('disconnect').disabled = !this.nim;
    this.el('destroy').disabled = !this.nim;
    this.el('update-token').disabled = !this.nim;
    this.devices.setKickable(status === 1);
    const retry = this.el('retry');
    if (this.retry && (status === 3 || status === 2)) {
      const left = Math.max(0, this.retry.at - Date.now());
      retry.textContent = status === 3
        ? `Retry ${this.retry.count} in ${(left / 1000).toFixed(1)} s (delay ${this.retry.duration} ms)`
        : `Retry ${this.retry.count}: logging in…`;
      retry.dataset.retryCount = String(this.retry.count);
      retry.dataset.duration = String(this.retry.duration);
      retry.hidden = false;
    } else {
      retry.hidden = true;
    }
  }
}

function short(token) {
  return token && token.length > 12 ? `${token.slice(0, 6)}…${token.slice(-4)}` : token;
}
