#!/usr/bin/env bash
# Fuzzes the code that reads what strangers send, with libFuzzer and AddressSanitizer.
#   Tests/Fuzz/fuzz.sh [SECONDS_PER_TARGET=60] [TARGET...]      targets: envelope messages report report-json place form
#   Tests/Fuzz/fuzz.sh --build-only        builds iblagh-fuzz and stops (deploy/test.sh runs it beside the tests)
#   Tests/Fuzz/fuzz.sh --no-build [...]    fuzzes with the iblagh-fuzz already built (a build with nothing to do
#                                          still takes about 16 s to plan)
# Each target starts from its committed corpus (Tests/Fuzz/Corpus/TARGET) in a working copy under state/fuzz/, so
# what the fuzzer adds never dirties the checkout. An input that crashes, trips a property or runs over 10 s is saved
# under state/fuzz/crashes/; copy it into the target's corpus folder and it becomes a test (FuzzCorpusTests replays
# every corpus file on every test run).
set -euo pipefail
cd "$(dirname "$0")/../.."
fuzzer=.build-fuzz/debug/iblagh-fuzz
build=yes
case "${1:-}" in
    --build-only) build=only; shift ;;
    --no-build) build=no; shift ;;
esac
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(envelope messages report report-json place form)

if [ "$build" != no ]; then
    echo "==> building iblagh-fuzz with libFuzzer and AddressSanitizer (.build-fuzz)"
    swift build --scratch-path .build-fuzz --product iblagh-fuzz -Xswiftc -gnone \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld 2>&1 \
        | { grep -v -e "Cannot export local symbol" -e "^warning: 'swift-distributed-tracing'" || true; }
fi
[ -x "$fuzzer" ] || { echo "fuzz.sh: no $fuzzer (the build failed, or --no-build before any build)" >&2; exit 1; }
[ "$build" != only ] || exit 0

work=state/fuzz
mkdir -p "$work/crashes"
# As many targets at once as there are cores: each fuzzer runs on one.
at_once=$(nproc)
started=()
for target in "${targets[@]}"; do
    [ -d "Tests/Fuzz/Corpus/$target" ] || { echo "fuzz.sh: no corpus for target $target" >&2; exit 2; }
    mkdir -p "$work/$target"
    cp -n "Tests/Fuzz/Corpus/$target"/* "$work/$target/"
    echo "==> fuzzing $target for ${seconds}s (corpus: $(ls "$work/$target" | wc -l) inputs)"
    "$fuzzer" "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$work/crashes/$target-" "$work/$target" > "$work/$target.log" 2>&1 &
    started+=("$!:$target")
    while [ "$(jobs -rp | wc -l)" -ge "$at_once" ]; do wait -n || true; done
done
failed=()
for entry in "${started[@]}"; do
    target=${entry#*:}
    if wait "${entry%%:*}"; then
        echo "    $target: $(grep -E "stat::number_of_executed_units|stat::new_units_added" "$work/$target.log" | tr '\n' ' ')"
    else
        failed+=("$target")
        echo "fuzz.sh: $target FAILED — the end of $work/$target.log:" >&2
        tail -40 "$work/$target.log" >&2
        ls -1 "$work/crashes/$target-"* 2>/dev/null | sed 's/^/  saved input: /' >&2 || true
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: broken targets: ${failed[*]} (copy each saved input into Tests/Fuzz/Corpus/TARGET/ to keep it as a test)" >&2
    exit 1
fi
echo "==> fuzzing: no crash, no broken property in ${targets[*]}"
