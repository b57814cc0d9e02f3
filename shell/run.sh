#!/bin/sh
# Bare-metal entry point:  shell/run.sh [serve options...]   e.g. shell/run.sh --demo
#                          shell/run.sh check-config|devices [options...]
#
# Installs dependencies only when package-lock.json changed since the last
# install, rebuilds dist/ only when an input is newer than the last build
# (FORCE_REBUILD=TRUE forces both), then becomes the exporter (exec), so
# SIGTERM/SIGINT reach it directly and its exit code is ours.
set -eu

NETMON_ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$NETMON_ROOT"
# shellcheck source=shell/source_environment.sh
. "$NETMON_ROOT/shell/source_environment.sh"

say() { printf 'run.sh: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

command -v node >/dev/null 2>&1 ||
  die "node is not on PATH; install Node.js 24 or 22 (https://nodejs.org) or use shell/run_docker.sh"
command -v npm >/dev/null 2>&1 ||
  die "npm is not on PATH; it ships with Node.js (https://nodejs.org)"
# Node 20 reached end of life on 2026-04-30; the image and the tests run Node 24.
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)' ||
  die "Node.js 22 or newer is required (Node 20 reached end of life on 2026-04-30), found $(node --version); install Node.js 24 (https://nodejs.org) or use shell/run_docker.sh"

# The stamp lives inside node_modules so deleting node_modules also forgets it.
INSTALL_STAMP=node_modules/.install-stamp
# Inputs whose change means dist/ is stale.
BUILD_INPUTS='src package.json package-lock.json tsconfig.json tsconfig.build.json tsconfig.page.json'
BUILD_STAMP=dist/.build-stamp

force=false
if netmon_is_true "${FORCE_REBUILD:-}"; then force=true; fi

# cksum is POSIX, so this works wherever sh does; it only has to notice change.
lock_hash=$(cksum <package-lock.json)
installed=false
if $force || [ ! -f "$INSTALL_STAMP" ] || [ "$(cat "$INSTALL_STAMP")" != "$lock_hash" ]; then
  if $force; then
    say "FORCE_REBUILD=TRUE: installing dependencies"
  elif [ -f "$INSTALL_STAMP" ]; then
    say "package-lock.json changed since the last install: installing dependencies"
  else
    say "first run (no $INSTALL_STAMP): installing dependencies"
  fi
  # Progress goes to stderr: stdout is the command's own (devices --json | jq).
  npm ci --no-audit --no-fund >&2
  printf '%s\n' "$lock_hash" >"$INSTALL_STAMP"
  installed=true
fi

needs_build() {
  if $force || $installed; then return 0; fi
  [ -f "$BUILD_STAMP" ] && [ -f dist/cli.js ] || return 0
  # shellcheck disable=SC2086 # BUILD_INPUTS is a list of paths without blanks
  [ -n "$(find $BUILD_INPUTS -newer "$BUILD_STAMP" 2>/dev/null | head -n 1)" ]
}

if needs_build; then
  say "building dist/"
  # Stamped with the time the build started, so an edit made during the build
  # is newer than the stamp and triggers the next build.
  started=node_modules/.build-started
  : >"$started"
  # Stale output of deleted sources must not linger in dist/.
  rm -rf dist
  npm run build >&2
  mv "$started" "$BUILD_STAMP"
fi

# An empty value in environment.properties means "not set", not "empty string".
for name in NETMON_CONFIG NETMON_LISTEN LOG_LEVEL; do
  eval "value=\${$name:-}"
  [ -n "$value" ] || unset "$name"
done

# What the image sets (see the Dockerfile): freed large buffers go back to the
# kernel instead of staying resident in malloc's heap. A value already in the
# environment wins.
MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-131072}
export MALLOC_MMAP_THRESHOLD_

# What the image's ENTRYPOINT passes (see the Dockerfile): V8's young generation
# capped at 8 MB per semi-space (--max-semi-space-size, Node's CLI docs).
NODE_HEAP_OPTIONS=--max-semi-space-size=8

# `check-config` and `devices` as the first argument run that command on the
# same install and build (the README's first-run steps); anything else is serve.
case ${1:-} in
  check-config | devices) exec node "$NODE_HEAP_OPTIONS" dist/cli.js "$@" ;;
  *) exec node "$NODE_HEAP_OPTIONS" dist/cli.js serve "$@" ;;
esac
