#!/usr/bin/env bash
# Runs every test of Iblagh: installs what is missing (Debian packages, Python modules), builds, runs the suites.
#   deploy/test.sh [swift test options, e.g. --filter CurveAuthenticationTests]
# IBLAGH_FUZZ_SECONDS (default 12) is each fuzz target's time after the tests; 0 skips fuzzing (for a filtered run).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib/dependencies.sh
# systemd: systemd-analyze checks the units in deploy/systemd (kubectl, for deploy/kubernetes, is on the build image);
# chromium and its driver: the browser test of the citizen's web; postgresql: the store, hop and tracker tests run on
# PostgreSQL as well as SQLite.
iblagh_require_packages systemd chromium chromium-driver postgresql
iblagh_require_python_modules

# A throw-away PostgreSQL server on loopback for the tests (each test makes a database of its own on it); stopped
# and removed when the tests end, however they end.
postgres_dir="$(mktemp -d /tmp/iblagh-test-postgres.XXXXXX)"
stop_postgres() { deploy/lib/postgres.sh stop "$postgres_dir" || true; rm -rf "$postgres_dir"; }
trap stop_postgres EXIT
echo "==> starting a throw-away PostgreSQL server for the tests"
IBLAGH_TEST_POSTGRES="$(deploy/lib/postgres.sh start "$postgres_dir" "${IBLAGH_TEST_POSTGRES_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}")"
export IBLAGH_TEST_POSTGRES

# Without debug info (a third less build time), linked by lld from the Swift toolchain (the system linker took 52 s
# to link the test bundle and the executables; lld 13 s).
echo "==> building (debug, without debug info, linked by lld) and running the tests"
swift build --build-tests -Xswiftc -gnone -Xswiftc -use-ld=lld
swift test --skip-build "$@"

fuzz_seconds=${IBLAGH_FUZZ_SECONDS:-12}
if [ "$fuzz_seconds" -gt 0 ]; then
    echo "==> fuzzing each target for ${fuzz_seconds}s (Tests/Fuzz/fuzz.sh; longer runs: docs/reliability.md)"
    Tests/Fuzz/fuzz.sh "$fuzz_seconds"
fi
