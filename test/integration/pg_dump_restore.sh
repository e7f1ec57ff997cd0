#!/usr/bin/env bash
# Sources and stored formulas survive pg_dump and restore (the catalog tables are marked with
# pg_extension_config_dump): a restored database answers the same spec with the same SQL.
# Runs against the throwaway primary of scripts/servers.sh (environment from build/servers/env).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/verdicts.sh"

: "${QUARRY_PG_PORT:?run through scripts/test.sh (needs the servers environment)}"
src_db=quarry_dump_src
dst_db=quarry_dump_dst
dump=$(mktemp)
trap 'rm -f "$dump"; dropdb --if-exists "$src_db"; dropdb --if-exists "$dst_db"' EXIT

psql_db() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }

dropdb --if-exists "$src_db" 2>/dev/null
dropdb --if-exists "$dst_db" 2>/dev/null
createdb "$src_db"
createdb "$dst_db"

psql_db "$src_db" <<'SQL'
CREATE EXTENSION quarry;
CREATE TABLE orders (id int, country text, revenue numeric, cost numeric, ordered_at timestamptz);
INSERT INTO orders VALUES (1, 'FR', 10, 4, '2026-01-01'), (2, 'DE', 20, 5, '2026-02-01');
SELECT quarry.create_source('sales', 'orders', '{"time_column": "ordered_at",
    "formulas": {"margin": "revenue - cost"}, "cache_ttl": "10 minutes"}');
SELECT quarry.set_formula('sales', 'margin_pct', 'sum(margin) / sum(revenue)');
SQL

spec='{"source": "sales", "groupby": ["country"], "metrics": ["margin_pct"], "order": ["country"]}'
query="SELECT quarry.translate('$spec') || ' | ' || (quarry.run('$spec')->'rows')::text"
before=$(psql_db "$src_db" -c "$query")

pg_dump -d "$src_db" -f "$dump"
psql_db "$dst_db" -f "$dump" >/dev/null
after=$(psql_db "$dst_db" -c "$query")

sources_after=$(psql_db "$dst_db" -c "SELECT name || ':' || version || ':' || options::text FROM quarry.sources")
formulas_after=$(psql_db "$dst_db" -c "SELECT string_agg(name || '=' || formula, ', ' ORDER BY name) FROM quarry.formulas")

check "same SQL and rows after restore" "$before" "$after"
check "source row restored" 'sales:2:{"cache_ttl": "10 minutes", "time_column": "ordered_at"}' "$sources_after"
check "formulas restored" "margin=revenue - cost, margin_pct=sum(margin) / sum(revenue)" "$formulas_after"
[[ $before == *'[["DE", 0.75], ["FR", 0.6]]'* ]] || { echo "FAIL unexpected rows: $before"; fail=1; }
exit "$fail"
