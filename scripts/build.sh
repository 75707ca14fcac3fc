#!/usr/bin/env bash
# `npm run build`: the SDK as an npm package in pkg/ (wasm-pack, release, target web).
set -euo pipefail
. "$(dirname "$0")/env.sh"
wasm-pack build --target web --release --out-dir pkg
# Short import/export names in both files and a minified glue (see the script).
node scripts/shrink-pkg.mjs pkg
# wasm-pack writes no "exports" map; bundlers and Node's resolver want one.
node -e 'const fs = require("fs"), f = "pkg/package.json", p = JSON.parse(fs.readFileSync(f));
p.exports = { ".": { types: "./nim_wasm.d.ts", default: "./nim_wasm.js" },
  "./nim_wasm_bg.wasm": "./nim_wasm_bg.wasm", "./package.json": "./package.json" };
fs.writeFileSync(f, JSON.stringify(p, null, 2) + "\n");'
wasm=$(stat -c %s pkg/nim_wasm_bg.wasm)
gz_wasm=$(gzip -9c pkg/nim_wasm_bg.wasm | wc -c)
gz_js=$(gzip -9c pkg/nim_wasm.js | wc -c)
echo "build: pkg/nim_wasm_bg.wasm $wasm bytes; gzipped -9: .wasm $gz_wasm + JS glue $gz_js = $((gz_wasm + gz_js)) bytes"
