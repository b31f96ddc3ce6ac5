# cycle run --all: the management cycle of every municipality of the store
# in one process (each municipality's own cycle, with its layer over the
# region's pack), timed with its peak RSS against the harness's cycles one
# municipality at a time (cycle:N, step 4 of run.sh). The cycles the harness
# did not open (--no-cycle, or --cycles below the store's municipalities)
# are opened first, untimed. Agreement: what the per-municipality runs
# stored (results, problem zones, recommendations, ratings) must be what
# --all stores again in the same cycles; any difference fails the run.
# Sourced by run.sh: sees $pdmon, $store, $work, $period and timed.
echo "bench: cycle run --all"
"$pdmon" --db "$store" cycle open --all --period "$period" >/dev/null
cycle_tables="cycle_result:cycle_id, indicator, organization, breakdown, grp, value, numerator, denominator, status, target_value, message
cycle_problem:cycle_id, indicator, organization, description, carried_from, resolved
cycle_recommendation:cycle_id, indicator, organization, addressee, priority, text
cycle_rating:cycle_id, rating, organization, score, rank, covered, weighted"
# the harness's per-municipality runs, kept aside before --all runs them again
rm -f "$work/cycles_one.db"
snapshot="ATTACH '$work/cycles_one.db' AS one;
CREATE TABLE one.ran AS SELECT id FROM cycle WHERE period = $period AND state = 'run';"
while IFS=: read -r table columns; do
  snapshot+="CREATE TABLE one.$table AS SELECT $columns FROM $table WHERE cycle_id IN (SELECT id FROM one.ran);"
done <<<"$cycle_tables"
sqlite3 "$store" "$snapshot"
timed cycle_all:run "$pdmon" --db "$store" cycle run --all --period "$period" >/dev/null
differences=0
while IFS=: read -r table columns; do
  now="SELECT $columns FROM $table WHERE cycle_id IN (SELECT id FROM one.ran)"
  n=$(sqlite3 "$store" "ATTACH '$work/cycles_one.db' AS one;
    SELECT (SELECT count(*) FROM (SELECT * FROM one.$table EXCEPT $now)) + (SELECT count(*) FROM ($now EXCEPT SELECT * FROM one.$table))")
  if [ "$n" != 0 ]; then
    echo "bench: cycle run --all: $n rows of $table differ from the per-municipality cycles" >&2
    differences=$((differences + n))
  fi
done <<<"$cycle_tables"
ran=$(sqlite3 "$work/cycles_one.db" "SELECT count(*) FROM ran")
all=$(sqlite3 "$store" "SELECT count(*) FROM cycle WHERE period = $period")
one=$(awk '$1 ~ /^cycle:[0-9]+$/ { s += $2; n++ } END { printf "%.3f %d", s, n }' "$times")
echo "bench: cycle run --all: $all municipalities; the $ran cycles run one at a time before agree ($differences rows differ);" \
     "per-municipality cycles in turn: ${one% *} s for ${one#* }"
[ "$differences" = 0 ] || exit 1
