#!/usr/bin/env bash
# Installs the Kafka-protocol broker used by the tests and `make up` (tansu 0.6.0, SQLite
# storage). It is built once per machine into a cache folder outside the clone, so a reused
# machine skips the ~15 minute build. Production runs Apache Kafka instead (see deploy/).
set -euo pipefail
TANSU_VERSION=0.6.0
ROOT="${TANSU_ROOT:-$HOME/.cache/tansu-$TANSU_VERSION}"
if [ -x "$ROOT/bin/tansu" ]; then
  echo "tansu $TANSU_VERSION already installed in $ROOT"
  exit 0
fi
mkdir -p "$ROOT"
# A test broker needs no link-time optimisation: tansu's release profile (fat LTO, one
# codegen unit) doubles the build on a 2-core machine for speed the tests never notice.
CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=2 \
  CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_STRIP=true \
  nice -n 10 cargo install tansu --version "$TANSU_VERSION" --locked \
  --features dynostore,libsql --root "$ROOT"
