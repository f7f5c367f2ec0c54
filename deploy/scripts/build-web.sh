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
if [ ! -x frontend/node_modules/.bin/wasm-opt ] || [ ! -f frontend/node_modules/axe-core/axe.min.js ]; then
  echo "installing binaryen (wasm-opt) and axe-core (for the browser tests) from npm"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
fi

cargo build --profile wasm-web -p crocevia-frontend --target wasm32-unknown-unknown
# Nothing to do when neither the wasm nor a file copied beside it changed since the last build
# into $OUT (wasm-opt and brotli take a minute on the wasm).
stamp=$(cat target/wasm32-unknown-unknown/wasm-web/crocevia_frontend.wasm frontend/index.html frontend/boot.js \
  frontend/style.css frontend/favicon.svg "$0" | sha256sum | cut -c1-64)
if [ -f "$OUT/index.html" ] && [ -f "$OUT.stamp" ] && [ "$(cat "$OUT.stamp")" = "$stamp" ]; then
  echo "web app in $OUT is up to date"
  exit 0
fi
staging="$OUT.tmp"
rm -rf "$staging"
mkdir -p "$staging/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$staging/pkg" \
  target/wasm32-unknown-unknown/wasm-web/crocevia_frontend.wasm
wasm=$staging/pkg/crocevia_frontend_bg.wasm
frontend/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals \
  "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
size_kb=$(( $(stat -c %s "$wasm") / 1024 ))
# Each file the page loads is named after its content's hash, so the gateway lets browsers
# keep it for a year (a new build has new names; only index.html is asked for each time).
# The wasm-bindgen glue is loaded by boot.js, which names the wasm for it.
hash12() { sha256sum "$1" | cut -c1-12; }
js=$staging/pkg/crocevia_frontend.js
wasm_name=crocevia_frontend_bg.$(hash12 "$wasm").wasm
mv "$wasm" "$staging/pkg/$wasm_name"
wasm=$staging/pkg/$wasm_name
js_name=crocevia_frontend.$(hash12 "$js").js
mv "$js" "$staging/pkg/$js_name"
js=$staging/pkg/$js_name
css_name=style.$(hash12 frontend/style.css).css
cp frontend/style.css "$staging/$css_name"
sed -e "s|@GLUE@|./pkg/$js_name|; s|@WASM@|./pkg/$wasm_name|" frontend/boot.js > "$staging/boot.tmp.js"
boot_name=boot.$(hash12 "$staging/boot.tmp.js").js
mv "$staging/boot.tmp.js" "$staging/$boot_name"
sed -e "s|@CSS@|$css_name|; s|@BOOT@|$boot_name|; s|@WASM@|pkg/$wasm_name|" frontend/index.html > "$staging/index.html"
cp frontend/favicon.svg "$staging/"
if grep -q '@[A-Z]*@' "$staging/index.html" "$staging/$boot_name"; then
  echo "a placeholder of index.html or boot.js was left unfilled" >&2
  exit 1
fi
# The gateway serves these copies to browsers that accept brotli or gzip. Each copy is checked
# against its original (a fresh machine once produced a zero-filled wasm copy right after
# wasm-opt wrote the file, which left browsers with a blank page): flushed, compressed again,
# or refused. Brotli (a sixth smaller than gzip on the wasm) when the machine has it.
command -v brotli >/dev/null || echo "brotli is not installed: gzip copies only (apt-get install brotli)"
for f in "$wasm" "$js" "$staging/$css_name" "$staging/$boot_name"; do
  for attempt in 1 2 3; do
    sync "$f"
    gzip -9 -k -f "$f"
    ok=1
    zcat "$f.gz" | cmp -s - "$f" || ok=0
    if command -v brotli >/dev/null; then
      brotli -q 11 -k -f "$f"
      brotli -d -c "$f.br" | cmp -s - "$f" || ok=0
    fi
    if [ "$ok" = 1 ]; then break; fi
    echo "a compressed copy of $f differs from it (attempt $attempt)" >&2
    if [ "$attempt" = 3 ]; then exit 1; fi
    sleep 1
  done
done
# Swap in whole, so a running gateway never serves half a build.
rm -rf "$OUT.old"
[ -d "$OUT" ] && mv "$OUT" "$OUT.old"
mv "$staging" "$OUT"
rm -rf "$OUT.old"
echo "$stamp" > "$OUT.stamp"
echo "web app built in $OUT (wasm: $size_kb KB before compression)"
