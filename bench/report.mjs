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
const profile = read('profile.json');
const idle = read('idle.json');
const limits = read('limits.json');
const rate = read('rate.json');
const fanout = read('fanout.json');
const kick = read('kick.json');
const storm = read('storm.json');
const cluster = read('cluster.json');
const scale = read('scale.json');

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
out('- Servers: `--profile server` builds (opt-level 3), `RUST_LOG=warn`, database on tmpfs (`/dev/shm`),');
out('  development mode (no per-IP login limit), connection limits raised by `--config`.');
out();

if (size) {
  out('## 1. Bundle size');
  out();
  out('What a page downloads for the connection layer, each file compressed on its own');
  out('(GNU `gzip -9`, brotli quality 11) and the sizes added, measured in the same run.');
  out('The baselines are the browser bundles of npm devDependencies (`package.json`).');
  out();
  out('| bundle | files | raw | gzip | brotli | ours / it (gzip) | ours / it (brotli) |');
  out('|---|---|---|---|---|---|---|');
  const o = size.ours;
  out(`| **nim-wasm ${o.version}** | ${o.files.join(' + ')} | ${bytes(o.raw)} | ${bytes(o.gzip)} | ${bytes(o.brotli)} | | |`);
  for (const b of size.baselines) {
    out(`| ${b.name} ${b.version} | ${b.files.join(' + ')} | ${bytes(b.raw)} | ${bytes(b.gzip)} | ${bytes(b.brotli)} | ${x(o.gzip / b.gzip)} | ${x(o.brotli / b.brotli)} |`);
  }
  out();
  if (o.parts) {
    const part = (f) => `${f}: gzip ${bytes(o.parts[f].gzip)}, brotli ${bytes(o.parts[f].brotli)}`;
    out(`Of ours: ${o.files.map(part).join('; ')}.`);
    out();
  }
  const within = o.gzip <= size.budgetGzipBytes;
  out(`Budget: ours at most 64 KB (${size.budgetGzipBytes.toLocaleString('en')} B) gzipped: ${verdict(within)} (${bytes(o.gzip)}).`
    + (within ? '' : reason('size')));
  out();
  out(`> ${NOTES.size}`);
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

if (profile?.sdk && profile?.js) {
  out('### Where a login\'s main-thread time goes');
  out();
  out(`\`bench/browser/login-profile.mjs\`: ${profile.logins} logins of each (\`NIM.getInstance\` or`);
  out('`new MiniClient` → `onconnect` → `destroy`) under the DevTools sampling profiler');
  out('(100 µs), self time per login by where it ran; "(…)" rows are the browser\'s own');
  out('functions (WebSocket, timers, listeners, text decoding) and engine work.');
  out();
  const per = (r, g) => (r.groups[g] ?? 0) / profile.logins;
  const busy = (r) => Object.entries(r.groups).filter(([g]) => g !== '(idle)').reduce((a, [, v]) => a + v, 0) / profile.logins;
  const groups = Object.keys({ ...profile.sdk.groups, ...profile.js.groups })
    .filter((g) => g !== '(idle)' && Math.max(per(profile.sdk, g), per(profile.js, g)) >= 0.02)
    .sort((a, b) => per(profile.sdk, b) + per(profile.js, b) - per(profile.sdk, a) - per(profile.js, a));
  out('| where | SDK, ms per login | MiniClient, ms per login |');
  out('|---|---|---|');
  for (const g of groups) out(`| ${g} | ${per(profile.sdk, g).toFixed(3)} | ${per(profile.js, g).toFixed(3)} |`);
  out(`| **all but idle** | **${busy(profile.sdk).toFixed(3)}** | **${busy(profile.js).toFixed(3)}** |`);
  out(`| mean login (getInstance → onconnect) | ${ms(profile.sdk.meanLoginMs)} | ${ms(profile.js.meanLoginMs)} |`);
  out();
  out(`> ${NOTES.profile}`);
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
  if (rate.rounds) {
    out(`The two take turns in ${rate.rounds} rounds (echo first in odd rounds, logins first in even`);
    out('ones), so both see the same moments of a shared machine; the table adds the rounds up.');
  }
  out();
  out('| target | done | failed | per second | latency p50 | latency p99 |');
  out('|---|---|---|---|---|---|');
  for (const [label, r] of [['nim-server logins', rate.logins], ['echo-server connect-and-echo', rate.echo]]) {
    out(`| ${label} | ${r.completed} | ${r.failed} | ${r.per_second.toFixed(0)} | ${ms(r.latency_ms?.p50)} | ${ms(r.latency_ms?.p99)} |`);
  }
  out();
  out(`Ratio logins / echo: ${x(rate.ratio)}`
    + (rate.round_ratios ? ` (per round: ${rate.round_ratios.map((r) => r.toFixed(2)).join(', ')})` : '')
    + `; goal at least 0.7: ${verdict(rate.ratio >= 0.7)}.`
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
  if (storm.sessions_not_logged_in !== undefined) {
    out(`| sessions still logging in when the views were compared (left out) | ${storm.sessions_not_logged_in} |`);
  }
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
if (cluster) {
  const c = cluster;
  const lg = c.logins;
  const loadavg = (name) => text(name).split(' ').slice(0, 3).join(' / ');
  const pg = sh('sh', ['-c', 'ls /usr/lib/postgresql | sort -V | tail -n 1']);
  const redisVersion = sh('redis-server', ['--version']).match(/v=(\S+)/)?.[1] ?? '?';
  const fixed = (v, d = 2) => (v == null ? '–' : v.toFixed(d));
  out('## 5. Scale-out: one node versus two');
  out();
  out('`nim-load cluster` (`bench/src/cluster.rs`): release nodes, each with its own folder, on');
  out(`PostgreSQL ${pg} and Redis ${redisVersion} that \`scripts/services.sh\` starts on loopback for the phase`);
  out('(PostgreSQL with `fsync=off`; a fresh database for the run, dropped after it; a Redis key');
  out('prefix per configuration; the default node lease of 10 s and sweep of 1 s):');
  out();
  out('- **(a) one node, embedded**: accounts in SQLite, live devices in memory (section 3\'s server);');
  out('- **(b) one node on PostgreSQL and Redis**;');
  out('- **(c) two nodes on PostgreSQL and Redis**, sharing both.');
  out();
  out(`Load average (1/5/15 min) at the phase's start: ${loadavg('loadavg-cluster-start')}, at its end: ${loadavg('loadavg-cluster-end')}.`);
  out();
  out(`> ${NOTES.cluster}`);
  out();
  out('### Logins per second');
  out();
  out(`${c.concurrency} workers, section 3's loop (connect, \`login\`, \`loginOk\`, close); in (c) worker *w*`);
  out('logs in on node *w* mod 2, so each node gets half of them.');
  out();
  out('| configuration | done | failed | per second | vs (a) | vs (b) | latency p50 | latency p99 |');
  out('|---|---|---|---|---|---|---|---|');
  const configs = [['(a) one node, embedded', lg.embedded], ['(b) one node, PostgreSQL + Redis', lg.one_node], ['(c) two nodes, PostgreSQL + Redis', lg.two_nodes]];
  for (const [label, l] of configs) {
    const r = l.rate;
    out(`| ${label} | ${r.completed} | ${r.failed} | ${r.per_second.toFixed(0)} | ${x(r.per_second / lg.embedded.rate.per_second)} | ${l === lg.embedded ? '–' : x(r.per_second / lg.one_node.rate.per_second)} | ${ms(r.latency_ms?.p50)} | ${ms(r.latency_ms?.p99)} |`);
  }
  out();
  out('Whose CPU time a login used during the loop, µs per login (`/proc/PID/stat` of each process');
  out('before and after the loop; "rest of the machine" is the machine\'s busy time from `/proc/stat`');
  out('minus those processes: kernel work not charged to them, PostgreSQL\'s background processes,');
  out('and anything else running on the machine meanwhile):');
  out();
  out('| configuration | nim-server | PostgreSQL backends | Redis | nim-load | rest of the machine | all |');
  out('|---|---|---|---|---|---|---|');
  for (const [label, l] of configs) {
    const u = l.cpu_us_per_login;
    const all = u.nim_server + u.postgres + u.redis + u.generator + u.rest_of_machine;
    out(`| ${label} | ${u.nim_server.toFixed(0)} | ${u.postgres.toFixed(0)} | ${u.redis.toFixed(0)} | ${u.generator.toFixed(0)} | ${u.rest_of_machine.toFixed(0)} | ${all.toFixed(0)} |`);
  }
  out();
  out(`> ${NOTES.clusterRate}`);
  out();
  out('### Fan-out');
  out();
  out(`Section 3's rounds: an account with ${c.fanout.embedded.devices} devices; one logs in (from its \`login\` frame) or out (from`);
  out('its `logout` frame) until all the others have the `loginPorts` push. The mover logs in on the');
  out('first node; in (c) the watchers alternate between the nodes, so each round waits for pushes');
  out('that crossed nodes. On Redis every push, to a device on the same node too, goes through that');
  out('node\'s inbox stream (`XADD` in the commit script, the node\'s `XREAD` loop).');
  out();
  out('| configuration | rounds | login p50 | login p99 | logout p50 | logout p99 | lost rounds |');
  out('|---|---|---|---|---|---|---|');
  for (const [label, f] of [['(a) one node, embedded', c.fanout.embedded], ['(b) one node, PostgreSQL + Redis', c.fanout.one_node], ['(c) two nodes, PostgreSQL + Redis', c.fanout.two_nodes]]) {
    out(`| ${label} | ${f.login_ms?.count ?? 0} | ${ms(f.login_ms?.p50)} | ${ms(f.login_ms?.p99)} | ${ms(f.logout_ms?.p50)} | ${ms(f.logout_ms?.p99)} | ${f.lost_rounds} |`);
  }
  out();
  out('### What Redis costs per login');
  out();
  const once = c.one_at_a_time;
  out(`${once.count} logins one at a time (connect to \`loginOk\`, each device staying), then ${once.count} logouts`);
  out('one at a time (`logout` frame to the server\'s close), one device per account so nothing is');
  out('pushed. The extra row, one node on SQLite with Redis, separates Redis\'s share from PostgreSQL\'s.');
  out();
  out('| configuration | login p50 | login p99 | logout p50 | logout p99 |');
  out('|---|---|---|---|---|');
  for (const [label, l] of [['(a) one node, embedded', once.embedded], ['one node, SQLite + Redis', once.sqlite_redis], ['(b) one node, PostgreSQL + Redis', once.one_node]]) {
    out(`| ${label} | ${ms(l.login_ms?.p50)} | ${ms(l.login_ms?.p99)} | ${ms(l.logout_ms?.p50)} | ${ms(l.logout_ms?.p99)} |`);
  }
  out();
  const r = c.redis;
  out(`Redis's own counters on (b), read around the ${r.count} logins, around the ${r.count} logouts and around an`);
  out(`idle window of ${r.idle_seconds.toFixed(1)} s after them whose rate (the node's lease, sweep and inbox reads) is`);
  out('subtracted. Round trips are `total_reads_processed` (one read per request from a client that');
  out('waits for each reply); commands are `total_commands_processed`, which counts the commands run');
  out('inside the Lua scripts and `MULTI`/`EXEC` blocks too, listed from `INFO commandstats`:');
  out();
  out('| per | round trips | commands Redis ran | which (calls each) |');
  out('|---|---|---|---|');
  // commandstats names subcommands `script|load`: a `|` would split the table cell.
  const which = (e) => e.calls.map(([name, n]) => `${name.toUpperCase().replace('|', ' ')} ${n}`).join(', ');
  out(`| login | ${fixed(r.per_login.round_trips)} | ${fixed(r.per_login.commands, 1)} | ${which(r.per_login)} |`);
  out(`| logout | ${fixed(r.per_logout.round_trips)} | ${fixed(r.per_logout.commands, 1)} | ${which(r.per_logout)} |`);
  out(`| second with no one logging in (background) | ${fixed(r.background_per_second.round_trips)} | ${fixed(r.background_per_second.commands, 1)} | ${which(r.background_per_second)} |`);
  out();
  if (r.background_per_second.calls.some(([name]) => name === 'script|load')) {
    out(`> ${NOTES.clusterScriptLoad}`);
    out();
  }
  const rtt = r.ping_ms?.p50;
  const trips = r.per_login.round_trips;
  const loginB = once.one_node.login_ms?.p50;
  const loginA = once.embedded.login_ms?.p50;
  const loginSR = once.sqlite_redis.login_ms?.p50;
  const us = (v) => (v == null ? '–' : `${(v * 1e3).toFixed(0)} µs`);
  out(`Redis's round trip from the generator (\`PING\`, ${r.ping_ms?.count} in a row): p50 ${us(rtt)}, p99 ${us(r.ping_ms?.p99)}. So a login's`);
  out(`${fixed(trips)} round trips × ${us(rtt)} ≈ ${us(trips * rtt)} of the ${ms(loginB)} login on (b) (median); (b) is ${ms(loginB - loginA)}`);
  out(`slower than (a) at the median, and SQLite + Redis ${ms(loginSR - loginA)} slower than (a).`);
  out();
  out(`> ${NOTES.clusterLatency}`);
  out();
  const design = 2;
  const loginMatches = Math.round(r.per_login.round_trips) === design;
  const logoutMatches = Math.round(r.per_logout.round_trips) === design;
  out(`Design figure (docs/SERVER.md): ${design} round trips per login, ${design} per logout or close. Measured: `
    + `${fixed(r.per_login.round_trips)} per login (${loginMatches ? 'as designed' : '**differs**'}), `
    + `${fixed(r.per_logout.round_trips)} per logout (${logoutMatches ? 'as designed' : '**differs**'}).`
    + (loginMatches ? '' : reason('clusterLogin')) + (logoutMatches ? '' : reason('clusterLogout')));
  out();
}
if (scale) {
  const g = scale;
  const kib = (v) => `${(v / 1024).toFixed(2)} KiB`;
  out(`## 6. Scale: ${g.sessions.toLocaleString('en')} sessions over ${g.nodes} nodes`);
  out();
  out(`\`nim-load scale\` (\`bench/src/scale.rs\`, \`scale_worker.rs\`): ${g.nodes} release nodes on one PostgreSQL and`);
  out(`one Redis (\`scripts/services.sh\`), ${g.sessions.toLocaleString('en')} authenticated idle sessions, ${g.devices_per_account} devices per account,`);
  out(`device \`d\` of account \`a\` on node \`(a + d) mod ${g.nodes}\`, held by ${g.workers} load-generator processes (source`);
  out('addresses `127.0.W.1..8` each); every process stays under the 20,000 open-file limit. Each worker');
  out("keeps every device's own list of its account's devices; all devices of an account are in one");
  out('worker, which therefore knows the truth.');
  out();
  out('| figure | value |');
  out('|---|---|');
  out(`| time to log everyone in (accounts created by the workers included) | ${g.login_all_secs.toFixed(1)} s |`);
  out(`| sessions per node | ${g.sessions_per_node.join(', ')} |`);
  out(`| server RSS per session, per node (growth over the empty node) | ${g.rss_bytes_per_session.map(kib).join(', ')} |`);
  out(`| server RSS per node | ${g.rss_kib_per_node.map((v) => `${(v / 1024).toFixed(0)} MiB`).join(', ')} |`);
  out(`| Redis \`used_memory\` per session (growth over the empty start) | ${bytes(Math.round(g.redis_bytes_per_session))} |`);
  out(`| \`nim_sessions_live\` summed over the nodes / truth | ${g.sessions_live_sum} / ${g.truth} |`);
  out(`| SIGKILL of one node holding ${g.killed_node_sessions} sessions: until all of them are logged in elsewhere | ${ms(g.relogin_all_ms)} |`);
  out(`| … until every other device's list is right | ${ms(g.lists_right_ms)} |`);
  out(`| ghost / missing list entries after the dead node's lease and sweep | ${g.ghosts} / ${g.missing} |`);
  out(`| \`nim_sessions_live\` summed / truth after the kill | ${g.sessions_live_sum_after} / ${g.truth_after} |`);
  out(`| fan-out across nodes with everyone resident (login push to 9 watchers), p50 / p99 | ${ms(g.fanout.login_ms?.p50)} / ${ms(g.fanout.login_ms?.p99)} |`);
  out(`| kick across nodes: \`kickResult\` p50 / p99 | ${ms(g.kick_round_trip_ms?.p50)} / ${ms(g.kick_round_trip_ms?.p99)} |`);
  out(`| kick across nodes: \`kicked\` at the victim p50 / p99 | ${ms(g.kick_victim_ms?.p50)} / ${ms(g.kick_victim_ms?.p99)} |`);
  out(`| logins refused or failed on the way | ${g.failed_logins} |`);
  out();
}
process.stdout.write(`${lines.join('\n')}\n`);
