// One device of the official NIM Web SDK's Node build, in a process of its own: the
// SDK draws its deviceId once per JavaScript realm, so two devices need two
// processes. It reads commands as JSON lines on stdin and writes what happens as
// JSON lines on stdout:
//   in:  {"op":"init","options":{…}}   NIM.getInstance(options + recording callbacks)
//        {"op":"kick","deviceIds":[…]}  nim.kick({deviceIds, done})
//        {"op":"disconnect"}            nim.disconnect()
//   out: {"event":"onconnect","arg":…}  every callback, and "kick done" with [err, obj]
//        {"event":"blocked","host":…}   a connection to anything but loopback, refused
// Every outbound connection and DNS lookup goes through the guard below first: only
// 127.0.0.1 / localhost may be reached, anything else is refused and reported, so
// a test fails if the SDK tries to reach NetEase or any other host.
import dns from 'node:dns';
import net from 'node:net';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const emit = (event, arg) => process.stdout.write(`${JSON.stringify({ event, arg: arg ?? null })}\n`);

// A copy for the report: callbacks get SDK objects that may hold cycles or functions.
const plain = (value) => {
  try {
    return JSON.parse(JSON.stringify(value ?? null));
  } catch {
    return String(value);
  }
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guarded(...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  const host = typeof options === 'object' && options !== null ? (options.host ?? 'localhost') : (typeof args[1] === 'string' ? args[1] : 'localhost');
  if (typeof options === 'object' && options?.path) return connect.apply(this, args);
  if (!LOOPBACK.has(host)) {
    emit('blocked', host);
    process.nextTick(() => this.destroy(new Error(`blocked by the test: ${host}`)));
    return this;
  }
  return connect.apply(this, args);
};
const lookup = dns.lookup;
dns.lookup = function guardedLookup(host, ...rest) {
  const callback = rest[rest.length - 1];
  if (!LOOPBACK.has(host)) {
    emit('blocked', host);
    const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host });
    process.nextTick(() => callback(err));
    return {};
  }
  return lookup.call(this, host, ...rest);
};

const require = createRequire(import.meta.url);
const NIM = require('@yxim/nim-web-sdk/dist/SDK/NIM_Web_NIM_nodejs.js');
let nim = null;

const CALLBACKS = ['onconnect', 'onloginportschange', 'ondisconnect', 'onwillreconnect', 'onerror', 'onsyncdone'];

function init(options) {
  const callbacks = Object.fromEntries(CALLBACKS.map((name) => [name, (arg) => emit(name, plain(arg))]));
  nim = NIM.getInstance({ ...options, ...callbacks, logFunc: () => {}, debug: false });
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line);
  if (command.op === 'init') init(command.options);
  else if (command.op === 'kick') {
    nim.kick({ deviceIds: command.deviceIds, done: (err, obj) => emit('kick done', [plain(err), plain(obj)]) });
  } else if (command.op === 'disconnect') nim.disconnect({ done: () => emit('disconnect done') });
  else if (command.op === 'exit') process.exit(0);
}).on('close', () => process.exit(0));
emit('ready');
