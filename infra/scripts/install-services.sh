#!/usr/bin/env bash
# Installs with apt what the private test services need and is missing (test.sh and soak.sh call it):
#
#   install-services.sh                  rabbitmq-server, postgresql (when no initdb is installed) and docker-compose
#   install-services.sh --servers-only   rabbitmq-server and postgresql only
#
# docker-compose (1.29) is installed without the Docker engine it recommends: the Operations tests only run
# `docker-compose config`. Needs root when something is missing; apt's output is shown only when it fails.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR
source "$here/test-services.env.sh"

log() { echo "[install-services] $*"; }

with_compose=true
case "${1:-}" in
  "") ;;
  --servers-only) with_compose=false ;;
  *) echo "usage: $0 [--servers-only]" >&2; exit 2 ;;
esac

install_missing() {
  local missing=() lean=() t
  [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || missing+=(rabbitmq-server)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  # Installed without recommends: docker-compose recommends the Docker engine, which the tests do not need.
  [[ $with_compose == false ]] || command -v docker-compose >/dev/null || lean+=(docker-compose)
  local all=("${missing[@]}" "${lean[@]}")
  if ((${#all[@]} == 0)); then
    log "install: nothing missing"
    return 0
  fi
  if [[ $(id -u) != 0 ]]; then
    log "missing ${all[*]}, and apt-get needs root"; return 1
  fi
  log "installing ${all[*]} with apt-get..."
  # apt's chatter goes to a file, shown only when it fails.
  local apt_log; apt_log=$(mktemp)
  # `apt-get update` only now: it costs seconds, and a fresh machine's package lists may be empty.
  t=$(now)
  if ! DEBIAN_FRONTEND=noninteractive apt-get update -q >"$apt_log" 2>&1; then
    tail -n 40 "$apt_log"; rm -f "$apt_log"; log "apt-get update failed"; return 1
  fi
  log "apt-get update took $(elapsed "$t")s"
  t=$(now)
  if ((${#missing[@]} > 0)) && ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >"$apt_log" 2>&1; then
    tail -n 40 "$apt_log"; rm -f "$apt_log"; log "apt-get install failed"; return 1
  fi
  if ((${#lean[@]} > 0)) && ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${lean[@]}" >"$apt_log" 2>&1; then
    tail -n 40 "$apt_log"; rm -f "$apt_log"; log "apt-get install failed"; return 1
  fi
  rm -f "$apt_log"
  log "installed ${all[*]} in $(elapsed "$t")s"
}

install_missing
