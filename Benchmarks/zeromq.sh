#!/usr/bin/env bash
# Benchmark: messages/s through Iblagh's Swift ZeroMQ API over CURVE PUSH/PULL on loopback, beside the same workload
# written in C against libzmq, in the same run. Each figure is the median of RUNS runs (default 5).
#   Benchmarks/zeromq.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib/dependencies.sh
iblagh_require_packages gcc bc

count="${1:-200000}"
runs="${RUNS:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "==> building the C baseline and the Swift benchmark (release)"
gcc -O2 -o "$work/curve_pushpull" Benchmarks/baseline/curve_pushpull.c -lzmq -lpthread
swift build -c release --product ZeroMQBench >/dev/null
bench="$(swift build -c release --show-bin-path)/ZeroMQBench"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf '\n%-8s %8s %14s %14s %14s %8s %8s\n' "payload" "messages" "C msg/s" "Swift loop" "Swift async" "loop/C" "async/C"
for size in 256 4096; do
  n=$count
  [ "$size" -ge 4096 ] && n=$((count / 4))
  c=(); loop=(); async=()
  # Interleave the contenders so a burst of load from elsewhere on this shared machine hits them alike.
  for _ in $(seq "$runs"); do
    c+=("$("$work/curve_pushpull" "$size" "$n")")
    loop+=("$("$bench" --size "$size" --count "$n" --mode loop)")
    async+=("$("$bench" --size "$size" --count "$n" --mode async)")
  done
  cm=$(printf '%s\n' "${c[@]}" | median)
  lm=$(printf '%s\n' "${loop[@]}" | median)
  am=$(printf '%s\n' "${async[@]}" | median)
  printf '%-8s %8s %14s %14s %14s %8.2f %8.2f\n' "${size} B" "$n" "$cm" "$lm" "$am" \
    "$(echo "$lm / $cm" | bc -l)" "$(echo "$am / $cm" | bc -l)"
done
echo
echo "Swift loop: blocking sender thread, receiver drained by a PollLoop handler (what services use on hot paths)."
echo "Swift async: both sides through AsyncSocket (async/await bridged to the poll loops), batches of 256 sends / up to 1,024 receives per hop."
