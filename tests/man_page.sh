#!/bin/sh
# The manual page (docs/pdmon.1) describes every command and every option
# of the command table (engine/cli/commands.c, listed by 'pdmon __complete'),
# and groff formats it without a warning.
# Usage: tests/man_page.sh PDMON_BINARY SOURCE_DIR
set -eu
pdmon=$1
page=$2/docs/pdmon.1
missing=0
for command in $("$pdmon" __complete commands); do
  [ "$command" = help ] && continue
  if ! grep -q "^\.SS \"pdmon $command" "$page"; then
    echo "docs/pdmon.1: no section for 'pdmon $command' (.SS \"pdmon $command ...\")" >&2
    missing=$((missing + 1))
    continue
  fi
  # the body of the command's section (not its .SS line): from its .SS to the next one
  section=$(awk -v head=".SS \"pdmon $command" 'index($0, head) == 1 { on = 1; next } /^\.S[SH] / { on = 0 } on' "$page")
  for option in $("$pdmon" __complete options "$command" | sed -n 's/^--\([^=]*\).*/\1/p'); do
    case $option in db | pack | help) continue ;; esac # the global options have their own section
    escaped=$(printf '%s' "$option" | sed 's/-/\\\\-/g')
    if ! printf '%s\n' "$section" | grep -q -- "\\\\-\\\\-$escaped"; then
      echo "docs/pdmon.1: 'pdmon $command' does not describe --$option" >&2
      missing=$((missing + 1))
    fi
  done
done
if command -v groff >/dev/null 2>&1; then
  warnings=$(groff -k -man -ww -z -Tutf8 "$page" 2>&1 || true)
  if [ -n "$warnings" ]; then
    echo "$warnings" >&2
    missing=$((missing + 1))
  fi
fi
if [ "$missing" -gt 0 ]; then
  echo "docs/pdmon.1 is behind the program: $missing problems above" >&2
  exit 1
fi
echo "docs/pdmon.1 describes every command and option"
