#!/usr/bin/env bash
# `npm run bench`: every benchmark of issue 6, each against a baseline measured in
# the same run, on loopback only and bounded in count and time; prints the figures
# and writes BENCHMARKS.md. Benchmarks print figures; they do not pass or fail.
#
#   1. bundle size          bench/browser/size.mjs       (baselines from npm)
#   2. browser latency      bench/browser/latency.mjs    (headless Chromium)
#                           bench/browser/login-profile.mjs (where the time goes)
#   3. server capacity      nim-load idle / rate / fanout / kick
#   4. reconnect storm      nim-load storm               (the SDK's core, natively)
#   5. scale-out            nim-load cluster             (PostgreSQL and Redis from
#                                                         scripts/services.sh)
#   6. scale                nim-load scale               (100,000 sessions over 7
#                                                         nodes, one killed: the 6
#                                                         survivors stay under the
#                                                         open-file limit)
#
# Knobs (environment): BENCH_IDLE_STEPS (10000,50000,100000), BENCH_LOGINS (300),
# BENCH_ROUNDS (300), BENCH_STORM_SESSIONS (10000), BENCH_CLUSTER_LOGINS (20000),
# BENCH_SCALE_SESSIONS (100000), BENCH_SCALE_NODES (7), BENCH_SCALE_WORKERS (6).
#
# BENCH_ONLY=size,latency,idle,rate,fanout,kick,storm,cluster,scale (any of them) runs only
# those phases, keeps the other results of the last run in target/bench-results and
# writes the report to target/bench-results/BENCHMARKS.md instead of BENCHMARKS.md
# (a report mixing runs must not pass for one run).
#
# To diagnose a run: NIM_BENCH_SERVER_LOG (a RUST_LOG filter for the servers the
# benchmarks start, `warn` by default; `nim_server::ws=debug` logs why each connection
# ended) and NIM_BENCH_KEEP=1 (keep their scratch folders, logs included, under
# /dev/shm).
set -euo pipefail
. "$(dirname "$0")/env.sh" --browser --services
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
want() { [ -z "${BENCH_ONLY:-}" ] || [[ ",$BENCH_ONLY," == *",$1,"* ]]; }

TARGET=${CARGO_TARGET_DIR:-target}
OUT="$TARGET/bench-results"
REPORT=BENCHMARKS.md
if [ -n "${BENCH_ONLY:-}" ]; then
  REPORT="$OUT/BENCHMARKS.md"
else
  rm -rf "$OUT"
fi
mkdir -p "$OUT"
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat /proc/loadavg > "$OUT/loadavg-start"

step "build (profile server): nim-server, nim-load, echo-server"
cargo build -q --profile server -p nim-server -p nim-bench
# The package is always rebuilt: a pkg/ left from an older build would put its size
# and its logins in the report (build.sh is incremental, about a minute).
bash scripts/build.sh
SERVER="$TARGET/server/nim-server"
LOAD="$TARGET/server/nim-load"
ECHO="$TARGET/server/echo-server"

# One process holds every connection on each side, so the open-file limit bounds
# the idle steps; raise the soft limit as far as the hard one allows.
ulimit -n "$(ulimit -Hn)"
FD_LIMIT=$(ulimit -n)
MAX_SESSIONS=$((FD_LIMIT - 500))
STEPS=""
CAPPED=""
for s in ${BENCH_IDLE_STEPS:-10000 50000 100000}; do
  if [ "$s" -le "$MAX_SESSIONS" ]; then STEPS="$STEPS,$s"; else CAPPED="$CAPPED,$s"; fi
done
[ -n "$CAPPED" ] && STEPS="$STEPS,$MAX_SESSIONS"
STEPS=${STEPS#,}
echo "{\"fdLimit\": $FD_LIMIT, \"steps\": \"$STEPS\", \"capped\": \"${CAPPED#,}\"}" > "$OUT/limits.json"

if want size; then
  step "1. bundle size"
  timeout 300 node bench/browser/size.mjs "$OUT/size.json"
fi

if want latency; then
  step "2. latency in headless Chromium"
  NIM_SERVER_BIN="$SERVER" timeout 900 node bench/browser/latency.mjs "$OUT/latency.json" \
    "${BENCH_LOGINS:-300}" "${BENCH_ROUNDS_BROWSER:-100}"
  # Where the main thread's time goes during those logins (DevTools profiler).
  NIM_SERVER_BIN="$SERVER" timeout 300 node bench/browser/login-profile.mjs \
    "${BENCH_LOGINS:-300}" "$OUT/profile.json"
fi

if want idle || want rate || want fanout || want kick; then step "3. server capacity"; fi
if want idle; then
  [ -n "$CAPPED" ] && echo "idle steps ${CAPPED#,} need more than $FD_LIMIT open files per process (the hard limit); measuring $STEPS" >&2
  timeout 600 "$LOAD" --server-bin "$SERVER" --out "$OUT/idle.json" idle --steps "$STEPS"
fi
want rate && timeout 300 "$LOAD" --server-bin "$SERVER" --out "$OUT/rate.json" rate --echo-bin "$ECHO"
want fanout && timeout 300 "$LOAD" --server-bin "$SERVER" --out "$OUT/fanout.json" fanout --rounds "${BENCH_ROUNDS:-300}"
want kick && timeout 300 "$LOAD" --server-bin "$SERVER" --out "$OUT/kick.json" kick --rounds "${BENCH_ROUNDS:-300}"

if want storm; then
  step "4. reconnect storm"
  timeout 600 "$LOAD" --server-bin "$SERVER" --out "$OUT/storm.json" storm \
    --sessions "${BENCH_STORM_SESSIONS:-10000}"
fi

if want cluster; then
  step "5. scale-out: one node versus two"
  . scripts/services.sh
  services_start bench
  cat /proc/loadavg > "$OUT/loadavg-cluster-start"
  # psql, from the same PostgreSQL, creates and drops the run's database.
  PATH="$PGBIN:$PATH" timeout 600 "$LOAD" --server-bin "$SERVER" --out "$OUT/cluster.json" cluster \
    --postgres "$NIM_TEST_POSTGRES" --redis "$NIM_TEST_REDIS" \
    --count "${BENCH_CLUSTER_LOGINS:-20000}" --rounds "${BENCH_ROUNDS:-300}"
  cat /proc/loadavg > "$OUT/loadavg-cluster-end"
  services_stop
fi

if want scale; then
  step "6. scale: ${BENCH_SCALE_SESSIONS:-100000} sessions over ${BENCH_SCALE_NODES:-7} nodes"
  . scripts/services.sh
  services_start bench-scale
  # Each node and each load-generator process stays under the open-file limit, the
  # 6 nodes left after the kill included (100,000 / 6 sessions each).
  PATH="$PGBIN:$PATH" timeout 1200 "$LOAD" --server-bin "$SERVER" --out "$OUT/scale.json" scale \
    --postgres "$NIM_TEST_POSTGRES" --redis "$NIM_TEST_REDIS" \
    --sessions "${BENCH_SCALE_SESSIONS:-100000}" --nodes "${BENCH_SCALE_NODES:-7}" \
    --workers "${BENCH_SCALE_WORKERS:-6}" --rounds 100 --seconds 1100 || true
  services_stop
fi

cat /proc/loadavg > "$OUT/loadavg-end"
step "$REPORT"
node bench/report.mjs "$OUT" "$STARTED" "npm run bench" > "$REPORT"
cat "$REPORT"
