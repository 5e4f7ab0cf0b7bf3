#!/usr/bin/env bash
# Builds InfluxDB OSS (influxd, Flux engine included) from the Go module proxy and caches the binary
# outside the repo. No InfluxDB is packaged for these machines and there is no Docker engine, so the
# project provides its own real server for tests and the demo.
#
#   scripts/build-influxd.sh            # prints the path of a ready influxd on stdout (builds if needed)
#
# Resolution order: $INFLUXD_BIN (a path), an `influxd` on PATH reporting the pinned version,
# the cached build, otherwise a fresh build (~20-40 min on 2 cores, progress on stderr).
# Traps handled (see docs/influxd.md): go install refuses the module's replace directive, so the
# module is copied to a writable dir; libflux pins an old Rust (RUSTUP_TOOLCHAIN overrides it) and
# denies warnings (RUSTFLAGS=--cap-lints=warn).
set -euo pipefail

INFLUXDB_VERSION="${INFLUXDB_VERSION:-v2.7.12}"
CACHE_DIR="${CRYPTOCRAWLER_CACHE:-$HOME/.cache/cryptocrawler}"
OUT="$CACHE_DIR/influxd-$INFLUXDB_VERSION/influxd"

log() { printf '[build-influxd] %s\n' "$*" >&2; }

if [[ -n "${INFLUXD_BIN:-}" ]]; then
  [[ -x "$INFLUXD_BIN" ]] || { log "INFLUXD_BIN=$INFLUXD_BIN is not an executable file"; exit 2; }
  echo "$INFLUXD_BIN"; exit 0
fi
if command -v influxd >/dev/null 2>&1; then
  if influxd version 2>/dev/null | grep -q "InfluxDB ${INFLUXDB_VERSION}"; then
    command -v influxd; exit 0
  fi
fi
if [[ -x "$OUT" ]] && "$OUT" version 2>/dev/null | grep -q "InfluxDB ${INFLUXDB_VERSION}"; then
  echo "$OUT"; exit 0
fi

if [[ -n "${INFLUXD_NO_BUILD:-}" ]]; then
  log "no influxd $INFLUXDB_VERSION found (INFLUXD_BIN, PATH, $OUT) and INFLUXD_NO_BUILD is set"; exit 3
fi

for tool in go cargo gcc; do
  command -v "$tool" >/dev/null 2>&1 || { log "missing build tool: $tool"; exit 2; }
done

# One build at a time per cache (two test runs starting together would race on the same files);
# whoever waited finds the other's finished binary.
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.build-influxd.lock"
flock 9
if [[ -x "$OUT" ]] && "$OUT" version 2>/dev/null | grep -q "InfluxDB ${INFLUXDB_VERSION}"; then
  echo "$OUT"; exit 0
fi

start=$(date +%s)
export GOFLAGS=-mod=mod
export GOTOOLCHAIN=local
export RUSTUP_TOOLCHAIN="${RUSTUP_TOOLCHAIN:-stable}"
export RUSTFLAGS="${RUSTFLAGS:---cap-lints=warn}"
export CGO_ENABLED=1

log "step 1/4: fetching github.com/influxdata/influxdb/v2@$INFLUXDB_VERSION from the Go module proxy"
src=$(cd /tmp && go mod download -json "github.com/influxdata/influxdb/v2@$INFLUXDB_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
[[ -d "$src" ]] || { log "module download failed"; exit 1; }

build="$CACHE_DIR/build/influxdb-$INFLUXDB_VERSION"
if [[ ! -f "$build/go.mod" ]]; then
  rm -rf "$build"; mkdir -p "$(dirname "$build")"
  cp -r "$src" "$build"; chmod -R u+w "$build"
  # The pkg-config wrapper's old go.mod parser does not know the `toolchain` directive.
  sed -i '/^toolchain /d' "$build/go.mod"
fi
cd "$build"
go mod download

log "step 2/4: building the pkg-config wrapper that hands libflux to cgo"
pkgver=$(sed -n 's/^\s*github.com\/influxdata\/pkg-config \(v[0-9.]*\).*/\1/p' go.mod)
mkdir -p "$build/.bin"
go build -o "$build/.bin/pkg-config" github.com/influxdata/pkg-config
export PKG_CONFIG="$build/.bin/pkg-config"

# The wrapper copies the (read-only) flux module into $GOCACHE/pkgconfig and runs `cargo build --release`
# there with its output hidden. Doing that copy and build here first shows progress; the wrapper's own
# build is then an incremental no-op.
log "step 3/4: building libflux (Rust) with cargo; this is the long part"
fluxver=$(sed -n 's/^\s*github.com\/influxdata\/flux \(v[0-9.]*\).*/\1/p' go.mod)
fluxsrc=$(go mod download -json "github.com/influxdata/flux@$fluxver" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
fluxcopy="$(go env GOCACHE)/pkgconfig/github.com/influxdata/flux@$fluxver"
if [[ ! -d "$fluxcopy" ]]; then
  mkdir -p "$(dirname "$fluxcopy")"; cp -r "$fluxsrc" "$fluxcopy"; chmod -R u+w "$fluxcopy"
fi
# libflux's default `strict` feature turns every warning into an error (#![deny(warnings)]), and a
# current compiler has new warnings. RUSTFLAGS=--cap-lints=warn is not enough: with --target (which
# the wrapper passes) cargo does not apply RUSTFLAGS to host builds, and flux-core is also built for
# the host as a build-dependency. So the private copy builds without `strict`.
sed -i 's/^default = \["strict", "cffi"\]/default = ["cffi"]/' "$fluxcopy/libflux/flux/Cargo.toml"
sed -i 's/^default = \["strict"\]/default = []/' "$fluxcopy/libflux/flux-core/Cargo.toml"
triple="$(rustc -vV | sed -n 's/^host: //p')"
(cd "$fluxcopy/libflux" && cargo build --release --target "$triple" 2>&1 \
  | grep --line-buffered -E '^\s*(Compiling|Finished)|^error' >&2) || true
[[ -f "$fluxcopy/libflux/target/$triple/release/libflux.a" ]] || {
  log "libflux build failed: run 'cargo build --release --target $triple' in $fluxcopy/libflux to see why"; exit 1; }

log "step 4/4: building influxd (Go, cgo) (pkg-config $pkgver, flux $fluxver)"
mkdir -p "$(dirname "$OUT")"
go build -tags sqlite_foreign_keys,sqlite_json \
  -ldflags "-X main.version=$INFLUXDB_VERSION -X main.commit=module-proxy" \
  -o "$OUT.tmp" ./cmd/influxd
mv "$OUT.tmp" "$OUT"
log "built $("$OUT" version) in $(( $(date +%s) - start ))s -> $OUT"
echo "$OUT"
