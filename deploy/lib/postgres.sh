#!/usr/bin/env bash
# A throw-away PostgreSQL server on loopback, for the tests and for the local stack on PostgreSQL.
#   postgres.sh start DIR PORT   starts it (creating the cluster in DIR/data on first use), prints its admin URL
#   postgres.sh stop DIR         stops it (fast shutdown: sessions are cut, committed data is kept)
# Debian's packages (postgresql, libpq-dev) are installed by deploy/lib/dependencies.sh. PostgreSQL refuses to run as
# root, so under root the server runs as the `postgres` user that Debian's package creates.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

command=${1:-}
dir=${2:-}
[ -n "$dir" ] || { echo "usage: postgres.sh start DIR PORT | stop DIR" >&2; exit 2; }

case "$command" in
  start)
    port=${3:?usage: postgres.sh start DIR PORT}
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -A trust -U iblagh -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # fsync stays on: the tests check durability through crashes. Connections: every test process and service
    # instance keeps a few. The server outlives this script, so it must not inherit the caller's descriptors (a
    # caller reading our output to its end would wait for the server): everything above 2 is closed first.
    (
      for fd in /proc/$BASHPID/fd/*; do
        fd="${fd##*/}"
        [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
      done
      exec </dev/null
      as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=400 -c shared_buffers=64MB -c fsync=on" >/dev/null
    ) || { tail -20 "$dir/server.log" >&2; exit 1; }
    echo "postgresql://iblagh@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ ! -f "$dir/data/postmaster.pid" ] || as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  *)
    echo "usage: postgres.sh start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
