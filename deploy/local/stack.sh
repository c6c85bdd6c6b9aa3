#!/usr/bin/env bash
# The whole stack on loopback: intake, two jurisdiction routers, two regional police notifiers, the prosecution
# tracker and statistics, each with a throw-away CURVE key pair and its SQLite store under state/local/.
#   deploy/local/stack.sh          build (release), start everything, submit demonstration reports, print what to open
#   deploy/local/stack.sh stop     stop everything
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
state="${IBLAGH_STATE:-$PWD/state}/local"
pids="$state/pids"

stop_all() {
  [ -f "$pids" ] || return 0
  while read -r name pid; do
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
  done <"$pids"
  sleep 1
  while read -r name pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$pids"
  rm -f "$pids"
}

if [ "${1:-}" = "stop" ]; then
  stop_all
  echo "stopped; stores and logs stay in $state"
  exit 0
fi

source deploy/lib/dependencies.sh
iblagh_require_packages curl
stop_all

echo "==> building the five services and the iblagh tool (release; the first build takes several minutes)"
for product in iblagh iblagh-intake iblagh-router iblagh-notifier iblagh-tracker iblagh-statistics; do
  echo "    $product"
  swift build -c release --product "$product" 2>&1 | grep -E "error|warning: unable" || true
done
bin="$(swift build -c release --show-bin-path)"
iblagh="$bin/iblagh"

echo "==> throw-away keys in $state/keys"
rm -rf "$state/keys" "$state/config"
keys="$state/keys"
mkdir -p "$keys" "$state/config" "$state/logs"
key() { # NAME ROLE DIR...: a key pair in keys/, and its public certificate with ROLE in each allow-list DIR
  local name="$1" role="$2"; shift 2
  "$iblagh" keys generate "$name" --dir "$keys" >/dev/null
  for dir in "$@"; do
    mkdir -p "$keys/$dir"
    sed "/^metadata/a\\    role = \"$role\"" "$keys/$name.key" >"$keys/$dir/$name.key"
  done
}
east="notifier:01,notifier:02,notifier:03,notifier:04,notifier:05,notifier:06,notifier:national"
west="notifier:07,notifier:08,notifier:09,notifier:10,notifier:11,notifier:12"
key intake intake tracker-consumers
key integrator-acme integrator:acme integrators
key router-1 router intake-consumers
key router-2 router intake-consumers
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

routers="tcp://127.0.0.1:7202@$keys/router-1.key,tcp://127.0.0.1:7212@$keys/router-2.key"
notifiers="tcp://127.0.0.1:7302@$keys/notifier-east.key,tcp://127.0.0.1:7312@$keys/notifier-west.key"
cat >"$state/config/intake.json" <<JSON
{"intake": {"id": "intake-1", "database": "$state/intake-1/intake.db", "key": "$keys/intake.key_secret",
  "integrators": "$keys/integrators", "consumers": "$keys/intake-consumers", "dataKey": "$keys/intake.data-key",
  "trackers": "tcp://127.0.0.1:7402@$keys/tracker.key", "http": {"port": 8080}}, "log": {"level": "info"}}
JSON
for n in 1 2; do
  if [ "$n" = 1 ]; then dispatch=7202; http=8202; else dispatch=7212; http=8212; fi
  cat >"$state/config/router-$n.json" <<JSON
{"router": {"id": "router-$n", "database": "$state/router-$n/router.db", "key": "$keys/router-$n.key_secret",
  "upstreams": "tcp://127.0.0.1:7102@$keys/intake.key", "consumers": "$keys/router-consumers",
  "dispatch": {"endpoint": "tcp://127.0.0.1:$dispatch"}, "reference": {"file": "$root/deploy/reference/morocco-territory.json"},
  "http": {"port": $http}}, "log": {"level": "info"}}
JSON
done
for side in east west; do
  if [ "$side" = east ]; then regions="01,02,03,04,05,06,national"; port=0; else regions="07,08,09,10,11,12"; port=1; fi
  cat >"$state/config/notifier-$side.json" <<JSON
{"notifier": {"id": "notifier-$side", "database": "$state/notifier-$side/notifier.db", "key": "$keys/notifier-$side.key_secret",
  "regions": "$regions", "upstreams": "$routers", "consumers": "$keys/notifier-consumers", "consoles": "$keys/consoles",
  "console": {"endpoint": "tcp://127.0.0.1:73${port}1"}, "dispatch": {"endpoint": "tcp://127.0.0.1:73${port}2"},
  "http": {"port": 83${port}2}}, "log": {"level": "info"}}
JSON
done
cat >"$state/config/tracker.json" <<JSON
{"tracker": {"id": "tracker-1", "database": "$state/tracker-1/tracker.db", "key": "$keys/tracker.key_secret",
  "intakes": "tcp://127.0.0.1:7102@$keys/intake.key", "routers": "$routers", "notifiers": "$notifiers",
  "consumers": "$keys/tracker-consumers", "actors": "$keys/actors", "factKey": "$keys/tracker.fact-key"}, "log": {"level": "info"}}
JSON
cat >"$state/config/statistics.json" <<JSON
{"statistics": {"id": "statistics-1", "database": "$state/statistics-1/statistics.db", "key": "$keys/statistics.key_secret",
  "trackers": "tcp://127.0.0.1:7402@$keys/tracker.key", "operatorKey": "$keys/statistics.operator-key"}, "log": {"level": "info"}}
JSON

start() { # NAME EXECUTABLE CONFIG
  "$bin/$2" --config "$state/config/$3.json" >"$state/logs/$1.out" 2>"$state/logs/$1.log" &
  echo "$1 $!" >>"$pids"
}
echo "==> starting (logs in $state/logs)"
start intake iblagh-intake intake
start router-1 iblagh-router router-1
start router-2 iblagh-router router-2
start notifier-east iblagh-notifier notifier-east
start notifier-west iblagh-notifier notifier-west
start tracker iblagh-tracker tracker
start statistics iblagh-statistics statistics

for probe in 8080 8202 8212 8302 8312 8402 8502; do
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$probe/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fs "http://127.0.0.1:$probe/readyz" >/dev/null || { echo "a service did not become ready on port $probe; see $state/logs" >&2; exit 1; }
done
while read -r name pid; do kill -0 "$pid" 2>/dev/null || { echo "$name exited; see $state/logs/$name.log" >&2; exit 1; }; done <"$pids"

echo "==> demonstration reports"
"$iblagh" submit --endpoint tcp://127.0.0.1:7101 --server-key "$keys/intake.key" --certificate "$keys/integrator-acme.key_secret" \
  --key "demo-$(date +%s)-1" --category sextortion --description "Someone threatens to publish my photos unless I pay." \
  --residence "القنيطرة" --account "social_media_account:@demo_extorter" --phone "+212600000000" | sed 's/^/    /'
reply=$(curl -fs -X POST -H 'Content-Type: application/json' http://127.0.0.1:8080/v1/reports -d '{"category": "fraud",
  "description": "A shop took my payment and disappeared.", "residence": "Casablanca", "preferred_language": "fr",
  "reported_accounts": [{"kind": "url", "value": "https://shop.invalid/demo"}]}')
tracking=$(echo "$reply" | sed -n 's/.*"tracking_id":"\([^"]*\)".*/\1/p')
secret=$(echo "$reply" | sed -n 's/.*"receipt_secret":"\([^"]*\)".*/\1/p')

cat <<TEXT

Iblagh runs on loopback (state in $state).

  follow a report    curl -H 'Iblagh-Receipt-Secret: $secret' http://127.0.0.1:8080/v1/reports/$tracking
                     (tracking id $tracking, receipt secret $secret)
  submit (JSON API)  curl -X POST -H 'Content-Type: application/json' http://127.0.0.1:8080/v1/reports -d @report.json
  submit (bus)       $iblagh submit --server-key $keys/intake.key --certificate $keys/integrator-acme.key_secret ...
  Kénitra's console  $iblagh console --unit police.wilaya.kenitra --endpoint tcp://127.0.0.1:7301 \\
                       --server-key $keys/notifier-east.key --certificate $keys/console-kenitra.key_secret
  statistics page    http://127.0.0.1:8502/      (JSON: http://127.0.0.1:8502/v1/reports/annual)
  metrics            http://127.0.0.1:{8080,8202,8212,8302,8312,8402,8502}/metrics
  logs               $state/logs/
  stop               $0 stop
  restart one        $bin/iblagh-<service> --config $state/config/<instance>.json   (if one crashed; its log says why)
TEXT
