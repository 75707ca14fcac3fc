// Logs in with the nim-wasm package: a token from the development server's
// POST /dev/token (a real app gets it from its own backend), then NIM.getInstance.
import init, { NIM } from 'nim-wasm';

const params = new URLSearchParams(location.search);
const appKey = params.get('appKey') || 'demo';
const account = params.get('account') || 'vite-user';
// `?share`: every tab of this browser shares one connection (a SharedWorker Vite bundles).
const shareConnection = params.has('share');
const statusEl = document.getElementById('status');
const logEl = document.getElementById('log');
document.getElementById('account').textContent = account;

function show(text, status) {
  statusEl.textContent = text;
  statusEl.dataset.status = String(status);
}

function log(name, payload) {
  logEl.textContent = `${name} ${JSON.stringify(payload)}\n${logEl.textContent}`;
}

async function devToken() {
  const res = await fetch('/dev/token', { method: 'POST', body: new URLSearchParams({ appKey, accid: account }) });
  const reply = await res.json();
  if (reply.code !== 200) throw new Error(`no dev token: ${JSON.stringify(reply)}`);
  return reply.info.token;
}

async function main() {
  await init();
  const token = await devToken();
  NIM.getInstance({
    appKey,
    account,
    token,
    shareConnection,
    onconnect: (res) => { log('onconnect', res); show('logged in', 1); },
    ondisconnect: (err) => { log('ondisconnect', err); show(`logged out (${err.code})`, 0); },
    onwillreconnect: (info) => { log('onwillreconnect', info); show('waiting to reconnect', 3); },
    onloginportschange: (ports) => log('onloginportschange', ports),
  });
  show('logging in…', 2);
}

main().catch((err) => {
  show(`failed: ${err.message}`, 0);
  throw err;
});
