#!/usr/bin/env bash
# Reliability checks that `cargo test` does not cover (the reliability and security
# integration tests themselves run in `cargo test --workspace`):
#   1. the server log of the last full test run (test-artifacts/nim-server.log, from
#      scripts/test.sh) holds no app secret and no token;
#   2. a bounded cargo-fuzz run of every target in fuzz/ (FUZZ_SECONDS each, default
#      25), starting from the committed corpus in fuzz/corpus/<target>. New inputs
#      go to a temporary directory, so the committed corpus only grows by hand.
# It fails unless every fuzz target it expects (EXPECTED_TARGETS) ran. See
# docs/RELIABILITY.md for longer fuzz runs.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
FUZZ_SECONDS=${FUZZ_SECONDS:-25}

step "no secret or token in the server log of the last test run"
LOG=test-artifacts/nim-server.log
if [ -f "$LOG" ]; then
  # The secrets scripts/test.sh gives its apps, and anything shaped like a token
  # field; the log names accounts and devices, never credentials.
  if grep -nE 'testsecret|singlesecret|dmsecret|"token" ?: ?"|token=[0-9a-f]{8}' "$LOG"; then
    echo "a secret or token was logged in $LOG" >&2
    exit 1
  fi
  echo "$LOG: $(wc -l < "$LOG") lines, no secret or token"
else
  echo "$LOG not found: run scripts/test.sh, which writes it, before this script" >&2
  exit 1
fi

step "fuzzing (cargo-fuzz, ${FUZZ_SECONDS}s per target)"
# Every target below must exist and run; a missing toolchain, a failing `cargo fuzz
# list` or a target that did not run is a failure, never a skip. scripts/setup.sh
# --fuzz (run by scripts/test.sh) installs the nightly toolchain and cargo-fuzz.
EXPECTED_TARGETS=(api_call client_message server_message nim_binary nim_socketio)
cargo +nightly fuzz --version >/dev/null \
  || { echo "cargo-fuzz on the nightly toolchain is missing: run scripts/setup.sh --fuzz" >&2; exit 1; }
LISTED=$(cargo +nightly fuzz list --fuzz-dir fuzz) \
  || { echo "cargo fuzz list failed" >&2; exit 1; }
for target in "${EXPECTED_TARGETS[@]}"; do
  grep -qx "$target" <<<"$LISTED" || { echo "fuzz target $target is missing from fuzz/" >&2; exit 1; }
done
for target in $LISTED; do
  printf '%s\n' "${EXPECTED_TARGETS[@]}" | grep -qx "$target" \
    || { echo "fuzz target $target is not in EXPECTED_TARGETS of $0" >&2; exit 1; }
done
RAN=()
for target in "${EXPECTED_TARGETS[@]}"; do
  work=$(mktemp -d)
  echo "-- $target"
  # -rss_limit_mb: the protocol decoders never need much; a blow-up is a finding.
  status=0
  cargo +nightly fuzz run --fuzz-dir fuzz "$target" "$work" "fuzz/corpus/$target" -- \
    -max_total_time="$FUZZ_SECONDS" -max_len=16384 -rss_limit_mb=1024 \
    -print_final_stats=1 > "$work.log" 2>&1 || status=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)|ERROR|panicked|SUMMARY' "$work.log" || true
  units=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$work.log" | grep -oE '[0-9]+$' || echo 0)
  if [ "$status" -eq 0 ] && [ "${units:-0}" -eq 0 ]; then
    tail -40 "$work.log" >&2
    echo "fuzz target $target executed no input" >&2
    status=1
  fi
  if [ "$status" -ne 0 ]; then
    tail -40 "$work.log" >&2
    echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/" >&2
    rm -rf "$work" "$work.log"
    exit 1
  fi
  rm -rf "$work" "$work.log"
  RAN+=("$target")
done
[ "${#RAN[@]}" -eq "${#EXPECTED_TARGETS[@]}" ] || { echo "only ${RAN[*]} of ${EXPECTED_TARGETS[*]} ran" >&2; exit 1; }
step "reliability checks passed (fuzzed: ${RAN[*]})"
