#!/usr/bin/env bash
# `npm run build`: the SDK as an npm package in pkg/ (wasm-pack, release, target web),
# on stable Rust. wasm-pack runs wasm-opt -Oz itself (Cargo.toml,
# [package.metadata.wasm-pack.profile.release]), with binaryen from npm: env.sh puts
# node_modules/.bin first on PATH.
set -euo pipefail
. "$(dirname "$0")/env.sh"
[ "$(command -v wasm-opt)" = "$PWD/node_modules/.bin/wasm-opt" ] \
  || { echo "build: wasm-opt is $(command -v wasm-opt), not binaryen from npm" >&2; exit 1; }
# Panic locations name their source files: under the paths every toolchain and
# crates.io use rather than this machine's, the package is the same wherever it is
# built (and the toolchain's files share the /rustc/<commit> prefix std already has).
commit=$(rustc -vV | sed -n 's/^commit-hash: //p')
remap="--remap-path-prefix=$(rustc --print sysroot)/lib/rustlib/src/rust=/rustc/$commit"
for registry in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  remap="$remap --remap-path-prefix=${registry%/}=/crates.io"
done
RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }$remap" wasm-pack build --target web --release --out-dir pkg .
# The JS glue, with src/browser/face.js appended (it hides the glue's internals from
# the `NIM` class and its instances), minified as a whole (esbuild).
cat src/browser/face.js >> pkg/nim_wasm.js
npx esbuild pkg/nim_wasm.js --minify --format=esm --log-level=warning --outfile=pkg/nim_wasm.js --allow-overwrite
# The worker of `shareConnection` (src/browser/worker.js), minified, beside the glue
# it imports; it stays a module of its own (`--bundle` would copy the glue into it).
npx esbuild src/browser/worker.js --minify --format=esm --log-level=warning --outfile=pkg/nim_worker.js
# wasm-pack writes no "exports" map; bundlers and Node's resolver want one.
node -e 'const fs = require("fs"), f = "pkg/package.json", p = JSON.parse(fs.readFileSync(f));
p.exports = { ".": { types: "./nim_wasm.d.ts", default: "./nim_wasm.js" },
  "./nim_wasm_bg.wasm": "./nim_wasm_bg.wasm", "./nim_worker.js": "./nim_worker.js",
  "./package.json": "./package.json" };
p.files.push("nim_worker.js");
fs.writeFileSync(f, JSON.stringify(p, null, 2) + "\n");'
node scripts/package-size.mjs pkg
