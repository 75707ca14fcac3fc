#!/usr/bin/env bash
# The cross-node tests: starts PostgreSQL and Redis on free loopback ports with
# their data in a temporary folder, runs the server's cluster tests (and the
# PostgreSQL store tests) against them, then the page tests of nodes sharing them in
# headless Chromium (tests/page/cluster/, which need pkg/ built and Chromium, as
# `npm test` has them), then stops both and removes the folder.
#
# Installs postgresql and redis-server from Debian's packages when missing (as
# root). PostgreSQL refuses to run as root, so as root it runs as `postgres`.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
[ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ] || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test-cluster: please install ${missing[*]} (needs root)" >&2
    exit 1
  fi
  echo "test-cluster: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
PGBIN="$(pg_bin)"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

work="$(mktemp -d /tmp/nim-cluster.XXXXXX)"
chmod 755 "$work"
pg_port="$(free_port)"
redis_port="$(free_port)"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$work"
  as_pg=(runuser -u postgres --)
fi

stop() {
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  if [ -f "$work/redis.pid" ]; then kill "$(cat "$work/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap stop EXIT

"${as_pg[@]}" "$PGBIN/initdb" -D "$work/pg" -U nim --auth=trust -E UTF8 >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -t 30 \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" \
  start >/dev/null || { cat "$work/pg.log" >&2; exit 1; }
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$work" --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log"
for _ in $(seq 50); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.1
done

export NIM_TEST_POSTGRES="postgres://nim@127.0.0.1:$pg_port/postgres"
export NIM_TEST_REDIS="redis://127.0.0.1:$redis_port/"
echo "test-cluster: PostgreSQL on $pg_port, Redis on $redis_port"
cargo test -p nim-server --lib postgres
cargo test -p nim-server --test 'cluster_*'
cargo build -q -p nim-server
# psql, from the same PostgreSQL, creates each page test file's own database.
PATH="$PGBIN:$PATH" NIM_SERVER_BIN=target/debug/nim-server node tests/page/run.mjs --cluster
