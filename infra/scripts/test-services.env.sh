# shellcheck shell=bash
# Sourced (not executed) by test.sh, rabbitmq-node.sh and postgres-node.sh: the one place that
# names the private test services, so the scripts that start them and the tests that restart them
# always agree. Every value can be overridden from the environment.
#
# The ports differ from the system defaults (5672/15672/4369/5432) so that a RabbitMQ or PostgreSQL
# installed as a system service can keep running beside the test instances.

# Root of all throw-away state (RabbitMQ mnesia/logs, PostgreSQL data). A fixed path rather than a
# random one, so that a run killed with SIGKILL leaves pid files where the next run finds them.
: "${RESOLUTE_TEST_ROOT:=${TMPDIR:-/tmp}/resolute-test}"

: "${RESOLUTE_TEST_RABBITMQ_NODE:=resolute-test@localhost}"
: "${RESOLUTE_TEST_RABBITMQ_PORT:=5673}"
: "${RESOLUTE_TEST_RABBITMQ_MANAGEMENT_PORT:=15673}"
# Erlang distribution port (the CLI talks to the node through it) and a private epmd port, so
# that neither our epmd nor our node name can collide with a system RabbitMQ.
: "${RESOLUTE_TEST_RABBITMQ_DIST_PORT:=25673}"
: "${RESOLUTE_TEST_EPMD_PORT:=4370}"

: "${RESOLUTE_TEST_POSTGRES_PORT:=5433}"

# Seconds a service may take to accept connections before start fails. RabbitMQ needs 7-11 s on
# a quiet 2-core machine, but took 59 s while parallel builds loaded it: a generous bound costs nothing.
: "${RESOLUTE_TEST_START_TIMEOUT:=180}"

export RESOLUTE_TEST_ROOT RESOLUTE_TEST_RABBITMQ_NODE RESOLUTE_TEST_RABBITMQ_PORT \
  RESOLUTE_TEST_RABBITMQ_MANAGEMENT_PORT RESOLUTE_TEST_RABBITMQ_DIST_PORT RESOLUTE_TEST_EPMD_PORT \
  RESOLUTE_TEST_POSTGRES_PORT RESOLUTE_TEST_START_TIMEOUT

# Helpers shared by the scripts.

# now: wall clock in seconds with microseconds (bash 5).
now() { printf '%s\n' "${EPOCHREALTIME/,/.}"; }

# elapsed START: seconds since START with one decimal.
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# port_open PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# listener_pids PORT: pids of processes listening on TCP PORT (any address).
listener_pids() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u
}

# wait_gone PID SECONDS: wait until PID has exited; false on timeout.
wait_gone() {
  local pid=$1 deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# export_test_service_variables: the RESOLUTE_TEST_* variables the tests and the soak read to find the services started
# with the values above (tests/Resolute.IntegrationTests/Infrastructure/TestEnvironment.cs).
export_test_service_variables() {
  local scripts; scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  export RESOLUTE_TEST_POSTGRES="Host=127.0.0.1;Port=$RESOLUTE_TEST_POSTGRES_PORT;Username=postgres;Database=postgres"
  export RESOLUTE_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$RESOLUTE_TEST_RABBITMQ_PORT/"
  export RESOLUTE_TEST_RABBITMQ_MANAGEMENT="http://guest:guest@127.0.0.1:$RESOLUTE_TEST_RABBITMQ_MANAGEMENT_PORT/"
  export RESOLUTE_TEST_RABBITMQ_NODE
  export RESOLUTE_TEST_RABBITMQ_CTL="$scripts/rabbitmq-node.sh"
  export RESOLUTE_TEST_POSTGRES_CTL="$scripts/postgres-node.sh"
}
