#!/bin/sh
# Writes the template of every message meant for people in the C sources
# (engine/, dsl/) and the Lua standard library (stdlib/, where tr("...")
# is the same gettext) to OUTPUT: the input of po/update.sh and of the test
# that the Russian catalogue is complete.
# Usage: po/extract.sh OUTPUT
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
{ find engine dsl -name '*.c'; find stdlib -name '*.lua'; } | LC_ALL=C sort >"$1.files"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=tr --add-comments=TRANSLATORS: \
  --package-name=pdmon --add-location=file --sort-by-file \
  --files-from="$1.files" --output="$1"
rm -f "$1.files"
