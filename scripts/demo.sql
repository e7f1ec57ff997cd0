-- quarry demo: a web-analytics dashboard whose data lives in MariaDB (docs/demo.md).
--
--   psql -X -f scripts/demo.sql        (scripts/demo.sh runs it on the throwaway primary)
--
-- Needs quarry installed on the PostgreSQL server (make install), the mariadb client, and a
-- MariaDB server given by the environment of scripts/servers.sh (QUARRY_MY_HOST, QUARRY_MY_PORT,
-- QUARRY_MY_USER, QUARRY_MY_PASSWORD: `. build/servers/env`); run from the repository's root.
-- Creates (and first drops) the database quarry_demo on both servers, generates the data in
-- MariaDB, reaches it through a quarry_fdw server and IMPORT FOREIGN SCHEMA, registers two
-- sources on the foreign tables, and shows a dashboard: each widget's spec, its result
-- (quarry.run, which runs the spec as one statement in MariaDB) and its SQL; then a BI tool's
-- SQL on a foreign table and its EXPLAIN. The output is the same on every run but for the
-- timings.

\set ON_ERROR_STOP on
\set QUIET on
\pset pager off
\timing off

-- Every spec below says "options": {"now": "2026-11-04T15:30:00Z"}, the instant the data
-- ends at: relative ranges ("last 7 days") then mean the same thing whenever the demo runs.
\set demo_now '2026-11-04T15:30:00Z'

\getenv my_host QUARRY_MY_HOST
\getenv my_port QUARRY_MY_PORT
\getenv my_user QUARRY_MY_USER
\getenv my_password QUARRY_MY_PASSWORD
\if :{?my_password}
\else
\echo 'demo: QUARRY_MY_HOST, QUARRY_MY_PORT, QUARRY_MY_USER and QUARRY_MY_PASSWORD name the MariaDB server'
\echo 'demo: (scripts/servers.sh start; . build/servers/env)'
\quit
\endif

SET client_min_messages = warning;
DROP DATABASE IF EXISTS quarry_demo;
CREATE DATABASE quarry_demo;
\c quarry_demo
SET client_min_messages = warning;

CREATE EXTENSION quarry;

\echo
\echo 'quarry demo: a web-analytics dashboard on data that lives in MariaDB'
\echo '===================================================================='
\echo
\echo 'Generating the data in MariaDB, database quarry_demo (deterministic: the same rows on every run) ...'
SELECT clock_timestamp() AS demo_t0 \gset
\! mariadb --no-defaults --protocol=tcp -h "$QUARRY_MY_HOST" -P "$QUARRY_MY_PORT" -u "$QUARRY_MY_USER" -p"$QUARRY_MY_PASSWORD" -e 'DROP DATABASE IF EXISTS quarry_demo; CREATE DATABASE quarry_demo CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci' && mariadb --no-defaults --protocol=tcp -h "$QUARRY_MY_HOST" -P "$QUARRY_MY_PORT" -u "$QUARRY_MY_USER" -p"$QUARRY_MY_PASSWORD" quarry_demo <scripts/demo_data.mysql.sql >/dev/null
SELECT clock_timestamp() AS demo_t1 \gset

\echo
\echo 'The MariaDB database as a quarry_fdw server; IMPORT FOREIGN SCHEMA makes its tables'
\echo 'foreign tables of the schema demo.'
\echo
\set ECHO queries
CREATE SERVER analytics FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'mysql', host :'my_host', port :'my_port', dbname 'quarry_demo');
CREATE USER MAPPING FOR CURRENT_USER SERVER analytics
    OPTIONS (user :'my_user', password :'my_password');
CREATE SCHEMA demo;
IMPORT FOREIGN SCHEMA quarry_demo FROM SERVER analytics INTO demo;
\set ECHO none
\echo
\d demo.page_views
\d demo.orders

\ir demo_show.sql

\pset format aligned
\pset tuples_only off
\pset footer off
-- Counted in MariaDB: the whole query goes there (EXPLAIN below shows how).
SELECT 'demo.page_views' AS "foreign table", to_char(count(*), 'FM9,999,999') AS "rows",
       min(visited_at) AS "from", max(visited_at) AS "to"
FROM demo.page_views
UNION ALL
SELECT 'demo.orders', to_char(count(*), 'FM9,999,999'), min(ordered_at), max(ordered_at)
FROM demo.orders;
SELECT format('Generated in MariaDB in %s s.',
              round(extract(epoch FROM :'demo_t1'::timestamptz - :'demo_t0'::timestamptz), 1))
       AS " ";

-- The generation above ran in a shell: check that it made every row (else stop here).
DO $$
BEGIN
    IF (SELECT count(*) FROM demo.page_views) <> 1000000
       OR (SELECT count(*) FROM demo.orders) <> 200000 THEN
        RAISE EXCEPTION 'demo: the data was not generated in MariaDB (see the error above)';
    END IF;
END
$$;

\echo
\echo 'Sources: quarry.create_source registers a table (here a foreign table) with its time column'
\echo 'and stored formulas; specs name the formulas like columns. quarry.set_formula adds or edits one.'
\echo

\set ECHO queries
SELECT quarry.create_source('page_views', 'demo.page_views', $${
    "time_column": "visited_at",
    "formulas": {
        "views": "count(*)",
        "visitors": "count_distinct(visitor_id)",
        "bounce": "if(duration_ms < 5000, 1, 0)",
        "bounce_rate": "sum(bounce) / count(*)"
    }}$$) \gset

SELECT quarry.create_source('orders', 'demo.orders', $${
    "time_column": "ordered_at",
    "formulas": {
        "margin": "revenue - cost",
        "margin_pct": "sum(margin) / sum(revenue)",
        "order_count": "count_distinct(order_id)"
    }}$$) \gset

SELECT quarry.set_formula('orders', 'aov', 'sum(revenue) / count_distinct(order_id)') \gset
\set ECHO none
\echo

SELECT s.name AS source, s.relation, s.options ->> 'time_column' AS time_column,
       f.name AS formula, f.formula AS definition
FROM quarry.sources AS s JOIN quarry.formulas AS f ON f.source = s.name
ORDER BY s.name DESC, f.name;

\echo
\echo 'The dashboard. Each widget: its spec (what a dashboard sends), the result of'
\echo 'quarry.run(spec), the SQL that ran in MariaDB (the spec in the mysql dialect, one statement),'
\echo 'and quarry.translate(spec, dialect) for the same spec on postgres and redshift.'

\pset format unaligned
\pset tuples_only on
SELECT clock_timestamp() AS demo_t3 \gset

SELECT * FROM demo.widget('Page views per day, last 7 days', $$
{"source": "page_views", "metrics": ["views"],
 "time": {"range": "last 7 days", "grain": "day", "as": "day"},
 "order": ["day"], "options": {"now": "2026-11-04T15:30:00Z"}}
$$);

SELECT * FROM demo.widget('Unique visitors per day, last 7 days', $$
{"source": "page_views",
 "metrics": ["visitors", "views",
             {"formula": "round(views / visitors, 2)", "as": "views per visitor"}],
 "time": {"range": "last 7 days", "grain": "day", "as": "day"},
 "order": ["day"], "options": {"now": "2026-11-04T15:30:00Z"}}
$$);

SELECT * FROM demo.widget('Top pages, last 24 hours', $$
{"source": "page_views", "groupby": ["site", "uri"],
 "metrics": ["views", "visitors",
             {"formula": "round(100 * bounce_rate, 1)", "as": "bounce %"}],
 "time": {"range": "last 24 hours"},
 "order": ["-views"], "limit": 10, "options": {"now": "2026-11-04T15:30:00Z"}}
$$);

SELECT * FROM demo.widget('Views by country and device, last month', $$
{"source": "page_views", "groupby": ["country"],
 "metrics": ["views", {"formula": "count_if(device = 'desktop')", "as": "desktop"},
             {"formula": "count_if(device = 'mobile')", "as": "mobile"},
             {"formula": "count_if(device = 'tablet')", "as": "tablet"},
             {"formula": "round(100 * count_if(device = 'mobile') / views, 1)",
              "as": "mobile %"}],
 "time": {"range": "last month"},
 "order": ["-views"], "limit": 10, "options": {"now": "2026-11-04T15:30:00Z"}}
$$);

SELECT * FROM demo.widget('Bounce rate by browser, last 30 days', $$
{"source": "page_views", "groupby": ["browser"],
 "metrics": ["views", {"formula": "round(100 * bounce_rate, 1)", "as": "bounce %"},
             {"formula": "round(avg(duration_ms) / 1000, 1)", "as": "avg seconds"}],
 "time": {"range": "last 30 days"},
 "order": ["-views"], "options": {"now": "2026-11-04T15:30:00Z"}}
$$);

SELECT * FROM demo.widget('Where visitors come from, this month (NULL referrer = direct)', $$
{"source": "page_views",
 "groupby": [{"formula": "coalesce(referrer, '(direct)')", "as": "traffic source"}],
 "metrics": ["views", "visitors"],
 "time": {"range": "this month"},
 "order": ["-views"], "options": {"now": "2026-11-04T15:30:00Z"}}
$$);

SELECT * FROM demo.widget('Revenue, cost and margin per month, last 12 months (Paris time)', $$
{"source": "orders", "groupby": ["product_category"],
 "metrics": ["revenue", "cost",
             {"formula": "round(100 * margin_pct, 1)", "as": "margin %"}],
 "filters": [{"column": "status", "op": "not_in", "values": ["cancelled", "refunded"]},
             {"column": "product_category", "op": "in", "values": ["books", "electronics"]}],
 "time": {"range": "last 12 months", "grain": "month", "timezone": "Europe/Paris",
          "as": "month"},
 "order": ["month", "product_category"], "options": {"now": "2026-11-04T15:30:00Z"}}
$$);

SELECT * FROM demo.widget('Top customers, year to date', $$
{"source": "orders", "groupby": ["customer_id", "country"],
 "metrics": ["revenue", "order_count", {"formula": "round(aov, 2)", "as": "avg order"}],
 "filters": [{"formula": "status != 'cancelled'"}],
 "having": [{"metric": "order_count", "op": ">=", "value": 5}],
 "time": {"range": "year to date"},
 "order": ["-revenue"], "limit": 10, "options": {"now": "2026-11-04T15:30:00Z"}}
$$);

SELECT * FROM demo.widget('Orders by status, last month (cancelled left out by a formula)', $$
{"source": "orders", "groupby": ["status"],
 "metrics": ["order_count", "revenue", {"formula": "sum(quantity)", "as": "items"}],
 "filters": [{"formula": "status != 'cancelled'"}],
 "time": {"range": "last month"},
 "order": ["-order_count"], "options": {"now": "2026-11-04T15:30:00Z"}}
$$);

SELECT clock_timestamp() AS demo_t4 \gset

\echo
\echo '== A BI tool''s SQL on a foreign table: the whole query runs in MariaDB ========================'
\echo 'What Superset sends for "the busiest days of the last 30" (time grain day, metric count,'
\echo 'sorted by the metric, row limit 10), its result, and EXPLAIN (VERBOSE, COSTS OFF): one'
\echo 'Foreign Scan, whose Remote SQL holds the filter, the grouping, the order and the limit.'
\echo
\pset format aligned
\pset tuples_only off
\set ECHO queries
SELECT date_trunc('day', visited_at) AS __timestamp, count(*) AS count
FROM demo.page_views
WHERE visited_at >= '2026-10-05 00:00:00' AND visited_at < '2026-11-04 00:00:00'
GROUP BY date_trunc('day', visited_at)
ORDER BY count DESC
LIMIT 10;

\pset format unaligned
\pset tuples_only on
EXPLAIN (VERBOSE, COSTS OFF)
SELECT date_trunc('day', visited_at) AS __timestamp, count(*) AS count
FROM demo.page_views
WHERE visited_at >= '2026-10-05 00:00:00' AND visited_at < '2026-11-04 00:00:00'
GROUP BY date_trunc('day', visited_at)
ORDER BY count DESC
LIMIT 10;
\set ECHO none

-- The demo fails if any part of that query stayed in PostgreSQL.
DO $$
DECLARE
    plan text;
BEGIN
    EXECUTE $q$EXPLAIN (VERBOSE, COSTS OFF)
        SELECT date_trunc('day', visited_at) AS __timestamp, count(*) AS count
        FROM demo.page_views
        WHERE visited_at >= '2026-10-05 00:00:00' AND visited_at < '2026-11-04 00:00:00'
        GROUP BY date_trunc('day', visited_at) ORDER BY count DESC LIMIT 10$q$ INTO plan;
    IF plan <> 'Foreign Scan' THEN
        INSERT INTO demo.failures
        VALUES ('BI query', 'not all pushed down: the plan starts with ' || plan);
        RAISE WARNING 'demo: the BI query is not all pushed down (plan: %)', plan;
    END IF;
END
$$;
\pset format unaligned
\pset tuples_only on

\echo
\echo '== A wrong spec gets an error naming the place of the fault, and nothing runs ======================'
SELECT * FROM demo.mistake(
    '{"source": "orders", "metrics": [{"column": "revenue", "agg": "total"}]}');
SELECT * FROM demo.mistake('{"source": "orders", "metrics": ["revenu"]}');
SELECT * FROM demo.mistake(
    '{"source": "orders", "metrics": [{"formula": "sum(revenue) /", "as": "x"}]}');
SELECT * FROM demo.mistake('{"source": "order_lines", "metrics": ["revenue"]}');

SELECT format('Dashboard: 9 widgets in %s s (each run in MariaDB, and translated for every dialect).',
              round(extract(epoch FROM :'demo_t4'::timestamptz - :'demo_t3'::timestamptz), 2));

-- A widget that failed shows its error above; the demo then fails too.
DO $$
BEGIN
    IF (SELECT count(*) FROM demo.failures) > 0 THEN
        RAISE EXCEPTION 'demo: % widget(s) failed: %', (SELECT count(*) FROM demo.failures),
            (SELECT string_agg(title, '; ') FROM demo.failures);
    END IF;
END
$$;
