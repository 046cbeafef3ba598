#!/usr/bin/env bash
# Starts the database servers the live tests need, and waits until they answer:
#   PostgreSQL (with PostGIS) at 127.0.0.1:5432, user postgres, trust authentication;
#   MariaDB at 127.0.0.1:3306, user root, empty password.
# Idempotent: installs PostGIS only when it is missing, starts a server only when it does not
# answer. Run as root (CI runs it from a fresh clone). Exits non-zero with a clear message when a
# server does not come up within the wait.
set -euo pipefail

WAIT_SECONDS="${SERVICES_WAIT_SECONDS:-60}"

say() { echo "services.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

# --- PostgreSQL and PostGIS ---------------------------------------------------------------------
command -v pg_ctlcluster >/dev/null || die "PostgreSQL is not installed (no pg_ctlcluster)"
pg_version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
[ -n "$pg_version" ] || die "no PostgreSQL cluster under /etc/postgresql"

if [ ! -f "/usr/share/postgresql/$pg_version/extension/postgis.control" ]; then
    say "installing PostGIS for PostgreSQL $pg_version"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "postgresql-$pg_version-postgis-3" >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "starting PostgreSQL $pg_version"
    pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start || true
fi

# --- MariaDB ------------------------------------------------------------------------------------
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || die "MariaDB is not installed (no mariadbd)"
mariadb_ping() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P 3306 -uroot ping >/dev/null 2>&1; }
if ! mariadb-admin -uroot ping >/dev/null 2>&1 && ! mariadb_ping; then
    say "starting MariaDB"
    # The socket directory lives on a tmpfs and may be gone after a reboot.
    install -d -o mysql -g mysql /run/mysqld
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi

# --- Wait until both answer ---------------------------------------------------------------------
deadline=$((SECONDS + WAIT_SECONDS))
until pg_isready -q -h 127.0.0.1 -p 5432; do
    [ "$SECONDS" -lt "$deadline" ] || die "PostgreSQL did not answer at 127.0.0.1:5432 within ${WAIT_SECONDS}s (see /var/log/postgresql/)"
    sleep 0.5
done
until mariadb_ping; do
    [ "$SECONDS" -lt "$deadline" ] || die "MariaDB did not answer at 127.0.0.1:3306 as root within ${WAIT_SECONDS}s"
    sleep 0.5
done

available="$(psql -h 127.0.0.1 -U postgres -d postgres -Atc \
    "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")" \
    || die "PostgreSQL answers but refuses user postgres at 127.0.0.1:5432"
[ "$available" = "1" ] || die "PostGIS is installed but CREATE EXTENSION postgis is not available"

say "PostgreSQL $pg_version (with PostGIS) and MariaDB are up"
