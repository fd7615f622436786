#!/usr/bin/env bash
# Real servers for the integration tests, on loopback only: RabbitMQ and PostgreSQL from Debian
# (and docker-compose, to validate docker-compose.yml: there is no container engine here; and
# Chromium, for the browser tests).
#   scripts/servers.sh start   installs them if missing, starts them, prints the connection strings
#   scripts/servers.sh stop    stops them
#   scripts/servers.sh rabbitmq-down | rabbitmq-up   takes the broker away and brings it back
#   scripts/servers.sh postgres-restart              restarts PostgreSQL (every connection drops)
#   scripts/servers.sh bench-tools   installs what bench/ needs (Postfix's smtp-sink and smtp-source,
#                                    wrk and nginx)
# State lives under .servers/ in the repository (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
state="$PWD/.servers"
export RABBITMQ_CONFIG_FILE="$state/rabbitmq/rabbitmq"
export RABBITMQ_ENABLED_PLUGINS_FILE="$state/rabbitmq/enabled_plugins"
export RABBITMQ_MNESIA_BASE="$state/rabbitmq/mnesia"
export RABBITMQ_LOG_BASE="$state/rabbitmq/log"
export ERL_EPMD_ADDRESS=127.0.0.1

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install() {
  local missing=()
  command -v rabbitmq-server >/dev/null || missing+=(rabbitmq-server)
  command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
  # The browser tests (tests/Dashboard.Tests/Browser) drive Debian's Chromium at /usr/bin/chromium.
  command -v chromium >/dev/null || missing+=(chromium)
  # npm: the Dashboard build copies the NHS.UK frontend from it into wwwroot.
  command -v npm >/dev/null || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if ! command -v docker-compose >/dev/null; then
    [ ${#missing[@]} -gt 0 ] || as_root apt-get update -qq
    # Without recommends: only the validator, not a container engine.
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  fi
}

start_rabbitmq() {
  mkdir -p "$state/rabbitmq/mnesia" "$state/rabbitmq/log"
  cat > "$RABBITMQ_CONFIG_FILE.conf" <<CONF
listeners.tcp.default = 127.0.0.1:5672
management.tcp.ip = 127.0.0.1
management.tcp.port = 15672
loopback_users = none
CONF
  # Debian's wrappers run the broker and rabbitmqctl as the rabbitmq user when started by root.
  if [ "$(id -u)" -eq 0 ] && id rabbitmq >/dev/null 2>&1; then chown -R rabbitmq:rabbitmq "$state/rabbitmq"; fi
  if ! rabbitmqctl -q status >/dev/null 2>&1; then
    rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
    rabbitmq-server -detached
    local tries=0
    until rabbitmqctl -q await_startup >/dev/null 2>&1; do
      tries=$((tries + 1)); [ $tries -lt 60 ] || { echo "RabbitMQ did not start" >&2; exit 1; }
      sleep 1
    done
  fi
}

start_postgres() {
  local version
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_lsclusters -h | grep -q "^$version main" || as_root pg_createcluster "$version" main >/dev/null
  # The distributed tests run several processes at once, each with EF, Quartz and Hangfire pools:
  # the default 100 connections is too few (a full server answers "too many clients").
  as_root pg_conftool "$version" main set max_connections 300
  as_root pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
  local tries=0
  until as_root su postgres -c "pg_isready -q -h 127.0.0.1"; do
    tries=$((tries + 1)); [ $tries -lt 60 ] || { echo "PostgreSQL did not start" >&2; exit 1; }
    sleep 0.5
  done
  if [ "$(as_root su postgres -c "psql -qtAc 'SHOW max_connections'")" != 300 ]; then
    as_root pg_ctlcluster "$version" main restart
    until as_root su postgres -c "pg_isready -q -h 127.0.0.1"; do sleep 0.5; done
  fi
  as_root su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='alerts'\"" | grep -q 1 \
    || as_root su postgres -c "psql -qc \"CREATE ROLE alerts LOGIN SUPERUSER PASSWORD 'alerts'\""
}

case "${1:-start}" in
  start)
    install
    start_rabbitmq
    start_postgres
    echo "ConnectionStrings__RabbitMq=amqp://guest:guest@127.0.0.1:5672/"
    echo "ConnectionStrings__Postgres=Host=127.0.0.1;Username=alerts;Password=alerts;Database=alerts"
    ;;
  rabbitmq-down)
    # The broker goes away, the node stays (fault-injection for the reliability tests).
    rabbitmqctl -q stop_app >/dev/null
    ;;
  rabbitmq-up)
    rabbitmqctl -q start_app >/dev/null
    rabbitmqctl -q await_startup >/dev/null
    ;;
  rabbitmq-queues)
    # For a failing test's message: every queue of a virtual host with what waits in it.
    rabbitmqctl -q list_queues -p "${2:-/}" name messages_ready messages_unacknowledged consumers
    ;;
  postgres-restart)
    # Fault injection for the reliability tests: a fast shutdown (open connections are cut, as
    # in a failover), then the same server back.
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    as_root pg_ctlcluster "$version" main restart -m fast
    until as_root su postgres -c "pg_isready -q -h 127.0.0.1"; do sleep 0.2; done
    ;;
  bench-tools)
    if [ ! -x /usr/sbin/smtp-sink ]; then
      echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
      as_root apt-get update -qq
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends postfix >/dev/null
    fi
    # bench/banner.sh: wrk (the load generator) and nginx (the static-file reference it is compared
    # with, run from its own configuration, never the system service).
    tools=()
    command -v wrk >/dev/null || tools+=(wrk)
    [ -x /usr/sbin/nginx ] || tools+=(nginx)
    if [ ${#tools[@]} -gt 0 ]; then
      as_root apt-get update -qq
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${tools[@]}" >/dev/null
    fi
    ;;
  stop)
    rabbitmqctl -q stop >/dev/null 2>&1 || true
    epmd -kill >/dev/null 2>&1 || true
    for v in $(ls /usr/lib/postgresql 2>/dev/null); do as_root pg_ctlcluster "$v" main stop 2>/dev/null || true; done
    ;;
  *) echo "usage: $0 start|stop|rabbitmq-down|rabbitmq-up|postgres-restart|bench-tools" >&2; exit 2 ;;
esac
