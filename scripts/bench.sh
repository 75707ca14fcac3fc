#!/usr/bin/env bash
# `npm run bench`: every benchmark of issue 6, each against a baseline measured in
# the same run, on loopback only and bounded in count and time; prints the figures
# and writes BENCHMARKS.md. Benchmarks print figures; they do not pass or fail.
#
#   1. bundle size          bench/browser/size.mjs       (baselines from npm)
#   2. browser latency      bench/browser/latency.mjs    (headless Chromium)
#   3. server capacity      nim-load idle / rate / fanout / kick
#   4. reconnect storm      nim-load storm               (the SDK's core, natively)
#
# Knobs (environment): BENCH_IDLE_STEPS (10000,50000,100000), BENCH_LOGINS (300),
# BENCH_ROUNDS (300), BENCH_STORM_SESSIONS (10000).
set -euo pipefail
. "$(dirname "$0")/env.sh" --browser
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

TARGET=${CARGO_TARGET_DIR:-target}
OUT="$TARGET/bench-results"
rm -rf "$OUT"; mkdir -p "$OUT"
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat /proc/loadavg > "$OUT/loadavg-start"

step "build (release): nim-server, nim-load, echo-server"
cargo build -q --release -p nim-server -p nim-bench
[ -f pkg/nim_wasm.js ] || bash scripts/build.sh
SERVER="$TARGET/release/nim-server"
LOAD="$TARGET/release/nim-load"
ECHO="$TARGET/release/echo-server"

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

step "1. bundle size"
timeout 300 node bench/browser/size.mjs "$OUT/size.json"

step "2. latency in headless Chromium"
NIM_SERVER_BIN="$SERVER" timeout 900 node bench/browser/latency.mjs "$OUT/latency.json" \
  "${BENCH_LOGINS:-300}" "${BENCH_ROUNDS_BROWSER:-100}"

step "3. server capacity"
[ -n "$CAPPED" ] && echo "idle steps ${CAPPED#,} need more than $FD_LIMIT open files per process (the hard limit); measuring $STEPS" >&2
timeout 600 "$LOAD" --server-bin "$SERVER" --out "$OUT/idle.json" idle --steps "$STEPS"
timeout 300 "$LOAD" --server-bin "$SERVER" --out "$OUT/rate.json" rate --echo-bin "$ECHO"
timeout 300 "$LOAD" --server-bin "$SERVER" --out "$OUT/fanout.json" fanout --rounds "${BENCH_ROUNDS:-300}"
timeout 300 "$LOAD" --server-bin "$SERVER" --out "$OUT/kick.json" kick --rounds "${BENCH_ROUNDS:-300}"

step "4. reconnect storm"
timeout 600 "$LOAD" --server-bin "$SERVER" --out "$OUT/storm.json" storm \
  --sessions "${BENCH_STORM_SESSIONS:-10000}"

cat /proc/loadavg > "$OUT/loadavg-end"
step "BENCHMARKS.md"
node bench/report.mjs "$OUT" "$STARTED" "npm run bench" > BENCHMARKS.md
cat BENCHMARKS.md
