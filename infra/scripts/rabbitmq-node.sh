#!/usr/bin/env bash
# Controls the private RabbitMQ node of the test run (not a system RabbitMQ).
#
#   rabbitmq-node.sh start     create the node's files if missing, start it, wait until it accepts AMQP
#   rabbitmq-node.sh wait      wait until the node accepts AMQP and HTTP connections
#   rabbitmq-node.sh stop      graceful stop; durable queues and messages are kept for the next start
#   rabbitmq-node.sh kill      SIGKILL the node (a crash); data is kept for the next start
#   rabbitmq-node.sh destroy   stop everything of this node (also a stale one), remove its files
#   rabbitmq-node.sh ctl ARGS  rabbitmqctl against this node, e.g. `ctl list_queues -p VHOST`
#
# test.sh exports RESOLUTE_TEST_RABBITMQ_CTL=<this script> so that durability tests can stop,
# kill and restart the broker. Names and ports come from test-services.env.sh.
#
# Why it looks like this:
# - No systemd here, and the node must not touch a system RabbitMQ: own node name, ports,
#   directories, config, plugin list, and an epmd on a private port.
# - RabbitMQ runs as user `rabbitmq`; rabbitmqctl must present the same Erlang cookie as the
#   node. Both run as `rabbitmq` with HOME in the node's directory, where `start` writes the
#   cookie, so /root/.erlang.cookie and /var/lib/rabbitmq/.erlang.cookie never matter.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR
source "$here/test-services.env.sh"

node=$RESOLUTE_TEST_RABBITMQ_NODE
dir=$RESOLUTE_TEST_ROOT/rabbitmq-$RESOLUTE_TEST_RABBITMQ_PORT
pid_file=$dir/node.pid
epmd_marker=$dir/epmd.started-by-us
bin=/usr/lib/rabbitmq/bin

log() { echo "[rabbitmq-node] $*" >&2; }

# The environment of every RabbitMQ/Erlang process of this node, server and CLI alike.
rabbit_env=(
  HOME="$dir/home"
  ERL_EPMD_PORT="$RESOLUTE_TEST_EPMD_PORT"
  RABBITMQ_NODENAME="$node"
  RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  RABBITMQ_NODE_PORT="$RESOLUTE_TEST_RABBITMQ_PORT"
  RABBITMQ_DIST_PORT="$RESOLUTE_TEST_RABBITMQ_DIST_PORT"
  RABBITMQ_MNESIA_BASE="$dir/mnesia"
  RABBITMQ_LOG_BASE="$dir/log"
  RABBITMQ_PID_FILE="$pid_file"
  RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
  RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
  RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
  # An empty env file: /etc/rabbitmq/rabbitmq-env.conf belongs to the system node.
  RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
  # Erlang distribution on loopback only.
  "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
)

# Root runs the node and its CLI as user rabbitmq (setpriv execs, no lingering parent process).
run_as=()
if [[ $(id -u) == 0 ]]; then run_as=(setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups --); fi

# as_rabbitmq CMD...: run CMD with the node's user and environment, from the node's directory
# (root's cwd may be unreadable for rabbitmq).
as_rabbitmq() { (cd "$dir" && exec "${run_as[@]}" env "${rabbit_env[@]}" "$@"); }

node_pid() { [[ -s $pid_file ]] && cat "$pid_file"; }
node_alive() { local pid; pid=$(node_pid) && kill -0 "$pid" 2>/dev/null; }

init_files() {
  [[ -d $dir/home ]] && return 0
  mkdir -p "$RESOLUTE_TEST_ROOT" "$dir/home" "$dir/mnesia" "$dir/log"
  chmod 755 "$RESOLUTE_TEST_ROOT"
  : >"$dir/rabbitmq-env.conf"
  # Written directly: `rabbitmq-plugins enable --offline` would boot an Erlang VM for one line.
  echo '[rabbitmq_management].' >"$dir/enabled_plugins"
  cat >"$dir/rabbitmq.conf" <<EOF
management.tcp.ip = 127.0.0.1
management.tcp.port = $RESOLUTE_TEST_RABBITMQ_MANAGEMENT_PORT
# guest/guest is allowed on loopback only, which is all the tests use.
loopback_users.guest = true
# Keep the default disk alarm from blocking publishers on a small tmp disk.
disk_free_limit.absolute = 50MB
EOF
  # A fresh random cookie shared by the node and rabbitmqctl (both read HOME/.erlang.cookie).
  head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$dir/home/.erlang.cookie"
  chmod 400 "$dir/home/.erlang.cookie"
  if [[ $(id -u) == 0 ]]; then chown -R rabbitmq:rabbitmq "$dir"; fi
}

ensure_epmd() {
  if epmd -port "$RESOLUTE_TEST_EPMD_PORT" -names >/dev/null 2>&1; then return 0; fi
  as_rabbitmq epmd -port "$RESOLUTE_TEST_EPMD_PORT" -address 127.0.0.1 -daemon
  touch "$epmd_marker"
  local deadline=$((SECONDS + 10))
  until epmd -port "$RESOLUTE_TEST_EPMD_PORT" -names >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { log "epmd did not start on port $RESOLUTE_TEST_EPMD_PORT"; return 1; }
    sleep 0.1
  done
}

# cmd_wait [LAUNCHER_PID]: with the pid of a server just launched, fail at once if it exits.
cmd_wait() {
  local launcher=${1:-} deadline=$((SECONDS + RESOLUTE_TEST_START_TIMEOUT))
  # 1. the node wrote its pid file (it does so early in boot)...
  until node_alive; do
    if [[ -n $launcher ]] && ! kill -0 "$launcher" 2>/dev/null; then log "rabbitmq-server exited during boot"; dump_logs; return 1; fi
    if ((SECONDS >= deadline)); then log "node did not start; see $dir/log"; dump_logs; return 1; fi
    sleep 0.2
  done
  # 2. ...then rabbitmqctl waits for the boot to finish (fails fast if the node dies meanwhile)...
  if ! as_rabbitmq "$bin/rabbitmqctl" -q -n "$node" wait --timeout $((deadline - SECONDS)) "$pid_file" >/dev/null; then
    log "node did not finish booting"; dump_logs; return 1
  fi
  # 3. ...and both listeners accept connections.
  local port
  for port in "$RESOLUTE_TEST_RABBITMQ_PORT" "$RESOLUTE_TEST_RABBITMQ_MANAGEMENT_PORT"; do
    until port_open "$port"; do
      if ((SECONDS >= deadline)); then log "port $port is not open"; dump_logs; return 1; fi
      sleep 0.1
    done
  done
}

dump_logs() {
  local f
  for f in "$dir"/log/*.log "$dir/console.log"; do
    [[ -s $f ]] || continue
    echo "----- tail of $f" >&2
    tail -n 40 "$f" >&2
  done
}

cmd_start() {
  if node_alive; then cmd_wait; return; fi
  init_files
  local port pids
  for port in "$RESOLUTE_TEST_RABBITMQ_PORT" "$RESOLUTE_TEST_RABBITMQ_MANAGEMENT_PORT" "$RESOLUTE_TEST_RABBITMQ_DIST_PORT"; do
    if pids=$(listener_pids "$port") && [[ -n $pids ]]; then
      log "port $port is already in use by: $(ps -o pid=,args= -p "${pids//$'\n'/,}" | cut -c1-150)"
      return 1
    fi
  done
  ensure_epmd
  rm -f "$pid_file"
  # Foreground server in its own session: Ctrl-C on the test run does not reach it, and its
  # console output (boot errors) lands in a file.
  (cd "$dir" && exec "${run_as[@]}" env "${rabbit_env[@]}" setsid "$bin/rabbitmq-server") \
    >"$dir/console.log" 2>&1 </dev/null &
  cmd_wait $!
}

cmd_stop() {
  node_alive || return 0
  local pid; pid=$(node_pid)
  # `rabbitmqctl stop PIDFILE` returns once the OS process has exited.
  as_rabbitmq timeout 60 "$bin/rabbitmqctl" -q -n "$node" stop "$pid_file" >/dev/null 2>&1 || true
  if ! wait_gone "$pid" 5; then
    log "graceful stop timed out; killing $pid"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || true
  fi
}

cmd_kill() {
  node_alive || return 0
  local pid; pid=$(node_pid)
  kill -KILL "$pid"
  wait_gone "$pid" 10
}

# Also finds a node whose pid file is gone: a listener on our ports whose command line has our
# node's HOME (the node name itself is not on the beam command line).
kill_strays() {
  local port pid
  for port in "$RESOLUTE_TEST_RABBITMQ_PORT" "$RESOLUTE_TEST_RABBITMQ_MANAGEMENT_PORT" "$RESOLUTE_TEST_RABBITMQ_DIST_PORT"; do
    for pid in $(listener_pids "$port"); do
      if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-home $dir/home"; then
        log "killing stale node process $pid (port $port)"
        kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" 10 || true
      fi
    done
  done
}

cmd_destroy() {
  # The files are about to be deleted: no need for a graceful (7 s) stop.
  cmd_kill || true
  kill_strays
  # Only an epmd this script started (a shared one may serve other nodes). epmd refuses to
  # die while a node is registered, which is the safety we want.
  if [[ -e $epmd_marker ]]; then
    epmd -port "$RESOLUTE_TEST_EPMD_PORT" -kill >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) cmd_start ;;
  wait) cmd_wait ;;
  stop) cmd_stop ;;
  kill) cmd_kill ;;
  destroy) cmd_destroy ;;
  ctl) shift; as_rabbitmq "$bin/rabbitmqctl" -n "$node" "$@" ;;
  *) echo "usage: $0 start|wait|stop|kill|destroy|ctl ARGS..." >&2; exit 2 ;;
esac
