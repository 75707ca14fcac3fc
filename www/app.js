// The demo page: page-wide settings and any number of account panels side by side.
import init, { NIM } from '/pkg/nim_wasm.js';
import { AccountPanel } from './panel.js';

const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
const SETTINGS_KEY = 'nim-wasm-demo';

const appKey = document.getElementById('app-key');
const server = document.getElementById('server-url');
const panelsEl = document.getElementById('panels');
const template = document.getElementById('panel-template');
const sdkState = document.getElementById('sdk-state');
const panels = [];
let created = 0;

function settings() {
  return { appKey: appKey.value.trim(), server: server.value.trim() };
}

function restoreSettings() {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) || '{}');
    if (saved.appKey) appKey.value = saved.appKey;
    if (saved.server) server.value = saved.server;
  } catch {
    // Storage may be unavailable (private mode, blocked cookies): defaults then.
  }
  for (const input of [appKey, server]) {
    input.addEventListener('change', () => {
      try {
        localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings()));
      } catch {
        // Not saving is fine.
      }
    });
  }
}

function addPanel(account) {
  created += 1;
  const root = template.content.firstElementChild.cloneNode(true);
  panelsEl.append(root);
  const used = new Set(panels.filter((p) => p.root.isConnected).map((p) => p.field('account').value));
  const name = account || NAMES.find((n) => !used.has(n)) || `user${created}`;
  const panel = new AccountPanel(root, created, name, settings);
  panels.push(panel);
  return panel;
}

// Status and retry countdowns change without a callback: redraw a few times a second.
setInterval(() => {
  for (const panel of panels) if (panel.root.isConnected) panel.render();
}, 250);

restoreSettings();
document.getElementById('add-account').addEventListener('click', () => addPanel());

try {
  await init();
  sdkState.textContent = 'SDK loaded.';
  sdkState.dataset.state = 'ready';
  sdkState.hidden = true;
} catch (err) {
  sdkState.textContent = `The SDK failed to load: ${err.message}. Build it with \`npm run build\`.`;
  sdkState.dataset.state = 'failed';
  console.error('nim-wasm demo: the SDK failed to load', err);
}

if (sdkState.dataset.state === 'ready') {
  // ?account=alice&account=bob opens one panel per account; one panel by default.
  const wanted = new URLSearchParams(location.search).getAll('account').filter(Boolean);
  for (const account of wanted.length ? wanted : [undefined]) addPanel(account);
  document.body.dataset.ready = 'true';
}

// For the console: `demo.NIM`, `demo.panels[0].nim`.
window.demo = { NIM, panels, addPanel };
