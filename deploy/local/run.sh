#!/usr/bin/env bash
# Runs Iblagh locally: the whole stack on loopback with throw-away keys and SQLite (see stack.sh).
#   deploy/local/run.sh                build, start, submit demonstration reports, print what to open;
#                                      run again while the stack runs: stop it
#   deploy/local/run.sh status         which instances run, which crashed
#   deploy/local/run.sh restart NAME   restart one instance
#   deploy/local/run.sh stop           stop everything
IBLAGH_SELF="$0" exec "$(dirname "$0")/stack.sh" "$@"
