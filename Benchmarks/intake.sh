#!/usr/bin/env bash
# Benchmark of intake's bus API: 8 pipelined integrator connections submitting reports to a real iblagh-intake
# process (CURVE, fsync before every Accepted), closed loop (maximum) and open loop (1,000 reports/s), beside the
# raw CURVE request/reply round trip of the same connections, measured in the same run. Run twice: with intake's
# default receipt-hash cost (scrypt n=2^10) and with the cheapest (n=2^4), to show what the memory-hard hash costs.
#   Benchmarks/intake.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib/dependencies.sh
iblagh_require_packages

count="${1:-40000}"
work="${IBLAGH_BENCH_DIR:-$PWD/state/bench-intake}"   # on the disk being measured, not tmpfs
mkdir -p "$work"

echo "==> building (release)"
swift build -c release --product iblagh-intake >/dev/null
swift build -c release --product IntakeBench >/dev/null
bin="$(swift build -c release --show-bin-path)"

# scrypt cost (log2 n), reports in the closed loop, open-loop rate
for run in "10 $((count / 10)) 500" "4 $count 1000"; do
  read -r cost reports rate <<<"$run"
  echo
  echo "==> scrypt n=2^$cost: $reports reports closed loop; $rate/s open loop for 10 s"
  "$bin/IntakeBench" --intake "$bin/iblagh-intake" --dir "$work/run" --count "$reports" --rate "$rate" --scrypt-log-n "$cost"
done
