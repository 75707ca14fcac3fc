// What investigating the figures found (bench/report.mjs prints these next to the
// figures). REASONS entries appear only when their figure misses its budget; NOTES
// entries always appear. Written from the investigation of the run in
// BENCHMARKS.md; update them when a fix lands.
export const REASONS = {
  size: 'Investigated with the wasm name section (a build with `strip` off, read by a small '
    + 'script, and with twiggy on a build with names kept). Earlier: serde out of the wasm (77 → 44 KB), a '
    + 'size-class allocator instead of dlmalloc, no `format!`, own setTimeout binding (44 → 40 KB); '
    + 'the lbsUrl/defaultLink failover then added 4.5 KB (→ 45.1 KB: wasm 38.7 + glue 6.3). '
    + 'Issue 4 (→ 34.7 KB: wasm 31.5 + glue 3.1): one- and two-letter import/export names in both '
    + 'files instead of wasm-bindgen\'s hashed ones, and an esbuild-minified glue '
    + '(`scripts/shrink-pkg.mjs`, −4.9 KB); the std rebuilt with the SDK (`-Zbuild-std`, '
    + '`panic=immediate-abort`, `-Zlocation-detail=none`: no panic and formatting machinery, '
    + 'messages or file paths, −3.6 KB); no reference-types/multivalue, so wasm-bindgen keeps JS '
    + 'values in the glue rather than an externref table in the wasm (−0.75 KB); page and socket '
    + 'properties through `Reflect` (85 → 60 imports, −0.2 KB); table-driven option parsing, no '
    + 'generic slice `concat`, byte-scan character helpers, wasm-opt `--converge '
    + '--low-memory-unused` (−0.8 KB). Round 2 (→ 33.1 KB: wasm 30.0 + glue 3.1): wasm-opt `-Os` '
    + 'with `--one-caller-inline-max-function-size=20` instead of `-Oz` (2 KB more raw, −1.4 KB '
    + 'gzipped), one settle path for `done`/Promise and one non-generic random-bytes helper '
    + '(−0.15 KB). Tried without gain: rustc opt-level "s" (+1.5 KB), the std\'s '
    + '`optimize_for_size`, `-Zinline-mir=no`, LLVM `-inline-threshold=0` (+50 B), wasm-opt '
    + '`--gufa`, `--merge-similar-functions`, `--flatten --rereloop`, `--dae-optimizing`, '
    + '`--reorder-functions` (+0.5 KB), `-O4` (+0.3 KB); one out-of-line or `dyn` copy of the '
    + 'driver\'s settle-and-dispatch (+5 to +250 B gzipped). '
    + 'What is left is the SDK\'s own logic, 71.5 KB raw: the '
    + 'driver (event dispatch, settle, the socket/LBS/page/timer handlers, ~18 KB), option parsing '
    + 'and checks (~8 KB), the session machine (~9 KB), the NIM methods with their argument '
    + 'checks (~10 KB), and the JSON-walking codec for frames and payloads (~8 KB), each mostly '
    + 'moves, drops and calls that gzip little; the glue\'s 3.1 KB is mostly wasm-bindgen\'s '
    + 'fixed loader and string passing. Reaching 25 KB needs another 8.1 KB gz, over a quarter '
    + 'of the wasm, off code that is behaviour; neither round found such a cut that keeps every '
    + 'message and the driver in Rust.',
  login: 'Profiled (the table above, `bench/browser/login-profile.mjs`): the medians match, '
    + 'so the SDK adds nothing measurable to a typical login; it does spend more main-thread '
    + 'time per login than MiniClient: calls across the wasm boundary, strings copied in and '
    + 'out (`decode`), the four page listeners it adds and removes (`online`, `offline`, '
    + '`pageshow`, `visibilitychange`) and its timers (connect timeout, heartbeat), most of it '
    + 'before the socket opens or after `onconnect`. p99 over 300 samples is the 3rd-largest '
    + 'sample: on a loaded 2-core machine (see the load average) a login that needs more CPU '
    + 'is more likely to be preempted, which is what the tail shows; '
    + 'p99 was 1.12× and 1.20× in two full runs this session. Not fixed: sharing one set of page listeners across '
    + 'instances would trim the listener part.',
  rate: 'Profiled with `perf` (the server under this loop). Found and fixed: the server was '
    + 'built with the SDK\'s size-tuned `release` profile (opt-level "z"), about 1.6× slower on '
    + 'every hot path, and now has its own `server` profile (opt-level 3); each login parsed '
    + 'its two SQL statements afresh (now prepared once), wrote a WAL commit even when the same '
    + 'device logged in again (now only a change is written), and handed both statements to '
    + 'the blocking pool and back (the reads now run in place when the connection is free: '
    + '`perf stat` counted about half the context switches over the same run). What remains '
    + 'over the echo is real work: the salted SHA-256 token check, the registry update and a '
    + 'longer reply. The ratio moves with the machine\'s load (see the per-round ratios; '
    + 'runs this session under other builds gave 0.77 to 0.85 and quieter runs less, '
    + 'since the bare echo gains more from idle cores).',
  clusterLogout: 'The logout answer used to leave `Connection::session` set in '
    + '`server/src/ws.rs`, so the connection\'s end called `Registry::remove` a second time and '
    + '`Node::update` read the account again before finding nothing to remove: 3 round trips. '
    + 'The session is now cleared once the logout has removed it (2 by design); if this row '
    + 'shows more, something else reads the account again.',
};

export const NOTES = {
  profile: 'Self time is where the main thread was when sampled, per login, over the whole '
    + 'loop (creating the client, the exchange, `destroy`); "(idle)" is left out. The '
    + 'network wait is idle time, so a row here lengthens a login only when it runs between '
    + '`getInstance` and `onconnect`.',
  latency: 'Chromium rounds `performance.now()` to 0.1 ms on pages without cross-origin '
    + 'isolation, so the browser figures move in 0.1 ms steps.',
  nagle: '`nim-server` sets TCP_NODELAY on accepted sockets, a fix this benchmark found: '
    + 'without it a push that follows another small frame still unacknowledged by the peer '
    + '(the `kicked` right after a login\'s `loginOk`) waited for the peer\'s delayed ACK, up '
    + 'to 40 ms. Measured before the fix in the same session (100 rounds): victim\'s '
    + '`kicked` p50/p99 7.9/24.0 ms → 0.08/0.13 ms with it; in Chromium, kick → '
    + '`ondisconnect` p50 36.0 → 2.5 ms.',
  storm: 'The first retry after a broken session waits uniform(250..=1000) ms '
    + '(`src/core/backoff.rs`). An earlier version clamped `uniform(0..=1000)` up to the '
    + '250 ms floor, which put a quarter of the fleet on the floor in one spike (9 % of all '
    + 'attempts in one 100 ms window in a 2 000-session trial); this benchmark found it and '
    + 'the draw now starts at the floor. The wait after the restart is the backoff ceiling '
    + 'reached while the server was down: sessions that spent several refused attempts '
    + 'reach the 16 s cap, so the last ones come back up to 16 s after the restart, by '
    + 'design of capped full jitter.',
  cluster: 'This machine has 2 cores. Both nodes of (c), PostgreSQL, Redis and the load generator '
    + 'all share them, so a second node adds no CPU and shows no scale-out gain here: (c) against (b) '
    + 'measures what crossing nodes costs, not what a second machine would add. Capacity grows '
    + 'with nodes only when each node (and PostgreSQL and Redis) has cores of its own.',
  clusterRate: 'Read the CPU table for where the logins per second go: with the logins loop '
    + 'saturating the machine, the rate is about the machine\'s cores divided by the CPU time one '
    + 'login costs everywhere (the "all" column). On (b) and (c) each login also costs a '
    + 'PostgreSQL backend (the token check and the `lastLoginDeviceId` statement: 2 prepared statements, one round trip each, and no write for a device that logged in last time too), Redis '
    + '(the commit script and the reads) and more work in `nim-server` (the Redis and PostgreSQL '
    + 'clients, encoding the plan), all on the same 2 cores, which is why (b) does a fraction of '
    + '(a)\'s logins per second; a second node on the same cores splits the work, it does not add '
    + 'cores. The "rest of the machine" column also holds other engineers\' builds on this shared '
    + 'machine; compare it with the load average above.',
  clusterScriptLoad: 'The `SCRIPT LOAD` in the background row happens once per script in the '
    + 'life of a Redis, not per second: the redis crate calls a script by `EVALSHA` and, when '
    + 'Redis answers NOSCRIPT, loads it and calls again. The node\'s first sweep (1 s after it '
    + 'started) fell in the idle window and was the first call of the sweep script on this Redis, '
    + 'so the window holds one failed `EVALSHA`, one `SCRIPT LOAD` and the retry.',
  clusterLatency: 'The loopback round trip itself is a small part of the added time. The rest of '
    + 'what SQLite + Redis adds over (a) is work around each round trip that this benchmark did not '
    + 'break down further: the node\'s Redis client (a multiplexed connection with its own task), '
    + 'Redis running the commit script (`TIME`, `ZSCORE`, `HSET`, `SADD`, `HLEN`, `SET` inside one '
    + '`EVALSHA`), and encoding and decoding the plan and device records as JSON. What (b) adds '
    + 'beyond SQLite + Redis is PostgreSQL\'s two statements instead of SQLite\'s.',
};
