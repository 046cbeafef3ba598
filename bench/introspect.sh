#!/usr/bin/env bash
# Benchmark of live introspection (`schemals introspect`) on databases of 1,000 tables, PostgreSQL
# and MariaDB: wall time and peak memory per run (whole process, /usr/bin/time), and the number of
# network round trips of one run (counted by a relay, bench/introspect_proxy.py, connection set-up
# included). Creates and drops its databases; writes its figures into BENCHMARKS.md under
# "## Live introspection of 1,000 tables".
# Usage: bench/introspect.sh [RUNS] (default 7). Needs PostgreSQL on 127.0.0.1:5432 (postgres,
# trust) and MariaDB on 127.0.0.1:3306 (root, no password). Builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
tables=1000
db=schemals_bench_introspect
cargo build --release --quiet -p schemals
work="$(mktemp -d)"
proxy_pid=""
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || true
  mariadb -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS $db" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
python3 bench/introspect_ddl.py postgres "$tables" | psql -h 127.0.0.1 -U postgres -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null
mariadb -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db CHARACTER SET utf8mb4"
python3 bench/introspect_ddl.py mysql "$tables" | mariadb -h 127.0.0.1 -u root "$db"

measure() { # engine url port
  local engine="$1" url="$2" port="$3"
  ./target/release/schemals introspect "$work" --database-url "$url" --out "$work/$engine.json" 2>"$work/$engine.warm"
  for i in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/$engine.t$i" \
      ./target/release/schemals introspect "$work" --database-url "$url" --out "$work/$engine.json" 2>/dev/null
    cat "$work/$engine.t$i"
  done | sort -n >"$work/$engine.all"
  # Round trips of one run, through the relay.
  python3 bench/introspect_proxy.py 55999 "$port" "$work/$engine.trips" &
  proxy_pid=$!
  for _ in $(seq 100); do   # until the relay listens
    python3 -c "import socket; socket.create_connection(('127.0.0.1', 55999)).close()" 2>/dev/null && break
    sleep 0.1
  done
  : >"$work/$engine.trips"   # that probe was a connection too
  ./target/release/schemals introspect "$work" --database-url "${url/:$port\//:55999/}" --out "$work/$engine.proxied.json" 2>/dev/null
  sleep 1
  kill "$proxy_pid" 2>/dev/null || true
  wait "$proxy_pid" 2>/dev/null || true
  proxy_pid=""
  local tables_read
  tables_read=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['tables']))" "$work/$engine.json")
  local size
  size=$(du -k "$work/$engine.json" | cut -f1)
  # Every connection of the run (one for the catalog, on both engines), summed.
  local trips connections
  trips=$(awk '{ s += $1 } END { print s + 0 }' "$work/$engine.trips")
  connections=$(awk '$1 > 0' "$work/$engine.trips" | wc -l)
  awk -v n="$runs" -v engine="$engine" -v trips="$trips ($connections connection)" -v t="$tables_read" -v kb="$size" '
    { wall[NR] = $1; rss[NR] = $2 }
    END {
      mid = int((n + 1) / 2)
      asort(rss)
      printf "| %s | %d | %.3f s | %.3f s | %.3f s | %.1f MiB | %s | %d KiB |\n",
        engine, t, wall[1], wall[mid], wall[n], rss[mid] / 1024, trips, kb
    }' "$work/$engine.all"
}

pg_version=$(psql -h 127.0.0.1 -U postgres -Atc "SHOW server_version" | cut -d' ' -f1)
my_version=$(mariadb -h 127.0.0.1 -u root -N -e "SELECT VERSION()" | cut -d- -f1)
rows=$(
  measure "PostgreSQL $pg_version" "postgres://postgres@127.0.0.1:5432/$db" 5432
  measure "MariaDB $my_version" "mysql://root@127.0.0.1:3306/$db" 3306
)
section=$(cat <<MD
## Live introspection of 1,000 tables

Command: \`bench/introspect.sh\` (creates a database of $tables tables on each engine with
\`bench/introspect_ddl.py\`: 8 columns each, a primary key, a foreign key to the previous table, an
index, an enum column in every tenth; then runs \`schemals introspect\` $runs times after a warm-up with
\`/usr/bin/time\`, and once through \`bench/introspect_proxy.py\`, a relay that counts round trips).
Wall time is the whole process: start, connect, read the catalog, write the snapshot. Round trips
include connection set-up and the closing Terminate: on PostgreSQL, startup with authentication (trust
here; a password adds one or two), the catalog as one batch, Terminate. A loopback server is not asked
for TLS unless the URL or \`PGSSL*\` says so (\`sslmode=allow\`); a remote one is (\`prefer\`). For
comparison, the query of Amplify's generator (COLUMNS joined to STATISTICS) alone takes 7 to 9 seconds
on the same MariaDB database; schemals gets the model order it implies from two cheap queries.
Measured $(date -u +%Y-%m-%d), release build.

| engine | tables read | wall min | wall median | wall max | peak RSS (median) | round trips | snapshot |
| --- | --- | --- | --- | --- | --- | --- | --- |
$rows
MD
)
echo "$section"
python3 - "$section" <<'PY'
import re, sys
section = sys.argv[1].rstrip() + "\n"
path = "BENCHMARKS.md"
text = open(path).read()
heading = "## Live introspection of 1,000 tables"
if heading in text:
    start = text.index(heading)
    # Up to the next section or the next generated block of bench/run.sh, whichever comes first.
    ends = [i for i in (text.find("\n## ", start + len(heading)),
                        text.find("\n<!--", start + len(heading))) if i != -1]
    nxt = min(ends) if ends else -1
    text = text[:start] + section + ("\n" + text[nxt + 1:] if nxt != -1 else "")
else:
    text = text.rstrip() + "\n\n" + section
open(path, "w").write(text)
PY
