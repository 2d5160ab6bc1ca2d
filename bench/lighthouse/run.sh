#!/usr/bin/env bash
# Lighthouse (npm, Debian's Chromium) on home, a category, a service and the cart of a running
# shop (`make serve`); prints one line of scores per page. See docs/benchmarks.md.
# Usage: bench/lighthouse/run.sh BASE_URL [category-slug] [service-slug]
set -euo pipefail
BASE_URL=${1:?base URL, e.g. http://127.0.0.1:8000}
CATEGORY=${2:-visure-e-certificati-catastali}
SERVICE=${3:-visura-catastale}
HERE=$(cd "$(dirname "$0")" && pwd)
TOOLS=${LIGHTHOUSE_DIR:-$HERE/../../var/lighthouse}
OUT=${LIGHTHOUSE_OUT:-$TOOLS/reports}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
mkdir -p "$TOOLS" "$OUT"
if [ ! -x "$TOOLS/node_modules/.bin/lighthouse" ] || ! cmp -s "$HERE/package-lock.json" "$TOOLS/package-lock.json"; then
  cp "$HERE/package.json" "$HERE/package-lock.json" "$TOOLS/"
  (cd "$TOOLS" && npm ci --no-audit --no-fund --silent)
fi
FORM_FACTOR=${FORM_FACTOR:-mobile}
for page in "home=/" "category=/servizi/categoria/$CATEGORY/" "service=/servizi/$SERVICE/" "cart=/carrello/"; do
  name=${page%%=*}
  path=${page#*=}
  flags=(--quiet --output=json --output-path="$OUT/$name.json"
    --only-categories=performance,accessibility,best-practices,seo
    "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage")
  [ "$FORM_FACTOR" = desktop ] && flags+=(--preset=desktop)
  "$TOOLS/node_modules/.bin/lighthouse" "$BASE_URL$path" "${flags[@]}" || true
  node -e '
    const r = require(process.argv[1]);
    const s = Object.fromEntries(Object.entries(r.categories).map(([k, v]) => [k, Math.round(v.score * 100)]));
    const failed = Object.values(r.audits).filter(a => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "manual" && a.scoreDisplayMode !== "notApplicable").map(a => a.id);
    console.log(`${process.argv[2].padEnd(9)} performance ${s.performance} accessibility ${s.accessibility} best-practices ${s["best-practices"]} seo ${s.seo}` + (failed.length ? `  (below 90: ${failed.join(", ")})` : ""));
  ' "$OUT/$name.json" "$name"
done
