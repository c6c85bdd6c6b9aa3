#!/usr/bin/env bash
# Runs Iblagh locally: the whole stack on loopback with throw-away keys and SQLite (see stack.sh).
#   deploy/local/run.sh                build, start, submit demonstration reports, print what to open;
#                                      run again while the stack runs: stop it
#   deploy/local/run.sh status         which instances run, which crashed
#   deploy/local/run.sh restart NAME   restart one instance
#   deploy/local/run.sh stop           stop everything
#   deploy/local/run.sh --postgres     the same stack with its stores in PostgreSQL (a throw-away server on loopback)
IBLAGH_SELF="$0" exec "$(dirname "$0")/stack.sh" "$@"
