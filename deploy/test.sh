#!/usr/bin/env bash
# Runs every test of Iblagh: installs what is missing (Debian packages, Python modules), builds, runs the suites.
#   deploy/test.sh [swift test options, e.g. --filter CurveAuthenticationTests]
# IBLAGH_FUZZ_SECONDS (default 12) is each fuzz target's time after the tests; 0 skips fuzzing (for a filtered run).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib/dependencies.sh
# systemd: systemd-analyze checks the units in deploy/systemd (kubectl, for deploy/kubernetes, is on the build image);
# chromium and its driver: the browser test of the citizen's web.
iblagh_require_packages systemd chromium chromium-driver
iblagh_require_python_modules

echo "==> building (debug, without debug info: a third less build time) and running the tests"
swift build --build-tests -Xswiftc -gnone
swift test --skip-build "$@"

fuzz_seconds=${IBLAGH_FUZZ_SECONDS:-12}
if [ "$fuzz_seconds" -gt 0 ]; then
    echo "==> fuzzing each target for ${fuzz_seconds}s (Tests/Fuzz/fuzz.sh; longer runs: docs/reliability.md)"
    Tests/Fuzz/fuzz.sh "$fuzz_seconds"
fi
