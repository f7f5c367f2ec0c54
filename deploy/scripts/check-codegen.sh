#!/usr/bin/env bash
# Schema tooling works from the URL: starts `crocevia serve all` on a free port with a scratch
# data folder, points graphql-codegen (typescript plugin, from npm) at its /graphql, and checks
# the generated types. Tools are installed once per machine in $HOME/.cache/crocevia-codegen.
#   deploy/scripts/check-codegen.sh            (CROCEVIA_BIN: target/debug/crocevia)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${CROCEVIA_BIN:-$ROOT/target/debug/crocevia}"
TOOLS="${CROCEVIA_CODEGEN_DIR:-$HOME/.cache/crocevia-codegen}"
[ -x "$BIN" ] || { echo "no crocevia binary at $BIN (cargo build -p crocevia)" >&2; exit 1; }

if [ ! -x "$TOOLS/node_modules/.bin/graphql-codegen" ]; then
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && npm init -y >/dev/null 2>&1 && \
    npm install --no-audit --no-fund --silent @graphql-codegen/cli@5 @graphql-codegen/typescript@4 graphql@16)
fi

WORK="$(mktemp -d)"
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
CROCEVIA__DATA_DIR="$WORK/data" CROCEVIA__TELEMETRY__FILTER=warn CROCEVIA__GATEWAY__WEB_DIR="$WORK/none" \
  "$BIN" serve all --port 0 >"$WORK/out.log" 2>&1 &
PID=$!
URL=""
for _ in $(seq 1 300); do
  URL="$(sed -n 's#^crocevia .* listening on \(http://[^ ]*\)/$#\1#p' "$WORK/out.log" | head -n1)"
  [ -n "$URL" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/readyz")" = 200 ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/out.log" >&2; exit 1; }
  sleep 0.2
done
[ -n "$URL" ] || { echo "the server did not start" >&2; exit 1; }

cat >"$WORK/codegen.yml" <<YML
schema: $URL/graphql
generates:
  $WORK/types.ts:
    plugins: [typescript]
YML
(cd "$TOOLS" && node_modules/.bin/graphql-codegen --config "$WORK/codegen.yml" >"$WORK/codegen.log" 2>&1) \
  || { cat "$WORK/codegen.log" >&2; echo "graphql-codegen failed against $URL/graphql" >&2; exit 1; }
for type in "export type Query" "export type Mutation" "export type Subscription" "export enum ApplicationStage"; do
  grep -q "$type" "$WORK/types.ts" || { echo "the generated types lack '$type'" >&2; exit 1; }
done
echo "graphql-codegen generated $(grep -c '^export ' "$WORK/types.ts") TypeScript types from $URL/graphql"
