#!/usr/bin/env bash
# `npm start`: set up, build the SDK, build and run nim-server with the demo page on
# 127.0.0.1:${PORT:-8080}, with a development app whose key and secret it prints.
set -euo pipefail
. "$(dirname "$0")/env.sh"
bash scripts/build.sh
cargo build --profile server -p nim-server
mkdir -p target/dev-data
APP_KEY=${NIM_DEV_APP_KEY:-demo}
SECRET_FILE=target/dev-data/secret
[ -s "$SECRET_FILE" ] || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$SECRET_FILE"
APP_SECRET=$(cat "$SECRET_FILE")
ADDR=127.0.0.1:${PORT:-8080}
cat <<MSG

  nim-wasm demo: open http://$ADDR/
  development app key:    $APP_KEY
  development app secret: $APP_SECRET   (for the server API, /nimserver/...)
  data: target/dev-data/nim.sqlite    stop: ctrl-c

MSG
exec target/server/nim-server --listen "$ADDR" --app "$APP_KEY:$APP_SECRET" \
  --www www --pkg pkg --data target/dev-data/nim.sqlite --dev
