#!/bin/sh
# Runs the tests under valgrind memcheck: the cmocka programs directly, and
# the end-to-end tests with each pdmon command wrapped in valgrind. The
# tests run side by side, one per core (valgrind runs a program on one
# core, so a sequential pass took most of CI's time); each one's output is
# kept and shown only when it fails.
#
# CI runs the quick pass: every test but e2e_packs, e2e_cycle, e2e_scale,
# e2e_region_report and e2e_rejudge. Under valgrind the first two took 34
# and 43 minutes while the machine's two cores ran a load of 10 (e2e_demo:
# 2.5 minutes), e2e_rejudge 579 s; e2e_scale and e2e_region_report run
# forty municipalities' cycles. Their code still runs under valgrind:
# e2e_demo runs the whole cycle (two years, every stage, the report), and
# e2e_report, e2e_i18n and e2e_traps evaluate packs; all five run under
# AddressSanitizer and UndefinedBehaviorSanitizer in CI. --full runs them all.
# Usage: tests/memcheck.sh BUILD_DIR [--full] [JOBS]
set -eu
build=$(cd "${1:-build}" && pwd)  # absolute: some tests run pdmon from their own folders
full=0
[ "${2:-}" = "--full" ] && { full=1; shift; }
jobs=${2:-$(nproc)}
source=$(cd "$(dirname "$0")/.." && pwd)
vg="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# one line per test: its name, then the command, the slow ones first so the
# pass ends when its longest test does (no blank at a line's end: xargs -L
# would join the next line to it)
slow=""
[ "$full" -eq 1 ] && slow="packs cycle scale region_report rejudge"
{
  for test in $slow i18n demo repl cli report options traps synth serve_cli files import_stream; do
    echo "e2e_$test env PDMON_WRAPPER=\"$vg\" $build/tests/test_$test $build/pdmon $source"
  done
  echo "e2e_web $vg $build/tests/test_web"
  echo "lua_stdlib $vg $build/tests/test_lua $source/tests/lua/helpers.lua $(ls "$source"/tests/lua/*.lua | grep -v helpers.lua | paste -sd ' ')"
  echo "unit_compile $vg $build/tests/test_compile $source"
  for test in patterns sandbox store import employment csv value russian escape xlsx template json_write result_sink analysis sql_tally; do
    echo "unit_$test $vg $build/tests/test_$test"
  done
} >"$logs/jobs"

export logs
status=0
xargs -P "$jobs" -L 1 sh -c '
  name=$1; shift; start=$(date +%s)
  if "$@" >"$logs/$name.log" 2>&1; then echo "memcheck: $name ok ($(($(date +%s) - start)) s)"
  else echo "memcheck: $name FAILED"; cat "$logs/$name.log"; exit 255; fi
' memcheck <"$logs/jobs" || status=1
[ "$status" -eq 0 ] && echo "memcheck: clean"
exit "$status"
