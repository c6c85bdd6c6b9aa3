#!/usr/bin/env bash
# Benchmark of the jurisdiction router: (1) the matcher alone — routing decisions/s over a mix of places as reporters
# write them, beside normalising the same strings; (2) reports/s through intake -> router (submitted over the bus by
# 8 pipelined connections, accepted durably, routed and committed by a real iblagh-router process); (3) beside them,
# the single-hop figure (producer -> 2 consumers, 1 KiB) of the same run.
#   Benchmarks/router.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib/dependencies.sh
iblagh_require_packages

count="${1:-20000}"
work="${IBLAGH_BENCH_DIR:-$PWD/state/bench-router}"
mkdir -p "$work"

echo "==> building (release)"
for product in RoutingBench IntakeBench HopBench HopHarness iblagh-intake iblagh-router; do
  swift build -c release --product "$product" >/dev/null
done
bin="$(swift build -c release --show-bin-path)"

echo
echo "==> the matcher alone"
"$bin/RoutingBench" deploy/reference/morocco-territory.json 200000

echo
echo "==> intake -> router, $count reports (receipt hash at its cheapest, scrypt n=2^4, to measure the pipeline)"
"$bin/IntakeBench" --intake "$bin/iblagh-intake" --router "$bin/iblagh-router" --dir "$work/run" \
  --count "$count" --scrypt-log-n 4 --seconds 3 | grep -E "workload|raw|submit|routed"

echo
echo "==> beside it: one reliable hop, $count messages of 1 KiB, producer -> 2 consumers"
read -r rate _ < <("$bin/HopBench" hop --harness "$bin/HopHarness" --dir "$work/hop" --count "$count")
echo "reliable hop: $rate msg/s"
