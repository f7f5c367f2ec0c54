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

# tansu 0.6.0's SQLite storage finds the headers of each record it serves by scanning its
# whole header table (no index on it), so every fetch slows down with every header ever
# stored, and under load its group coordinator stops answering in time. One index fixes
# the scan; it is created once the broker has made its tables (idempotent).
index_headers() {
  python3 - "$DIR/tansu.db" <<'PY' || echo "warning: could not index the broker's header table" >&2
import sqlite3, sys, time
for _ in range(100):
    try:
        db = sqlite3.connect(sys.argv[1], timeout=10)
        if db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='header'").fetchone():
            db.execute("CREATE INDEX IF NOT EXISTS header_record ON header (topition, offset_id)")
            db.commit()
            sys.exit(0)
        db.close()
    except sqlite3.OperationalError:
        pass
    time.sleep(0.1)
sys.exit(1)
PY
}

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
        >>broker.log 2>&1 & echo $! >broker.pid; })
    for _ in $(seq 1 100); do
      if listening; then index_headers; echo "broker listening on 127.0.0.1:$PORT (data in $DIR)"; exit 0; fi
      sleep 0.1
    done
    echo "broker did not start; see $DIR/broker.log" >&2; exit 1 ;;
  stop)
    # kill -9, as the fault tests need (SIGTERM takes seconds and fails in-flight sends);
    # then wait until it is gone, so a start right after does not find the port taken.
    if [ -f "$DIR/broker.pid" ]; then
      pid="$(cat "$DIR/broker.pid")"
      kill -9 "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      rm -f "$DIR/broker.pid"
    fi
    echo "broker stopped" ;;
  status)
    if listening; then echo "broker listening on 127.0.0.1:$PORT"; else echo "broker not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
