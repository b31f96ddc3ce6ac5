# Sourced by run.sh: eval --all (every municipality of the store in one pass
# over the data, each with its own pack layer) against eval --region (the
# store as one unit), both with rules/chelyabinsk; at municipality and
# region scale, --all must give the first, second and last municipality
# exactly what a run of each alone gives (any difference fails the run).
echo "bench: eval --all"
timed eval_all:all "$pdmon" --db "$store" eval --all --pack "$work/packs/chelyabinsk" --period "$period" --format json >"$work/all.json"
timed eval_all:region "$pdmon" --db "$store" eval --region --pack "$work/packs/chelyabinsk" --period "$period" --format json >"$work/region.json"
if [ "$scale" != country ]; then
  chosen=$(sqlite3 "$store" "SELECT municipality FROM organization UNION SELECT municipality FROM community
                             UNION SELECT municipality FROM document ORDER BY 1" | awk 'NR <= 2 { print } { last = $0 } END { print last }' | sort -u)
  for m in $chosen; do
    timed "eval_all:alone:$m" "$pdmon" --db "$store" eval --municipality "$m" --pack "$work/packs/chelyabinsk" --period "$period" \
      --format json >"$work/alone-$m.json"
  done
  # shellcheck disable=SC2086
  "$python" - "$work" $chosen <<'PY' || { echo "bench: eval --all differs from the municipalities' own runs" >&2; exit 1; }
import json, sys
work, chosen = sys.argv[1], sys.argv[2:]
every = json.load(open(f"{work}/all.json"))["results"]
failed = 0
for m in chosen:
    alone = json.load(open(f"{work}/alone-{m}.json"))["results"]
    got = [{k: v for k, v in row.items() if k != "municipality"} for row in every if row.get("municipality") == m]
    if got != alone:
        failed += 1
        diff = next((i for i, (a, b) in enumerate(zip(got, alone)) if a != b), min(len(got), len(alone)))
        print(f"eval --all, {m}: {len(got)} rows against {len(alone)} alone; first difference at row {diff}", file=sys.stderr)
print(f"eval --all: {len(chosen)} municipalities checked against their own runs, {failed} differing")
sys.exit(1 if failed else 0)
PY
fi
