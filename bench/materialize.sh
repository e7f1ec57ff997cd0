#!/usr/bin/env bash
# Materializations (issue 4, acceptance 5): a full refresh against an incremental one (the
# trailing buckets only), and a spec served from the materialization against the same spec
# computed from the source, over a local table of QUARRY_BENCH_ROWS rows (default 2,000,000)
# spread over the last 90 days. Writes bench/results/materialize.md.
#
#   bench/materialize.sh   (uses the servers of $QUARRY_SERVERS_DIR, which must run with quarry
#                           installed)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROWS=${QUARRY_BENCH_ROWS:-2000000}
REPEAT=${QUARRY_BENCH_REPEAT:-5}
export QUARRY_SERVERS_DIR=${QUARRY_SERVERS_DIR:-$ROOT/build/servers}
RESULTS=bench/results/materialize.md
DB=quarry_bench_materialize
set -a
# shellcheck source=/dev/null
. "$QUARRY_SERVERS_DIR/env"
set +a
export PGDATABASE=$DB
trap 'dropdb --if-exists "$DB" 2>/dev/null || true' EXIT

dropdb --if-exists "$DB" 2>/dev/null || true
createdb "$DB"
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE EXTENSION quarry;
SET quarry.default_ttl = 0;
CREATE TABLE events AS
SELECT i AS id, 'page_' || (i % 100) AS page, (ARRAY['mobile', 'desktop', 'tablet'])[1 + i % 3] AS device,
       (i % 977) AS duration_ms,
       now() - (i % 7776000) * interval '1 second' AS at
FROM generate_series(1, $ROWS) AS i;
CREATE INDEX ON events (at);
ANALYZE events;
SQL

DEFINITION='{"source": "events", "groupby": ["page", "device"], "metrics": [{"formula": "count(*)", "as": "views"}, {"column": "duration_ms", "agg": "avg", "as": "avg_ms"}], "time": {"column": "at", "grain": "day", "timezone": "Europe/Paris"}}'
SPEC='{"source": "events", "groupby": ["page"], "metrics": [{"formula": "count(*)", "as": "views"}, {"column": "duration_ms", "agg": "avg", "as": "avg_ms"}], "time": {"column": "at", "grain": "week", "timezone": "Europe/Paris", "range": "last 4 weeks"}CACHE}'
served_spec=${SPEC/CACHE/}
raw_spec=${SPEC/CACHE/, \"options\": {\"cache\": \"bypass\"\}}

ms() { # SQL -> elapsed ms of running it, measured by the server
    psql -X -At -v ON_ERROR_STOP=1 -c "SET quarry.default_ttl = 0" -c "DO \$\$
DECLARE t timestamptz := clock_timestamp(); BEGIN PERFORM ($1); RAISE NOTICE '%',
round(extract(epoch FROM clock_timestamp() - t) * 1000, 1); END \$\$" 2>&1 | sed -n 's/.*NOTICE:  //p'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

create_ms=$(ms "quarry.materialize('events_daily', '$DEFINITION', '1 hour')")
stored=$(psql -X -At -c "SELECT count(*) FROM quarry_materialized.events_daily")
full=()
incremental=()
for _ in $(seq "$REPEAT"); do
    full+=("$(ms "quarry.refresh('events_daily', true)")")
    incremental+=("$(ms "quarry.refresh('events_daily')")")
done
full_ms=$(printf '%s\n' "${full[@]}" | median)
incremental_ms=$(printf '%s\n' "${incremental[@]}" | median)
last=$(psql -X -At -c "SELECT last_refresh FROM quarry.materializations WHERE name = 'events_daily'")
served=()
raw=()
for _ in $(seq "$REPEAT"); do
    served+=("$(ms "quarry.run('$served_spec')")")
    raw+=("$(ms "quarry.run('$raw_spec')")")
done
served_ms=$(printf '%s\n' "${served[@]}" | median)
raw_ms=$(printf '%s\n' "${raw[@]}" | median)
served_from=$(psql -X -At -q -c "SET quarry.default_ttl = 0" -c "SELECT quarry.run('$served_spec')->'meta'->>'served_from'")
# As sets: the spec orders by its first key only.
sorted() { echo "(SELECT jsonb_agg(r ORDER BY r::text) FROM jsonb_array_elements(quarry.run('$1')->'rows') AS r)"; }
identical=$(psql -X -At -q -c "SET quarry.default_ttl = 0" -c "SELECT $(sorted "$served_spec") = $(sorted "$raw_spec")")

mkdir -p bench/results
cat >"$RESULTS" <<MD
# Materializations: full vs incremental refresh, served vs computed

\`bench/materialize.sh\` (QUARRY_BENCH_ROWS=$ROWS, QUARRY_BENCH_REPEAT=$REPEAT) on
$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores shared with other work (load average
$(cut -d' ' -f1-3 /proc/loadavg)); PostgreSQL $(psql -X -At -c "SHOW server_version").
Times are medians of $REPEAT runs, measured inside the server (clock_timestamp around the call).

Source: a local table of $ROWS page views over the last 90 days (index on the time column).
Materialization \`events_daily\`: per Paris day × page × device, count and avg
($stored stored rows; quarry.materialize took $create_ms ms).

| | ms |
|---|---:|
| full refresh (\`quarry.refresh('events_daily', true)\`: every day recomputed) | $full_ms |
| incremental refresh (\`quarry.refresh('events_daily')\`: today and yesterday) | $incremental_ms |
| spec served from the materialization (weekly views per page, last 4 weeks) | $served_ms |
| the same spec computed from the source (\`options.cache\` bypass) | $raw_ms |

The last incremental refresh: \`$last\`.
The served spec says served_from = $served_from; its rows equal the computed ones: $identical.
Runs: full ${full[*]}; incremental ${incremental[*]}; served ${served[*]}; computed ${raw[*]}.
MD
cat "$RESULTS"
