#!/usr/bin/env bash
# `npm run build`: the SDK as an npm package in pkg/ (wasm-pack, release, target web).
set -euo pipefail
. "$(dirname "$0")/env.sh"
wasm-pack build --target web --release --out-dir pkg
wasm=$(stat -c %s pkg/nim_wasm_bg.wasm)
gz=$(cat pkg/nim_wasm_bg.wasm pkg/nim_wasm.js | gzip -9 | wc -c)
echo "build: pkg/nim_wasm_bg.wasm $wasm bytes; .wasm + JS glue gzipped: $gz bytes"
