#!/usr/bin/env bash
# Loads the remote fixtures of the FDW tests into the throwaway servers (scripts/servers.sh):
#
#   test/fdw/*.mysql.sql      into MariaDB, database shop, as the test user
#   test/fdw/*.redshift.sql   into the Redshift stand-in, database warehouse, as rs_user
#
# in file-name order. The pg_regress suites sql/fdw_*.sql then reach them through quarry_fdw.
# Needs the servers' environment (build/servers/env, sourced and exported).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${QUARRY_MY_PORT:?source build/servers/env first}"

shopt -s nullglob
for file in "$ROOT"/test/fdw/*.mysql.sql; do
    mariadb --protocol=tcp -h "$QUARRY_MY_HOST" -P "$QUARRY_MY_PORT" -u "$QUARRY_MY_USER" \
        -p"$QUARRY_MY_PASSWORD" "$QUARRY_MY_DB" <"$file" || {
        echo "fdw_fixtures: $file failed on MariaDB" >&2
        exit 1
    }
done
for file in "$ROOT"/test/fdw/*.redshift.sql; do
    PGPASSWORD=$QUARRY_RS_PASSWORD psql -X -q -v ON_ERROR_STOP=1 -h "$QUARRY_RS_HOST" \
        -p "$QUARRY_RS_PORT" -U "$QUARRY_RS_USER" -d "$QUARRY_RS_DB" -f "$file" >/dev/null || {
        echo "fdw_fixtures: $file failed on the Redshift stand-in" >&2
        exit 1
    }
done
