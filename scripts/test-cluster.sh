#!/usr/bin/env bash
# The cross-node tests: starts PostgreSQL and Redis on free loopback ports with
# their data in a temporary folder, runs the server's cluster tests (and the
# PostgreSQL store tests; the cluster_fault_* tests start a Redis and a PostgreSQL
# of their own to kill and cut off) against them, a small scale run, then the page tests of nodes sharing them in
# headless Chromium (tests/page/cluster/, which need pkg/ built and Chromium, as
# `npm test` has them), then stops both and removes the folder.
#
# Starting, stopping and installing both when missing is scripts/services.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/services.sh
services_start test-cluster
# The cluster tests are #[ignore]d under a plain `cargo test`; here they run, and
# fail if the services are missing.
cargo test -p nim-server --lib postgres -- --include-ignored
cargo test -p nim-server --test it cluster -- --include-ignored
cargo build -q -p nim-server -p nim-bench
# The scale run, small: 6,000 sessions over 6 nodes held by 3 load-generator
# processes, one node killed; fails on any ghost or missing device, or gauges that
# do not add up (`npm run bench` runs it with 100,000).
PATH="$PGBIN:$PATH" timeout 600 target/debug/nim-load --server-bin target/debug/nim-server \
  --out /dev/null scale --postgres "$NIM_TEST_POSTGRES" --redis "$NIM_TEST_REDIS" \
  --nodes 6 --sessions 6000 --workers 3 --rounds 20 --seconds 400
# psql, from the same PostgreSQL, creates each page test file's own database.
PATH="$PGBIN:$PATH" NIM_SERVER_BIN=target/debug/nim-server node tests/page/run.mjs --cluster
