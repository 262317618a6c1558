#!/usr/bin/env bash
# The engine benchmark: N runs of a 5-node flow (1 node, a parallel step of 3, 1 node; no-op nodes),
# embedded (in-memory transport + SQLite) and distributed (RabbitMQ + PostgreSQL, orchestrator and one
# worker as separate processes). Prints runs/s, node executions/s and p50/p99 per-step overhead.
# Each mode runs twice, on a fresh database each time: with the transactional outbox (the default: commands
# stored with the saga, sent after the commit) and with MassTransit's in-memory outbox; the last lines compare them.
#
#   infra/scripts/benchmark.sh [--runs N] [--latency-runs N] [--outbox on|off|both]
#
# Starts its own RabbitMQ and PostgreSQL (PostgreSQL with its durable defaults: fsync on) on ports apart
# from the test services', and removes them on exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export RESOLUTE_TEST_ROOT=${RESOLUTE_BENCH_ROOT:-${TMPDIR:-/tmp}/resolute-bench}
export RESOLUTE_TEST_RABBITMQ_NODE=resolute-bench@localhost
export RESOLUTE_TEST_RABBITMQ_PORT=5693 RESOLUTE_TEST_RABBITMQ_MANAGEMENT_PORT=15693 RESOLUTE_TEST_RABBITMQ_DIST_PORT=25693
export RESOLUTE_TEST_EPMD_PORT=4390 RESOLUTE_TEST_POSTGRES_PORT=5453 RESOLUTE_TEST_POSTGRES_DURABLE=1
# shellcheck source=test-services.env.sh
source "$here/test-services.env.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  "$here/rabbitmq-node.sh" destroy &
  "$here/postgres-node.sh" destroy
  wait
  rmdir "$RESOLUTE_TEST_ROOT" 2>/dev/null
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v rabbitmq-server >/dev/null || { echo "rabbitmq-server is not installed: run infra/scripts/test.sh once, or apt-get install rabbitmq-server"; exit 1; }
"$here/rabbitmq-node.sh" destroy
"$here/postgres-node.sh" destroy
"$here/rabbitmq-node.sh" start
"$here/postgres-node.sh" start

cd "$repo"
dotnet build -c Release tests/Resolute.Benchmarks -v quiet -nologo
dotnet tests/Resolute.Benchmarks/bin/Release/net10.0/Resolute.Benchmarks.dll embedded distributed \
  --rabbitmq "amqp://guest:guest@127.0.0.1:$RESOLUTE_TEST_RABBITMQ_PORT/" \
  --postgres "Host=127.0.0.1;Port=$RESOLUTE_TEST_POSTGRES_PORT;Username=postgres;Database=postgres" "$@"
