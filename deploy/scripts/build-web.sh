#!/usr/bin/env bash
# Builds the web app into target/web (or $1): the release wasm, post-processed by the
# wasm-bindgen CLI of exactly the version in Cargo.lock and optimised by binaryen's wasm-opt
# from npm (Debian's wasm-opt 108 corrupts wasm-bindgen output). Installs the two tools on
# first use: wasm-bindgen into cargo's bin folder in $HOME, binaryen into frontend/node_modules.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"
OUT="${1:-target/web}"

wb_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $wb_version"; then
  echo "installing wasm-bindgen-cli $wb_version (once per machine, a few minutes)"
  cargo install wasm-bindgen-cli --version "$wb_version" --no-default-features
fi
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
if [ ! -x frontend/node_modules/.bin/wasm-opt ]; then
  echo "installing binaryen (wasm-opt) from npm"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
fi

cargo build --profile web -p crocevia-frontend --target wasm32-unknown-unknown
staging="$OUT.tmp"
rm -rf "$staging"
mkdir -p "$staging/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$staging/pkg" \
  target/wasm32-unknown-unknown/web/crocevia_frontend.wasm
wasm=$staging/pkg/crocevia_frontend_bg.wasm
frontend/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals \
  "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
size_kb=$(( $(stat -c %s "$wasm") / 1024 ))
cp frontend/index.html frontend/boot.js frontend/style.css "$staging/"
# The gateway serves these copies to browsers that accept gzip. Each copy is checked against
# its original (a fresh machine once produced a zero-filled wasm copy right after wasm-opt
# wrote the file, which left browsers with a blank page): flushed, compressed again, or refused.
for f in "$wasm" "$staging/pkg/crocevia_frontend.js" "$staging/style.css"; do
  for attempt in 1 2 3; do
    sync "$f"
    gzip -9 -k -f "$f"
    if zcat "$f.gz" | cmp -s - "$f"; then break; fi
    echo "the gzip copy of $f differs from it (attempt $attempt)" >&2
    if [ "$attempt" = 3 ]; then exit 1; fi
    sleep 1
  done
done
# Swap in whole, so a running gateway never serves half a build.
rm -rf "$OUT.old"
[ -d "$OUT" ] && mv "$OUT" "$OUT.old"
mv "$staging" "$OUT"
rm -rf "$OUT.old"
echo "web app built in $OUT (wasm: $size_kb KB before compression)"
