#!/bin/sh
# Extracts the messages meant for people (_("...") and N_("...")) from the C
# sources into BUILD_DIR/pdmon.pot and merges them into every po/LANG.po:
# new messages appear untranslated, vanished ones become obsolete (#~).
# Then translate the empty msgstr "" entries and rebuild.
# Usage: po/update.sh [BUILD_DIR]   (default build)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
mkdir -p "$build"
"$root/po/extract.sh" "$build/pdmon.pot"
for po in "$root"/po/*.po; do
  msgmerge --quiet --update --backup=none --no-fuzzy-matching --add-location=file --sort-by-file "$po" "$build/pdmon.pot"
done
