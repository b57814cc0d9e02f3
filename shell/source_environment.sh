# shellcheck shell=sh
# Sourced (never executed) by run.sh, run_docker.sh and build_image.sh:
#   NETMON_ROOT=/path/to/repo; . "$NETMON_ROOT/shell/source_environment.sh"
#
# Exports configuration/environment.properties once per process tree: the first
# script to source it sets ALREADY_SOURCED, so nested scripts (run_docker.sh ->
# build_image.sh) and a shell that already sourced it do not read it again.
#
# The file is read as literal KEY=value lines, the same way `docker run
# --env-file` reads it, so a value means the same thing on bare metal and in the
# container (no quotes, no $expansion, no commands). A variable already set in
# the environment wins over the file, so `FORCE_REBUILD=TRUE shell/run.sh`
# works whatever the file says.

NETMON_ROOT=${NETMON_ROOT:-$(pwd)}

# TRUE, true, 1 and yes all mean yes: people type all of them.
netmon_is_true() {
  case ${1:-} in
    [Tt][Rr][Uu][Ee] | 1 | [Yy][Ee][Ss]) return 0 ;;
    *) return 1 ;;
  esac
}

# A fresh clone has only the example; it is a working default, not an error.
if [ -z "${NETMON_ENV_FILE:-}" ]; then
  if [ -f "$NETMON_ROOT/configuration/environment.properties" ]; then
    NETMON_ENV_FILE=$NETMON_ROOT/configuration/environment.properties
  else
    NETMON_ENV_FILE=$NETMON_ROOT/configuration/environment.properties.example
  fi
fi
export NETMON_ENV_FILE

if [ -z "${ALREADY_SOURCED:-}" ]; then
  if [ -f "$NETMON_ENV_FILE" ]; then
    _netmon_lineno=0
    while IFS= read -r _netmon_line || [ -n "$_netmon_line" ]; do
      _netmon_lineno=$((_netmon_lineno + 1))
      # Leading blanks are ignored, as docker does.
      _netmon_line=${_netmon_line#"${_netmon_line%%[![:space:]]*}"}
      case $_netmon_line in
        '' | '#'*) continue ;;
        *=*) ;;
        # docker passes a bare NAME through from the caller's environment,
        # which is what leaving it alone here does too.
        *) continue ;;
      esac
      _netmon_key=${_netmon_line%%=*}
      case $_netmon_key in
        '' | [0-9]* | *[!A-Za-z0-9_]*)
          printf 'source_environment: %s:%s: "%s" is not a variable name; expected KEY=value\n' \
            "$NETMON_ENV_FILE" "$_netmon_lineno" "$_netmon_key" >&2
          return 1
          ;;
      esac
      eval "_netmon_isset=\${$_netmon_key+set}"
      if [ -z "$_netmon_isset" ]; then
        export "$_netmon_key=${_netmon_line#*=}"
      fi
    done <"$NETMON_ENV_FILE"
    unset _netmon_line _netmon_key _netmon_isset _netmon_lineno
    printf 'source_environment: loaded %s\n' "$NETMON_ENV_FILE" >&2
  else
    printf 'source_environment: %s not found; using built-in defaults\n' "$NETMON_ENV_FILE" >&2
  fi
  ALREADY_SOURCED=TRUE
  export ALREADY_SOURCED
fi
