#!/bin/sh
# The quickstart walk-through as one script: a fresh store, the example
# CSVs imported, the indicator evaluated and printed as a table.
# Usage: examples/quickstart/run.sh [PDMON_BINARY] (default build/pdmon)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pdmon=${1:-build/pdmon}
db=${PDMON_DB:-$(mktemp -d)/quickstart.db}

"$pdmon" --db "$db" init --municipality demo --pack "$here"
"$pdmon" --db "$db" import organizations "$here/organizations.csv"
"$pdmon" --db "$db" import staff "$here/staff.csv"
"$pdmon" --db "$db" import activities "$here/activities.csv"
"$pdmon" --db "$db" eval --period 2023
echo "store: $db"
