#!/bin/sh
# The hostile corpus: one file per attack in tests/hostile/cases/*.case. A
# case is a short shell script run in a fresh scratch folder with the
# helpers below: it builds what the attack needs (a store, a pack, a CSV
# file), makes one or more attempts, and states what pdmon must answer: a
# clean refusal (exit status and message) or a bounded stop (within so many
# seconds, with the message saying why). ctest runs each case as its own
# test, in the plain and in the sanitizer build.
#
# Usage: tests/hostile/run.sh PDMON SOURCE_DIR CASE_FILE
# $PDMON_WRAPPER (e.g. valgrind) is put before every pdmon command.
set -u

PDMON_BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$2" && pwd)
CASE=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pdmon-hostile-XXXXXX")
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM
cd "$WORK" || exit 1

# Limits small enough that a runaway rule stops in a second or two; a
# case may raise or lower them before its attempt.
export PDMON_DB="$WORK/store.db"
export PDMON_INSTRUCTION_LIMIT=50000000
export PDMON_MEMORY_LIMIT=67108864
export LC_ALL=C.UTF-8
# a sanitizer report must fail the case, never pass for a refusal
export ASAN_OPTIONS="exitcode=86:detect_leaks=1"
export UBSAN_OPTIONS="exitcode=86:halt_on_error=1:print_stacktrace=1"

attempts=0
checks=0
status=
seconds=
LIMIT=90

fail() {
  echo "not ok - $(basename "$CASE" .case): $*"
  for f in out.txt err.txt; do
    if [ -s "$WORK/$f" ]; then
      echo "--- $f (first 40 lines)"
      head -n 40 "$WORK/$f"
    fi
  done
  exit 1
}

# Runs pdmon for a setup step, which must succeed.
pdmon() {
  if ! ${PDMON_WRAPPER:-} "$PDMON_BIN" "$@" >setup.out 2>setup.err; then
    echo "setup step failed: pdmon $*"
    cat setup.out setup.err
    fail "setup failed"
  fi
}

# The attack: runs pdmon with a time limit and keeps its outcome for the
# expectations that follow. Standard input is empty unless redirected.
attempt() {
  attempts=$((attempts + 1))
  start=$(date +%s.%N)
  timeout -k 5 "$LIMIT" ${PDMON_WRAPPER:-} "$PDMON_BIN" "$@" >out.txt 2>err.txt
  status=$?
  seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  [ "$status" -eq 124 ] && fail "pdmon $* did not stop within $LIMIT s"
  [ "$status" -eq 86 ] && fail "a sanitizer reported an error"
  if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:|PANIC|unprotected error' err.txt; then
    fail "pdmon $* crashed or panicked"
  fi
  [ "$status" -ge 128 ] && fail "pdmon $* was killed by signal $((status - 128))"
  return 0
}

# Like attempt, but presses Ctrl-C (SIGINT) after DELAY seconds: the
# command must then stop by itself (within LIMIT), saying so.
attempt_interrupted() {
  delay=$1
  shift
  attempts=$((attempts + 1))
  start=$(date +%s.%N)
  ${PDMON_WRAPPER:-} "$PDMON_BIN" "$@" >out.txt 2>err.txt </dev/null &
  pid=$!
  sleep "$delay"
  kill -INT "$pid" 2>/dev/null
  waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((LIMIT * 10)) ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    fail "pdmon $* did not stop within $LIMIT s of Ctrl-C"
  fi
  wait "$pid"
  status=$?
  seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  [ "$status" -eq 86 ] && fail "a sanitizer reported an error"
  if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:|PANIC|unprotected error' err.txt; then
    fail "pdmon $* crashed or panicked"
  fi
  [ "$status" -ge 128 ] && fail "pdmon $* was killed by signal $((status - 128))"
  return 0
}

# Like attempt, but with pdmon's standard output and error on a terminal
# (a pseudo-terminal made by script(1)); both land in out.txt.
attempt_on_terminal() {
  attempts=$((attempts + 1))
  : >term.sh
  printf 'exec %s' "${PDMON_WRAPPER:-}" >>term.sh
  for arg in "$PDMON_BIN" "$@"; do
    printf " '%s'" "$(printf '%s' "$arg" | sed "s/'/'\\\\''/g")" >>term.sh
  done
  echo >>term.sh
  timeout -k 5 "$LIMIT" script -qefc "sh ./term.sh" /dev/null >out.txt 2>err.txt </dev/null
  status=$?
  [ "$status" -eq 124 ] && fail "pdmon $* did not stop within $LIMIT s"
  if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:|PANIC|unprotected error' out.txt err.txt; then
    fail "pdmon $* crashed or panicked"
  fi
  return 0
}

# No byte of the last attempt's output is a control character other than
# tab, newline and carriage return (which a terminal adds itself).
expect_no_control_characters() {
  checks=$((checks + 1))
  if LC_ALL=C grep -q "$(printf '[\001-\010\013\014\016-\037\177]')" out.txt err.txt; then
    fail "a control character reached the terminal: $(LC_ALL=C grep -o "$(printf '[\001-\010\013\014\016-\037\177].\{0,12\}')" out.txt err.txt | head -3 | od -c | head -3)"
  fi
  if LC_ALL=C grep -q "$(printf '\302[\200-\237]')" out.txt err.txt; then fail "a C1 control reached the terminal"; fi
}

expect_status() {
  checks=$((checks + 1))
  [ "$status" = "$1" ] || fail "expected exit status $1, got $status"
}

expect_stderr() {
  checks=$((checks + 1))
  grep -Eq -- "$1" err.txt || fail "stderr does not match /$1/"
}

expect_stdout() {
  checks=$((checks + 1))
  grep -Eq -- "$1" out.txt || fail "stdout does not match /$1/"
}

refute_stdout() {
  checks=$((checks + 1))
  ! grep -Eq -- "$1" out.txt || fail "stdout matches /$1/ but must not"
}

refute_stderr() {
  checks=$((checks + 1))
  ! grep -Eq -- "$1" err.txt || fail "stderr matches /$1/ but must not"
}

# The last attempt finished within N seconds.
within() {
  checks=$((checks + 1))
  awk -v s="$seconds" -v n="$1" 'BEGIN { exit !(s <= n) }' || fail "took $seconds s, more than $1 s"
}

# A file's content matches (or, with refute_file, does not).
expect_file() {
  checks=$((checks + 1))
  [ -f "$1" ] && grep -Eq -- "$2" "$1" || fail "$1 does not match /$2/"
}

refute_file_content() {
  checks=$((checks + 1))
  ! grep -Eq -- "$2" "$1" 2>/dev/null || fail "$1 matches /$2/ but must not"
}

# Writes standard input to a file, creating its folder.
file() {
  mkdir -p "$(dirname "$1")"
  cat >"$1"
}

# Bytes written with printf escapes (\xHH, \r) into a file.
bytes() {
  mkdir -p "$(dirname "$1")"
  printf "$2" >"$1"
}

# Fixture: a store with two municipalities, a (the store's own) and b.
# Organization ids are a-sch1, a-sch2, b-sch1; b's rows carry the marker
# SECRET-B in names and titles, so a leak shows in any output.
two_towns() {
  file towns/organizations.csv <<'CSV'
id,name,kind,municipality
a-sch1,Школа А1,school,a
a-sch2,Школа А2,school,a
b-sch1,SECRET-B школа,school,b
CSV
  file towns/staff.csv <<'CSV'
id,organization_id,position,birth_year,career_start_year
a-t1,a-sch1,teacher,1980,2005
a-t2,a-sch1,teacher,1990,2015
a-t3,a-sch2,teacher,1975,2000
b-t1,b-sch1,teacher,1985,2010
b-t2,b-sch1,teacher,1986,2011
CSV
  file towns/activities.csv <<'CSV'
id,staff_id,kind,date,title
act1,a-t1,diagnostic,2023-03-01,Диагностика
act2,a-t3,course,2023-04-01,Курсы
act3,b-t1,diagnostic,2023-03-02,SECRET-B диагностика
CSV
  pdmon init --municipality a
  pdmon import organizations towns/organizations.csv
  pdmon import staff towns/staff.csv
  pdmon import activities towns/activities.csv
}

# Fixture: a pack folder "pack" for municipality a whose manifest is
# pack.lua (unless the case writes its own) and whose indicator file is
# standard input.
pack() {
  mkdir -p pack
  [ -f pack/pack.lua ] || echo 'pack { id = "hostile", title = "Враждебный пакет" }' >pack/pack.lua
  cat >pack/indicators.lua
}

. "$CASE"

[ "$attempts" -gt 0 ] || fail "the case makes no attempt"
[ "$checks" -gt 0 ] || fail "the case checks nothing"
echo "ok - $(basename "$CASE" .case)"
