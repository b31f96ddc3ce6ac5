#!/bin/sh
# Renders the demo's report in headless Chromium (Debian's chromium) as an
# official would meet it: on screen (a PNG that must not be blank: a white
# page compresses to a few kilobytes, the report to hundreds), at phone width,
# and printed to A4 PDF, which must take at most 20 pages and whose text layer
# (pdftotext) must hold no English status word or code meant for machines.
# Usage: tests/render_report.sh BUILD_DIR [OUT_DIR]  (OUT_DIR keeps the
# pictures: report.png, phone.png, report.pdf, report.txt)
set -eu
build=${1:-build}
keep=${2:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pictures=${keep:-$out}
mkdir -p "$pictures"
"$build/pdmon" demo --out "$out/demo" > /dev/null
chrome() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$out/profile" "$@" "file://$out/demo/report.html" \
    > /dev/null 2>&1
}
chrome --window-size=1100,2400 --screenshot="$pictures/report.png"
size=$(wc -c < "$pictures/report.png")
echo "rendered $pictures/report.png: $size bytes"
test "$size" -gt 40000 || { echo "the report renders as a blank page" >&2; exit 1; }
chrome --window-size=390,2400 --screenshot="$pictures/phone.png"
test "$(wc -c < "$pictures/phone.png")" -gt 20000 || { echo "the report renders blank at phone width" >&2; exit 1; }

chrome --no-pdf-header-footer --print-to-pdf="$pictures/report.pdf"
size=$(pdfinfo "$pictures/report.pdf" | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\).*/\1x\2/p')
pages=$(pdfinfo "$pictures/report.pdf" | sed -n 's/^Pages: *//p')
echo "printed $pictures/report.pdf: $pages A4 pages ($size pt)"
case "$size" in 59[45]*x84[12]*) ;; *) echo "the report does not print on A4 ($size pt)" >&2; exit 1 ;; esac
test "$pages" -le 20 || { echo "the report prints to $pages pages; at most 20" >&2; exit 1; }

# what a reader sees: no codes, no English statuses, no municipality code
pdftotext -enc UTF-8 "$pictures/report.pdf" "$pictures/report.txt"
code=$("$build/pdmon" --db "$out/demo/pdmon.db" report --format json | sed -n 's/.*"municipality":"\([^"]*\)".*/\1/p' | head -n 1)
test -n "$code" || { echo "cannot read the municipality code from the report's JSON" >&2; exit 1; }
found=""
for word in met not_met no_target no_data carried new closed open run order protocol effective no_effect \
            insufficient_data methodical_service organization municipality overdue planned done due "$code"; do
  if grep -qwi -- "$word" "$pictures/report.txt"; then found="$found $word"; fi
done
test -z "$found" || { echo "the printed report shows codes or English:$found" >&2; grep -nwi -E "$(echo $found | tr ' ' '|')" "$pictures/report.txt" | head >&2; exit 1; }
grep -q "По состоянию на 31.12.2023" "$pictures/report.txt" || { echo "the printed report states no as-of date" >&2; exit 1; }
grep -q "Сформировано [0-3][0-9].[01][0-9].20[0-9][0-9]" "$pictures/report.txt" || { echo "no generation date in the footer" >&2; exit 1; }
echo "text layer: no codes or English words; as-of date and generation date present"
