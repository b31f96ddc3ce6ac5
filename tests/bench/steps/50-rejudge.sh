# 50-rejudge.sh (sourced by run.sh): a municipality changes one target phrase in a
# copy of the pack ("Ежегодно - 75%" -> "Ежегодно - 80%", routes_formed, judged per
# organization) and every cycle the harness stored is re-judged without reading the
# data again (pdmon cycle rejudge --all): first as a dry run, then for real, then once
# more with nothing left to change (the cost of finding that out). The cycles' own
# times (cycle:N, a full evaluation each) are the yardstick: compare rejudge:all with
# their sum. Sees $pdmon $store $work $cycle; times with `timed`.
if [ "$cycle" = 1 ]; then
  echo "bench: rejudge"
  rejudge_packs="$work/packs-rejudge"
  rm -rf "$rejudge_packs"
  mkdir -p "$rejudge_packs"
  cp -r "$work/packs/chelyabinsk" "$work/packs/bench" "$rejudge_packs/"
  sed -i 's/target = "Ежегодно - 75%"/target = "Ежегодно - 80%"/' "$rejudge_packs/chelyabinsk/indicators.lua"
  if ! grep -q 'target = "Ежегодно - 80%"' "$rejudge_packs/chelyabinsk/indicators.lua"; then
    echo "bench: rejudge: the phrase to change is no longer in rules/chelyabinsk/indicators.lua" >&2
    exit 1
  fi
  timed rejudge:dry_run "$pdmon" --db "$store" cycle rejudge --all --pack "$rejudge_packs/bench" --dry-run >"$work/rejudge-dry.txt"
  timed rejudge:all "$pdmon" --db "$store" cycle rejudge --all --pack "$rejudge_packs/bench" >"$work/rejudge.txt"
  timed rejudge:unchanged "$pdmon" --db "$store" cycle rejudge --all --pack "$rejudge_packs/bench" >"$work/rejudge-again.txt"
  grep -q "routes_formed: target «Ежегодно - 75%» → «Ежегодно - 80%»" "$work/rejudge.txt" || {
    echo "bench: rejudge did not re-judge routes_formed:" >&2
    cat "$work/rejudge.txt" >&2
    exit 1
  }
  echo "rows:rejudge $(sqlite3 "$store" "SELECT coalesce(sum(rows), 0) FROM cycle_judgement WHERE judged_by = 'rejudge'") 0" >>"$times"
  tail -n 3 "$work/rejudge.txt"
fi
