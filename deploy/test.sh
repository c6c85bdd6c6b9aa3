#!/usr/bin/env bash
# Runs every test of Iblagh: installs what is missing (Debian packages, Python modules), builds, runs the suites.
#   deploy/test.sh [swift-testing options, e.g. --filter CurveAuthenticationTests]
# IBLAGH_FUZZ_SECONDS (default 12) is each fuzz target's time after the tests; 0 skips fuzzing (for a filtered run).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib/dependencies.sh
# systemd: systemd-analyze checks the units in deploy/systemd (kubectl, for deploy/kubernetes, is on the build image);
# chromium and its driver: the browser test of the citizen's web; postgresql: the store, hop and tracker tests run on
# PostgreSQL as well as SQLite; prometheus: its promtool checks and unit-tests the alerts in deploy/prometheus.
iblagh_require_packages systemd chromium chromium-driver postgresql prometheus
iblagh_require_python_modules

# The fuzzer's build (its own build folder, every module with the sanitizers) runs beside the main build and the
# tests, at the lowest priority: alone it keeps 2 cores only two-thirds busy, and the build and the tests leave cycles
# idle that it can take. Stopped, with everything it started, when this script ends.
fuzz_seconds=${IBLAGH_FUZZ_SECONDS:-12}
fuzz_build=
if [ "$fuzz_seconds" -gt 0 ]; then
    mkdir -p state/fuzz
    setsid nice -n 19 Tests/Fuzz/fuzz.sh --build-only >state/fuzz/build.log 2>&1 &
    fuzz_build=$!
fi

# A throw-away PostgreSQL server on loopback for the tests (each test makes a database of its own on it); stopped
# and removed when the tests end, however they end.
postgres_dir="$(mktemp -d /tmp/iblagh-test-postgres.XXXXXX)"
# Every test's folder (stores, keys, logs: a few hundred MiB a run) is made in one scratch folder: removed when the
# run passed, kept for a post-mortem when it failed.
scratch="$(mktemp -d /tmp/iblagh-tests.XXXXXX)"
chmod 755 "$scratch"   # the PostgreSQL servers that some tests start run as the postgres user, in folders below it
cleanup() {
    local status=$?
    deploy/lib/postgres.sh stop "$postgres_dir" || true
    rm -rf "$postgres_dir"
    if [ "$status" -eq 0 ]; then rm -rf "$scratch"; else echo "the tests' folders are kept in $scratch" >&2; fi
    [ -z "$fuzz_build" ] || kill -- -"$fuzz_build" 2>/dev/null || true
}
trap cleanup EXIT
echo "==> starting a throw-away PostgreSQL server for the tests"
postgres_url="$(deploy/lib/postgres.sh start "$postgres_dir" "${IBLAGH_TEST_POSTGRES_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}")"

# Without debug info (a third less build time), linked by lld from the Swift toolchain (the system linker took 52 s
# to link the test bundle and the executables; lld 13 s).
echo "==> building (debug, without debug info, linked by lld) and running the tests"
build_flags=(-Xswiftc -gnone -Xswiftc -use-ld=lld)
swift build --build-tests "${build_flags[@]}"
# SwiftPM plans the build again whenever its environment changed, and its plan lists package traits in a random
# order: the next build then compiled SwiftProtobuf and Hummingbird again (40–50 s). So the server's URL (a new port
# each run) reaches only the tests, and the test bundle runs itself (every suite is swift-testing) rather than
# through `swift test`, which plans again on every call.
IBLAGH_TEST_POSTGRES="$postgres_url" IBLAGH_TEST_SCRATCH="$scratch" \
    "$(swift build "${build_flags[@]}" --show-bin-path)/IblaghPackageTests.xctest" --testing-library swift-testing "$@"

if [ -n "$fuzz_build" ]; then
    echo "==> finishing the fuzzer's build (state/fuzz/build.log)"
    wait "$fuzz_build" || { tail -40 state/fuzz/build.log >&2; echo "the fuzzer's build failed" >&2; exit 1; }
    fuzz_build=
    echo "==> fuzzing each target for ${fuzz_seconds}s (Tests/Fuzz/fuzz.sh; longer runs: docs/reliability.md)"
    Tests/Fuzz/fuzz.sh --no-build "$fuzz_seconds"
fi
