#!/usr/bin/env bash
# Writes a catalog snapshot for a DDL file: loads it into a fresh, temporary database on the local
# server (PostgreSQL or MariaDB), runs `schemals introspect`, and drops the database again.
# Usage: scripts/snapshot-from-ddl.sh postgres|mysql DDL.sql OUT.json [DATABASE_NAME]
set -euo pipefail
engine="$1"; ddl="$2"; out="$3"; name="${4:-schemals_snap_$$}"
bin="$(dirname "$0")/../target/debug/schemals"
[ -x "$bin" ] || cargo build --quiet
case "$engine" in
  postgres)
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
    trap 'psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $name"' EXIT
    psql -h 127.0.0.1 -U postgres -d "$name" -q -v ON_ERROR_STOP=1 -f "$ddl" >/dev/null
    "$bin" introspect --database-url "postgres://postgres@127.0.0.1:5432/$name" --out "$out"
    ;;
  mysql)
    mariadb -h 127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $name; CREATE DATABASE $name CHARACTER SET utf8mb4"
    trap 'mariadb -h 127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $name"' EXIT
    mariadb -h 127.0.0.1 -uroot "$name" < "$ddl"
    "$bin" introspect --database-url "mysql://root@127.0.0.1:3306/$name" --out "$out"
    ;;
  *) echo "engine must be postgres or mysql" >&2; exit 2 ;;
esac
