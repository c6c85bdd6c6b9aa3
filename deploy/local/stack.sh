#!/usr/bin/env bash
# The whole stack on loopback: intake, two jurisdiction routers, two regional police notifiers, the prosecution
# tracker and statistics, each with a throw-away CURVE key pair and its SQLite store under state/local/.
#   deploy/local/stack.sh                 start (build in release mode, start, submit demonstration reports);
#                                         called again while the stack runs: stop it
#   deploy/local/stack.sh start|stop      the same, explicitly
#   deploy/local/stack.sh status          each instance: running or exited (with its log's last line)
#   deploy/local/stack.sh restart NAME    restart one instance (after a crash) with its settings
#   --postgres (before start, or alone)   keep the stores in PostgreSQL instead of SQLite: a throw-away server on
#                                         loopback under state/local/postgres, one database per instance
# Environment: IBLAGH_STATE (default ./state), IBLAGH_BIN (use these built executables, do not build),
# IBLAGH_PORT_OFFSET (added to every port, default 0), IBLAGH_STOP_SECONDS (grace before SIGKILL, default 15),
# IBLAGH_SCRYPT_LOG_N (intake's receipt-hash cost, default 10; the benchmark lowers it), IBLAGH_ROUTERS (router
# instances, default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
state="${IBLAGH_STATE:-$PWD/state}/local"
pids="$state/pids"
self="${IBLAGH_SELF:-$0}"
offset="${IBLAGH_PORT_OFFSET:-0}"
port() { echo $(($1 + offset)); }
router_count="${IBLAGH_ROUTERS:-2}"
store_kind=sqlite
if [ "${1:-}" = "--postgres" ]; then
  store_kind=postgres
  shift
fi
postgres_dir="$state/postgres"
case "$router_count" in [1-9]) ;; *) echo "IBLAGH_ROUTERS: 1 to 9 router instances, not $router_count" >&2; exit 2 ;; esac
services=(intake:iblagh-intake)
for n in $(seq 1 "$router_count"); do services+=("router-$n:iblagh-router"); done
services+=(notifier-east:iblagh-notifier notifier-west:iblagh-notifier tracker:iblagh-tracker statistics:iblagh-statistics)
# Each instance's probe port (its /readyz).
probe_of() {
  case "$1" in
    intake) port 8080 ;; router-*) port $((8202 + 10 * (${1#router-} - 1))) ;; notifier-east) port 8302 ;;
    notifier-west) port 8312 ;; tracker) port 8402 ;; statistics) port 8502 ;;
  esac
}
pid_of() { [ -f "$pids" ] && awk -v n="$1" '$1 == n {print $2}' "$pids" | tail -1; }
# Alive: exists and is not a zombie (a crashed instance stays one when nothing reaps it, e.g. in a container). One
# look at its state: `kill -0` then `ps` took two, and a zombie reaped between them looked alive.
alive() { [ -n "${1:-}" ] && ps -o stat= -p "$1" 2>/dev/null | grep -q '^[^Z]'; }
running() { # any instance alive?
  [ -f "$pids" ] || return 1
  while read -r _ pid; do alive "$pid" && return 0; done <"$pids"
  return 1
}

stop_all() {
  [ -f "$pids" ] || return 0
  local grace="${IBLAGH_STOP_SECONDS:-15}" waited=0 left
  while read -r _ pid; do alive "$pid" && kill -TERM "$pid" 2>/dev/null || true; done <"$pids"
  # SIGTERM: each service stops taking work, finishes its commit and closes its store; wait for that.
  while :; do
    left=""
    while read -r name pid; do alive "$pid" && left="$left $name"; done <"$pids"
    [ -z "$left" ] && break
    if [ "$waited" -ge $((grace * 10)) ]; then
      echo "    did not stop within ${grace}s, killed:$left" >&2
      while read -r _ pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$pids"
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$pids"
  # The PostgreSQL server the stack started, if it did, after the services that use it.
  if [ -f "$postgres_dir/data/postmaster.pid" ]; then deploy/lib/postgres.sh stop "$postgres_dir" || true; fi
}

status() {
  [ -f "$pids" ] || { echo "the stack is not running (state in $state)"; return 0; }
  local probe answer
  printf '%-15s %-9s %-8s %s\n' instance state pid "its /readyz, or its log's last line"
  while read -r name pid; do
    if alive "$pid"; then
      # `ready`, or `not ready: PROBLEM; PROBLEM` from the lines of a 503's body.
      probe="http://127.0.0.1:$(probe_of "$name")/readyz"
      answer="$(curl -s --max-time 2 "$probe" 2>/dev/null | awk 'NR == 1 {s = $0; next} {s = s (NR == 2 ? ": " : "; ") $0} END {print s}')"
      printf '%-15s %-9s %-8s %s\n' "$name" running "$pid" "${answer:-no answer} ($probe)"
    else
      printf '%-15s %-9s %-8s %s\n' "$name" EXITED "$pid" "$(tail -n 1 "$state/logs/$name.log" 2>/dev/null | cut -c1-100)"
    fi
  done < <(awk '{last[$1] = $2} END {for (n in last) print n, last[n]}' "$pids" | sort)
}

# Starts one instance in the background, its output in logs/; the pid goes to the pids file.
launch() { # NAME
  local name="$1" entry executable=""
  for entry in "${services[@]}"; do [ "${entry%%:*}" = "$name" ] && executable="${entry#*:}"; done
  [ -n "$executable" ] || { echo "no instance named $name (one of: ${services[*]%%:*})" >&2; return 1; }
  # The instance outlives this script: it must not hold the script's own descriptors (a pipe such as
  # `run.sh | tee` would never see its end), so everything above 2 is closed and stdin is /dev/null.
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd="${fd##*/}"
      [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
    done
    exec "$bin/$executable" --config "$state/config/$name.json" </dev/null >>"$state/logs/$name.out" 2>>"$state/logs/$name.log"
  ) &
  echo "$name $!" >>"$pids"
}

# Waits for an instance's /readyz, showing progress; fails naming it (and its log) if it exits or stays unready.
wait_ready() { # NAME
  local name="$1" probe
  probe="$(probe_of "$name")"
  for _ in $(seq 1 150); do
    if curl -fs --max-time 2 "http://127.0.0.1:$probe/readyz" >/dev/null 2>&1; then
      printf '    %-15s ready   http://127.0.0.1:%s\n' "$name" "$probe"
      return 0
    fi
    alive "$(pid_of "$name")" || break
    sleep 0.2
  done
  if alive "$(pid_of "$name")"; then
    echo "    $name did not become ready within 30 s; its /readyz says:" >&2
    curl -s --max-time 2 "http://127.0.0.1:$probe/readyz" 2>&1 | sed 's/^/      /' >&2 || true
  fi
  echo "    $name's log ($state/logs/$name.log) ends with:" >&2
  tail -n 5 "$state/logs/$name.log" >&2 || true
  return 1
}

binaries() {
  if [ -n "${IBLAGH_BIN:-}" ]; then
    bin="$IBLAGH_BIN"
    return
  fi
  bin="$(swift build -c release --show-bin-path)"
}

case "${1:-}" in
  stop)
    stop_all
    echo "stopped; stores and logs stay in $state"
    exit 0 ;;
  status)
    status
    exit 0 ;;
  restart)
    [ -n "${2:-}" ] || { echo "usage: $self restart NAME" >&2; exit 2; }
    binaries
    if alive "$(pid_of "$2")"; then kill -TERM "$(pid_of "$2")" 2>/dev/null || true; sleep 1; fi
    launch "$2"
    wait_ready "$2"
    exit 0 ;;
  "")
    if running; then
      echo "==> the stack is running: stopping it (run again to start it)"
      stop_all
      echo "stopped; stores and logs stay in $state"
      exit 0
    fi ;;
  start) ;;
  *) echo "usage: $self [--postgres] [start|stop|status|restart NAME]" >&2; exit 2 ;;
esac

source deploy/lib/dependencies.sh
if [ "$store_kind" = postgres ]; then iblagh_require_packages curl postgresql; else iblagh_require_packages curl; fi
stop_all

if [ -z "${IBLAGH_BIN:-}" ]; then
  echo "==> building the five services and the iblagh tool (release; the first build takes several minutes)"
  # Their progress ("[n/m] Compiling …") on one line.
  for product in iblagh iblagh-intake iblagh-router iblagh-notifier iblagh-tracker iblagh-statistics; do
    swift build -c release --product "$product" 2>&1 | while IFS= read -r line; do
      case "$line" in
        \[*\]*) printf '\r    %-16s %-84.84s' "$product" "$line" ;;
        *error:*) printf '\n%s\n' "$line" ;;
      esac
    done
    [ "${PIPESTATUS[0]}" -eq 0 ] || { printf '\n'; echo "building $product failed; run swift build -c release --product $product to see why" >&2; exit 1; }
  done
  printf '\r%-104s\r' ""
  echo "    built"
fi
binaries
iblagh="$bin/iblagh"

keys="$state/keys"
rm -rf "$state/config"
mkdir -p "$state/config" "$state/logs"
source deploy/lib/keys.sh
key() { iblagh_key "$iblagh" "$keys" "$@"; }  # NAME ROLE ALLOW_DIR...
# Throw-away keys, made on the first start and kept after: the stores hold data sealed with them.
if [ ! -f "$keys/complete" ]; then
echo "==> throw-away keys in $keys"
rm -rf "$keys"
mkdir -p "$keys"
east="notifier:01,notifier:02,notifier:03,notifier:04,notifier:05,notifier:06,notifier:national"
west="notifier:07,notifier:08,notifier:09,notifier:10,notifier:11,notifier:12"
key intake intake tracker-consumers
key integrator-acme integrator:acme integrators
key notifier-east "$east" router-consumers
key notifier-west "$west" router-consumers
key tracker tracker intake-consumers router-consumers notifier-consumers
key statistics statistics tracker-consumers
key console-kenitra unit:police.wilaya.kenitra consoles
key console-casablanca unit:police.wilaya.casablanca consoles
key officer-kenitra officer:police.wilaya.kenitra actors
key prosecutor-kenitra prosecutor:parquet.tpi.kenitra actors
"$iblagh" keys data-key "$keys/intake.data-key" --id local-1 >/dev/null
"$iblagh" keys data-key "$keys/tracker.fact-key" --id local-1 >/dev/null
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$keys/statistics.operator-key"; chmod 600 "$keys/statistics.operator-key"
touch "$keys/complete"
else
echo "==> keys from the first start, in $keys"
fi

# Each instance's store: its SQLite file, or (--postgres) its database on the stack's own PostgreSQL server.
if [ "$store_kind" = postgres ]; then
  echo "==> PostgreSQL on loopback (data in $postgres_dir)"
  postgres_url="$(deploy/lib/postgres.sh start "$postgres_dir" "$(port 5544)")"
fi
db() { # INSTANCE FILE
  if [ "$store_kind" = postgres ]; then
    local name="iblagh_${1//-/_}"
    psql -X -q -t -A "$postgres_url" -c "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1 \
      || psql -X -q "$postgres_url" -c "CREATE DATABASE $name" >/dev/null
    echo "${postgres_url%/postgres}/$name"
  else
    echo "$state/$1/$2"
  fi
}

P() { echo "tcp://127.0.0.1:$(port "$1")"; }
# Router instances (IBLAGH_ROUTERS, default 2): a key each, made when first needed.
routers=""
for n in $(seq 1 "$router_count"); do
  [ -f "$keys/router-$n.key_secret" ] || key "router-$n" router intake-consumers
  routers="$routers${routers:+,}$(P $((7202 + 10 * (n - 1))))@$keys/router-$n.key"
done
notifiers="$(P 7302)@$keys/notifier-east.key,$(P 7312)@$keys/notifier-west.key"
cat >"$state/config/intake.json" <<JSON
{"intake": {"id": "intake-1", "database": "$(db intake-1 intake.db)", "key": "$keys/intake.key_secret",
  "integrators": "$keys/integrators", "consumers": "$keys/intake-consumers", "dataKey": "$keys/intake.data-key",
  "bus": {"endpoint": "$(P 7101)"}, "dispatch": {"endpoint": "$(P 7102)"},
  "trackers": "$(P 7402)@$keys/tracker.key", "http": {"port": $(port 8080)},
  "web": {"statisticsURL": "http://127.0.0.1:$(port 8502)/"}, "receipt": {"scryptLogN": ${IBLAGH_SCRYPT_LOG_N:-10}}},
  "log": {"level": "info"}}
JSON
for n in $(seq 1 "$router_count"); do
  step=$(((n - 1) * 10))
  cat >"$state/config/router-$n.json" <<JSON
{"router": {"id": "router-$n", "database": "$(db router-$n router.db)", "key": "$keys/router-$n.key_secret",
  "upstreams": "$(P 7102)@$keys/intake.key", "consumers": "$keys/router-consumers",
  "dispatch": {"endpoint": "$(P $((7202 + step)))"}, "reference": {"file": "$root/deploy/reference/morocco-territory.json"},
  "http": {"port": $(port $((8202 + step)))}}, "log": {"level": "info"}}
JSON
done
for side in east west; do
  if [ "$side" = east ]; then regions="01,02,03,04,05,06,national"; step=0; else regions="07,08,09,10,11,12"; step=10; fi
  cat >"$state/config/notifier-$side.json" <<JSON
{"notifier": {"id": "notifier-$side", "database": "$(db notifier-$side notifier.db)", "key": "$keys/notifier-$side.key_secret",
  "regions": "$regions", "upstreams": "$routers", "consumers": "$keys/notifier-consumers", "consoles": "$keys/consoles",
  "console": {"endpoint": "$(P $((7301 + step)))"}, "dispatch": {"endpoint": "$(P $((7302 + step)))"},
  "http": {"port": $(port $((8302 + step)))}}, "log": {"level": "info"}}
JSON
done
cat >"$state/config/tracker.json" <<JSON
{"tracker": {"id": "tracker-1", "database": "$(db tracker-1 tracker.db)", "key": "$keys/tracker.key_secret",
  "intakes": "$(P 7102)@$keys/intake.key", "routers": "$routers", "notifiers": "$notifiers",
  "consumers": "$keys/tracker-consumers", "actors": "$keys/actors", "factKey": "$keys/tracker.fact-key",
  "commands": {"endpoint": "$(P 7401)"}, "dispatch": {"endpoint": "$(P 7402)"}, "http": {"port": $(port 8402)}},
  "log": {"level": "info"}}
JSON
cat >"$state/config/statistics.json" <<JSON
{"statistics": {"id": "statistics-1", "database": "$(db statistics-1 statistics.db)", "key": "$keys/statistics.key_secret",
  "trackers": "$(P 7402)@$keys/tracker.key", "operatorKey": "$keys/statistics.operator-key", "http": {"port": $(port 8502)}},
  "log": {"level": "info"}}
JSON

# A port something else already listens on — most often a stack left running under another IBLAGH_STATE — would make
# its instance exit at once, while the readiness probe found the other process ready.
busy=()
for listen in $(grep -ho 'tcp://127\.0\.0\.1:[0-9]*\|"port": [0-9]*' "$state"/config/*.json | grep -o '[0-9]*$' | sort -un); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$listen") 2>/dev/null; then busy+=("$listen"); fi
done
if [ ${#busy[@]} -gt 0 ]; then
  echo "cannot start: port(s) ${busy[*]} on 127.0.0.1 already in use — another stack? Stop it (IBLAGH_STATE=its folder $self stop) or choose other ports with IBLAGH_PORT_OFFSET (now $offset)" >&2
  exit 1
fi

echo "==> starting ${#services[@]} instances (logs in $state/logs)"
for entry in "${services[@]}"; do launch "${entry%%:*}"; done
for entry in "${services[@]}"; do wait_ready "${entry%%:*}" || { stop_all; exit 1; }; done

echo "==> demonstration reports"
"$iblagh" submit --endpoint "$(P 7101)" --server-key "$keys/intake.key" --certificate "$keys/integrator-acme.key_secret" \
  --key "demo-$(date +%s)-1" --category sextortion --description "Someone threatens to publish my photos unless I pay." \
  --residence "القنيطرة" --account "social_media_account:@demo_extorter" --phone "+212600000000" | sed 's/^/    /'
api="http://127.0.0.1:$(port 8080)"
reply=$(curl -fs --max-time 30 -X POST -H 'Content-Type: application/json' "$api/v1/reports" -d '{"category": "fraud",
  "description": "A shop took my payment and disappeared.", "residence": "Casablanca", "preferred_language": "fr",
  "reported_accounts": [{"kind": "url", "value": "https://shop.invalid/demo"}]}')
tracking=$(echo "$reply" | sed -n 's/.*"tracking_id":"\([^"]*\)".*/\1/p')
secret=$(echo "$reply" | sed -n 's/.*"receipt_secret":"\([^"]*\)".*/\1/p')
echo "    Accepted $tracking (JSON API)"

cat <<TEXT

Iblagh runs on loopback (state in $state; stores in $([ "$store_kind" = postgres ] && echo "PostgreSQL at ${postgres_url%/postgres}" || echo SQLite)).

  web form           $api/            (Arabic, French, English, Spanish: $api/ar/report, $api/fr/report, …)
  the JSON API       described at $api/v1/openapi.json (OpenAPI 3.1; deploy/examples/report_over_http.py calls it)
  follow a report    curl -H 'Iblagh-Receipt-Secret: $secret' $api/v1/reports/$tracking
                     (tracking id $tracking, receipt secret $secret)
  submit (JSON API)  curl -X POST -H 'Content-Type: application/json' $api/v1/reports \\
                       -d '{"category": "fraud", "description": "A fake shop took my money.", "residence": "Kénitra", "preferred_language": "fr"}'
  submit (bus)       $iblagh submit --endpoint $(P 7101) --server-key $keys/intake.key \\
                       --certificate $keys/integrator-acme.key_secret \\
                       --category fraud --description "A fake shop took my money." --residence Kénitra
  Kénitra's console  $iblagh console --unit police.wilaya.kenitra --endpoint $(P 7301) \\
                       --server-key $keys/notifier-east.key --certificate $keys/console-kenitra.key_secret
  statistics page    http://127.0.0.1:$(port 8502)/      (JSON: http://127.0.0.1:$(port 8502)/v1/reports/annual)
  metrics            http://127.0.0.1:PORT/metrics, PORT one of $(for e in "${services[@]}"; do printf '%s ' "$(probe_of "${e%%:*}")"; done)
                     (with alerts: prometheus --config.file=deploy/prometheus/prometheus.yml, at the default ports)
  logs               $state/logs/
  status             $self status      (an instance that crashed shows EXITED with its log's last line)
  restart one        $self restart NAME
  stop               $self             (again), or $self stop
TEXT
