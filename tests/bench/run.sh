#!/usr/bin/env bash
# The benchmark harness: synthetic data at a chosen scale, imported into a
# pdmon store, then seven indicators of different shapes computed side by
# side in one run by pdmon, hand-written SQL on pdmon's own store (the
# sqlite3 shell), pandas and DuckDB on the CSV files. Checks that all four
# agree (exit 1 when not) and prints the times as ratios. See README.md.
#
# Usage: tests/bench/run.sh [--build DIR] [--scale municipality|region|country]
#          [--seed N] [--period YEAR] [--work DIR] [--csv DIR] [--no-cycle] [--cycles N] [--keep]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
build="$source_dir/build" scale=municipality seed=1 period=2023 work="" csv="" cycle=1 cycles=40 keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --period) period=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --csv) csv=$(cd "$2" && pwd); shift 2 ;;
    --no-cycle) cycle=0; shift ;;
    --cycles) cycles=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: $0 [--build DIR] [--scale municipality|region|country] [--seed N] [--period YEAR] [--work DIR] [--csv DIR] [--no-cycle] [--cycles N] [--keep]" >&2; exit 2 ;;
  esac
done
pdmon="$build/pdmon"
python=/usr/bin/python3  # Debian's, with python3-pandas
[ -x "$pdmon" ] || { echo "$pdmon: not built" >&2; exit 2; }
for tool in sqlite3 node npm /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh sqlite3 python3-pandas nodejs npm time)" >&2; exit 2; }
done
"$python" -c "import pandas" 2>/dev/null || { echo "bench: $python has no pandas (apt-get install python3-pandas)" >&2; exit 2; }
if [ ! -d "$here/node_modules/@duckdb/node-api" ]; then
  echo "bench: installing DuckDB into $here/node_modules"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

if [ -z "$work" ]; then work=$(mktemp -d "${TMPDIR:-/tmp}/pdmon-bench-XXXXXX"); fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT
times="$work/times.txt"
: >"$times"

# timed NAME COMMAND...: runs the command, appends "NAME seconds peak_kb".
timed() {
  local name=$1 start end; shift
  start=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$work/.time" "$@"
  end=$(date +%s%N)
  echo "$name $(((end - start) / 1000000000)).$(printf %06d $(((end - start) / 1000 % 1000000))) $(cat "$work/.time")" >>"$times"
}

echo "bench: $scale scale, seed $seed, period $period, in $work"
if [ -n "$csv" ]; then
  # data made earlier by the same synth --scale --seed (making the country's
  # takes a while and does not depend on the build being measured)
  rm -rf "$work/csv"
  ln -s "$csv" "$work/csv"
else
  "$pdmon" synth --scale "$scale" --seed "$seed" --out "$work/csv" >/dev/null
fi
mkdir -p "$work/packs"
cp -r "$source_dir/rules/chelyabinsk" "$here/packs/bench" "$here/packs/seven" "$work/packs/"
store="$work/store.db"
"$pdmon" --db "$store" init --pack "$work/packs/bench" >/dev/null

echo "bench: importing"
for entity in organizations staff activities communities documents events participation registries; do
  file="$work/csv/$entity.csv"
  timed "import:$entity" "$pdmon" --db "$store" import "$entity" "$file" >/dev/null
  echo "rows:$entity $(($(wc -l <"$file") - 1)) 0" >>"$times"
  # the baseline: the sqlite3 shell's own import of the same file into a plain table
  timed "sqlite_import:$entity" sqlite3 "$work/plain.db" ".import --csv $file $entity"
done

echo "bench: pdmon"
timed pdmon:full "$pdmon" --db "$store" eval --region --pack "$work/packs/bench" --period "$period" --format json >"$work/full.json"
timed pdmon:seven "$pdmon" --db "$store" eval --region --pack "$work/packs/seven" --period "$period" --format json >"$work/seven.json"
indicators="teachers_diagnosed tutors young_staff heads_mentored schools_on_platform association_programmes diagnosed_growth"
for id in $indicators; do
  timed "pdmon:$id" "$pdmon" --db "$store" eval --region --pack "$work/packs/seven" --period "$period" --indicator "$id" --format json >/dev/null
done

echo "bench: hand-written SQL"
parameters=(".parameter set @period $period" ".parameter set @from \"'$period-01-01'\""
            ".parameter set @to \"'$period-12-31'\"" ".parameter set @since \"'2021-01-01'\""
            ".parameter set @base_from \"'$((period - 1))-01-01'\"" ".parameter set @base_to \"'$((period - 1))-12-31'\"")
reads=()
for id in $indicators; do
  reads+=(".read $here/sql/$id.sql")
  timed "sql:$id" sqlite3 -csv "$store" "${parameters[@]}" ".read $here/sql/$id.sql" >/dev/null
done
timed sql:seven sqlite3 -csv "$store" "${parameters[@]}" "${reads[@]}" >"$work/hand.csv"

echo "bench: pandas"
timed pandas:process "$python" "$here/pandas_figures.py" "$work/csv" "$period" "$work/pandas.csv" "$work/pandas_times.json"
echo "bench: DuckDB"
timed duckdb:process node "$here/duckdb_figures.mjs" "$work/csv" "$period" "$work/duckdb.csv" "$work/duckdb_times.json"

if [ "$cycle" = 1 ]; then
  # one cycle per municipality of the store, in turn, as each coordinator
  # would run it: the cost of a cycle must not grow with the earlier ones
  echo "bench: cycles"
  n=0
  for m in $(sqlite3 "$store" "SELECT DISTINCT municipality FROM organization ORDER BY 1 LIMIT $cycles"); do
    n=$((n + 1))
    "$pdmon" --db "$store" init --municipality "$m" >/dev/null
    "$pdmon" --db "$store" cycle open --period "$period" >/dev/null
    timed "cycle:$n" "$pdmon" --db "$store" cycle run >/dev/null
  done
fi

# further steps, one file each (steps/*.sh, sourced in name order): they see
# the variables above and record their times with `timed NAME COMMAND...`;
# compare.py prints every time it does not know under "further steps"
for step in "$here"/steps/*.sh; do
  [ -e "$step" ] || continue
  # shellcheck source=/dev/null
  source "$step"
done

echo
"$python" "$here/compare.py" "$work"
