#!/usr/bin/env bash
# Starts, stops or checks the Kafka-protocol broker used by the tests and `make up`:
# tansu 0.6.0 with SQLite storage, on 127.0.0.1:9092 (install it with install-tansu.sh).
#   broker.sh start | stop | status
# Settings: CROCEVIA_BROKER_PORT (9092), CROCEVIA_BROKER_DIR (target/broker).
set -euo pipefail
PORT="${CROCEVIA_BROKER_PORT:-9092}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DIR="${CROCEVIA_BROKER_DIR:-$ROOT/target/broker}"
TANSU="${TANSU_BIN:-$HOME/.cache/tansu-0.6.0/bin/tansu}"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

case "${1:-}" in
  start)
    if listening; then echo "broker already listening on 127.0.0.1:$PORT"; exit 0; fi
    [ -x "$TANSU" ] || { echo "tansu not found at $TANSU: run deploy/scripts/install-tansu.sh" >&2; exit 1; }
    mkdir -p "$DIR"
    # tansu reads a .env from its working directory and keeps its SQLite file there.
    # The braces keep the pid file in $DIR: `cd && cmd & echo` would cd only in the
    # background job and write the pid file wherever the caller stands.
    (cd "$DIR" && { nohup "$TANSU" broker --listener-url "tcp://127.0.0.1:$PORT" \
        --advertised-listener-url "tcp://127.0.0.1:$PORT" --storage-engine sqlite://tansu.db \
        >broker.log 2>&1 & echo $! >broker.pid; })
    for _ in $(seq 1 100); do
      if listening; then echo "broker listening on 127.0.0.1:$PORT (data in $DIR)"; exit 0; fi
      sleep 0.1
    done
    echo "broker did not start; see $DIR/broker.log" >&2; exit 1 ;;
  stop)
    if [ -f "$DIR/broker.pid" ]; then kill -9 "$(cat "$DIR/broker.pid")" 2>/dev/null || true; rm -f "$DIR/broker.pid"; fi
    echo "broker stopped" ;;
  status)
    if listening; then echo "broker listening on 127.0.0.1:$PORT"; else echo "broker not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
