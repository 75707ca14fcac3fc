#!/usr/bin/env bash
# Makes this machine ready to build and test nim-wasm, idempotently:
#   1. a Rust toolchain whose rustc has the wasm32-unknown-unknown std
#      (the default one; else `rustup target add`; else Debian's rustc-web with a
#      wasm32 std built once from its source, see docs/DEVELOPING.md);
#      and the std's source (rust-src), from which the package build rebuilds the std;
#   2. wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock, and wasm-pack;
#   3. Chromium and its matching chromedriver (only with --browser);
#      PostgreSQL and Redis for the cross-node tests (only with --services);
#      the nightly toolchain and cargo-fuzz for the fuzzing step (only with --fuzz);
#   4. the npm dev dependencies.
# It writes .toolchain.env, which the other scripts source to pick the toolchain.
# When everything is present it takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WANT_BROWSER=0
WANT_SERVICES=0
WANT_FUZZ=0
for arg in "$@"; do
  case "$arg" in
    --browser) WANT_BROWSER=1 ;;
    --services) WANT_SERVICES=1 ;;
    --fuzz) WANT_FUZZ=1 ;;
    *) echo "setup: unknown argument $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi
APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || { echo "setup: need the Debian packages $*, and apt-get is missing" >&2; exit 1; }
  if [ "$APT_UPDATED" = 0 ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

export PATH="$HOME/.cargo/bin:$PATH"

# ---- 1. a rustc with the wasm32 std ------------------------------------------------
has_wasm_std() { # $1: toolchain name for rustup, or "" for the default
  local libdir
  libdir=$(RUSTUP_TOOLCHAIN=${1:-${RUSTUP_TOOLCHAIN:-}} rustc --print target-libdir --target wasm32-unknown-unknown 2>/dev/null) || return 1
  compgen -G "$libdir/libstd-*.rlib" >/dev/null
}

TOOLCHAIN=""
if command -v rustc >/dev/null && has_wasm_std ""; then
  TOOLCHAIN="${RUSTUP_TOOLCHAIN:-}"
elif command -v rustup >/dev/null && [ -z "${NIM_SKIP_RUSTUP_TARGET:-}" ] && [ ! -f "$ROOT/.toolchain.env" ] \
     && timeout 120 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 && has_wasm_std ""; then
  say "added the wasm32-unknown-unknown target with rustup"
else
  # Debian path: rustc-web ships its std source; build the wasm32 std from it once.
  need=()
  [ -x /usr/bin/rustc ] && /usr/bin/rustc --version 2>/dev/null | grep -q . || need+=(rustc-web cargo-web)
  [ -d /usr/lib/rustlib/src/rust/library ] || need+=(rust-web-src)
  command -v lld-22 >/dev/null || [ -e /usr/bin/rust-lld ] || need+=(lld-22)
  [ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
  SYSROOT=$(/usr/bin/rustc --print sysroot)
  LIBDIR="$SYSROOT/lib/rustlib/wasm32-unknown-unknown/lib"
  RUSTC_VERSION=$(/usr/bin/rustc --version)
  if ! compgen -G "$LIBDIR/libstd-*.rlib" >/dev/null || [ "$(cat "$LIBDIR/.nim-wasm-std" 2>/dev/null)" != "$RUSTC_VERSION" ]; then
    say "building the wasm32 std for $RUSTC_VERSION (about 30 s, once)"
    SCRATCH="${XDG_CACHE_HOME:-$HOME/.cache}/nim-wasm/wasm32-std"
    rm -rf "$SCRATCH"; mkdir -p "$SCRATCH/src"
    printf '[package]\nname = "wasm32-std"\nversion = "0.0.0"\nedition = "2021"\n[lib]\npath = "src/lib.rs"\n[workspace]\n' > "$SCRATCH/Cargo.toml"
    echo '#![no_std]' > "$SCRATCH/src/lib.rs"
    (cd "$SCRATCH" && RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Cembed-bitcode=yes \
      /usr/bin/cargo build -q --release -Zbuild-std=std,panic_abort,panic_unwind,proc_macro,test \
      --target wasm32-unknown-unknown)
    $SUDO mkdir -p "$LIBDIR"
    $SUDO rm -f "$LIBDIR"/*.rlib
    $SUDO cp "$SCRATCH"/target/wasm32-unknown-unknown/release/deps/*.rlib "$LIBDIR/"
    echo "$RUSTC_VERSION" | $SUDO tee "$LIBDIR/.nim-wasm-std" >/dev/null
  fi
  if command -v rustup >/dev/null; then
    rustup toolchain list | grep -q '^debian-web' || rustup toolchain link debian-web /usr
    TOOLCHAIN=debian-web
  else
    export PATH="/usr/bin:$PATH"
  fi
fi
if [ -n "$TOOLCHAIN" ]; then
  echo "export RUSTUP_TOOLCHAIN=$TOOLCHAIN" > "$ROOT/.toolchain.env"
  export RUSTUP_TOOLCHAIN=$TOOLCHAIN
else
  : > "$ROOT/.toolchain.env"
fi
has_wasm_std "$TOOLCHAIN" || { echo "setup: no wasm32 std for $(rustc --version)" >&2; exit 1; }
say "rust: $(rustc --version) with the wasm32 std${TOOLCHAIN:+ (toolchain $TOOLCHAIN)}"
# The std's source: scripts/build.sh rebuilds the std with the SDK (-Zbuild-std) to
# make the package smaller. Debian's rustc-web has it from rust-web-src.
if [ ! -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
  say "rustup component add rust-src (once)"
  rustup component add rust-src >/dev/null 2>&1 || true
  [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ] \
    || { echo "setup: no std source (rust-src) for $(rustc --version)" >&2; exit 1; }
fi
command -v wasm-opt >/dev/null || apt_install binaryen

# ---- 2. wasm-bindgen-cli (exact version) and wasm-pack ------------------------------
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
[ -n "$WB_VERSION" ] || { echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  say "cargo install wasm-bindgen-cli $WB_VERSION (2-4 min, once)"
  cargo install -q --force wasm-bindgen-cli --version "$WB_VERSION"
fi
if ! command -v wasm-pack >/dev/null; then
  say "cargo install wasm-pack (about 2 min, once)"
  cargo install -q wasm-pack
fi

# ---- 3. Chromium and chromedriver for headless tests --------------------------------
if [ "$WANT_BROWSER" = 1 ]; then
  need=()
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
  [ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
  chrome_major=$(chromium --version 2>/dev/null | grep -oE '[0-9]+' | head -1)
  driver_major=$(chromedriver --version | grep -oE '[0-9]+' | head -1)
  if [ "$chrome_major" != "$driver_major" ]; then
    apt_install --only-upgrade chromium chromium-driver
  fi
  say "browser: $(chromium --version 2>/dev/null | head -1), $(chromedriver --version | cut -d' ' -f1-2)"
fi

if [ "$WANT_SERVICES" = 1 ]; then
  need=()
  command -v redis-server >/dev/null || need+=(redis-server)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
  [ ${#need[@]} -eq 0 ] || apt_install --no-install-recommends "${need[@]}"
  say "services: $(redis-server --version | cut -d' ' -f1-3), PostgreSQL $(ls /usr/lib/postgresql | sort -V | tail -1)"
fi

if [ "$WANT_FUZZ" = 1 ]; then
  # cargo-fuzz builds with the sanitizer flags only a nightly rustc accepts.
  if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    say "rustup toolchain install nightly (once)"
    rustup toolchain install nightly --profile minimal >/dev/null
  fi
  if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    say "cargo install cargo-fuzz (about 1 min, once)"
    cargo install -q cargo-fuzz --locked
  fi
  say "fuzzing: $(rustup run nightly rustc --version), $(cargo +nightly fuzz --version)"
fi

# ---- 4. npm dev dependencies --------------------------------------------------------
if [ -f package-lock.json ]; then
  stamp=node_modules/.nim-wasm-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
fi
say "ready"
