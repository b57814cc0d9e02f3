#!/bin/sh
# Builds the exporter image, tagged DOCKER_NAME (default network-monitor) and
# labelled with the git HEAD it was built from; run_docker.sh compares that
# label with the current HEAD to decide whether the image is stale.
#
# The old image is removed only after the new one built: a failed build leaves
# the working image in place instead of leaving nothing to run.
set -eu

NETMON_ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)

say() { printf 'build_image.sh: %s\n' "$*" >&2; }

if ! command -v docker >/dev/null 2>&1; then
  say "docker is not installed or not on PATH; install Docker Engine (https://docs.docker.com/engine/install/)"
  exit 1
fi

# shellcheck source=shell/source_environment.sh
. "$NETMON_ROOT/shell/source_environment.sh"
DOCKER_NAME=${DOCKER_NAME:-network-monitor}

# The standard OCI label, so other tools (and `docker inspect`) understand it.
REVISION_LABEL=org.opencontainers.image.revision
head=$(git -C "$NETMON_ROOT" rev-parse --verify -q HEAD 2>/dev/null) || head=unknown

old_id=$(docker image inspect --format '{{.Id}}' "$DOCKER_NAME" 2>/dev/null) || old_id=

say "building $DOCKER_NAME from $head"
# --pull refreshes the pinned base image, which upstream rebuilds for Debian
# security fixes under the same tag.
docker build --pull \
  --label "$REVISION_LABEL=$head" \
  --tag "$DOCKER_NAME" \
  "$NETMON_ROOT"

new_id=$(docker image inspect --format '{{.Id}}' "$DOCKER_NAME" 2>/dev/null) || new_id=
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
  # A container still running the old image keeps it alive; that is fine.
  if docker image rm "$old_id" >/dev/null 2>&1; then
    say "removed the previous image $old_id"
  else
    say "previous image $old_id is still used by a container; left in place"
  fi
fi
