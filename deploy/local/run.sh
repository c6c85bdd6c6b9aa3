#!/usr/bin/env bash
# Runs Iblagh locally: the whole stack on loopback with throw-away keys and SQLite (see stack.sh).
#   deploy/local/run.sh          build, start, submit demonstration reports, print what to open
#   deploy/local/run.sh stop     stop everything
exec "$(dirname "$0")/stack.sh" "$@"
