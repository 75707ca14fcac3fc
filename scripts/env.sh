# Sourced by the other scripts: runs setup (quick when nothing is missing) and selects
# the toolchain it chose.
# shellcheck shell=bash
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh "$@"
# node_modules/.bin first: binaryen's wasm-opt from npm (see Cargo.toml), tsc, vite.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# shellcheck disable=SC1091
. ./.toolchain.env
