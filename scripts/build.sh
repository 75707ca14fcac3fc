#!/usr/bin/env bash
# `npm run build`: the SDK as an npm package in pkg/ (wasm-pack, release, target web).
set -euo pipefail
. "$(dirname "$0")/env.sh"
# The std is rebuilt with the SDK (-Zbuild-std, from the rust-src that setup.sh
# installs) at the SDK's opt-level "z" and with panic=immediate-abort: a panic is
# then one `unreachable` instruction instead of std's panic and formatting machinery
# and its messages (the SDK never panics on purpose; see STYLE.md). That is 3.2 KB of
# the gzipped wasm. These flags are unstable, hence RUSTC_BOOTSTRAP on the toolchain
# setup.sh chose; the first build compiles the std (about 3 minutes on 2 cores).
# Without the reference-types and multivalue features (on by default for wasm32),
# wasm-bindgen keeps JS values in a table in the glue instead of an externref table
# managed by the wasm: 0.9 KB less gzipped wasm for 0.15 KB more glue, and the
# package loads in engines without those features too. -Zlocation-detail=none leaves
# out the file names and lines that would only have been printed by a panic (and
# the build machine's paths with them). `--no-stack-first` puts the static data
# (messages, names, vtables) at 1 KiB, before the 1 MiB stack instead of after it:
# every address of it then fits a 2-byte constant instead of a 4-byte one, 124 B
# less gzipped wasm. A stack overflow would then run into that data instead of
# trapping below address 0; the SDK cannot come near one (no recursion, and a
# callback's nested calls do not dispatch again: a few KiB at most of the 1 MiB).
# LLVM's inliner at a threshold of 8 (opt-level "z" uses 5): 69 B less gzipped,
# measured; 0 and 11 to 30 were larger.
RUSTC_BOOTSTRAP=1 RUSTFLAGS="${RUSTFLAGS:-} -Zunstable-options -Cpanic=immediate-abort \
  -Ctarget-feature=-reference-types,-multivalue -Zlocation-detail=none \
  -Clink-arg=--no-stack-first -Cllvm-args=-inline-threshold=8" \
  wasm-pack build --target web --release --out-dir pkg . -Zbuild-std=std,panic_abort
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
