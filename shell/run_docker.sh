#!/bin/sh
# Container entry point:  shell/run_docker.sh [serve options...]   e.g. --demo
#
# 1. fails with a clear message when docker is missing or its daemon is down;
# 2. exports configuration/environment.properties (once: ALREADY_SOURCED);
# 3. rebuilds the image with shell/build_image.sh when it is missing, when it
#    was built from another git HEAD (image label), or FORCE_DOCKER_REBUILD=TRUE;
# 4. deletes node_modules/ and dist/ left by a bare-metal shell/run.sh, as the
#    original flow deletes its bare-metal environment (CLEAN_BARE_METAL=FALSE
#    keeps them; trees not made by run.sh are never touched);
# 5. runs the container with the env file, configuration/ (read-only) and a
#    state volume mounted, the metrics port published and the arguments passed
#    to `serve`.
set -eu

NETMON_ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)

say() { printf 'run_docker.sh: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

command -v docker >/dev/null 2>&1 ||
  die "docker is not installed or not on PATH; install Docker Engine (https://docs.docker.com/engine/install/) or run shell/run.sh on bare metal"

# shellcheck source=shell/source_environment.sh
. "$NETMON_ROOT/shell/source_environment.sh"
DOCKER_NAME=${DOCKER_NAME:-network-monitor}
METRICS_PORT=${METRICS_PORT:-9847}

# Without this, a stopped daemon would read as "image missing" and end in a
# confusing build error.
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
  die "cannot reach the Docker daemon (is it running, and may $(id -un) use it?); try: docker version"

# --- 3. rebuild decision ---------------------------------------------------
REVISION_LABEL=org.opencontainers.image.revision
head=$(git -C "$NETMON_ROOT" rev-parse --verify -q HEAD 2>/dev/null) || head=unknown

rebuild_reason() {
  if netmon_is_true "${FORCE_DOCKER_REBUILD:-}"; then
    echo "FORCE_DOCKER_REBUILD=TRUE"
    return
  fi
  if ! built_from=$(docker image inspect \
    --format "{{ index .Config.Labels \"$REVISION_LABEL\" }}" "$DOCKER_NAME" 2>/dev/null); then
    echo "image $DOCKER_NAME does not exist"
    return
  fi
  if [ "$built_from" != "$head" ]; then
    echo "repository HEAD changed (image built from ${built_from:-an unlabelled tree}, HEAD is $head)"
  fi
}

reason=$(rebuild_reason)
if [ -n "$reason" ]; then
  say "rebuilding: $reason"
  "$NETMON_ROOT/shell/build_image.sh"
else
  say "image $DOCKER_NAME is up to date with HEAD $head"
fi

# --- 4. bare-metal leftovers -------------------------------------------------
if netmon_is_true "${CLEAN_BARE_METAL:-TRUE}" && [ -f "$NETMON_ROOT/node_modules/.install-stamp" ]; then
  say "removing bare-metal node_modules/ and dist/ (set CLEAN_BARE_METAL=FALSE to keep them)"
  rm -rf "$NETMON_ROOT/node_modules" "$NETMON_ROOT/dist"
fi

# --- 5. run ------------------------------------------------------------------
# The container's /app mirrors the repository root, so paths relative to the
# root (NETMON_CONFIG, passwordFile, webConfigFile) mean the same in both modes.
demo=false
for arg in "$@"; do
  if [ "$arg" = --demo ]; then demo=true; fi
done

case ${NETMON_CONFIG:-} in
  '') host_config=$NETMON_ROOT/configuration/config.json ;;
  /*) host_config=$NETMON_CONFIG ;;
  *) host_config=$NETMON_ROOT/$NETMON_CONFIG ;;
esac
if [ ! -f "$host_config" ] && ! $demo; then
  die "no configuration at $host_config: copy configuration/config.example.json to configuration/config.json and edit it, or try: shell/run_docker.sh --demo"
fi

# --- the container's user must be able to read what is mounted ---------------
# The image runs as uid/gid 1000 (the base image's `node` user). A mode-600
# config or password file owned by root is unreadable there, and would fail
# only inside the container; say so here, with the fix.
CONTAINER_UID=1000
CONTAINER_GID=1000

# "uid gid octal-mode" of a path, or nothing where stat cannot tell.
owner_and_mode() {
  stat -c '%u %g %a' "$1" 2>/dev/null || stat -f '%u %g %Lp' "$1" 2>/dev/null || true
}

# container_may PATH BIT: whether uid/gid 1000 has permission BIT (4 read, 1 search).
container_may() {
  facts=$(owner_and_mode "$1")
  [ -n "$facts" ] || return 0
  # shellcheck disable=SC2086 # three words on purpose
  set -- "$2" $facts
  bit=$1 uid=$2 gid=$3 mode=$4
  perms=$(printf '%03d' "$mode" | tail -c 3)
  if [ "$uid" = "$CONTAINER_UID" ]; then digit=$(printf '%s' "$perms" | cut -c1)
  elif [ "$gid" = "$CONTAINER_GID" ]; then digit=$(printf '%s' "$perms" | cut -c2)
  else digit=$(printf '%s' "$perms" | cut -c3); fi
  [ $((digit & bit)) -ne 0 ]
}

check_container_can_read() {
  file=$1
  if ! container_may "$file" 4; then
    die "the container runs as uid $CONTAINER_UID and cannot read $file ($(owner_and_mode "$file"): uid gid mode); fix: sudo chown $CONTAINER_UID:$CONTAINER_GID '$file' (see docs/deployment.md#file-ownership-in-the-container)"
  fi
}

if ! container_may "$NETMON_ROOT/configuration" 1; then
  die "the container runs as uid $CONTAINER_UID and cannot enter $NETMON_ROOT/configuration ($(owner_and_mode "$NETMON_ROOT/configuration"): uid gid mode); fix: chmod o+x '$NETMON_ROOT/configuration' (see docs/deployment.md#file-ownership-in-the-container)"
fi
if [ -f "$host_config" ]; then
  check_container_can_read "$host_config"
  # Password files and keys beside it are read by the container too.
  for secret in "$NETMON_ROOT"/configuration/*.pass "$NETMON_ROOT"/configuration/*.key; do
    if [ -f "$secret" ]; then check_container_can_read "$secret"; fi
  done
fi

# Options are prepended to the pass-through arguments, the only array sh has.
set -- "$DOCKER_NAME" serve "$@"

if [ -f "$host_config" ]; then
  case $host_config in
    "$NETMON_ROOT"/configuration/*)
      set -- -e "NETMON_CONFIG=/app/configuration/${host_config#"$NETMON_ROOT"/configuration/}" "$@"
      ;;
    *)
      set -- -v "$host_config:/app/external-config.json:ro" -e NETMON_CONFIG=/app/external-config.json "$@"
      ;;
  esac
fi
set -- -v "$NETMON_ROOT/configuration:/app/configuration:ro" "$@"

if [ -n "${STATE_DIR:-}" ]; then
  case $STATE_DIR in
    /*) state=$STATE_DIR ;;
    *) state=$NETMON_ROOT/$STATE_DIR ;;
  esac
  mkdir -p "$state"
else
  state=$DOCKER_NAME-state
fi
set -- -v "$state:/app/data" "$@"

# The file's values first, then explicit -e, which docker lets override them:
# the listen address must be the one the image exposes and publishes.
if [ -n "${LOG_LEVEL:-}" ]; then set -- -e "LOG_LEVEL=$LOG_LEVEL" "$@"; fi
set -- -e NETMON_LISTEN=0.0.0.0:9847 "$@"
if [ -f "$NETMON_ENV_FILE" ]; then set -- --env-file "$NETMON_ENV_FILE" "$@"; fi

set -- --publish "$METRICS_PORT:9847" "$@"
# The exporter needs no privilege and writes only to /app/data.
set -- --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges "$@"

if [ -n "${DOCKER_RESTART:-}" ]; then
  set -- --detach --restart "$DOCKER_RESTART" "$@"
  say "starting $DOCKER_NAME detached (restart $DOCKER_RESTART); follow it with: docker logs -f $DOCKER_NAME"
else
  set -- --rm "$@"
fi

# A previous detached run would hold the name.
if docker container inspect "$DOCKER_NAME" >/dev/null 2>&1; then
  say "replacing the existing container $DOCKER_NAME"
  docker rm --force "$DOCKER_NAME" >/dev/null
fi

exec docker run --init --name "$DOCKER_NAME" "$@"
