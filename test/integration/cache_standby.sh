#!/usr/bin/env bash
# A streaming hot standby of the test primary (pg_basebackup) answers quarry.run of a spec the
# primary cached from the cache (meta.cached true, nothing written), and an uncached spec by
# computing it without trying to store it. The standby lives in a temp dir under build/, on a
# free port, and is stopped and removed at the end.
# Runs against the throwaway primary of scripts/servers.sh (environment from build/servers/env).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/verdicts.sh"

: "${QUARRY_PG_PORT:?run with the servers environment (build/servers/env)}"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_BINDIR=${QUARRY_PG_BINDIR:-$(pg_config --bindir)}
DB=quarry_standby
PG_OS_USER=$(stat -c %U "$QUARRY_PG_DATA")
as_pg() { if [[ $(id -un) == "$PG_OS_USER" ]]; then "$@"; else runuser -u "$PG_OS_USER" -- "$@"; fi; }

STANDBY=$(mktemp -d "$ROOT/build/standby.XXXXXX")
chown "$PG_OS_USER" "$STANDBY"
chmod 700 "$STANDBY"
cleanup() {
    if [[ -f $STANDBY/data/postmaster.pid ]]; then
        as_pg "$PG_BINDIR/pg_ctl" -D "$STANDBY/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$STANDBY"
    dropdb --if-exists "$DB" 2>/dev/null || true
}
trap cleanup EXIT

primary() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

dropdb --if-exists "$DB" 2>/dev/null
createdb "$DB"
primary >/dev/null <<'SQL'
CREATE EXTENSION quarry;
CREATE TABLE sb_orders (id int, country text, revenue numeric, at timestamptz);
INSERT INTO sb_orders SELECT i, (ARRAY['FR','DE','ES'])[1 + i % 3], i, timestamptz '2026-10-31' + i * interval '1 minute'
  FROM generate_series(1, 1000) AS i;
SELECT quarry.create_source('sb', 'sb_orders', '{"time_column": "at"}');
SQL
CACHED='{"source": "sb", "groupby": ["country"], "metrics": ["revenue"], "time": {"range": "last 24 hours"}, "options": {"now": "2026-11-01T00:00:00Z"}}'
UNCACHED='{"source": "sb", "groupby": ["country"], "metrics": ["revenue"], "time": {"range": "last 24 hours"}, "options": {"now": "2026-11-01T06:00:00Z"}}'
primary -c "SELECT quarry.run('$CACHED')->'meta'->>'cached'" >/dev/null

# Replication connections for the superuser (servers.sh allows none), then a base backup.
HBA=$QUARRY_PG_DATA/pg_hba.conf
if ! grep -q '^local   replication   postgres' "$HBA"; then
    printf 'local   replication   postgres                 trust\n' | as_pg tee -a "$HBA" >/dev/null
    psql -X -q -At -c "SELECT pg_reload_conf()" >/dev/null
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg "$PG_BINDIR/pg_basebackup" -h "$QUARRY_PG_SOCKDIR" -p "$QUARRY_PG_PORT" -U postgres \
    -D "$STANDBY/data" -R -X stream -c fast
{
    echo "port = $PORT"
    echo "unix_socket_directories = '$STANDBY'"
    echo "hot_standby = on"
} | as_pg tee -a "$STANDBY/data/postgresql.auto.conf" >/dev/null
as_pg "$PG_BINDIR/pg_ctl" -D "$STANDBY/data" -l "$STANDBY/server.log" -w -t 60 start >/dev/null

standby() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$STANDBY" -p "$PORT" -U postgres -d "$DB" "$@"; }
# Caught up with everything the primary wrote so far.
LSN=$(psql -X -q -At -c "SELECT pg_current_wal_lsn()")
for _ in $(seq 1 600); do
    [[ $(standby -c "SELECT pg_last_wal_replay_lsn() >= '$LSN'" 2>/dev/null || true) == t ]] && break
    sleep 0.1
done

check "standby is in recovery" t "$(standby -c 'SELECT pg_is_in_recovery()')"
check "cached spec served from the cache on the standby" true \
    "$(standby -c "SELECT quarry.run('$CACHED')->'meta'->>'cached'")"
check "same rows as on the primary" \
    "$(primary -c "SELECT quarry.run('$CACHED')->'rows'")" \
    "$(standby -c "SELECT quarry.run('$CACHED')->'rows'")"
check "explain on the standby: served" serve \
    "$(standby -c "SELECT quarry.explain('$CACHED')->'cache'->>'decision'")"
check "uncached spec computed on the standby" false \
    "$(standby -c "SELECT quarry.run('$UNCACHED')->'meta'->>'cached'")"
check "... and not stored (a second run computes again)" false \
    "$(standby -c "SELECT quarry.run('$UNCACHED')->'meta'->>'cached'")"
check "explain on the standby says why" "compute|hot standby: results are stored on the primary only" \
    "$(standby -c "SELECT concat_ws('|', quarry.explain('$UNCACHED')->'cache'->>'decision', quarry.explain('$UNCACHED')->'cache'->>'not_stored_because')")"
check "uncached rows equal the primary's" \
    "$(primary -c "SELECT quarry.run('$UNCACHED')->'rows'")" \
    "$(standby -c "SELECT quarry.run('$UNCACHED')->'rows'")"
check "hits counted on the standby (shared memory), no write" t \
    "$(standby -c "SELECT sum(hits) >= 2 FROM quarry.cache_entries")"

# Serving stale (docs/cache.md): the standby cannot queue the refresh, so it computes an entry
# past its TTL that the primary serves stale.
STALE='{"source": "sbs", "groupby": ["country"], "metrics": ["revenue"]}'
primary -c "SELECT quarry.create_source('sbs', 'sb_orders', '{\"serve_stale\": \"1 hour\"}')" >/dev/null
primary -c "SELECT quarry.run('$STALE')->'meta'->>'cached'" >/dev/null
KEY=$(primary -c "SELECT quarry.explain('$STALE')->'cache'->>'key'")
primary -c "UPDATE quarry.cache SET created_at = now() - interval '11 minutes',
                   expires_at = now() - interval '1 minute' WHERE key = '$KEY'" >/dev/null
LSN=$(psql -X -q -At -c "SELECT pg_current_wal_lsn()")
for _ in $(seq 1 600); do
    [[ $(standby -c "SELECT pg_last_wal_replay_lsn() >= '$LSN'" 2>/dev/null || true) == t ]] && break
    sleep 0.1
done
check "explain on the standby: an expired entry is not served stale" \
    "compute|the entry expired (not served stale: hot standby: results are stored on the primary only)" \
    "$(standby -c "SELECT concat_ws('|', c->>'decision', c->>'reason') FROM (SELECT quarry.explain('$STALE')->'cache' AS c) e")"
check "the standby computes it" "false|-" \
    "$(standby -c "SELECT concat_ws('|', m->>'cached', coalesce(m->>'stale', '-')) FROM (SELECT quarry.run('$STALE')->'meta' AS m) r")"
check "... and queues no refresh on the primary" 0 \
    "$(primary -c "SELECT count(*) FROM quarry.job_queue WHERE refresh_of = '$KEY'")"
JOB=$(primary -c "SELECT quarry.run('$STALE')->'meta'->>'refresh_job'")
check "the primary serves it stale and queues its refresh" 1 \
    "$(primary -c "SELECT count(*) FROM quarry.job_queue WHERE refresh_of = '$KEY' AND id = ${JOB:-0}")"
check "the refresh recomputes it" false \
    "$(primary -c "SELECT quarry.wait(${JOB:-0}, 60000)->'meta'->>'cached'")"
exit "$fail"
