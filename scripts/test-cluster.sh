#!/usr/bin/env bash
# The cross-node tests: starts PostgreSQL and Redis on free loopback ports with
# their data in a temporary folder, runs the server's cluster tests (and the
# PostgreSQL store tests) against them, then the page tests of nodes sharing them in
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
cargo build -q -p nim-server
# psql, from the same PostgreSQL, creates each page test file's own database.
PATH="$PGBIN:$PATH" NIM_SERVER_BIN=target/debug/nim-server node tests/page/run.mjs --cluster
