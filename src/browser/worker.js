// The worker of `shareConnection: true`, shipped as `nim_worker.js`: one module
// SharedWorker per appKey + account (its `name`), shared by every tab of the browser
// profile that uses them. It runs the account's one NIM instance (the SDK itself,
// unchanged) and relays between it and the tabs; each tab's `NIM` is a proxy
// (src/browser/remote.rs). The messages, plain objects:
//
// tab -> worker
//   {t: 'attach', options, explicit, connect, lock, visible, online}
//       options: the tab's options without functions, `deviceId` resolved; explicit:
//       whether that id was the tab's own option; connect: log in unless logged in;
//       lock: the Web Lock the tab holds while it lives
//   {t: 'connect'}  {t: 'options', options}  {t: 'page', visible, online}
//   {t: 'disconnect', id}  {t: 'kick', id, deviceIds, custom}  {t: 'detach', id}
//   {t: 'answer'}  the tab's `onwillreconnect` settled (it was asked to answer)
// worker -> tab (every message carries `state: {status, connected, ports}`)
//   {t: 'event', name, arg, ask?}  a callback to call; `ask`: answer when it settled
//   {t: 'done', id, value?, error?: {code, message}}  a request completed
//   {t: 'log', level, message, detail}  a line for the tab's `logFunc`
//   {t: 'refused', error: {code, message}}  the tab's explicit deviceId differs
//   {t: 'state'}
//
// The worker holds the Web Lock `nim-wasm:worker:<name>` while it lives; a tab
// waiting for it learns that the worker is gone. It waits for each tab's lock to
// learn that the tab is gone. The last tab to go logs the device out.
import init, { NIM } from './nim_wasm.js';

const ready = Promise.all([
  init(),
  navigator.locks && new Promise((held) => {
    navigator.locks.request(`nim-wasm:worker:${self.name}`, () => new Promise(() => held()));
  }),
]);

/** The attached tabs: port -> {visible, online}. */
const tabs = new Map();
/** The instance, while any tab is attached. */
let nim = null;
/** The shared session's device id. */
let deviceId = '';
/** `onconnect`'s payload while logged in, replayed to a tab that attaches. */
let connected = null;
/** The page state last given to the instance. */
let page = '';
/** The tab answering `onwillreconnect` (authType 1): {port, release, arg}. */
let asking = null;
/** The state last sent, as JSON. */
let last = '';
/** `authType` of the options last given. */
let authType = 0;

function state() {
  return nim
    ? { status: nim.getLoginStatus(), connected: nim.isConnected(), ports: nim.getLoginPorts() }
    : { status: 0, connected: false, ports: [] };
}

/** Posts `message` to `port` with the session's state (`now`: already read). */
function send(port, message, now = state()) {
  message.state = now;
  last = JSON.stringify(now);
  try {
    port.postMessage(message);
  } catch {
    // A log line's detail that cannot be cloned goes as text.
    message.detail = String(message.detail);
    port.postMessage(message);
  }
}

/** Posts `message` to every tab, with the state read once for all. */
function all(message) {
  const now = state();
  for (const port of tabs.keys()) send(port, { ...message }, now);
}

/** Tells the tabs a state that changed without an event (a retry that started). */
function sync() {
  if (JSON.stringify(state()) !== last) all({ t: 'state' });
}

function plainError(error) {
  return { code: error?.code ?? 'disconnected', message: String(error?.message ?? error) };
}

/** Settles request `id` of `port` with the outcome of `promise`. */
function reply(port, id, promise) {
  promise.then(
    (value) => send(port, { t: 'done', id, value }),
    (error) => send(port, { t: 'done', id, error: plainError(error) }),
  );
}

/** A tab's options for the instance: the session's device id, and its debug lines
 *  always on (each tab shows them only if it has `debug` itself). */
function own(options) {
  const { account, shareConnection, sharedWorkerUrl, ...rest } = options;
  return { ...rest, deviceId, debug: true };
}

const relay = (name) => (arg) => {
  if (name === 'onconnect') connected = arg;
  if (name === 'ondisconnect') connected = null;
  all({ t: 'event', name, arg });
};

function create(options) {
  nim = NIM.getInstance({
    ...own(options),
    account: options.account,
    skipConnectionOnInitialize: true,
    logFunc: (level, message, detail) => {
      all({ t: 'log', level, message, detail });
      sync();
    },
    onconnect: relay('onconnect'),
    ondisconnect: relay('ondisconnect'),
    onloginportschange: relay('onloginportschange'),
    onerror: relay('onerror'),
    onwillreconnect: (arg) => {
      setTimeout(sync, arg.duration + 1);
      if (authType !== 1) return all({ t: 'event', name: 'onwillreconnect', arg });
      // With a dynamic token one live tab answers, and the retry waits for it.
      return new Promise((release) => {
        asking = { release, arg, port: null };
        ask();
      });
    },
  });
  authType = options.authType ?? 0;
}

/** Asks a live tab (a visible one first) to answer `onwillreconnect`; the others
 *  get the event only. With no tab left the retry goes on. */
function ask() {
  const ports = [...tabs.keys()];
  const port = ports.find((p) => tabs.get(p).visible) ?? ports[0];
  if (!port) {
    asking.release();
    asking = null;
    return;
  }
  const first = asking.port === null;
  asking.port = port;
  for (const p of ports) {
    if (p === port) send(p, { t: 'event', name: 'onwillreconnect', arg: asking.arg, ask: true });
    else if (first) send(p, { t: 'event', name: 'onwillreconnect', arg: asking.arg });
  }
}

/** Gives the instance the tabs' page: visible when any tab is. */
function observePage() {
  if (!nim) return;
  const values = [...tabs.values()];
  const visible = values.some((t) => t.visible);
  const online = values.every((t) => t.online);
  if (`${visible}${online}` !== page) {
    page = `${visible}${online}`;
    nim.__page(visible, online);
  }
}

function attach(port, m) {
  if (nim && m.explicit && m.options.deviceId !== deviceId) {
    send(port, {
      t: 'refused',
      error: { code: 'invalidOption', message: `nim-wasm: option \`deviceId\` ("${m.options.deviceId}") differs from the shared connection's ("${deviceId}")` },
    });
    return;
  }
  tabs.set(port, { visible: m.visible, online: m.online });
  navigator.locks?.request(m.lock, () => detach(port));
  if (!nim) {
    deviceId = m.options.deviceId;
    create(m.options);
  } else {
    options(m.options);
  }
  send(port, { t: 'state' });
  if (connected && nim.getLoginStatus() === 1) send(port, { t: 'event', name: 'onconnect', arg: connected });
  const ports = nim.getLoginPorts();
  if (ports.length) send(port, { t: 'event', name: 'onloginportschange', arg: ports });
  observePage();
  if (m.connect) nim.connect();
}

/** Login-time options from the next login on; the last tab to give them wins. */
function options(given) {
  try {
    nim.setOptions(own(given));
    authType = given.authType ?? authType;
  } catch (error) {
    all({ t: 'log', level: 'error', message: 'nim-wasm: a tab\'s options were refused', detail: plainError(error) });
  }
}

/** A tab left (`destroy`, or its lock was granted: it is gone). */
function detach(port, id) {
  const known = tabs.delete(port);
  if (known && asking?.port === port) ask();
  if (known && tabs.size === 0 && nim) {
    const last = nim;
    nim = null;
    connected = null;
    page = '';
    const gone = last.destroy();
    if (id !== undefined) reply(port, id, gone);
    return;
  }
  if (id !== undefined) send(port, { t: 'done', id });
  observePage();
}

function handle(port, m) {
  if (m.t === 'attach') attach(port, m);
  else if (m.t === 'detach') detach(port, m.id);
  else if (tabs.has(port) && nim) command(port, m);
  sync();
}

function command(port, m) {
  switch (m.t) {
    case 'connect': nim.connect(); break;
    case 'options': options(m.options); break;
    case 'page': Object.assign(tabs.get(port), { visible: m.visible, online: m.online }); observePage(); break;
    case 'disconnect': reply(port, m.id, nim.disconnect()); break;
    case 'kick': reply(port, m.id, nim.kick({ deviceIds: m.deviceIds, custom: m.custom })); break;
    case 'answer':
      if (asking?.port === port) {
        asking.release();
        asking = null;
      }
      break;
  }
}

self.onconnect = (event) => {
  const port = event.ports[0];
  port.onmessage = async ({ data }) => {
    await ready;
    handle(port, data);
  };
};
