#!/usr/bin/env bash
# The whole pipeline, measured: starts the local stack (deploy/local/stack.sh, release build, 7 instances) in its
# own folder and ports, measures in the same run the baselines — raw CURVE PUSH/PULL (C on libzmq), SQLite's
# durable group commit, the single reliable hop — then drives integrator connections until statistics has counted
# every accepted report, and prints the table (each figure beside its baselines) and writes JSON.
#   Benchmarks/pipeline.sh [SECONDS] [RATE]     RATE 0 (default): closed loop; else open loop at RATE reports/s
#   Benchmarks/pipeline.sh compare BEFORE.json AFTER.json   two runs' figures side by side, each with after ÷ before
#                                               and the rates against each run's own baselines
# Environment: IBLAGH_SCRYPT_LOG_N (intake's receipt-hash cost; default here 4, the cheapest; the service's is 10),
# IBLAGH_ROUTERS (router instances, default 2), IBLAGH_BENCH_BASELINES=0 (skip the baselines, e.g. for scaling runs),
# IBLAGH_BENCH_STORES (default "sqlite"; "sqlite postgres" runs the stack on each store in turn, same baselines).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib/dependencies.sh
if [ "${1:-}" = compare ]; then
  shift
  swift build -c release --product PipelineBench >/dev/null
  exec "$(swift build -c release --show-bin-path)/PipelineBench" compare "$@"
fi
stores="${IBLAGH_BENCH_STORES:-sqlite}"
case " $stores " in *" postgres "*) iblagh_require_packages gcc curl postgresql ;; *) iblagh_require_packages gcc curl ;; esac

seconds="${1:-60}"
rate="${2:-0}"
work="${IBLAGH_BENCH_DIR:-$PWD/state/bench-pipeline}"   # on the disk being measured, not tmpfs
offset=31000
mkdir -p "$work"

echo "==> building (release)"
for product in iblagh iblagh-intake iblagh-router iblagh-notifier iblagh-tracker iblagh-statistics PipelineBench HopBench HopHarness; do
  swift build -c release --product "$product" >/dev/null
done
gcc -O2 -o "$work/curve_pushpull" Benchmarks/baseline/curve_pushpull.c -lzmq -lpthread
bin="$(swift build -c release --show-bin-path)"

baselines=()
if [ "${IBLAGH_BENCH_BASELINES:-1}" != 0 ]; then
  echo "==> baselines"
  curve=$("$work/curve_pushpull" 1024 100000)
  sqlite=$("$bin/HopBench" sqlite --dir "$work/sqlite" --count 50000 --batch 1000)
  read -r hop _ < <("$bin/HopBench" hop --harness "$bin/HopHarness" --dir "$work/hop" --count 50000)
  echo "    raw CURVE PUSH/PULL $curve msg/s; SQLite 1,000/tx $sqlite rows/s; single hop $hop msg/s"
  baselines=(--baseline-curve "$curve" --baseline-sqlite "$sqlite" --baseline-hop "$hop")
fi

export IBLAGH_PORT_OFFSET="$offset" IBLAGH_BIN="$bin" IBLAGH_SCRYPT_LOG_N="${IBLAGH_SCRYPT_LOG_N:-4}"
trap 'deploy/local/stack.sh stop >/dev/null 2>&1 || true' EXIT
for store in $stores; do
  echo "==> the stack on $store (scrypt 2^${IBLAGH_SCRYPT_LOG_N}, ${IBLAGH_ROUTERS:-2} routers)"
  export IBLAGH_STATE="$work/stack-$store"
  deploy/local/stack.sh stop >/dev/null 2>&1 || true
  rm -rf "$IBLAGH_STATE"
  if [ "$store" = postgres ]; then deploy/local/stack.sh --postgres start >/dev/null; else deploy/local/stack.sh start >/dev/null; fi

  echo "==> load on $store: ${seconds} s, $([ "$rate" = 0 ] && echo "closed loop" || echo "open loop at $rate/s")"
  "$bin/PipelineBench" --state "$IBLAGH_STATE" --offset "$offset" --seconds "$seconds" --rate "$rate" \
    "${baselines[@]}" --json "$work/result-$store-$(date +%Y%m%dT%H%M%S).json"
  deploy/local/stack.sh stop >/dev/null
done
echo
echo "JSON in $work/ (compare two runs: $0 compare BEFORE.json AFTER.json)"
