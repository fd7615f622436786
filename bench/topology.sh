# Shared by the benchmark scripts (sourced, not run): the distributed topology as local processes
# (RabbitMQ + PostgreSQL on loopback from scripts/servers.sh, Release builds of Broadcaster, Channels,
# Dashboard), each bench with a RabbitMQ virtual host and a PostgreSQL database of its own, so that
# the tests and other checkouts on the same servers neither disturb it nor are disturbed by it.
#   bench_begin           only the EXIT trap and a work directory (for a bench on the embedded host)
#   topology_begin NAME   starts the servers, exports the connection strings, sets the EXIT trap
#   start_process PROJECT PORT [ENV=VALUE…]   runs a host, waits for /health/ready, appends its pid to pids
# Everything started is stopped on exit (the vhost and database are deleted).

pids=()
topology_vhost='' topology_database='' topology_work=''

fail() { echo "${0##*/}: $*" >&2; exit 1; }
step() { echo "[$(date +%T)] $*" >&2; }

topology_cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ -z "$topology_vhost" ] || rabbitmq delete_vhost "$topology_vhost" || true
  [ -z "$topology_database" ] || PGPASSWORD=alerts psql -q -h 127.0.0.1 -U alerts -d postgres \
    -c "DROP DATABASE IF EXISTS $topology_database WITH (FORCE)" >/dev/null 2>&1 || true
  [ -z "$topology_work" ] || rm -rf "$topology_work"
  exit "$status"
}

# bench_begin: the EXIT trap, a work directory in $work (removed on exit).
bench_begin() {
  trap topology_cleanup EXIT
  trap 'exit 130' INT TERM
  work=$(mktemp -d)
  topology_work=$work
}

# rabbitmq ARGS…: rabbitmqctl, retried for up to a minute (the tests sometimes stop the shared broker briefly).
rabbitmq() {
  local tries=0
  until rabbitmqctl -q "$@" >/dev/null 2>&1; do
    tries=$((tries + 1)); [ $tries -lt 30 ] || return 1
    sleep 2
  done
}

# topology_begin NAME: bench_begin, the servers, connection strings (own database and vhost).
topology_begin() {
  bench_begin
  eval "$(./scripts/servers.sh start | sed -n "s/^\(ConnectionStrings__[A-Za-z]*\)=\(.*\)$/export \1='\2'/p")"
  [ -n "${ConnectionStrings__Postgres:-}" ] && [ -n "${ConnectionStrings__RabbitMq:-}" ] || fail "scripts/servers.sh start printed no connection strings"
  topology_database=alerts_bench_${1//-/_}_$$
  # Without TLS: on loopback it only spends the shared cores (Debian's server offers it, and Npgsql
  # takes it when offered). A deployment reaching PostgreSQL over a network keeps Npgsql's default.
  # BENCH_PG_EXTRA adds to it, to compare Npgsql settings (e.g. ";Max Auto Prepare=0").
  export ConnectionStrings__Postgres="${ConnectionStrings__Postgres/Database=alerts/Database=$topology_database};SSL Mode=Disable${BENCH_PG_EXTRA:-}"
  topology_vhost=bench-$1-$$
  rabbitmq add_vhost "$topology_vhost" || fail "could not add RabbitMQ virtual host $topology_vhost"
  rabbitmq set_permissions -p "$topology_vhost" guest '.*' '.*' '.*' || fail "could not give guest the virtual host $topology_vhost"
  export ConnectionStrings__RabbitMq="${ConnectionStrings__RabbitMq%/}/$topology_vhost"
}

# wait_for URL SECONDS WHAT [PID LOG]: until URL answers 2xx; fails after SECONDS, or at once if PID has exited.
wait_for() {
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null --max-time 2 "$1"; do
    if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then fail "$3 exited while starting (see its log: $5)"; fi
    ((SECONDS < deadline)) || fail "$3 not ready at $1 after $2 s${5:+ (see its log: $5)}"
    sleep 0.2
  done
}

# port_free PORT…: fails if something already answers on one of them (another bench run?).
ports_free() {
  local port
  for port in "$@"; do
    ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" || fail "port $port is already in use (another run of this bench?)"
  done
}

# start_process PROJECT PORT [ENV=VALUE…]: a Release build of a host; its log in /tmp.
start_process() {
  local project=$1 port=$2; shift 2
  local log=/tmp/bench-$project-$port.log
  env "$@" dotnet "$project/bin/Release/net10.0/AlertBroadcaster.$project.dll" --urls "http://127.0.0.1:$port" >"$log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/health/ready" 300 "$project" $! "$log"
}
