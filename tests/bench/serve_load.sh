#!/usr/bin/env bash
# Load test of the web workplace (a benchmark, not a ctest): a synthetic
# municipality of ORGANIZATIONS organizations with its first cycle run on half
# of its activities, then 50 clients read the dashboard from 127.0.0.1, first
# alone (the baseline) and then while the other half of the activities is
# uploaded and imported through the workplace. Fails on any error or
# "database is locked"; prints requests per second and p99 latency.
# Usage: tests/bench/serve_load.sh [BUILD_DIR] [CLIENTS] [SECONDS] [ORGANIZATIONS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$source_dir/build}" && pwd)
clients=${2:-50} seconds=${3:-5} organizations=${4:-400}
pdmon="$build/pdmon"
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
"$pdmon" synth --scale municipality --organizations "$organizations" --seed 7 --out "$work/data" > /dev/null
mun=$(sed -n 2p "$work/data/organizations.csv" | awk -F, '{print $NF}')
head -n 1 "$work/data/activities.csv" > "$work/later.csv"
half=$(( $(wc -l < "$work/data/activities.csv") / 2 ))
head -n "$half" "$work/data/activities.csv" > "$work/first.csv"
tail -n +"$((half + 1))" "$work/data/activities.csv" >> "$work/later.csv"
db="$work/store.db"
"$pdmon" --db "$db" init --municipality "$mun" --pack "$source_dir/examples/quickstart" > /dev/null
for entity in organizations staff; do "$pdmon" --db "$db" import "$entity" "$work/data/$entity.csv" > /dev/null; done
"$pdmon" --db "$db" import activities "$work/first.csv" > /dev/null
"$pdmon" --db "$db" cycle open --period 2023 > /dev/null
"$pdmon" --db "$db" cycle run > /dev/null
echo "bench-password" | "$pdmon" --db "$db" user add bench --role municipality --municipality "$mun" > /dev/null
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$pdmon" --db "$db" serve --listen "127.0.0.1:$port" --max-upload-mb 256 --max-rows 1000000 > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do grep -q listening "$work/serve.log" && break; sleep 0.1; done
echo "store: $organizations organizations, $(wc -l < "$work/data/staff.csv") staff lines, importing $(($(wc -l < "$work/later.csv") - 1)) activities during the load"
"$build/tests/bench_serve" "http://127.0.0.1:$port" "$mun" bench bench-password activities "$work/later.csv" "$clients" "$seconds"
status=$?
if grep -qi "locked" "$work/serve.log"; then echo "the server reported a locked database:" >&2; cat "$work/serve.log" >&2; exit 1; fi
exit $status
