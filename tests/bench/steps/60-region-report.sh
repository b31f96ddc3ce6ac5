# The region's report (report --region) in each format, read from the cycles
# the harness ran per municipality: time and peak RSS. Sourced by run.sh after
# its cycles, with $pdmon $store $work $period and timed NAME COMMAND...
if [ "${cycle:-1}" = 1 ]; then
  echo "bench: the region's report"
  for format in html json csv xlsx; do
    timed "region_report:$format" "$pdmon" --db "$store" report --region --period "$period" --format "$format" \
      -o "$work/region.$format" >/dev/null
  done
  # with every municipality's own report beside it, as a ministry publishes it
  timed "region_report:html+municipalities" "$pdmon" --db "$store" report --region --period "$period" --format html \
    --out "$work/region-site" >/dev/null
fi
