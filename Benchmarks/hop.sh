#!/usr/bin/env bash
# Benchmark of the reliable hop: producer -> 2 consumers (separate processes), 1-KiB payloads, fsync before every
# ACK; beside it, in the same run: (a) raw CURVE PUSH/PULL of the same payload (C on libzmq), (b) SQLite's durable
# group-commit rate on the same disk (1,000 rows per transaction, and 1 row per transaction).
#   Benchmarks/hop.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib/dependencies.sh
iblagh_require_packages gcc bc

count="${1:-50000}"
work="${IBLAGH_BENCH_DIR:-$PWD/state/bench-hop}"   # on the disk being measured, not tmpfs
mkdir -p "$work"

echo "==> building (release)"
gcc -O2 -o "$work/curve_pushpull" Benchmarks/baseline/curve_pushpull.c -lzmq -lpthread
swift build -c release --product HopBench >/dev/null
swift build -c release --product HopHarness >/dev/null
bin="$(swift build -c release --show-bin-path)"

echo "==> running ($count messages of 1 KiB)"
read -r rate p50 p99 < <("$bin/HopBench" hop --harness "$bin/HopHarness" --dir "$work/hop" --count "$count")
curve=$("$work/curve_pushpull" 1024 "$count")
sqlite_batch=$("$bin/HopBench" sqlite --dir "$work/sqlite" --count "$count" --batch 1000)
sqlite_single=$("$bin/HopBench" sqlite --dir "$work/sqlite" --count 2000 --batch 1)

ratio() { echo "scale=3; $1 / $2" | bc; }
printf '\n%-52s %12s %10s\n' "workload (1 KiB payloads)" "msg/s" "hop / it"
printf '%-52s %12s %10s\n' "reliable hop: producer -> 2 consumers, fsync, ack" "$rate" "1"
printf '%-52s %12s %10s\n' "(a) raw CURVE PUSH/PULL, C on libzmq" "$curve" "$(ratio "$rate" "$curve")"
printf '%-52s %12s %10s\n' "(b) SQLite durable inserts, 1,000 per transaction" "$sqlite_batch" "$(ratio "$rate" "$sqlite_batch")"
printf '%-52s %12s %10s\n' "(b) SQLite durable inserts, 1 per transaction" "$sqlite_single" "$(ratio "$rate" "$sqlite_single")"
printf '\nhop latency (envelope created -> effect committed at the consumer), under this burst: p50 %s us, p99 %s us\n' "$p50" "$p99"
