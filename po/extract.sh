#!/bin/sh
# Writes the template of every message meant for people in the C sources
# (engine/, dsl/) to OUTPUT: the input of po/update.sh and of the test
# that the Russian catalogue is complete.
# Usage: po/extract.sh OUTPUT
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
find engine dsl -name '*.c' | LC_ALL=C sort >"$1.files"
xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --add-comments=TRANSLATORS: \
  --package-name=pdmon --add-location=file --sort-by-file \
  --files-from="$1.files" --output="$1"
rm -f "$1.files"
