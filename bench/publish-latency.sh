#!/usr/bin/env bash
# Benchmark (prints figures; not a test): publish → banner on both replicas, then expiry, on the
# distributed topology (RabbitMQ + PostgreSQL on loopback, Broadcaster, two Channels, staff-only
# Dashboard; Release builds; a RabbitMQ vhost and a database of its own).
#   bench/publish-latency.sh [count, default 200] [expiring alerts, default 20]
# Besides its figures it prints "RESULT key=value" lines (bench/run-all.sh collects them).
# BENCH_PORT_OFFSET moves its ports (5190–5193 by default); BENCH_NO_BUILD=1 skips the build.
# Exits 1 if an expired alert was served.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-200}
expiring=${2:-20}
offset=${BENCH_PORT_OFFSET:-0}
dashboard_port=$((5190 + offset)) broadcaster_port=$((5191 + offset)) channels1_port=$((5192 + offset)) channels2_port=$((5193 + offset))
source bench/topology.sh

ports_free $dashboard_port $broadcaster_port $channels1_port $channels2_port
topology_begin publish
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  step "building (Release)"
  dotnet build AlertBroadcaster.slnx -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "Release build failed"; }
fi

step "starting Broadcaster, two Channels replicas and the Dashboard"
start_process Broadcaster $broadcaster_port
start_process Channels $channels1_port Hosting__InstanceName=bench-publish-1-$$
start_process Channels $channels2_port Hosting__InstanceName=bench-publish-2-$$
start_process Dashboard $dashboard_port Hosting__Embedded=false Api__Keys__0=bench-key Admin__Password=bench-password-1234

step "publishing $count alerts one at a time, then $expiring expiring alerts"
echo "RESULT publish.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
dotnet bench/PublishLatency/bin/Release/net10.0/AlertBroadcaster.PublishLatency.dll "http://127.0.0.1:$dashboard_port" bench-key "$count" \
  --expiring "$expiring" "http://127.0.0.1:$channels1_port" "http://127.0.0.1:$channels2_port"
