#!/bin/sh
# Rebuild ../linkedom.js: linkedom from the npm registry, bundled by esbuild into one
# IIFE that defines globalThis.__linkedom = {parseHTML}. The web runner loads it into
# each V8 isolate (docs/web-challenges.md). Nothing is fetched at run time: the bundle
# is committed. Versions are pinned here and in package-lock.json.
#   sh learning/coding/sandbox/vendor/build/build-linkedom.sh
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$HERE/package.json" "$HERE/package-lock.json" "$HERE/entry.js" "$HERE/atob-banner.js" "$WORK/"
cd "$WORK"
npm ci --no-audit --no-fund
# V8 alone has no atob (entities decodes its tables with it): a small polyfill first.
npx esbuild entry.js --bundle --format=iife --minify --target=es2020 --legal-comments=none \
  --banner:js="$(tr '\n' ' ' < atob-banner.js)" --outfile="$HERE/../linkedom.js"
echo "built $HERE/../linkedom.js"
