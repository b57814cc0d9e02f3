#!/bin/sh
# The Node.js release the image ships, for the tests and the bench on any machine:
#
#   shell/shipped_node.sh                  prints the directory holding its `node`
#   shell/shipped_node.sh COMMAND [ARGS]   runs COMMAND with that directory first on PATH
#
# The release is the Dockerfile's (ARG NODE_IMAGE=node:X.Y.Z-...); it comes from
# the npm registry's `node` package at that version, installed once under
# node_modules/.cache/node-X.Y.Z (deleting node_modules forgets it). Used by
# shell/test.sh and `npm run bench`, so both measure what the image runs, not
# whatever `node` this machine has. Progress goes to stderr: stdout is the
# directory (first form) or the command's own.
set -eu

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
version=$(sed -n 's/^ARG NODE_IMAGE=node:\([0-9][0-9.]*\)-.*/\1/p' "$root/Dockerfile")
if [ -z "$version" ]; then
  echo "shipped_node.sh: no 'ARG NODE_IMAGE=node:X.Y.Z-...' line in $root/Dockerfile" >&2
  exit 1
fi
prefix=$root/node_modules/.cache/node-$version
bin=$prefix/node_modules/.bin
if [ ! -x "$bin/node" ]; then
  printf '\n==> installing Node.js %s (npm package node@%s) into %s\n' "$version" "$version" "$prefix" >&2
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "node@$version" >&2
fi

if [ $# -eq 0 ]; then
  printf '%s\n' "$bin"
  exit 0
fi
PATH="$bin:$PATH"
export PATH
exec "$@"
