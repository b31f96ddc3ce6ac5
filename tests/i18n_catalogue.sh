#!/bin/sh
# Fails when a message meant for people (_("...") or N_("...") in engine/ or
# dsl/) has no Russian translation in po/ru.po, or the translation is fuzzy,
# so the catalogue stays complete as messages are added.
# Usage: tests/i18n_catalogue.sh SCRATCH_DIR
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
pot="${1:-/tmp}/i18n-check.pot"
"$root/po/extract.sh" "$pot"
if ! msgcmp "$root/po/ru.po" "$pot" 2>"$pot.errors"; then
  cat "$pot.errors" >&2
  echo "po/ru.po lacks the Russian of the messages above: run 'po/update.sh build', translate each" >&2
  echo "new msgstr \"\" in po/ru.po (remove '#, fuzzy' once checked), rebuild. See po/README.md." >&2
  exit 1
fi
echo "po/ru.po: every message of the sources is translated"
