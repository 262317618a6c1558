#!/usr/bin/env bash
# The engine benchmark, beside its peers, in one command. The measured flow: A → (B, C, D in parallel) → E, no-op nodes.
#
#   infra/scripts/benchmark.sh [--only SECTIONS] [--runs N] [--latency-runs N] [--outbox on|off|both] [more options]
#
# Sections (--only peers,embedded,distributed,sequential200,workers,memory; default: all — about 10-15 minutes on 2 cores):
#   peers          MassTransit Courier over RabbitMQ (5 sequential activities: Courier has no parallel step), Workflow Core
#                  3.22.0 in-memory, a bare MassTransit saga (in-memory repository and bus) doing the same join
#   embedded       Resolute in one process: in-memory transport + SQLite
#   distributed    Resolute with the orchestrator and one worker as separate processes: RabbitMQ + PostgreSQL
#   sequential200  a flow of 200 sequential no-op nodes: per-step overhead of the first 20 vs the last 20 (target ≤ 1.5×)
#   workers        nodes that wait 50 ms, two worker processes vs one (target ≈ 2×)
#   memory         orchestrator RSS with 10,000 runs in flight, sampled every second (target ≤ 300 MB, flat)
# Each pass prints runs/s with N runs started at once and the time a run takes one at a time (p50), embedded and
# distributed once with the transactional outbox and once with MassTransit's in-memory outbox (--outbox both), each
# on a fresh database; our lines keep their labels and add ratios to the peers measured in the same invocation.
# Ends with a markdown summary table for the README.
#
# Options: --runs N (500) --latency-runs N (50) --outbox on|off|both (both) --warmup N (at least N warm-up runs, 100)
#   --warmup-min S / --warmup-max S (10 / 60: warm-up runs in ~3 s windows until three agree within 10% and the JIT
#   has settled in every process) --sequential-runs N (3) --memory-runs N (10000) --worker-runs N (120)
#   --worker-concurrency N (2 nodes at once a worker). Details: tests/Resolute.Benchmarks/Program.cs.
#
# Starts its own RabbitMQ and PostgreSQL (PostgreSQL with its durable defaults: fsync on) on ports apart
# from the test services', and removes them on exit. Every distributed deployment gets its own database and vhost.
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
dotnet tests/Resolute.Benchmarks/bin/Release/net10.0/Resolute.Benchmarks.dll \
  --rabbitmq "amqp://guest:guest@127.0.0.1:$RESOLUTE_TEST_RABBITMQ_PORT/" \
  --rabbitmq-management "http://127.0.0.1:$RESOLUTE_TEST_RABBITMQ_MANAGEMENT_PORT/" \
  --postgres "Host=127.0.0.1;Port=$RESOLUTE_TEST_POSTGRES_PORT;Username=postgres;Database=postgres" "$@"
