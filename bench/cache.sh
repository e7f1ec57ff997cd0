#!/usr/bin/env bash
# The result cache (issue 4, acceptance 6): quarry.run of a spec whose result has 100 rows,
# served from the cache, against the same spec computed (options.cache "bypass") over a local
# table of QUARRY_BENCH_ROWS rows (default 2,000,000). pgbench, one client, custom scripts,
# per-transaction latencies logged; p50 and p99 from the logs. Writes bench/results/cache.md.
#
#   bench/cache.sh     (uses the servers of $QUARRY_SERVERS_DIR, which must run with quarry
#                       installed; preloaded or not, it says which)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SECONDS_EACH=${QUARRY_BENCH_SECONDS:-10}
ROWS=${QUARRY_BENCH_ROWS:-2000000}
export QUARRY_SERVERS_DIR=${QUARRY_SERVERS_DIR:-$ROOT/build/servers}
RESULTS=bench/results/cache.md
WORK=$(mktemp -d)
DB=quarry_bench_cache
set -a
# shellcheck source=/dev/null
. "$QUARRY_SERVERS_DIR/env"
set +a
export PGDATABASE=$DB
trap 'rm -rf "$WORK"; dropdb --if-exists "$DB" 2>/dev/null || true' EXIT

dropdb --if-exists "$DB" 2>/dev/null || true
createdb "$DB"
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE EXTENSION quarry;
CREATE TABLE events AS
SELECT i AS id, 'page_' || (i % 100) AS page, (i % 977) AS duration_ms,
       timestamptz '2026-10-01' + (i % 2592000) * interval '1 second' AS at
FROM generate_series(1, $ROWS) AS i;
ANALYZE events;
SELECT quarry.create_source('events', 'events', '{"time_column": "at", "cache_ttl": "1 day"}');
SQL

SPEC='{"source": "events", "groupby": ["page"], "metrics": [{"column": "duration_ms", "agg": "avg", "as": "avg_ms"}, {"column": "id", "agg": "count", "as": "views"}], "order": ["page"], "time": {"range": "last 30 days"}, "options": {"now": "2026-11-01T00:00:00Z"CACHE}}'
hit_spec=${SPEC/CACHE/}
cold_spec=${SPEC/CACHE/, \"cache\": \"bypass\"}
rows=$(psql -X -At -c "SELECT jsonb_array_length(quarry.run('$hit_spec')->'rows')")
cached=$(psql -X -At -c "SELECT quarry.run('$hit_spec')->'meta'->>'cached'")
preload=$(psql -X -At -c "SHOW shared_preload_libraries")
echo "SELECT quarry.run('$hit_spec');" >"$WORK/hit.sql"
echo "SELECT quarry.run('$cold_spec');" >"$WORK/cold.sql"

run() { # name script seconds
    rm -f "$WORK"/pgbench_log.*
    (cd "$WORK" && pgbench -n -c 1 -T "$3" -f "$2" -l >/dev/null 2>"$WORK/$1.err")
    cat "$WORK"/pgbench_log.* | awk '{print $3}' | sort -n >"$WORK/$1.lat"
}
pct() { # file p -> ms
    awk -v p="$2" '{a[NR]=$1} END {i=int(NR*p/100); if (i<1) i=1; printf "%.3f", a[i]/1000}' "$1"
}
run hit "$WORK/hit.sql" "$SECONDS_EACH"
run cold "$WORK/cold.sql" "$SECONDS_EACH"
hit_n=$(wc -l <"$WORK/hit.lat")
cold_n=$(wc -l <"$WORK/cold.lat")
hit50=$(pct "$WORK/hit.lat" 50)
hit99=$(pct "$WORK/hit.lat" 99)
cold50=$(pct "$WORK/cold.lat" 50)
cold99=$(pct "$WORK/cold.lat" 99)
ratio=$(awk -v a="$cold50" -v b="$hit50" 'BEGIN {printf "%.0f", a / b}')

mkdir -p bench/results
cat >"$RESULTS" <<MD
# Result cache: a hit vs the cold query

\`bench/cache.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores shared with other work;
PostgreSQL $(psql -X -At -c "SHOW server_version"), shared_preload_libraries = '$preload'.

Spec: 100 pages × (avg duration, count) over the last 30 days of a local table of $ROWS rows
($rows result rows; cached run says meta.cached = $cached). pgbench, 1 client,
${SECONDS_EACH} s each, latency per transaction from \`pgbench -l\` (includes the client round trip).

| | transactions | p50 ms | p99 ms |
|---|---:|---:|---:|
| cache hit (\`quarry.run\`, options.cache use) | $hit_n | $hit50 | $hit99 |
| cold (\`quarry.run\`, options.cache bypass) | $cold_n | $cold50 | $cold99 |

Hit p50 is ${ratio}× faster than the cold query. Targets (issue 4): hit p50 < 1 ms, p99 < 5 ms,
≥ 100× the cold query over the 10,000,000-row remote table (this local table is the stand-in;
\`QUARRY_BENCH_ROWS=10000000 bench/cache.sh\` for the full size).

Command: \`QUARRY_BENCH_SECONDS=$SECONDS_EACH QUARRY_BENCH_ROWS=$ROWS bench/cache.sh\`
MD
cat "$RESULTS"
