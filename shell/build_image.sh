#!/bin/sh
# Builds the exporter image, tagged DOCKER_NAME (default network-monitor) and
# labelled with the git HEAD it was built from; run_docker.sh compares that
# label with the current HEAD to decide whether the image is stale.
#
# The old image is removed only after the new one built: a failed build leaves
# the working image in place instead of leaving nothing to run. The base image
# is resolved to a digest first and printed (see below).
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

# The Dockerfile names the base image by an exact release tag. Upstream
# rebuilds a tag for Debian security fixes, so pull it fresh, then build from
# the digest the tag points at now and print it: the build is reproducible
# from that line (ARG NODE_IMAGE=<tag>@<digest> pins it for good).
base=$(sed -n 's/^ARG NODE_IMAGE=//p' "$NETMON_ROOT/Dockerfile" | head -n 1)
if [ -z "$base" ]; then
  say "no ARG NODE_IMAGE=... line in $NETMON_ROOT/Dockerfile"
  exit 1
fi
case $base in
  *@sha256:*) pinned=$base ;;
  *)
    docker pull --quiet "$base" >/dev/null || say "could not pull $base; trying the local copy"
    repo_digest=$(docker image inspect --format '{{index .RepoDigests 0}}' "$base" 2>/dev/null) || repo_digest=
    case $repo_digest in
      *@sha256:*) pinned=$base@${repo_digest#*@} ;;
      *)
        say "cannot resolve the base image $base to a digest (is the registry reachable? try: docker pull $base)"
        exit 1
        ;;
    esac
    ;;
esac
say "base image: $pinned"

say "building $DOCKER_NAME from $head"
docker build \
  --build-arg "NODE_IMAGE=$pinned" \
  --label "$REVISION_LABEL=$head" \
  --label "org.opencontainers.image.base.name=$pinned" \
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
