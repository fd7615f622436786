#!/usr/bin/env bash
# Benchmark (prints figures; not a test): publish → banner on both replicas, on the distributed
# topology (RabbitMQ + PostgreSQL on loopback, Broadcaster, two Channels, staff-only Dashboard).
#   bench/publish-latency.sh [count, default 200]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-200}

eval "$(./scripts/servers.sh start | sed -n "s/^\(ConnectionStrings__[A-Za-z]*\)=\(.*\)$/export \1='\2'/p")"
export ConnectionStrings__Postgres="${ConnectionStrings__Postgres/Database=alerts/Database=alerts_bench_$$}"
dotnet build AlertBroadcaster.slnx -v q -nologo >/dev/null
dotnet build bench/PublishLatency -v q -nologo >/dev/null

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT
start() { # project port [env…]
  local project=$1 port=$2; shift 2
  env "$@" dotnet "$project/bin/Debug/net10.0/AlertBroadcaster.$project.dll" --urls "http://127.0.0.1:$port" >"/tmp/bench-$project-$port.log" 2>&1 &
  pids+=($!)
  until curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready"; do sleep 0.2; done
}
start Broadcaster 5191
start Channels 5192
start Channels 5193
start Dashboard 5190 Hosting__Embedded=false Api__Keys__0=bench-key Admin__Password=bench-password-1234

dotnet bench/PublishLatency/bin/Debug/net10.0/AlertBroadcaster.PublishLatency.dll http://127.0.0.1:5190 bench-key "$count" http://127.0.0.1:5192 http://127.0.0.1:5193
