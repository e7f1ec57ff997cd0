#!/usr/bin/env bash
# quarry.run on a local table against the hand-written SQL for the same result (issue #2,
# acceptance 5: target at most 5% slower plus 50 µs). pgbench runs each as a custom script on
# one client for QUARRY_BENCH_SECONDS (default 20), against the throwaway primary; the hand-written
# side returns the same rows as an ordinary result set. Writes bench/results/run_vs_sql.md.
#
#   bench/run_vs_sql.sh            (builds and installs quarry, starts and stops the servers)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SECONDS_EACH=${QUARRY_BENCH_SECONDS:-20}
export QUARRY_SERVERS_DIR=${QUARRY_SERVERS_DIR:-$ROOT/build/bench-servers}
RESULTS=bench/results/run_vs_sql.md
WORK=$(mktemp -d)

make -s -j2 >/dev/null
make -s install >/dev/null
trap 'scripts/servers.sh stop >/dev/null; rm -rf "$WORK"' EXIT
scripts/servers.sh start >/dev/null
set -a
# shellcheck source=/dev/null
. "$QUARRY_SERVERS_DIR/env"
set +a

psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION quarry;
CREATE TABLE orders AS
SELECT i AS order_id,
       timestamptz '2026-01-01' + (i % 300) * interval '1 day' + (i % 86400) * interval '1 second'
           AS ordered_at,
       (i % 5000) AS customer_id,
       (ARRAY['FR','DE','ES','IT','UK','US'])[1 + i % 6] AS country,
       (ARRAY['books','games','music','garden'])[1 + (i / 7) % 4] AS product_category,
       (1 + i % 9) AS quantity,
       round((5 + (i % 200) * 1.25)::numeric, 2) AS revenue,
       round((2 + (i % 150) * 0.75)::numeric, 2) AS cost,
       CASE WHEN i % 17 = 0 THEN 'cancelled' ELSE 'paid' END AS status
FROM generate_series(1, 200000) AS i;
ANALYZE orders;
SQL

# The typical dashboard widget: 2 group keys, 3 metrics, 2 filters, 100 rows at most.
SPEC='{"source": "orders", "groupby": ["country", "product_category"],
 "metrics": ["revenue", {"column": "customer_id", "agg": "count_distinct", "as": "buyers"},
             {"formula": "sum(revenue - cost) / sum(revenue)", "as": "margin_pct"}],
 "filters": [{"column": "status", "op": "!=", "value": "cancelled"},
             {"column": "quantity", "op": ">", "value": 1}],
 "order": ["-revenue"], "limit": 100}'
SPEC_SQL=$(printf '%s' "$SPEC" | sed "s/'/''/g" | tr '\n' ' ')
HAND_SQL="SELECT country, product_category, sum(revenue) AS revenue,
 count(DISTINCT customer_id) AS buyers, sum(revenue - cost)::float8 / nullif(sum(revenue), 0) AS margin_pct
 FROM orders WHERE (status <> 'cancelled' OR status IS NULL) AND quantity > 1
 GROUP BY 1, 2 ORDER BY 3 DESC NULLS FIRST LIMIT 100"

# Same rows both ways, or the comparison means nothing.
same=$(psql -X -At -c "SELECT (SELECT count(*) FROM ($HAND_SQL) h) =
  jsonb_array_length(quarry.run('$SPEC_SQL'::jsonb)->'rows')")
if [[ $same != t ]]; then
    echo "run_vs_sql: quarry.run and the hand-written SQL disagree on the row count" >&2
    exit 1
fi

echo "SELECT quarry.run('$SPEC_SQL'::jsonb);" | tr '\n' ' ' >"$WORK/run.sql"
echo "$HAND_SQL;" | tr '\n' ' ' >"$WORK/sql.sql"

latency_ms() {  # pgbench's average latency in ms for one script
    pgbench -n -c 1 -j 1 -T "$SECONDS_EACH" -f "$1" 2>/dev/null |
        awk -F' = ' '/^latency average/ {split($2, a, " "); print a[1]}'
}
# Warm both once (plans, caches), then measure alternately.
latency_ms_warm() { pgbench -n -c 1 -t 20 -f "$1" >/dev/null 2>&1; latency_ms "$1"; }
sql_ms=$(latency_ms_warm "$WORK/sql.sql")
run_ms=$(latency_ms_warm "$WORK/run.sql")

verdict=$(awk -v r="$run_ms" -v s="$sql_ms" 'BEGIN {
    limit = s * 1.05 + 0.050; printf "%s (limit %.3f ms = 1.05 x %.3f + 0.050)", (r <= limit ? "within target" : "OVER target"), limit, s }')

{
    echo "# quarry.run vs hand-written SQL (local table, 200,000 rows)"
    echo
    echo "Command: \`bench/run_vs_sql.sh\` (QUARRY_BENCH_SECONDS=$SECONDS_EACH per side, pgbench, 1 client)."
    echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ)."
    echo
    echo "| query | average latency |"
    echo "|---|---|"
    echo "| hand-written SQL (rows as a result set) | $sql_ms ms |"
    echo "| quarry.run (compile + SPI + JSON result) | $run_ms ms |"
    echo
    echo "Result: $verdict."
    echo
    echo "Spec: \`$(printf '%s' "$SPEC" | tr -s ' \n' ' ')\`"
} >"$RESULTS"
cat "$RESULTS"
