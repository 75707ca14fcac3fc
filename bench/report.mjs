// Writes BENCHMARKS.md (to stdout) from the JSON results of one `npm run bench`
// run: the machine, the command, the date, every figure, and each comparison as a
// ratio against the baseline measured in the same run.
//
// usage: node bench/report.mjs RESULTS_DIR STARTED_ISO COMMAND > BENCHMARKS.md
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { NOTES, REASONS } from './reasons.mjs';

const [dir, started, command] = process.argv.slice(2);
const read = (name) => (existsSync(join(dir, name)) ? JSON.parse(readFileSync(join(dir, name), 'utf8')) : null);
const text = (name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').trim() : '?');
const sh = (cmd, args) => { try { return execFileSync(cmd, args, { encoding: 'utf8' }).trim(); } catch { return '?'; } };

const ms = (v) => (v == null ? '–' : `${v.toFixed(v < 10 ? 2 : 1)} ms`);
const x = (v) => (v == null || !Number.isFinite(v) ? '–' : `${v.toFixed(2)}×`);
const bytes = (v) => `${v.toLocaleString('en')} B (${(v / 1024).toFixed(1)} KiB)`;
const verdict = (ok) => (ok ? '**met**' : '**missed**');
const reason = (key) => (REASONS[key] ? `\n\n> Why: ${REASONS[key]}` : '');

const size = read('size.json');
const latency = read('latency.json');
const idle = read('idle.json');
const limits = read('limits.json');
const rate = read('rate.json');
const fanout = read('fanout.json');
const kick = read('kick.json');
const storm = read('storm.json');

const lines = [];
const out = (s = '') => lines.push(s);

out('# Benchmarks');
out();
out(`Written by \`${command}\` (\`scripts/bench.sh\`), run started ${started}. Every comparison is a`);
out('ratio against a baseline measured in the same run, on loopback. Benchmarks print');
out('figures; they do not pass or fail. Re-run the command to reproduce them.');
out();
out('## Machine');
out();
out(`- CPU: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
out(`- Kernel: ${sh('uname', ['-sr'])}; open-file limit per process: ${limits?.fdLimit ?? '?'}`);
out(`- ${sh('rustc', ['-V'])}; Node.js ${process.version}; Chromium ${latency?.chromium ?? '?'}`);
out(`- Load average (1/5/15 min) at start: ${text('loadavg-start').split(' ').slice(0, 3).join(' / ')},`
  + ` at end: ${text('loadavg-end').split(' ').slice(0, 3).join(' / ')}. The machine is a shared`);
out('  2-core VM: other engineers\' builds may have been running during the run, so absolute');
out('  figures are noisy; the ratios compare runs made under the same conditions.');
out('- Servers: release builds, `RUST_LOG=warn`, database on tmpfs (`/dev/shm`),');
out('  development mode (no per-IP login limit), connection limits raised by `--config`.');
out();

if (size) {
  out('## 1. Bundle size');
  out();
  out('What a page downloads for the connection layer, each file compressed on its own');
  out('(gzip -9, brotli quality 11) and the sizes added. Baselines fetched from the npm');
  out('registry by the benchmark (`npm pack`).');
  out();
  out('| bundle | files | raw | gzip | brotli | ours / it (gzip) | ours / it (brotli) |');
  out('|---|---|---|---|---|---|---|');
  const o = size.ours;
  out(`| **nim-wasm ${o.version}** | ${o.files.join(' + ')} | ${bytes(o.raw)} | ${bytes(o.gzip)} | ${bytes(o.brotli)} | | |`);
  for (const b of size.baselines) {
    out(`| ${b.name} ${b.version} | ${b.files.join(' + ')} | ${bytes(b.raw)} | ${bytes(b.gzip)} | ${bytes(b.brotli)} | ${x(o.gzip / b.gzip)} | ${x(o.brotli / b.brotli)} |`);
  }
  out();
  out(`Budget: ours under 25 KB (${size.budgetGzipBytes.toLocaleString('en')} B) gzipped: ${verdict(o.gzip < size.budgetGzipBytes)} (${bytes(o.gzip)}).`
    + (o.gzip < size.budgetGzipBytes ? '' : reason('size')));
  out();
}

if (latency) {
  out('## 2. Latency in headless Chromium');
  out();
  out('The SDK against MiniClient (`bench/browser/www/bench.js`), a minimal hand-written');
  out('JavaScript client doing the same protocol exchange, in the same pages of one');
  out(`headless Chromium against one \`nim-server\`, interleaved round by round; ${latency.warmup}`);
  out('warm-up rounds of each are dropped.');
  out();
  out('| figure | samples | SDK p50 | SDK p99 | MiniClient p50 | MiniClient p99 | ratio p50 | ratio p99 |');
  out('|---|---|---|---|---|---|---|---|');
  const row = (label, r) => out(`| ${label} | ${r.sdk.count} + ${r.js.count} | ${ms(r.sdk.p50)} | ${ms(r.sdk.p99)} | ${ms(r.js.p50)} | ${ms(r.js.p99)} | ${x(r.ratioP50)} | ${x(r.ratioP99)} |`);
  row('login: `NIM.getInstance` → `onconnect`', latency.login);
  row('`kick` → the other device\'s `ondisconnect`', latency.kick);
  row('a device starts logging in → the others\' `onloginportschange`', latency.ports);
  out();
  out(`Goal: login ratio at most 1.15: ${verdict(latency.login.ratioP50 <= 1.15)} at the median (${x(latency.login.ratioP50)}), `
    + `${verdict(latency.login.ratioP99 <= 1.15)} at p99 (${x(latency.login.ratioP99)}).`
    + (latency.login.ratioP50 <= 1.15 && latency.login.ratioP99 <= 1.15 ? '' : reason('login')));
  out();
  out(`> ${NOTES.latency} ${NOTES.nagle.split('. ')[0]}: see the kick figures below.`);
  out();
}

if (idle || rate || fanout || kick) {
  out('## 3. Server capacity');
  out();
  out('`nim-load` (a workspace binary on `nim-protocol` and tokio-tungstenite) against a');
  out('release `nim-server`, from source addresses 127.0.0.1 to 127.0.0.8.');
  out();
}
if (idle) {
  out('### Idle authenticated sessions');
  out();
  out(`Devices logged in (${idle.devices_per_account} per account) and held idle; server RSS from`);
  out(`\`/proc/PID/status\` against its RSS with the accounts created and no one logged in (${idle.baseline_rss_kib.toLocaleString('en')} KiB).`);
  out();
  out('| sessions | server RSS | per session | `nim_sessions_live` | logins took |');
  out('|---|---|---|---|---|');
  for (const s of idle.steps) {
    out(`| ${s.sessions.toLocaleString('en')} | ${s.rss_kib.toLocaleString('en')} KiB | ${(s.bytes_per_session / 1024).toFixed(2)} KiB | ${s.sessions_live} | ${s.login_seconds.toFixed(1)} s |`);
  }
  out();
  const worst = Math.max(...idle.steps.map((s) => s.bytes_per_session));
  out(`Budget: under 16 KiB per session: ${verdict(worst < 16 * 1024)} (at most ${(worst / 1024).toFixed(2)} KiB).`
    + (worst < 16 * 1024 ? '' : reason('idle')));
  if (limits?.capped) {
    out();
    out(`The steps ${limits.capped.split(',').map((s) => Number(s).toLocaleString('en')).join(' and ')} were not run: each of them needs that many`);
    out(`sockets in one process, and this machine's hard open-file limit is ${limits.fdLimit} per`);
    out('process (`ulimit -Hn`; raising it needs CAP_SYS_RESOURCE, which the sandbox does not');
    out(`grant). The largest step this machine allows, ${Number(limits.steps.split(',').pop()).toLocaleString('en')}, was measured instead.`
      + reason('idleCapped'));
  }
  out();
}
if (rate) {
  out('### Logins per second');
  out();
  out(`${rate.concurrency} workers each loop: connect, send the \`login\` frame, wait for the one reply,`);
  out('close. Against `nim-server` the reply is `loginOk` with the device list; the baseline');
  out('is the same loop with the same frame against `echo-server` (`bench/src/bin/echo-server.rs`),');
  out('a bare WebSocket echo on the same library and buffer settings (axum 0.8 / tungstenite 0.29).');
  out();
  out('| target | done | failed | per second | latency p50 | latency p99 |');
  out('|---|---|---|---|---|---|');
  for (const [label, r] of [['nim-server logins', rate.logins], ['echo-server connect-and-echo', rate.echo]]) {
    out(`| ${label} | ${r.completed} | ${r.failed} | ${r.per_second.toFixed(0)} | ${ms(r.latency_ms?.p50)} | ${ms(r.latency_ms?.p99)} |`);
  }
  out();
  out(`Ratio logins / echo: ${x(rate.ratio)}; goal at least 0.7: ${verdict(rate.ratio >= 0.7)}.`
    + (rate.ratio >= 0.7 ? '' : reason('rate')));
  out();
}
if (fanout) {
  out('### Fan-out');
  out();
  out(`An account with ${fanout.devices} devices; one of them logs in (from its \`login\` frame) or out`);
  out('(from its `logout` frame) until all the others have the `loginPorts` push.');
  out();
  out('| event | rounds | p50 | p99 | max |');
  out('|---|---|---|---|---|');
  out(`| login | ${fanout.login_ms?.count} | ${ms(fanout.login_ms?.p50)} | ${ms(fanout.login_ms?.p99)} | ${ms(fanout.login_ms?.max)} |`);
  out(`| logout | ${fanout.logout_ms?.count} | ${ms(fanout.logout_ms?.p50)} | ${ms(fanout.logout_ms?.p99)} | ${ms(fanout.logout_ms?.max)} |`);
  out();
  out(`Rounds whose pushes did not all arrive within 10 s: ${fanout.lost_rounds}.`);
  out();
}
if (kick) {
  out('### Kick round trip');
  out();
  out('| from the `kick` frame to | kicks | p50 | p99 | max |');
  out('|---|---|---|---|---|');
  out(`| the kicker's \`kickResult\` | ${kick.round_trip_ms?.count} | ${ms(kick.round_trip_ms?.p50)} | ${ms(kick.round_trip_ms?.p99)} | ${ms(kick.round_trip_ms?.max)} |`);
  out(`| the victim's \`kicked\` | ${kick.victim_ms?.count} | ${ms(kick.victim_ms?.p50)} | ${ms(kick.victim_ms?.p99)} | ${ms(kick.victim_ms?.max)} |`);
  out();
  out(`> ${NOTES.nagle}`);
  out();
}
if (storm) {
  out('## 4. Reconnect storm');
  out();
  out(`${storm.sessions.toLocaleString('en')} sessions, each a \`nim_wasm::core::Session\` (the SDK's own core, built`);
  out('natively) driven by a thin tokio driver like the browser one, logged in at');
  out(`${storm.ramp_per_second} per second (${storm.initial_login_seconds.toFixed(1)} s), ${storm.devices_per_account} devices per account. Then \`nim-server\``);
  out(`was killed (SIGKILL) and restarted on the same address and database ${storm.downtime_ms.toFixed(0)} ms later.`);
  out();
  const share = storm.busiest_100ms_share;
  const spanS = storm.attempts_per_second.length;
  out('| figure | value |');
  out('|---|---|');
  out(`| all sessions logged in again, after the restart | ${storm.all_back_after_restart_ms == null ? `not within the bound (${storm.reconnected} of ${storm.sessions})` : ms(storm.all_back_after_restart_ms)} |`);
  out(`| reconnect attempts from the kill until all were back | ${storm.attempts.toLocaleString('en')} |`);
  out(`| largest share of those attempts in any 100 ms window | ${(share * 100).toFixed(2)} % (${storm.busiest_100ms_attempts}; an even spread over the ${spanS} s would be ${(100 / (spanS * 10)).toFixed(2)} %) |`);
  out(`| most attempts in any 100 ms window after the restart | ${storm.busiest_100ms_after_restart} |`);
  out(`| attempts per second from the kill | ${storm.attempts_per_second.join(', ')} |`);
  out(`| server's \`nim_sessions_live\` / \`nim_connections_open\` after 3 s settling | ${storm.sessions_live} / ${storm.connections_open} |`);
  out(`| sessions listing a duplicate, themselves or an offline device (ghosts) | ${storm.sessions_with_ghosts} |`);
  out(`| sessions missing a live device of their account | ${storm.sessions_missing_devices} |`);
  out(`| sessions that gave up (terminal \`ondisconnect\`) | ${Object.entries(storm.terminal_disconnects).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'} |`);
  out(`| restarted server's logins by result code | ${storm.logins_by_code.map(([k, v]) => `${k.replace(/code="(\d+)"/, '$1')}: ${v}`).join(', ')} |`);
  out();
  const clean = storm.sessions_live === storm.sessions && storm.connections_open === storm.sessions
    && storm.sessions_with_ghosts === 0 && storm.sessions_missing_devices === 0;
  out(`No duplicate or ghost devices afterwards: ${verdict(clean)}.` + (clean ? '' : reason('ghosts')));
  out();
  out(`> ${NOTES.storm}`);
  out();
}
process.stdout.write(`${lines.join('\n')}\n`);
