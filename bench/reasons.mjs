// What investigating the figures found (bench/report.mjs prints these next to the
// figures). REASONS entries appear only when their figure misses its budget; NOTES
// entries always appear. Written from the investigation of the run in
// BENCHMARKS.md; update them when a fix lands.
export const REASONS = {
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
  ghosts: 'Explained in session 13 (2026-11-26) for the views missing a device: those were '
    + 'made by the benchmark\'s own teardown. The views are compared once every session has '
    + 'stopped, and each session used to close its sockets as it stopped; with the server\'s log '
    + 'kept (`NIM_BENCH_KEEP=1 NIM_BENCH_SERVER_LOG=nim_server::ws=debug`), the "offline" push in '
    + 'the first wrong view was for the very first connection the server saw closed in the '
    + 'teardown (its client\'s close frame, in the same millisecond), and it reached sessions '
    + 'that had not stopped yet. The stopped sessions now hold their sockets open until all have '
    + 'stopped: 0 wrong views in 5 storm runs after the change, against 1, 9, 22 and 22 in 4 of '
    + '5 runs before. If this row shows any again, it is something else: read `first_wrong_view` '
    + 'in `storm.json`.',
};

export const NOTES = {
  size: 'An ordinary `wasm-pack build --target web --release` on stable Rust: the '
    + 'nim-protocol types through serde-wasm-bindgen, gloo-timers, getrandom, the lol_alloc '
    + 'free-list allocator, wasm-opt -Oz run by wasm-pack, esbuild over the glue (the 25 KB '
    + 'build before it, with a hand-written codec and allocator, a rebuilt std and rewritten '
    + 'glue, is in git). serde-wasm-bindgen is 0.6.5 with one change (`vendor/`, '
    + '`PATCH.md`): its type errors name the kind of value instead of displaying it, which '
    + 'took core\'s float formatting out of the wasm (-14,608 B; a change to make upstream). '
    + 'What takes the bytes now (twiggy): the session driver; the options reader; the derived '
    + 'readers of the wire structs; std\'s panic machinery; `shareConnection`\'s proxy '
    + '(about 5 KB; its worker, `nim_worker.js`, is loaded by the worker, not the page: 1,455 B). '
    + 'Ordinary means that paid, largest first: callbacks and `defaultLink` '
    + 'read from the options object (-1,636 B), lol_alloc instead of talc (-1,296 B; talc had '
    + 'saved about 1.9 KB on dlmalloc), enum names through `as_str`/`TryFrom<String>` '
    + '(-1,020 B), options read key by key (-778 B), fewer JS imports (-759 B). Tried and '
    + 'larger: opt-level "s", serde_path_to_error, wasm-opt `--converge`, `--gufa`, `-O4`.',
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
