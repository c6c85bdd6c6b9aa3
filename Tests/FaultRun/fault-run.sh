#!/usr/bin/env bash
# A fault run: the local stack carries uniquely keyed reports while a seeded schedule kills (-9) and pauses (SIGSTOP)
# its instances and restarts them; then a checker compares every Accepted reply with the stores.
#   Tests/FaultRun/fault-run.sh [REPORTS=10000] [SEED=1] [CYCLES=3]
# Environment: FAULT_EVERY (seconds between faults, default 2); FAULT_RATE (new reports per second, default 200);
# IBLAGH_BIN (executables already built; otherwise a release build); IBLAGH_STATE (default state/fault-run-SEED),
# IBLAGH_PORT_OFFSET (default 3000). Exit 0: nothing lost, nothing duplicated. The instances' logs stay in
# $IBLAGH_STATE/local/logs.
set -euo pipefail
cd "$(dirname "$0")/../.."
reports=${1:-10000}
seed=${2:-1}
export IBLAGH_STATE=${IBLAGH_STATE:-$PWD/state/fault-run-$seed}
export IBLAGH_PORT_OFFSET=${IBLAGH_PORT_OFFSET:-3000}
export IBLAGH_SCRYPT_LOG_N=${IBLAGH_SCRYPT_LOG_N:-4}
if [ -z "${IBLAGH_BIN:-}" ]; then
    echo "==> building (release)"
    swift build -c release
    IBLAGH_BIN="$(swift build -c release --show-bin-path)"
    export IBLAGH_BIN
fi
stack=deploy/local/run.sh
"$stack" stop > /dev/null 2>&1 || true
rm -rf "$IBLAGH_STATE"
trap '"$stack" stop > /dev/null 2>&1 || true' EXIT
"$stack" start | grep -E "^==>|ready" || true
"$stack" status | grep -q EXITED && { echo "fault-run.sh: the stack did not start" >&2; exit 1; }
"$IBLAGH_BIN/iblagh-fault-run" --stack "$stack" --state "$IBLAGH_STATE/local" --reports "$reports" --seed "$seed" \
    --fault-every "${FAULT_EVERY:-2}" --rate "${FAULT_RATE:-200}" --cycles "${3:-3}"
