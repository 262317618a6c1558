#!/usr/bin/env bash
# The soak: many runs under seeded random faults, then the checks that nothing was lost or done twice.
#
#   infra/scripts/soak.sh [--runs N] [--minutes M] [--seed S] [--drain-timeout SECONDS]
#
# Defaults: 1,000 runs of the flow `soak-order` (tests/Resolute.TestFlows/SoakFlow.cs: a parallel step, flaky nodes
# that need retries, compensations chosen by the input), started evenly over the first 80% of M minutes (default one
# minute per 250 runs), a random seed (printed: the same seed gives the same inputs and fault schedule).
#
# 1. installs what is missing (install-services.sh) and starts its own RabbitMQ and PostgreSQL (rabbitmq-node.sh,
#    postgres-node.sh) on ports apart from test.sh's and benchmark.sh's, so it runs beside them;
# 2. builds and runs tests/Resolute.Soak: 2 orchestrators and 3 workers as separate processes (tests/Resolute.TestHost)
#    and, at the seeded moments, `kill -9` of orchestrators and workers (each started again), RabbitMQ restarts and
#    PostgreSQL stopped for a few seconds;
# 3. prints the figures: runs lost, runs ended twice, runs ended in the wrong status, compensations run twice (each
#    must be 0), node executions per idempotency key (1x / 2x / 3+x), the time to drain, the wall time;
# 4. on exit, also after a failure or Ctrl-C, stops both services and deletes their files.
# Exit code: 0 when every must-be-zero figure is 0; 1 when one is not; 2 bad arguments; 3 the soak could not run.
# Every process's output goes to $RESOLUTE_SOAK_LOG (default /tmp/resolute-soak-processes.log).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export RESOLUTE_TEST_ROOT=${RESOLUTE_SOAK_ROOT:-${TMPDIR:-/tmp}/resolute-soak}
export RESOLUTE_TEST_RABBITMQ_NODE=resolute-soak@localhost
export RESOLUTE_TEST_RABBITMQ_PORT=${RESOLUTE_SOAK_RABBITMQ_PORT:-5695}
export RESOLUTE_TEST_RABBITMQ_MANAGEMENT_PORT=${RESOLUTE_SOAK_RABBITMQ_MANAGEMENT_PORT:-15695}
export RESOLUTE_TEST_RABBITMQ_DIST_PORT=${RESOLUTE_SOAK_RABBITMQ_DIST_PORT:-25695}
export RESOLUTE_TEST_EPMD_PORT=${RESOLUTE_SOAK_EPMD_PORT:-4392}
export RESOLUTE_TEST_POSTGRES_PORT=${RESOLUTE_SOAK_POSTGRES_PORT:-5455}
log_file=${RESOLUTE_SOAK_LOG:-${TMPDIR:-/tmp}/resolute-soak-processes.log}
# shellcheck source=test-services.env.sh
source "$here/test-services.env.sh"

say() { echo "[soak.sh] $*"; }

soak_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [[ -n $soak_pid ]] && kill -0 "$soak_pid" 2>/dev/null; then
    kill -TERM "$soak_pid" 2>/dev/null
    wait "$soak_pid" 2>/dev/null
  fi
  "$here/rabbitmq-node.sh" destroy &
  "$here/postgres-node.sh" destroy
  wait
  rmdir "$RESOLUTE_TEST_ROOT" 2>/dev/null
  say "exit code $rc"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$here/install-services.sh" --servers-only
"$here/rabbitmq-node.sh" destroy
"$here/postgres-node.sh" destroy
t=$(now)
"$here/rabbitmq-node.sh" start &
rabbit=$!
"$here/postgres-node.sh" start
wait "$rabbit"
say "rabbitmq (amqp 127.0.0.1:$RESOLUTE_TEST_RABBITMQ_PORT) and postgres (127.0.0.1:$RESOLUTE_TEST_POSTGRES_PORT) ready in $(elapsed "$t")s"
export_test_service_variables

command -v dotnet >/dev/null || { say "dotnet (the .NET 10 SDK) is not on PATH"; exit 1; }
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
cd "$repo"
dotnet build tests/Resolute.Soak -v quiet -nologo
say "process output: $log_file"
# In the background + wait, so that a signal runs the cleanup at once.
dotnet tests/Resolute.Soak/bin/Debug/net10.0/Resolute.Soak.dll --log "$log_file" "$@" &
soak_pid=$!
rc=0
wait "$soak_pid" || rc=$?
soak_pid=""
exit "$rc"
