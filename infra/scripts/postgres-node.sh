#!/usr/bin/env bash
# Controls the throw-away PostgreSQL cluster of the test run (not a system PostgreSQL).
#
#   postgres-node.sh start     create the cluster if missing (initdb), start it, wait until it accepts connections
#   postgres-node.sh wait      wait until it accepts connections
#   postgres-node.sh stop      fast shutdown; data is kept for the next start
#   postgres-node.sh kill      SIGKILL the postmaster and its backends (a crash); data is kept
#   postgres-node.sh destroy   stop it (also a stale one on our port) and remove its files
#   postgres-node.sh psql ARGS psql against this cluster as user postgres
#
# test.sh exports RESOLUTE_TEST_POSTGRES_CTL=<this script> for tests that restart the database.
# The port comes from test-services.env.sh. The cluster trusts local connections (tests only),
# and runs with fsync off: fine for tests, never for figures reported as durable.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR
source "$here/test-services.env.sh"

port=$RESOLUTE_TEST_POSTGRES_PORT
dir=$RESOLUTE_TEST_ROOT/postgres-$port
data=$dir/data

log() { echo "[postgres-node] $*" >&2; }

# Debian's PostgreSQL 15 when present (the version the project targets), else the newest installed.
pg_bin() {
  local d
  for d in /usr/lib/postgresql/15/bin $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -Vr); do
    [[ -x $d/initdb ]] && { echo "$d"; return 0; }
  done
  log "no PostgreSQL server found under /usr/lib/postgresql (apt-get install postgresql)"
  return 1
}
# (destroy must work even when the server package is gone)
bin=$(pg_bin) || [[ ${1:-} == destroy ]] || exit 1

# initdb and the server refuse to run as root: use the postgres account when we are root.
as_postgres() {
  if [[ $(id -u) == 0 ]]; then
    (cd "$dir" && exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$@")
  else
    (cd "$dir" && exec "$@")
  fi
}

postmaster_pid() { [[ -s $data/postmaster.pid ]] && head -n 1 "$data/postmaster.pid"; }
running() { local pid; pid=$(postmaster_pid) && kill -0 "$pid" 2>/dev/null; }

init_cluster() {
  [[ -s $data/PG_VERSION ]] && return 0
  mkdir -p "$RESOLUTE_TEST_ROOT" "$dir"
  chmod 755 "$RESOLUTE_TEST_ROOT"
  if [[ $(id -u) == 0 ]]; then chown postgres:postgres "$dir"; fi
  as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { log "initdb failed:"; cat "$dir/initdb.log" >&2; return 1; }
}

cmd_wait() {
  local deadline=$((SECONDS + RESOLUTE_TEST_START_TIMEOUT))
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -t 2; do
    if ((SECONDS >= deadline)); then log "PostgreSQL is not accepting connections on port $port"; tail -n 40 "$dir/postgres.log" >&2 || true; return 1; fi
    sleep 0.1
  done
}

cmd_start() {
  if running; then cmd_wait; return; fi
  init_cluster
  local pids
  if pids=$(listener_pids "$port") && [[ -n $pids ]]; then
    log "port $port is already in use by: $(ps -o pid=,args= -p "${pids//$'\n'/,}" | cut -c1-150)"
    return 1
  fi
  # -k: the Unix socket goes to our directory, not /var/run/postgresql (which may not exist).
  # RESOLUTE_TEST_POSTGRES_DURABLE=1 (the benchmark) keeps PostgreSQL's durable defaults.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [[ ${RESOLUTE_TEST_POSTGRES_DURABLE:-} == 1 ]] && durability=""
  as_postgres "$bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t "$RESOLUTE_TEST_START_TIMEOUT" start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $durability -c max_connections=300" \
    >/dev/null || { log "pg_ctl start failed"; tail -n 40 "$dir/postgres.log" >&2 || true; return 1; }
  cmd_wait
}

cmd_stop() {
  running || return 0
  as_postgres "$bin/pg_ctl" -D "$data" -m "${1:-fast}" -w -t 60 stop >/dev/null || true
}

# The postmaster and every backend: killing the postmaster alone would leave backends that keep
# the shared memory in use, and the next start would refuse to run.
cmd_kill() {
  running || return 0
  local pid children
  pid=$(postmaster_pid)
  children=$(pgrep -P "$pid" || true)
  # shellcheck disable=SC2086
  kill -KILL "$pid" $children 2>/dev/null || true
  wait_gone "$pid" 10
  for pid in $children; do wait_gone "$pid" 10 || true; done
}

# A postmaster whose data directory is gone but which still listens on our port.
kill_strays() {
  local pid
  for pid in $(listener_pids "$port"); do
    if [[ $(cat "/proc/$pid/comm" 2>/dev/null) == postgres ]] &&
      tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-p $port "; then
      log "killing stale postmaster $pid (port $port)"
      kill -QUIT "$pid" 2>/dev/null || true   # SIGQUIT = immediate shutdown, backends included
      wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

cmd_destroy() {
  # The data is about to be deleted: an immediate shutdown is enough.
  cmd_stop immediate
  kill_strays
  rm -rf "$dir"
}

case "${1:-}" in
  start) cmd_start ;;
  wait) cmd_wait ;;
  stop) cmd_stop ;;
  kill) cmd_kill ;;
  destroy) cmd_destroy ;;
  psql) shift; "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres "$@" ;;
  *) echo "usage: $0 start|wait|stop|kill|destroy|psql ARGS..." >&2; exit 2 ;;
esac
