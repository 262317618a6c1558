#!/usr/bin/env bash
# The one test command of Resolute:
#
#   infra/scripts/test.sh [dotnet test arguments]     e.g. infra/scripts/test.sh --filter Area=Definition
#
# 1. installs what is missing with apt (install-services.sh): rabbitmq-server, postgresql when no initdb is installed, and
#    docker-compose (1.29, without the Docker engine it recommends: the Operations tests run `docker-compose config`);
# 2. starts a private RabbitMQ node (management plugin on) and a throw-away PostgreSQL cluster on
#    127.0.0.1, without systemd or Docker and apart from any system instance (rabbitmq-node.sh,
#    postgres-node.sh);
# 3. exports the RESOLUTE_TEST_* variables the tests read (see "Variables for the tests" below);
# 4. runs `dotnet test Resolute.sln` with the arguments given;
# 5. on exit, also after a failure or Ctrl-C, stops both services and deletes their files.
# The exit code is that of dotnet test. The last line is "Tests: N passed, N failed, N skipped".
#
# RESOLUTE_SKIP_SERVICES=1   only run `dotnet test` (no apt, no services): quick unit-test runs.
#                            Tests that need the servers then fail, saying to use this script.
# Ports and paths, all overridable (defaults in test-services.env.sh):
#   RESOLUTE_TEST_RABBITMQ_PORT=5673  RESOLUTE_TEST_RABBITMQ_MANAGEMENT_PORT=15673
#   RESOLUTE_TEST_RABBITMQ_DIST_PORT=25673  RESOLUTE_TEST_EPMD_PORT=4370
#   RESOLUTE_TEST_POSTGRES_PORT=5433  RESOLUTE_TEST_ROOT=/tmp/resolute-test
# Needs root for apt and to run the servers as their own users (CI and the dev machines are root).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR
source "$here/test-services.env.sh"

say() { echo "[test.sh] $*"; }

script_start=$(now)
services=false      # true once services may be running: cleanup must then destroy them
test_pid=""
# TRX files, read for the closing line. A fixed path, so that a killed run leaves nothing behind
# that the next run does not remove.
results_dir=$RESOLUTE_TEST_ROOT/test-results
rm -rf "$results_dir"

# Sums the TRX counters of all test assemblies into the plain closing line
# (skipped tests are not "notExecuted" there: they are total - executed).
print_summary() {
  local files=("$results_dir"/*.trx)
  [[ -e ${files[0]} ]] || return 0
  grep -ho '<Counters [^>]*>' "${files[@]}" | awk '
    { for (i = 1; i <= NF; i++) if (split($i, kv, "=") == 2) { gsub(/[^0-9]/, "", kv[2]); n[kv[1]] += kv[2] } }
    END { printf "Tests: %d passed, %d failed, %d skipped\n", n["passed"], n["failed"] + n["error"] + n["timeout"] + n["aborted"], n["total"] - n["executed"] }'
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [[ -n $test_pid ]] && kill -0 "$test_pid" 2>/dev/null; then
    kill -TERM "$test_pid" 2>/dev/null
    wait "$test_pid" 2>/dev/null
  fi
  if [[ $services == true ]]; then
    local t; t=$(now)
    "$here/rabbitmq-node.sh" destroy &
    "$here/postgres-node.sh" destroy
    wait
    say "services stopped and removed in $(elapsed "$t")s"
  fi
  say "total $(elapsed "$script_start")s, exit code $rc"
  print_summary
  rm -rf "$results_dir"
  rmdir "$RESOLUTE_TEST_ROOT" 2>/dev/null
  exit "$rc"
}
trap cleanup EXIT
# Turn signals into an ordinary exit, so that the EXIT trap cleans up.
trap 'exit 130' INT
trap 'exit 143' TERM

start_services() {
  local t
  "$here/install-services.sh"
  services=true
  # Leftovers of an earlier run that could not clean up (SIGKILL, power loss): same node name,
  # same ports, same directories. Removed before starting fresh.
  "$here/rabbitmq-node.sh" destroy
  "$here/postgres-node.sh" destroy

  t=$(now)
  "$here/rabbitmq-node.sh" start
  say "rabbitmq ready in $(elapsed "$t")s (node $RESOLUTE_TEST_RABBITMQ_NODE, amqp 127.0.0.1:$RESOLUTE_TEST_RABBITMQ_PORT, management :$RESOLUTE_TEST_RABBITMQ_MANAGEMENT_PORT)"

  t=$(now)
  "$here/postgres-node.sh" start
  say "postgres ready in $(elapsed "$t")s (127.0.0.1:$RESOLUTE_TEST_POSTGRES_PORT)"

  export_test_service_variables
}

if [[ ${RESOLUTE_SKIP_SERVICES:-} == 1 ]]; then
  say "RESOLUTE_SKIP_SERVICES=1: no RabbitMQ, no PostgreSQL"
else
  start_services
fi

command -v dotnet >/dev/null || { say "dotnet (the .NET 10 SDK) is not on PATH"; exit 1; }
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
cd "$repo"
t=$(now)
# In the background + wait, so that a signal runs the cleanup at once instead of after the tests.
# -m:1 runs the test assemblies one after another: the durability scenarios stop and restart the shared
# RabbitMQ and PostgreSQL, which would break another assembly's tests running at the same moment.
dotnet test Resolute.sln -m:1 --logger "console;verbosity=normal" --logger trx --results-directory "$results_dir" "$@" &
test_pid=$!
rc=0
wait "$test_pid" || rc=$?
test_pid=""
say "dotnet test finished in $(elapsed "$t")s with exit code $rc"
exit "$rc"
