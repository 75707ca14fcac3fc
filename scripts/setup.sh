#!/usr/bin/env bash
# Makes this machine ready to build and test nim-wasm, idempotently:
#   1. a Rust toolchain whose rustc has the wasm32-unknown-unknown std
#      (the default one, else `rustup target add`);
#   2. wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock, and wasm-pack;
#   3. Chromium and its matching chromedriver (only with --browser);
#      PostgreSQL and Redis for the cross-node tests (only with --services);
#      the nightly toolchain and cargo-fuzz for the fuzzing step (only with --fuzz);
#   4. the npm dev dependencies (binaryen's wasm-opt among them, which wasm-pack runs).
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
elif command -v rustup >/dev/null && timeout 120 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 && has_wasm_std ""; then
  say "added the wasm32-unknown-unknown target with rustup"
else
  # The build is plain stable Rust with rustup's wasm32 std; no std is built here.
  echo "setup: no wasm32-unknown-unknown std for $(rustc --version 2>/dev/null || echo 'a missing rustc')," \
    "and \`rustup target add wasm32-unknown-unknown\` did not add it: install rustup" \
    "(https://rustup.rs) with its stable toolchain, then run this again" >&2
  exit 1
fi
if [ -n "$TOOLCHAIN" ]; then
  echo "export RUSTUP_TOOLCHAIN=$TOOLCHAIN" > "$ROOT/.toolchain.env"
  export RUSTUP_TOOLCHAIN=$TOOLCHAIN
else
  : > "$ROOT/.toolchain.env"
fi
has_wasm_std "$TOOLCHAIN" || { echo "setup: no wasm32 std for $(rustc --version)" >&2; exit 1; }
say "rust: $(rustc --version) with the wasm32 std${TOOLCHAIN:+ (toolchain $TOOLCHAIN)}"

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
