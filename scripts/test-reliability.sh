#!/usr/bin/env bash
# Reliability checks that `cargo test` does not cover (the reliability and security
# integration tests themselves run in `cargo test --workspace`):
#   1. the server log of the last full test run (test-artifacts/nim-server.log, from
#      scripts/test.sh) holds no app secret and no token;
#   2. a bounded cargo-fuzz run of every target in fuzz/ (FUZZ_SECONDS each, default
#      25), starting from the committed corpus in fuzz/corpus/<target>. New inputs
#      go to a temporary directory, so the committed corpus only grows by hand.
# Installs cargo-fuzz for the nightly toolchain when it is missing. See
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
  echo "$LOG not found (run scripts/test.sh first); skipped"
fi

step "fuzzing (cargo-fuzz, ${FUZZ_SECONDS}s per target)"
if ! rustup toolchain list | grep -q '^nightly'; then
  echo "no nightly toolchain under rustup (cargo-fuzz needs one); fuzzing skipped" >&2
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
for target in $(cargo +nightly fuzz list --fuzz-dir fuzz); do
  work=$(mktemp -d)
  echo "-- $target"
  # -rss_limit_mb: the protocol decoders never need much; a blow-up is a finding.
  status=0
  cargo +nightly fuzz run --fuzz-dir fuzz "$target" "$work" "fuzz/corpus/$target" -- \
    -max_total_time="$FUZZ_SECONDS" -max_len=16384 -rss_limit_mb=1024 \
    -print_final_stats=1 > "$work.log" 2>&1 || status=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)|ERROR|panicked|SUMMARY' "$work.log" || true
  if [ "$status" -ne 0 ]; then
    tail -40 "$work.log" >&2
    echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/" >&2
    rm -rf "$work" "$work.log"
    exit 1
  fi
  rm -rf "$work" "$work.log"
done
step "reliability checks passed"
