#!/bin/bash
# The bash completion (scripts/pdmon-completion.bash) as a user meets it:
# each case is a line typed up to the cursor and the words TAB offers.
# Usage: tests/completion.sh PDMON_BINARY SOURCE_DIR
set -u
pdmon=$1
source_dir=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$source_dir" || exit 1
"$pdmon" --db "$scratch/s.db" init --municipality demo --pack examples/quickstart >/dev/null || exit 1
"$pdmon" --db "$scratch/s.db" import organizations examples/quickstart/organizations.csv >/dev/null || exit 1
source scripts/pdmon-completion.bash
failures=0

# Completes LINE (after the program's name) and prints the offered words on one line.
offered() {
  COMP_LINE="$pdmon $1"
  COMP_POINT=${#COMP_LINE}
  read -r -a COMP_WORDS <<<"$COMP_LINE"
  [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  _pdmon
  printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

# expect LINE WORDS: the words offered for LINE are exactly WORDS (sorted).
expect() {
  local got
  got=$(offered "$1")
  if [[ $got != "$2" ]]; then
    echo "FAIL: pdmon $1<TAB> offered '$got', expected '$2'" >&2
    failures=$((failures + 1))
  fi
}

# expect_has LINE WORD: WORD is among the words offered for LINE.
expect_has() {
  local got
  got=" $(offered "$1") "
  if [[ $got != *" $2 "* ]]; then
    echo "FAIL: pdmon $1<TAB> offered '$got', not '$2'" >&2
    failures=$((failures + 1))
  fi
}

expect "ev" "eval"
expect "he" "help"
expect "help ex" "explain"
expect "eval --per" "--period"
expect "eval --format " "csv json table"
expect "eval --format=j" "json"
expect "report --format " "csv html json md xlsx"
expect "report --a" "--as-of"
expect "eval --al" "--all"
expect "report --pl" "--plain"
expect "report --reg" "--region"
expect "report --region --per" "--period"
expect "measure done 1 --oc" "--occurrence"
expect "init --municipality-" "--municipality-name"
expect "cycle " "analysis close open recommendations rejudge run status"
expect "cycle rejudge --dr" "--dry-run"
expect "cycle status --format " "json table"
expect "cycle status --al" "--all"
expect "measure " "done list"
expect "import " "activities communities documents events measures organizations participation registries staff"
expect "import staff examples/quickstart/st" "examples/quickstart/staff.csv"
expect "import staff x.csv --encoding " "cp1251 cp866 koi8-r utf-16be utf-16le utf-8"
expect "import staff x.csv --sh" "--sheet"
expect "template " "activities communities documents events organizations participation registries staff"
expect "template staff --format " "csv xlsx"
expect "report -o examples/quickstart/st" "examples/quickstart/staff.csv"
expect "--db $scratch/s.db eval --indicator te" "teachers_diagnosed"
expect "--db=$scratch/s.db explain " "teachers_diagnosed"
expect "--db $scratch/s.db eval --org=s" "sch1 sch2 sch3"
expect "--db $scratch/s.db eval --period 2023 --org " "dou5 sch1 sch2 sch3"
expect "--pack examples/quickstart explain t" "teachers_diagnosed"
expect "--pa" "--pack"
expect "--pack examples/qu" "examples/quickstart"
expect_has "import --" "--skip-invalid"
expect_has "import --" "--db"
expect_has "decision add --" "--measure"

if [[ $failures -gt 0 ]]; then
  echo "$failures completion cases failed" >&2
  exit 1
fi
echo "bash completion: every case offered what it should"
