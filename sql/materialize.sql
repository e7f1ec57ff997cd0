-- Materializations: quarry.materialize / refresh / drop_materialization, the specs they answer
-- (one case per rule: fewer keys, additive metrics, avg from sum and count, filters on kept
-- columns, equal or coarser grain, ranges on bucket boundaries, count_distinct without merged
-- groups), each compared with the same spec computed from the source; the specs they do not
-- answer and why; privileges; a changed source; max_age; incremental refresh of the trailing
-- buckets only; the worker's scheduled refresh; errors.
CREATE EXTENSION quarry;
SET quarry.default_ttl = 0;  -- nothing from the result cache: every run is computed or served

CREATE TABLE mz_views (id int, visited_at timestamptz, country text, device text, visitor int,
                       duration int, price numeric(10, 2));
-- 25 days of Paris time across the end of summer time (2026-10-25), NULLs everywhere, text that
-- differs by case and a trailing space, one row without a time.
INSERT INTO mz_views
SELECT i, timestamptz '2026-10-01 00:00+00' + (i * 7 % 600) * interval '1 hour'
          + (i % 60) * interval '1 minute',
       (ARRAY['FR', 'DE', 'fr ', 'ÉCOLE', NULL])[1 + i % 5],
       (ARRAY['mobile', 'desktop', 'bot', NULL])[1 + i % 4],
       i % 37, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 300 END, (i % 97) * 1.25
FROM generate_series(1, 3000) AS i;
INSERT INTO mz_views VALUES (0, NULL, 'FR', 'mobile', 1, 10, 1.00);

SELECT quarry.materialize('mz_daily', '{"source": "mz_views", "groupby": ["country", "device"],
    "metrics": [{"column": "duration", "agg": "sum"}, {"column": "duration", "agg": "avg"},
                {"formula": "count(*)", "as": "views"}, {"column": "price", "agg": "min"},
                {"column": "price", "agg": "max"},
                {"formula": "count_if(duration > 100)", "as": "long_views"},
                {"formula": "sum_if(price, device = ''mobile'')", "as": "mobile_price"},
                {"column": "visitor", "agg": "count_distinct", "as": "visitors"}],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}],
    "time": {"column": "visited_at", "grain": "day", "timezone": "Europe/Paris", "as": "day"}}',
    '1 hour');
SELECT name, spec->>'source' AS source, refresh, owner, relation, refreshed_at IS NOT NULL AS built,
       last_refresh->>'mode' AS mode, (last_refresh->>'rows_inserted')::int > 100 AS rows
  FROM quarry.materializations;
SELECT count(*) > 100 AS stored_rows, count(*) FILTER (WHERE day IS NULL) AS timeless_groups
  FROM quarry_materialized.mz_daily;

-- The rows of a result in one order (a spec orders by its first key only: ties come in any
-- order).
CREATE FUNCTION mz_rows(result jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT COALESCE(jsonb_agg(r ORDER BY r::text), '[]') FROM jsonb_array_elements(result->'rows') AS r
$$;
-- served_from, and whether the served rows equal the rows computed from the source.
CREATE FUNCTION mz_check(spec jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    served jsonb := quarry.run(spec);
    raw jsonb := quarry.run(spec || jsonb_build_object('options',
                     COALESCE(spec->'options', '{}') || '{"cache": "bypass"}'));
BEGIN
    RETURN COALESCE(served->'meta'->>'served_from', 'not served')
        || CASE WHEN mz_rows(served) = mz_rows(raw) AND served->'columns' = raw->'columns'
                THEN ', identical' ELSE ', DIFFERENT' END
        || ' (' || jsonb_array_length(raw->'rows') || ' rows)';
END
$$;
-- The materialization explain says would serve the spec, or why each one would not.
CREATE FUNCTION mz_why(spec jsonb) RETURNS SETOF text LANGUAGE sql AS $$
    SELECT COALESCE(e->>'served_from', e->>'reason')
      FROM quarry.explain(spec) AS q(x), LATERAL (SELECT q.x->'materialization') AS m(e)
    UNION ALL
    SELECT n->>'name' || ': ' || (n->>'reason')
      FROM quarry.explain(spec) AS q(x), jsonb_array_elements(q.x->'materialization'->'not_used') AS n
$$;

-- The same groups over an explicit range of whole days.
SELECT mz_check('{"source": "mz_views", "groupby": ["country", "device"],
    "metrics": [{"column": "duration", "agg": "sum"}, {"formula": "count(*)", "as": "views"}],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}],
    "time": {"column": "visited_at", "grain": "day", "timezone": "Europe/Paris", "as": "day",
             "range": ["2026-10-05", "2026-10-12"]}}');
-- Fewer keys, every additive aggregate, avg from sum and count, formulas over aggregates.
SELECT mz_check('{"source": "mz_views", "groupby": ["country"],
    "metrics": [{"column": "duration", "agg": "sum"}, {"column": "duration", "agg": "avg"},
                {"formula": "count(*)", "as": "views"}, {"column": "price", "agg": "min"},
                {"column": "price", "agg": "max"},
                {"formula": "count_if(duration > 100)", "as": "long_views"},
                {"formula": "sum_if(price, device = ''mobile'')", "as": "mobile_price"},
                {"formula": "sum(duration) / count(*)", "as": "per_view"},
                {"formula": "max(price) - min(price)", "as": "spread"}],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}]}');
-- No time block at all: every bucket, the row without a time included.
SELECT mz_check('{"source": "mz_views", "groupby": ["device"], "metrics": [{"formula": "count(*)", "as": "views"}],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}]}');
-- Coarser grains: weeks and months of Paris days, across the end of summer time.
SELECT mz_check('{"source": "mz_views", "groupby": ["device"], "metrics": ["duration"],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}],
    "time": {"column": "visited_at", "grain": "week", "timezone": "Europe/Paris"}}');
SELECT mz_check('{"source": "mz_views", "metrics": [{"column": "duration", "agg": "avg"}],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}],
    "time": {"column": "visited_at", "grain": "month", "timezone": "Europe/Paris",
             "range": "last month", "as": "m"}, "options": {"now": "2026-11-10T00:00:00Z"}}');
-- Filters on kept columns (text compared exactly: 'fr ' is not 'FR').
SELECT mz_check('{"source": "mz_views", "groupby": ["country"], "metrics": ["duration"],
    "filters": [{"column": "device", "op": "!=", "value": "bot"},
                {"column": "country", "op": "in", "values": ["FR", "fr "]},
                {"formula": "device = ''mobile'' or device is null"}]}');
-- Functions of keys, having, order, limit.
SELECT mz_check('{"source": "mz_views", "groupby": [{"formula": "lower(country)", "as": "c"}],
    "metrics": [{"formula": "count(*)", "as": "views"}],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}],
    "having": [{"metric": "views", "op": ">", "value": 100}], "order": ["-views"], "limit": 2}');
-- count_distinct when the spec groups by every key at the same grain.
SELECT mz_check('{"source": "mz_views", "groupby": ["device", "country"],
    "metrics": [{"column": "visitor", "agg": "count_distinct", "as": "visitors"}],
    "filters": [{"column": "device", "op": "!=", "value": "bot"},
                {"column": "country", "op": "=", "value": "DE"}],
    "time": {"column": "visited_at", "grain": "day", "timezone": "Europe/Paris",
             "range": ["2026-10-20", "2026-10-27"]}}');

-- Not answered, and why (the rows still come from the source).
SELECT mz_why('{"source": "mz_views", "groupby": ["country"], "metrics": ["duration"]}');
SELECT mz_why('{"source": "mz_views", "metrics": ["duration"],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}, {"column": "visitor", "op": "=", "value": 3}]}');
SELECT mz_why('{"source": "mz_views", "groupby": ["country"],
    "metrics": [{"column": "visitor", "agg": "count_distinct"}],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}]}');
SELECT mz_why('{"source": "mz_views", "metrics": ["duration"],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}],
    "time": {"column": "visited_at", "timezone": "Europe/Paris", "range": "last 24 hours"},
    "options": {"now": "2026-10-10T12:34:00Z"}}');
SELECT mz_why('{"source": "mz_views", "metrics": ["duration"],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}],
    "time": {"column": "visited_at", "timezone": "UTC", "range": ["2026-10-05", "2026-10-12"]}}');
SELECT mz_why('{"source": "mz_views", "metrics": ["duration"],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}],
    "options": {"cache": "bypass"}}');
SELECT mz_check('{"source": "mz_views", "groupby": ["country"],
    "metrics": [{"column": "visitor", "agg": "count_distinct"}],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}]}');
-- explain names the materialization and shows the SQL over its table.
SELECT e->>'served_from' AS served_from, e->>'sql' LIKE '%FROM "quarry_materialized"."mz_daily"%' AS over_table
  FROM quarry.explain('{"source": "mz_views", "metrics": ["duration"],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}]}') AS x,
       LATERAL (SELECT x->'materialization') AS m(e);
-- options.max_age bounds the age of the rows served.
SELECT mz_why('{"source": "mz_views", "metrics": ["duration"],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}],
    "options": {"max_age": "0 seconds"}}');

-- Privileges: a role that may read the source is served; one that may not gets its ERROR.
CREATE ROLE mz_reader;
CREATE ROLE mz_nobody;
GRANT SELECT ON mz_views TO mz_reader;
SET ROLE mz_reader;
SELECT mz_check('{"source": "mz_views", "groupby": ["country"], "metrics": ["duration"],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}]}');
SELECT quarry.refresh('mz_daily');
SELECT quarry.drop_materialization('mz_daily');
SET ROLE mz_nobody;
SELECT quarry.run('{"source": "mz_views", "groupby": ["country"], "metrics": ["duration"],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}]}');
RESET ROLE;
-- Rows the owner sees through row-level security are served to the owner only.
CREATE TABLE mz_secret (at timestamptz, team text, amount int);
INSERT INTO mz_secret VALUES ('2026-10-01 10:00+00', 'a', 1), ('2026-10-01 11:00+00', 'b', 2);
ALTER TABLE mz_secret ENABLE ROW LEVEL SECURITY;
CREATE POLICY mz_team_a ON mz_secret FOR SELECT TO mz_reader USING (team = 'a');
GRANT SELECT ON mz_secret TO mz_reader;
SELECT quarry.materialize('mz_secret_daily', '{"source": "mz_secret", "metrics": ["amount"],
    "time": {"column": "at", "grain": "day"}}', '1 hour');
SET ROLE mz_reader;
SELECT mz_check('{"source": "mz_secret", "metrics": ["amount"]}');
SELECT mz_why('{"source": "mz_secret", "metrics": ["amount"]}');
RESET ROLE;
SELECT mz_check('{"source": "mz_secret", "metrics": ["amount"]}');

-- A changed source definition: not served until refreshed.
SELECT quarry.create_source('mz_src', 'mz_views',
    '{"time_column": "visited_at", "formulas": {"long": "count_if(duration > 100)"}}');
SELECT quarry.materialize('mz_src_weekly', '{"source": "mz_src", "groupby": ["device"],
    "metrics": ["long"], "time": {"grain": "week"}}', '1 day');
SELECT mz_check('{"source": "mz_src", "metrics": ["long"], "time": {"grain": "week"}}');
SELECT quarry.set_formula('mz_src', 'long', 'count_if(duration > 200)');
SELECT mz_why('{"source": "mz_src", "metrics": ["long"], "time": {"grain": "week"}}');
SELECT mz_check('{"source": "mz_src", "metrics": ["long"], "time": {"grain": "week"}}');
SELECT quarry.refresh('mz_src_weekly')->>'mode' AS mode;
SELECT mz_check('{"source": "mz_src", "metrics": ["long"], "time": {"grain": "week"}}');

-- Columns renamed in the source relation (which rewrites only their pg_attribute rows, not the
-- table's pg_class row): not served until refreshed, and that refresh is a full one.
CREATE TABLE mz_swap (at timestamptz, a int, b int);
INSERT INTO mz_swap SELECT timestamptz '2026-10-01 12:00+00' + i % 5 * interval '1 day', i, 100 * i
  FROM generate_series(1, 20) AS i;
\set swap_spec '{"source": "mz_swap", "metrics": ["a"], "time": {"column": "at", "grain": "day"}}'
SELECT quarry.materialize('mz_swap_daily', :'swap_spec', '1 day');
SELECT mz_check(:'swap_spec');
ALTER TABLE mz_swap RENAME COLUMN a TO tmp;
ALTER TABLE mz_swap RENAME COLUMN b TO a;
ALTER TABLE mz_swap RENAME COLUMN tmp TO b;
SELECT mz_why(:'swap_spec');
SELECT mz_check(:'swap_spec');
SELECT quarry.refresh('mz_swap_daily')->>'mode' AS mode;
SELECT mz_check(:'swap_spec');
SELECT quarry.drop_materialization('mz_swap_daily');
DROP TABLE mz_swap;

-- Incremental refresh: only the trailing buckets (today and yesterday, Paris) are recomputed.
INSERT INTO mz_views VALUES
    (9001, now() - interval '1 hour', 'FR', 'mobile', 7, 50, 2.00),
    (9002, now() - interval '10 days', 'FR', 'mobile', 7, 60, 2.00);
SELECT quarry.refresh('mz_daily', full => true)->>'mode' AS mode;
UPDATE mz_views SET duration = duration + 1000 WHERE id IN (9001, 9002);
SELECT r->>'mode' AS mode, (r->>'rows_deleted')::int BETWEEN 1 AND 12 AS few_deleted,
       (r->>'rows_inserted')::int = (r->>'rows_deleted')::int AS same_groups,
       r->>'from' = to_char(date_trunc('day', now() AT TIME ZONE 'Europe/Paris') - interval '1 day',
                            'YYYY-MM-DD HH24:MI:SS') AS from_yesterday
  FROM quarry.refresh('mz_daily') AS r;
CREATE FUNCTION mz_day_spec(days_ago int) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('source', 'mz_views', 'metrics', '["duration"]'::jsonb,
        'filters', '[{"column": "device", "op": "!=", "value": "bot"}]'::jsonb,
        'time', jsonb_build_object('column', 'visited_at', 'timezone', 'Europe/Paris', 'range',
            jsonb_build_array(
                to_char((now() - days_ago * interval '1 day') AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD'),
                to_char((now() - (days_ago - 1) * interval '1 day') AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD'))))
$$;
-- The recent day has the change; the day ten days ago keeps the rows of the last full refresh.
SELECT mz_check(mz_day_spec(0) || '{}') AS today, mz_check(mz_day_spec(10)) AS ten_days_ago;
SELECT quarry.refresh('mz_daily', true)->>'mode' AS mode;
SELECT mz_check(mz_day_spec(10)) AS ten_days_ago;

-- The workers refresh on schedule (quarry is preloaded on the test server).
SELECT quarry.materialize('mz_fast', '{"source": "mz_views", "groupby": ["device"],
    "metrics": ["duration"]}', '1 second');
DO $$
DECLARE
    built timestamptz := (SELECT refreshed_at FROM quarry.materializations WHERE name = 'mz_fast');
BEGIN
    FOR i IN 1..600 LOOP
        EXIT WHEN (SELECT refreshed_at FROM quarry.materializations WHERE name = 'mz_fast') > built;
        PERFORM pg_sleep(0.1);
    END LOOP;
END
$$;
SELECT refreshed_at > created_at AS refreshed_by_worker, last_refresh->>'mode' AS mode,
       last_error FROM quarry.materializations WHERE name = 'mz_fast';
SELECT state, priority FROM quarry.job_queue WHERE spec->>'refresh' = 'mz_fast' LIMIT 1;
SELECT quarry.drop_materialization('mz_fast');

-- Errors.
SELECT quarry.materialize('mz_daily', '{"source": "mz_views", "metrics": ["duration"]}', '1 hour');
SELECT quarry.materialize('mz_bad', '{"source": "mz_views", "metrics": ["duration"], "limit": 5}', '1 hour');
SELECT quarry.materialize('mz_bad', '{"source": "mz_views", "metrics": ["duration"],
    "time": {"range": "last 7 days", "column": "visited_at"}}', '1 hour');
SELECT quarry.materialize('mz_bad', '{"source": "mz_views", "metrics": ["duration"],
    "filters": [{"formula": "visited_at > now()"}]}', '1 hour');
SELECT quarry.materialize('mz_bad', '{"source": "mz_views", "metrics": ["nope"]}', '1 hour');
SELECT quarry.materialize('mz_bad', '{"source": "mz_views", "metrics": ["duration"]}', '0 seconds');
SELECT quarry.materialize(NULL, '{"source": "mz_views", "metrics": ["duration"]}', '1 hour');
SELECT quarry.refresh('mz_missing');
SET ROLE mz_nobody;
SELECT quarry.materialize('mz_bad', '{"source": "mz_views", "metrics": ["duration"]}', '1 hour');
RESET ROLE;
SELECT count(*) AS materializations FROM quarry.materializations;

SELECT quarry.drop_materialization('mz_daily');
SELECT to_regclass('quarry_materialized.mz_daily') AS table_gone;
DROP EXTENSION quarry CASCADE;
DROP TABLE mz_views, mz_secret;
DROP ROLE mz_reader;
DROP ROLE mz_nobody;
