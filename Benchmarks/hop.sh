#!/usr/bin/env bash
# Benchmark of the reliable hop: producer -> 2 consumers (separate processes), 1-KiB payloads, fsync before every
# ACK; beside it, in the same run: (a) raw CURVE PUSH/PULL of the same payload (C on libzmq), (b) SQLite's durable
# group-commit rate on the same disk (1,000 rows per transaction, and 1 row per transaction), (c) the same
# produce -> durable consume -> ack workload on NATS JetStream and on a RabbitMQ quorum queue, each started here on
# loopback with its data on the same disk.
#   Benchmarks/hop.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib/dependencies.sh
iblagh_require_packages gcc bc nats-server libnats-dev rabbitmq-server librabbitmq-dev postgresql

count="${1:-300000}"   # about 6 s of traffic: the sustained rate, not the first second's ramp
work="${IBLAGH_BENCH_DIR:-$PWD/state/bench-hop}"   # on the disk being measured, not tmpfs
mkdir -p "$work"

echo "==> building (release)"
gcc -O2 -o "$work/curve_pushpull" Benchmarks/baseline/curve_pushpull.c -lzmq -lpthread
gcc -O2 -o "$work/nats_jetstream" Benchmarks/baseline/nats_jetstream.c -lnats -lpthread
gcc -O2 -o "$work/rabbitmq_quorum" Benchmarks/baseline/rabbitmq_quorum.c -lrabbitmq -lpthread
swift build -c release --product HopBench >/dev/null
swift build -c release --product HopHarness >/dev/null
bin="$(swift build -c release --show-bin-path)"

echo "==> running ($count messages of 1 KiB)"
read -r rate p50 p99 producer_cpu consumers_cpu < <("$bin/HopBench" hop --harness "$bin/HopHarness" --dir "$work/hop" --count "$count")
# What a message alone waits: 200 a second, each in a transaction of its own (10 s).
read -r _ lone_p50 lone_p99 _ _ < <("$bin/HopBench" hop --harness "$bin/HopHarness" --dir "$work/hop-lone" --count 2000 --rate 200 --batch 1)
curve=$("$work/curve_pushpull" 1024 "$count")
sqlite_batch=$("$bin/HopBench" sqlite --dir "$work/sqlite" --count "$count" --batch 1000)
sqlite_single=$("$bin/HopBench" sqlite --dir "$work/sqlite" --count 2000 --batch 1)

echo "==> the same hop with its three stores on PostgreSQL (a throw-away server, data on the same disk)"
deploy/lib/postgres.sh stop "$work/postgres" >/dev/null 2>&1 || true
rm -rf "$work/postgres"
postgres_url=$(deploy/lib/postgres.sh start "$work/postgres" 15544)
read -r pg_rate pg_p50 pg_p99 _ _ < <("$bin/HopBench" hop --harness "$bin/HopHarness" --dir "$work/hop-postgres" --count "$count" --postgres "$postgres_url")
deploy/lib/postgres.sh stop "$work/postgres"

echo "==> NATS JetStream (file storage) on 127.0.0.1:14222"
rm -rf "$work/nats"
nats-server -js -sd "$work/nats" -a 127.0.0.1 -p 14222 >"$work/nats.log" 2>&1 &
nats_pid=$!
trap 'kill $nats_pid 2>/dev/null || true' EXIT
sleep 1
nats=$("$work/nats_jetstream" nats://127.0.0.1:14222 1024 "$count")
kill "$nats_pid"

echo "==> RabbitMQ quorum queue on 127.0.0.1:15673 (starting the broker takes a few seconds)"
rabbit="$work/rabbit"
rm -rf "$rabbit" && mkdir -p "$rabbit/home"
echo "[]." >"$rabbit/enabled_plugins"
echo "listeners.tcp.default = 15673" >"$rabbit/rabbitmq.conf"
export HOME="$rabbit/home" RABBITMQ_NODENAME=iblagh-bench@localhost RABBITMQ_NODE_PORT=15673 RABBITMQ_DIST_PORT=25673 \
  RABBITMQ_MNESIA_BASE="$rabbit/mnesia" RABBITMQ_LOG_BASE="$rabbit/log" RABBITMQ_ENABLED_PLUGINS_FILE="$rabbit/enabled_plugins" \
  RABBITMQ_PID_FILE="$rabbit/pid" ERL_EPMD_PORT=14369 RABBITMQ_CONFIG_FILE="$rabbit/rabbitmq"
/usr/lib/rabbitmq/bin/rabbitmq-server >"$rabbit/server.out" 2>&1 &
# The broker starts its own epmd on ERL_EPMD_PORT; it outlives the node unless told to stop.
stop_rabbit() {
  /usr/lib/rabbitmq/bin/rabbitmqctl -n iblagh-bench@localhost stop >/dev/null 2>&1 || true
  epmd -kill >/dev/null 2>&1 || true
}
trap stop_rabbit EXIT
# The node registers with epmd a moment after starting; until then await_startup fails at once.
for _ in $(seq 1 120); do
  /usr/lib/rabbitmq/bin/rabbitmqctl -n iblagh-bench@localhost await_startup --timeout 5 >/dev/null 2>&1 && break
  sleep 1
done
rabbitmq=$("$work/rabbitmq_quorum" 15673 1024 "$count")
stop_rabbit

ratio() { echo "scale=3; $1 / $2" | bc; }
printf '\n%-52s %12s %10s\n' "workload (1 KiB payloads)" "msg/s" "hop / it"
printf '%-52s %12s %10s\n' "reliable hop: producer -> 2 consumers, fsync, ack" "$rate" "1"
printf '%-52s %12s %10s\n' "the same hop, its stores on PostgreSQL 15" "$pg_rate" "$(ratio "$rate" "$pg_rate")"
printf '%-52s %12s %10s\n' "(a) raw CURVE PUSH/PULL, C on libzmq" "$curve" "$(ratio "$rate" "$curve")"
printf '%-52s %12s %10s\n' "(b) SQLite durable inserts, 1,000 per transaction" "$sqlite_batch" "$(ratio "$rate" "$sqlite_batch")"
printf '%-52s %12s %10s\n' "(b) SQLite durable inserts, 1 per transaction" "$sqlite_single" "$(ratio "$rate" "$sqlite_single")"
printf '%-52s %12s %10s\n' "(c) NATS JetStream 2.9, file storage, explicit acks" "$nats" "$(ratio "$rate" "$nats")"
printf '%-52s %12s %10s\n' "(c) RabbitMQ 3.10 quorum queue, confirms, manual acks" "$rabbitmq" "$(ratio "$rate" "$rabbitmq")"
cat <<'NOTE'

Durability: the hop fsyncs the producer's outbox and each consumer's effects before ACK. The RabbitMQ quorum queue
fsyncs its Raft log before confirming a publish. NATS JetStream 2.9 writes its file store without fsync per message
(it syncs periodically), so its figure is for weaker durability. The peers' consumers ack on receipt and keep no
database of their own; the hop's consumers commit an effect and an inbox record first.
NOTE
printf '\nhop latency (envelope created -> effect committed at the consumer), under this burst: p50 %s us, p99 %s us\n' "$p50" "$p99"
printf 'a message alone (200/s, each in its own transaction): p50 %s us, p99 %s us\n' "$lone_p50" "$lone_p99"
printf 'on PostgreSQL, under the burst: p50 %s us, p99 %s us\n' "$pg_p50" "$pg_p99"
printf 'CPU per message on SQLite (user + system, the whole run): producer %s us, the two consumers together %s us\n' "$producer_cpu" "$consumers_cpu"
