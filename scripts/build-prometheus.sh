#!/usr/bin/env bash
# Builds Prometheus from the Go module proxy, at the version docker-compose.yml pins, and caches the
# binary outside the repo (beside influxd). No Prometheus of that version is packaged for these
# machines and there is no Docker engine, so the project provides its own real server for the tests,
# the demo and `dashboards render`.
#
#   scripts/build-prometheus.sh         # prints the path of a ready prometheus on stdout (builds if needed)
#
# Resolution order: $PROMETHEUS_BIN (a path), the cached build, otherwise a fresh build (about 6 minutes
# on 2 cores the first time, most of it compiling; progress on stderr).
# Prometheus 3.x is published as the Go module github.com/prometheus/prometheus v0.3XX.Y (3.5.0 is
# v0.305.0). `go install` refuses the module (its go.mod has replace directives), so the module is copied
# to a writable dir and built there. The web UI assets are not embedded (no `builtinassets` tag): the
# API, scraping and rule evaluation do not need them.
set -euo pipefail

PROMETHEUS_VERSION="${PROMETHEUS_VERSION:-3.5.0}"
major_minor_patch=(${PROMETHEUS_VERSION//./ })
MODULE_VERSION="v0.$(( major_minor_patch[0] * 100 + major_minor_patch[1] )).${major_minor_patch[2]}"
CACHE_DIR="${CRYPTOCRAWLER_CACHE:-$HOME/.cache/cryptocrawler}"
OUT="$CACHE_DIR/prometheus-v$PROMETHEUS_VERSION/prometheus"

log() { printf '[build-prometheus] %s\n' "$*" >&2; }

if [[ -n "${PROMETHEUS_BIN:-}" ]]; then
  [[ -x "$PROMETHEUS_BIN" ]] || { log "PROMETHEUS_BIN=$PROMETHEUS_BIN is not an executable file"; exit 2; }
  echo "$PROMETHEUS_BIN"; exit 0
fi
if [[ -x "$OUT" ]] && "$OUT" --version 2>/dev/null | grep -q "version ${PROMETHEUS_VERSION} "; then
  echo "$OUT"; exit 0
fi
if [[ -n "${PROMETHEUS_NO_BUILD:-}" ]]; then
  log "no prometheus $PROMETHEUS_VERSION found (PROMETHEUS_BIN, $OUT) and PROMETHEUS_NO_BUILD is set"; exit 3
fi
command -v go >/dev/null 2>&1 || { log "missing build tool: go"; exit 2; }

# One build at a time per cache (two test runs starting together would race on the same files);
# whoever waited finds the other's finished binary.
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.build-prometheus.lock"
flock 9
if [[ -x "$OUT" ]] && "$OUT" --version 2>/dev/null | grep -q "version ${PROMETHEUS_VERSION} "; then
  echo "$OUT"; exit 0
fi

start=$(date +%s)
export GOFLAGS=-mod=mod
export GOTOOLCHAIN=local
export CGO_ENABLED=0

log "step 1/3: fetching github.com/prometheus/prometheus@$MODULE_VERSION (Prometheus $PROMETHEUS_VERSION) from the Go module proxy"
src=$(cd /tmp && go mod download -json "github.com/prometheus/prometheus@$MODULE_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
[[ -d "$src" ]] || { log "module download failed"; exit 1; }

build="$CACHE_DIR/build/prometheus-$MODULE_VERSION"
if [[ ! -f "$build/go.mod" ]]; then
  rm -rf "$build"; mkdir -p "$(dirname "$build")"
  cp -r "$src" "$build"; chmod -R u+w "$build"
fi
cd "$build"
log "step 2/3: downloading its dependencies"
go mod download

log "step 3/3: compiling ./cmd/prometheus (the long part; about 6 minutes on 2 cores)"
mkdir -p "$(dirname "$OUT")"
pkg=github.com/prometheus/common/version
go build -o "$OUT.tmp" \
  -ldflags "-X $pkg.Version=$PROMETHEUS_VERSION -X $pkg.Revision=module-proxy-$MODULE_VERSION -X $pkg.Branch=release -X $pkg.BuildUser=cryptocrawler -X $pkg.BuildDate=$(date -u +%Y%m%d-%H:%M:%S)" \
  ./cmd/prometheus &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
  sleep 30
  kill -0 "$pid" 2>/dev/null && log "  still compiling ($(( $(date +%s) - start ))s)"
done
wait "$pid"
mv "$OUT.tmp" "$OUT"
log "built $("$OUT" --version 2>&1 | head -1) in $(( $(date +%s) - start ))s -> $OUT"
echo "$OUT"
