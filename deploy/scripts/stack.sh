#!/usr/bin/env bash
# The distributed stack on this machine, as plain processes (make up / make down).
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: deploy/scripts/stack.sh up [--no-demo] | down [--purge] | status | --help

Starts Crocevia's distributed mode on this machine, each service its own process:
  the Kafka-protocol broker   127.0.0.1:9092  (deploy/scripts/broker.sh; tansu)
  PostgreSQL database         crocevia_stack on 127.0.0.1:5432 (created if missing)
  crocevia serve profiles     127.0.0.1:8081  deploy/config/profiles.toml
  crocevia serve search       127.0.0.1:8082  deploy/config/search.toml
  crocevia serve matching     127.0.0.1:8083  deploy/config/matching.toml
  crocevia serve insights     127.0.0.1:8084  deploy/config/insights.toml (open data)
  crocevia serve gateway      127.0.0.1:8080  deploy/config/gateway.toml  (the public door)
and waits until each answers /readyz. Pid files and logs: data/stack/<service>.{pid,log}.

  up         start what is not running; the first start imports the Torino demo data
             (--no-demo: start empty)
  down       stop the services (SIGTERM, then SIGKILL after 20 s), and the broker if `up`
             started it; data stays (--purge: also drop the database and data/stack)
  status     what runs, and whether it is ready

Settings (environment): CROCEVIA_BIN (target/release/crocevia; `make up` builds it),
CROCEVIA_STACK_POSTGRES (postgres://postgres@127.0.0.1:5432, trust auth),
CROCEVIA_STACK_DB (crocevia_stack; the config files name it too).
EOF
}

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
STACK="$ROOT/data/stack"
BIN="${CROCEVIA_BIN:-$ROOT/target/release/crocevia}"
PG="${CROCEVIA_STACK_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
DB="${CROCEVIA_STACK_DB:-crocevia_stack}"
SERVICES=(profiles search matching insights gateway)

port_of() { sed -n 's/^port = \([0-9]*\)$/\1/p' "deploy/config/$1.toml"; }
pid_of() { [ -f "$STACK/$1.pid" ] && cat "$STACK/$1.pid" || true; }

# Alive and really ours: a recycled pid of another program is never signalled.
running() {
  local pid; pid="$(pid_of "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q crocevia "/proc/$pid/cmdline" 2>/dev/null
}

ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$(port_of "$1")/readyz")" = 200 ]; }

wait_ready() {
  local service="$1" deadline=$((SECONDS + 120))
  until ready "$service"; do
    if ! running "$service"; then
      echo "$service exited; the end of $STACK/$service.log:" >&2
      tail -n 20 "$STACK/$service.log" >&2 || true
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then echo "$service not ready after 120 s; see $STACK/$service.log" >&2; exit 1; fi
    sleep 0.2
  done
  echo "  $service ready on http://127.0.0.1:$(port_of "$service")/"
}

database() {
  if ! psql "$PG/postgres" -qtAc 'SELECT 1' >/dev/null 2>&1; then
    echo "PostgreSQL does not answer at $PG (start it: pg_ctlcluster <version> main start)" >&2; exit 1
  fi
  if [ "$(psql "$PG/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    psql "$PG/postgres" -qc "CREATE DATABASE $DB" >/dev/null
    echo "  created database $DB"
  fi
}

up() {
  local demo=1
  [ "${1:-}" = "--no-demo" ] && demo=0
  [ -x "$BIN" ] || { echo "no crocevia binary at $BIN: run make build (make up does)" >&2; exit 1; }
  mkdir -p "$STACK"
  if ! deploy/scripts/broker.sh status >/dev/null 2>&1; then
    deploy/scripts/broker.sh start
    touch "$STACK/broker.ours"
  fi
  database
  # One random credential per stack for the internal endpoints (gateway -> search, matching),
  # kept beside the logs, readable by its owner only.
  if [ ! -s "$STACK/service.token" ]; then
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$STACK/service.token")
  fi
  CROCEVIA__GATEWAY__SERVICE_TOKEN="$(cat "$STACK/service.token")"
  export CROCEVIA__GATEWAY__SERVICE_TOKEN
  # In order: profiles migrates the database and creates the topics the others consume.
  for service in "${SERVICES[@]}"; do
    if running "$service"; then echo "  $service already running (pid $(pid_of "$service"))"; continue; fi
    local args=(--config "deploy/config/$service.toml" serve "$service")
    [ "$service" = profiles ] && [ $demo = 1 ] && args+=(--demo-data data/demo)
    nohup "$BIN" "${args[@]}" >>"$STACK/$service.log" 2>&1 </dev/null &
    echo $! >"$STACK/$service.pid"
    wait_ready "$service"
  done
  echo "the distributed stack is up: http://127.0.0.1:$(port_of gateway)/ (logs in $STACK)"
}

down() {
  local purge=0 service pid
  [ "${1:-}" = "--purge" ] && purge=1
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    service="${SERVICES[$i]}"
    if running "$service"; then
      pid="$(pid_of "$service")"
      kill -TERM "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; echo "  $service killed"; else echo "  $service stopped"; fi
    fi
    rm -f "$STACK/$service.pid"
  done
  if [ -f "$STACK/broker.ours" ]; then deploy/scripts/broker.sh stop; rm -f "$STACK/broker.ours"; fi
  if [ $purge = 1 ]; then
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null && echo "  dropped database $DB"
    rm -rf "$STACK"
  fi
  echo "the distributed stack is down"
}

status() {
  local all=0 service
  deploy/scripts/broker.sh status || all=1
  for service in "${SERVICES[@]}"; do
    if ! running "$service"; then echo "$service: not running"; all=1
    elif ready "$service"; then echo "$service: ready (pid $(pid_of "$service"), port $(port_of "$service"))"
    else echo "$service: starting (pid $(pid_of "$service"))"; all=1; fi
  done
  return $all
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) shift; down "$@" ;;
  status) status ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
