#!/bin/sh
# Runs every test under valgrind memcheck: the cmocka programs directly,
# and the end-to-end test with each pdmon command wrapped in valgrind.
# Usage: tests/memcheck.sh BUILD_DIR
set -eu
build=$(cd "${1:-build}" && pwd)  # absolute: some tests run pdmon from their own folders
vg="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q"
for test in csv value store import employment sandbox russian patterns; do
  echo "memcheck: unit_$test"
  $vg "$build/tests/test_$test" >/dev/null
done
echo "memcheck: unit_compile"
$vg "$build/tests/test_compile" "$(cd "$(dirname "$0")/.." && pwd)" >/dev/null
echo "memcheck: lua_stdlib"
$vg "$build/tests/test_lua" "$(dirname "$0")/lua/helpers.lua" $(ls "$(dirname "$0")"/lua/*.lua | grep -v helpers.lua) >/dev/null
echo "memcheck: e2e_cli"
PDMON_WRAPPER="$vg" "$build/tests/test_cli" "$build/pdmon" "$(cd "$(dirname "$0")/.." && pwd)" >/dev/null
echo "memcheck: e2e_cycle"
PDMON_WRAPPER="$vg" "$build/tests/test_cycle" "$build/pdmon" "$(cd "$(dirname "$0")/.." && pwd)" >/dev/null
for test in packs demo report synth repl options i18n scale traps; do
  echo "memcheck: e2e_$test"
  PDMON_WRAPPER="$vg" "$build/tests/test_$test" "$build/pdmon" "$(cd "$(dirname "$0")/.." && pwd)" >/dev/null
done
echo "memcheck: e2e_web"
$vg "$build/tests/test_web" >/dev/null
echo "memcheck: e2e_serve_cli"
PDMON_WRAPPER="$vg" "$build/tests/test_serve_cli" "$build/pdmon" "$(cd "$(dirname "$0")/.." && pwd)" >/dev/null
echo "memcheck: clean"
