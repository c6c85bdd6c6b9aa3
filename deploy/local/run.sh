#!/usr/bin/env bash
# Runs Iblagh locally. For now: builds the `iblagh` tool in release mode and runs its CURVE demonstration on
# loopback — an enrolled integrator key delivers a message, an unknown key is refused during the handshake.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/lib/dependencies.sh
iblagh_require_packages

state="${IBLAGH_STATE:-$PWD/state}"
echo "==> building iblagh (release)"
swift build -c release --product iblagh
bin="$(swift build -c release --show-bin-path)"
echo "==> CURVE demonstration on loopback (keys in $state/demo-keys)"
rm -rf "$state/demo-keys"
"$bin/iblagh" demo --dir "$state/demo-keys"
