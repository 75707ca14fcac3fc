# Sourced by scripts/test-cluster.sh and scripts/bench.sh: PostgreSQL and Redis on
# free loopback ports with their data in a temporary folder, for as long as the
# sourcing script runs.
#
#   . scripts/services.sh
#   services_start NAME   # NAME prefixes the messages ("test-cluster: ...")
#
# services_start installs postgresql and redis-server from Debian's packages when
# missing (as root; `scripts/setup.sh --services` normally has), starts both, and
# exports NIM_TEST_POSTGRES (`postgres://nim@127.0.0.1:PORT/postgres`, trust auth),
# NIM_TEST_REDIS (`redis://127.0.0.1:PORT/`) and PGBIN (the folder of initdb, psql,
# ...). An EXIT trap stops both and removes the folder. PostgreSQL refuses to run as
# root, so as root it runs as `postgres`.
# shellcheck shell=bash

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

services_start() {
  local name="$1"
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ] || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "$name: please install ${missing[*]} (needs root)" >&2
      exit 1
    fi
    echo "$name: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  PGBIN="$(pg_bin)"
  export PGBIN

  SERVICES_DIR="$(mktemp -d /tmp/nim-cluster.XXXXXX)"
  chmod 755 "$SERVICES_DIR"
  local pg_port redis_port
  pg_port="$(free_port)"
  redis_port="$(free_port)"
  SERVICES_AS_PG=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$SERVICES_DIR"
    SERVICES_AS_PG=(runuser -u postgres --)
  fi
  trap services_stop EXIT

  local work="$SERVICES_DIR"
  "${SERVICES_AS_PG[@]}" "$PGBIN/initdb" -D "$work/pg" -U nim --auth=trust -E UTF8 >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; exit 1; }
  "${SERVICES_AS_PG[@]}" "$PGBIN/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -t 30 \
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
  echo "$name: PostgreSQL on $pg_port, Redis on $redis_port"
}

# Stops both (PostgreSQL at once: its data is thrown away) and removes the folder.
services_stop() {
  local work="${SERVICES_DIR:-}"
  [ -n "$work" ] || return 0
  "${SERVICES_AS_PG[@]}" "$PGBIN/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  if [ -f "$work/redis.pid" ]; then kill "$(cat "$work/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$work"
  SERVICES_DIR=""
}
