#!/bin/sh
# The one test command: installs what the tests need, then runs every check.
# Safe to run on a fresh clone; idempotent on a machine that already has everything.
set -eu
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }

need_apt=""
command -v promtool >/dev/null 2>&1 || need_apt="$need_apt prometheus"
command -v amtool >/dev/null 2>&1 || need_apt="$need_apt prometheus-alertmanager"
command -v victoria-metrics >/dev/null 2>&1 || need_apt="$need_apt victoria-metrics"
command -v shellcheck >/dev/null 2>&1 || need_apt="$need_apt shellcheck"
command -v chromium >/dev/null 2>&1 || need_apt="$need_apt chromium"
command -v openssl >/dev/null 2>&1 || need_apt="$need_apt openssl"
if [ -n "$need_apt" ]; then
  log "installing Debian packages:$need_apt"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need_apt >/dev/null
fi

log "installing npm dependencies"
npm ci --no-audit --no-fund --loglevel=error

# The image runs Node 24 (Node 20 reached end of life on 2026-04-30), so every
# check below runs on that release too, whatever node this machine has
# (shell/shipped_node.sh installs the Dockerfile's version once; `npm run bench`
# uses the same one).
shipped_node_bin=$(sh shell/shipped_node.sh)
PATH="$shipped_node_bin:$PATH"
export PATH
log "tests run on Node.js $(node --version)"

log "type check and build"
npm run --silent typecheck
npm run --silent build

log "lint and format (biome)"
npm run --silent lint

log "shellcheck"
shellcheck shell/*.sh .ci/run

log "unit and integration tests"
mkdir -p test-artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json || status=$?

# A plain closing line that any CI reads, whatever it knows of vitest.
# shellcheck disable=SC2016 # the template literal is JavaScript, not shell
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-artifacts/vitest.json", "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit "$status"
