// The differential scenario, run once with two official devices and once with two
// nim-wasm devices against one nim-server: device A logs in, device B logs in, A
// kicks B, A logs out, and device C logs in with a wrong token. It records every
// callback of each device, in order, and reduces each to its shape: the callback's
// name, the fields of its argument and their types (values that differ by nature,
// such as ids, times and ports, are compared by type only).
import { devToken, uniqueAccount } from './world.mjs';

/** The type tree of `value`: objects by field, arrays by element, the rest by typeof. */
export function shape(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape(value[k])]));
  }
  return typeof value;
}

/** Every event of `device`, as `{event, shape, arg}`, oldest first. */
async function recorded(device) {
  return (await device.events()).map(({ event, arg }) => ({ event, shape: shape(arg), arg }));
}

/**
 * Runs the scenario with devices from `open(options)` (options in nim-wasm's terms:
 * appKey, account, token) and resolves to `{A, B, C}`: each device's recorded events.
 */
export async function runScenario(server, open, prefix) {
  const account = uniqueAccount(prefix);
  const token = await devToken(server, account);
  const a = await open({ account, token });
  await a.waitEvent('onconnect');
  const b = await open({ account, token });
  await b.waitEvent('onconnect');
  const [bPort] = await a.waitEvent('onloginportschange', (ports) => ports.some((p) => p.online));
  await a.kick([bPort.deviceId]);
  await b.waitEvent('ondisconnect');
  await a.waitEvent('onloginportschange', (ports) => ports.some((p) => !p.online));
  await a.disconnect();
  const c = await open({ account, token: 'wrong-token' });
  await c.waitEvent('ondisconnect');
  // Anything late (a retry that should not happen) has time to show.
  await new Promise((r) => setTimeout(r, 2000));
  const result = { A: await recorded(a), B: await recorded(b), C: await recorded(c) };
  for (const device of [a, b, c]) await device.close();
  return result;
}

/** Fields whose values must match too, not only their types. */
const SAME_VALUE = new Set(['code', 'reason', 'from', 'type', 'online', 'willReconnect', 'retryCount', 'custom']);

/** The differences between two shapes (or values) at `path`. */
function compare(official, wasm, path, key) {
  const so = shape(official);
  const sw = shape(wasm);
  const kind = (s) => (Array.isArray(s) ? 'array' : typeof s === 'object' ? 'object' : s);
  if (kind(so) !== kind(sw)) return [{ path, official: kind(so), wasm: kind(sw) }];
  if (kind(so) === 'array') {
    const n = Math.max(official.length, wasm.length);
    if (official.length !== wasm.length) return [{ path, official: `${official.length} entries`, wasm: `${wasm.length} entries` }];
    return Array.from({ length: n }, (_, i) => compare(official[i], wasm[i], `${path}[]`, key)).flat();
  }
  if (kind(so) === 'object') {
    const keys = [...new Set([...Object.keys(official), ...Object.keys(wasm)])].sort();
    return keys.flatMap((k) => {
      const at = path ? `${path}.${k}` : k;
      if (!(k in official)) return [{ path: at, official: 'absent', wasm: kind(shape(wasm[k])) }];
      if (!(k in wasm)) return [{ path: at, official: kind(shape(official[k])), wasm: 'absent' }];
      return compare(official[k], wasm[k], at, k);
    });
  }
  if (SAME_VALUE.has(key) && official !== wasm) {
    return [{ path, official: JSON.stringify(official), wasm: JSON.stringify(wasm) }];
  }
  return [];
}

/**
 * Every difference between the official run and the nim-wasm run, as sorted lines
 * `ROLE: EVENT PATH: OFFICIAL vs WASM` without repeats: a callback that fired in one
 * run only, in another order, or with other fields, field types or same-value fields.
 * `callbacks` are the events compared (the official SDK's other callbacks, such as
 * `onsyncdone`, have no nim-wasm counterpart).
 */
export function differences(official, wasm, callbacks) {
  const lines = new Set();
  for (const role of Object.keys(official)) {
    const pick = (events) => events.filter((e) => callbacks.includes(e.event));
    const o = pick(official[role]);
    const w = pick(wasm[role]);
    const order = (events) => events.map((e) => e.event).join(' → ');
    if (order(o) !== order(w)) lines.add(`${role}: order: ${order(o)} vs ${order(w)}`);
    const n = Math.min(o.length, w.length);
    for (let i = 0; i < n && o[i].event === w[i].event; i += 1) {
      for (const d of compare(o[i].arg, w[i].arg, '', '')) {
        lines.add(`${o[i].event} ${d.path || '(argument)'}: ${d.official} vs ${d.wasm}`);
      }
    }
  }
  return [...lines].sort();
}
