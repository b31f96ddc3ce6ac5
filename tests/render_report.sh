#!/bin/sh
# Renders the demo's report in headless Chromium (Debian's chromium) to a PNG
# and fails on a blank page: a white page compresses to a few kilobytes,
# the report to hundreds. Usage: tests/render_report.sh BUILD_DIR [PNG]
set -eu
build=${1:-build}
png=${2:-$(mktemp -d)/report.png}
out=$(mktemp -d)
"$build/pdmon" demo --out "$out/demo" > /dev/null
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$out/profile" --window-size=1100,2400 \
  --screenshot="$png" "file://$out/demo/report.html" 2>/dev/null
size=$(wc -c < "$png")
echo "rendered $png: $size bytes"
test "$size" -gt 40000 || { echo "the report renders as a blank page" >&2; exit 1; }
