#!/usr/bin/env bash
# The benchmark suite, in one command: bench/run.sh
#
# Builds the release binary; generates the workloads with bench/gen_project.py (catalogs of 50, 1,000
# and 5,000 tables, PostgreSQL and MariaDB, each with its schema.sql.ts and a resource.ts of about
# 5,000 lines with 200 inlineSql queries); loads each into a fresh database and writes the project's
# snapshot from it with `schemals introspect`; installs
# postgres-language-server 0.25.5 under target/bench/pls; then measures, in the same run:
#   * schemals over LSP (bench/bench_schemals.py): first diagnostics with the database up and
#     unreachable, in a first session and in a later one (with the saved evaluation), completion and hover in SQL and in the DSL, completion while typing,
#     keystroke-to-diagnostics in a model and in an SQL string, peak RSS;
#   * postgres-language-server over LSP (bench/bench_lsp.py) on a .sql file over the same
#     PostgreSQL database: first diagnostics (database up and unreachable) and completion;
#   * `schemals check`, `schemals introspect` and `schemals generate` (bench/timeit.py);
# and rewrites the figures section of BENCHMARKS.md (bench/render.py).
#
# Environment: BENCH_SIZES (default "50 1000 5000"), BENCH_N (requests per case, default 200),
# BENCH_ENGINES (default "postgresql mysql"), BENCH_KEEP_DB=1 keeps the databases (and reuses them
# when their table count matches); for before/after comparisons, BENCH_BIN (a schemals binary: no
# build), BENCH_RESULTS (results folder) and BENCH_REPORT (the markdown file to write). Needs PostgreSQL on 127.0.0.1:5432 (postgres, trust) and MariaDB on
# 127.0.0.1:3306 (root, no password), python3, npm.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
sizes="${BENCH_SIZES:-50 1000 5000}"
engines="${BENCH_ENGINES:-postgresql mysql}"
n="${BENCH_N:-200}"
out="$repo/target/bench"
work="$out/work"
results="${BENCH_RESULTS:-$out/results}"
mkdir -p "$work" "$results"
rm -f "$results"/*.json

if [ -n "${BENCH_BIN:-}" ]; then
  bin="$(realpath "$BENCH_BIN")"
else
  echo "== building the release binary"
  cargo build --release --quiet -p schemals
  bin="$repo/target/release/schemals"
fi

echo "== installing postgres-language-server 0.25.5"
pls_dir="$out/pls"
pls="$pls_dir/node_modules/@postgres-language-server/cli-x86_64-linux-gnu/postgres-language-server"
if [ ! -x "$pls" ]; then
  mkdir -p "$pls_dir"
  npm install --no-audit --no-fund --silent --prefix "$pls_dir" @postgres-language-server/cli@0.25.5
fi

pg=(psql -h 127.0.0.1 -U postgres -X -q -v ON_ERROR_STOP=1)
my=(mysql -h 127.0.0.1 -P 3306 -u root)
created=()
drop_databases() {
  [ "${BENCH_KEEP_DB:-0}" = 1 ] && return
  for entry in "${created[@]}"; do
    engine="${entry%%:*}" db="${entry#*:}"
    if [ "$engine" = postgresql ]; then
      "${pg[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db" || true
    else
      "${my[@]}" -e "DROP DATABASE IF EXISTS $db" || true
    fi
  done
}
trap drop_databases EXIT

table_count() { # engine db
  if [ "$1" = postgresql ]; then
    "${pg[@]}" -d "$2" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" 2>/dev/null || echo 0
  else
    "${my[@]}" -NBe "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$2'" 2>/dev/null || echo 0
  fi
}

load_database() { # engine db ddl tables
  local engine="$1" db="$2" ddl="$3" tables="$4"
  created+=("$engine:$db")
  if [ "${BENCH_KEEP_DB:-0}" = 1 ] && [ "$(table_count "$engine" "$db")" = "$tables" ]; then
    return
  fi
  if [ "$engine" = postgresql ]; then
    "${pg[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    "${pg[@]}" -d "$db" -f "$ddl" >/dev/null  # not one transaction: 5,000 tables exceed its locks
  else
    "${my[@]}" -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
    { echo "SET foreign_key_checks = 0;"; cat "$ddl"; } | "${my[@]}" "$db"
  fi
}

for size in $sizes; do
  for engine in $engines; do
    db="schemals_bench_$([ "$engine" = postgresql ] && echo pg || echo my)_$size"
    project="$work/$engine-$size"
    label="$engine-$size"
    echo "== $label: generating and loading"
    rm -rf "$project"
    python3 bench/gen_project.py "$project" --tables "$size" --queries 200 --lines 5000 \
      --engine "$engine" --database "$db"
    ddl="$project/db/$([ "$engine" = postgresql ] && echo postgres || echo mysql).sql"
    load_database "$engine" "$db" "$ddl" "$size"
    if [ "$engine" = postgresql ]; then
      url="postgres://postgres@127.0.0.1:5432/$db"
      down="postgres://postgres@127.0.0.1:9/$db"
    else
      url="mysql://root@127.0.0.1:3306/$db"
      down="mysql://root@127.0.0.1:9/$db"
    fi
    # The project's snapshot, as a project commits it: written by `schemals introspect` from its
    # database (the generator's own stands in for it only until the database is loaded).
    "$bin" introspect "$project" --database-url "$url" >/dev/null

    echo "== $label: schemals over LSP"
    # The first session finds no saved evaluation of schema.sql.ts (a fresh cache folder) and saves
    # one; "-down" is a first session too (saving turned off); the "-warm" runs are later sessions.
    cache="$work/cache-$label"
    rm -rf "$cache"
    python3 bench/bench_schemals.py --server "$bin" --project "$project" --label "schemals-$label-live" \
      --env "SQL_CONNECTION_STRING=$url" --env "SCHEMALS_CACHE_DIR=$cache" -n "$n" \
      --out "$results/lsp-schemals-$label-live.json" || echo "schemals run failed ($label live)"
    # Start-ups alone, 5 each (one varies by half on a shared machine): first sessions with the
    # database up (each with an empty cache folder of its own) and unreachable, later sessions.
    python3 bench/bench_schemals.py --server "$bin" --project "$project" --label "schemals-$label-live-first" \
      --env "SQL_CONNECTION_STRING=$url" --env "SCHEMALS_CACHE_DIR=$work/cache-first-$label" --fresh-cache \
      --startup-only --repeat 5 \
      --out "$results/lsp-schemals-$label-live-first.json" || echo "schemals run failed ($label live first)"
    python3 bench/bench_schemals.py --server "$bin" --project "$project" --label "schemals-$label-down" \
      --env "SQL_CONNECTION_STRING=$down" --env "SCHEMALS_CACHE_DIR=" --startup-only --repeat 5 \
      --out "$results/lsp-schemals-$label-down.json" || echo "schemals run failed ($label down)"
    for state in live down; do
      target=$([ "$state" = live ] && echo "$url" || echo "$down")
      python3 bench/bench_schemals.py --server "$bin" --project "$project" --label "schemals-$label-$state-warm" \
        --env "SQL_CONNECTION_STRING=$target" --env "SCHEMALS_CACHE_DIR=$cache" --startup-only --repeat 5 \
        --out "$results/lsp-schemals-$label-$state-warm.json" || echo "schemals run failed ($label $state warm)"
    done

    echo "== $label: schemals check, introspect, generate"
    # Fewer runs of the slow commands on the largest catalog (MariaDB's information_schema is slow).
    runs=$([ "$size" -ge 5000 ] && echo 1 || echo 3)
    SCHEMALS_CACHE_DIR= python3 bench/timeit.py "$results/cli-check-$label.json" 5 -- "$bin" check "$project"
    python3 bench/timeit.py "$results/cli-introspect-$label.json" "$runs" -- \
      "$bin" introspect "$project" --database-url "$url" --out "$work/introspected-$label.json"
    python3 bench/timeit.py "$results/cli-generate-$label.json" "$runs" -- \
      "$bin" generate "$project" --database-url "$url" --out "$work/generated-$label.ts"

    if [ "$engine" = postgresql ]; then
      echo "== $label: postgres-language-server over LSP"
      for state in live down; do
        ws="$work/pls-$label-$state"
        rm -rf "$ws" && mkdir -p "$ws"
        port=$([ "$state" = live ] && echo 5432 || echo 9)
        printf '{ "db": { "host": "127.0.0.1", "port": %s, "username": "postgres", "password": "postgres", "database": "%s", "connTimeoutSecs": 10 } }\n' \
          "$port" "$db" > "$ws/postgres-language-server.jsonc"
        printf '%s\n' "select id, name, amount from t0001_items where quantity > 1;" \
          "select nonexistent_col from t0001_items;" "select * from no_such_table;" > "$ws/diagnostics.sql"
        table="t$(printf '%04d' $((size > 100 ? 100 : size - 1)))_items"
        pls_n=$([ "$size" -ge 5000 ] && echo $((n / 2)) || echo "$n")  # pls needs ~0.1-0.5 s per request
        python3 bench/bench_lsp.py --label "pls-$label-$state" --root "$ws" -n "$pls_n" --diag-doc "$ws/diagnostics.sql" \
          --case "from_table=SELECT * FROM <CURSOR>" --case "select_column=SELECT <CURSOR> FROM $table" \
          --settle 2 --diag-timeout 20 --out "$results/lsp-pls-$label-$state.json" \
          --cmd "$pls lsp-proxy" >/dev/null || echo "postgres-language-server run failed ($label $state)"
      done
    fi
  done
done

echo "== writing BENCHMARKS.md"
python3 bench/render.py "$results" "${BENCH_REPORT:-BENCHMARKS.md}"
echo "results: $results"
