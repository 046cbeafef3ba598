#!/usr/bin/env bash
# Benchmark of `schemals check` on a generated project: 1,000 SQL models with their catalog
# snapshot and a 5,000-line resource.ts with 200 custom SQL queries. Prints wall time, CPU time
# and peak memory of each run (whole process, /usr/bin/time), then the median.
# Usage: bench/check.sh [RUNS] (default 7). Builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
cargo build --release --quiet -p schemals
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 bench/gen_project.py "$work/project" --tables 1000 --queries 200 --lines 5000
wc -l "$work/project/amplify/data/resource.ts" "$work/project/amplify/data/schema.sql.ts"
./target/release/schemals check "$work/project" >/dev/null   # warm-up, and it must be clean
for i in $(seq "$runs"); do
  /usr/bin/time -f "%e %U %S %M" -o "$work/t$i" ./target/release/schemals check "$work/project" >/dev/null
  cat "$work/t$i"
done | tee "$work/all"
sort -n "$work/all" | awk -v n="$runs" 'NR == int((n + 1) / 2) {
  printf "median run: wall %.3f s, cpu %.3f s, peak RSS %.1f MiB\n", $1, $2 + $3, $4 / 1024 }'
