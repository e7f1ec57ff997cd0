-- Hostile and malformed input: every case ends in an ERROR with the right SQLSTATE (or, for
-- hostile text that is valid data, runs as data), and nothing outside the query is touched.
CREATE EXTENSION quarry;

-- A canary: its rows and checksum must be the same after all the cases.
CREATE TABLE bi_canary AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 100) g;
SELECT count(*) AS canary_rows, md5(string_agg(v, ',' ORDER BY id)) AS canary_sum FROM bi_canary;

CREATE TABLE bi_orders (
    country text,
    product_category text,
    revenue numeric,
    cost numeric,
    status text,
    quantity integer,
    customer_id integer,
    order_date timestamptz
);
INSERT INTO bi_orders VALUES
    ('FR', 'books', 100, 60, 'paid', 1, 1, '2024-01-05 10:00+00'),
    ('DE', 'games', 250, 100, 'cancelled', 12, 2, '2024-02-10 12:00+00');
CREATE SEQUENCE bi_seq;

-- Runs a spec (quarry.run), or translates it when a dialect is given, and reports the outcome
-- as `SQLSTATE: message` (messages cut at 160 characters, for megabyte-sized inputs).
CREATE FUNCTION pg_temp.check_spec(spec text, dialect text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    result jsonb;
BEGIN
    IF dialect IS NULL THEN
        result := quarry.run(spec::jsonb);
        RETURN 'ok: ' || (result->'meta'->>'row_count') || ' rows';
    END IF;
    PERFORM quarry.translate(spec::jsonb, dialect);
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || left(SQLERRM, 160);
END $$;

-- Builders for the giant cases.
CREATE FUNCTION pg_temp.nested_or(depth int) RETURNS text LANGUAGE sql AS $$
    SELECT '{"source":"bi_orders","metrics":["revenue"],"filters":['
        || repeat('{"or":[', depth) || '{"column":"country","op":"=","value":"FR"}'
        || repeat(']}', depth) || ']}'
$$;

\pset format unaligned
\pset fieldsep ' | '
\pset tuples_only on

SELECT n, label, pg_temp.check_spec(spec, dialect)
FROM (VALUES
    -- the shape of a spec
    (1, 'spec is an array', $$[]$$, NULL),
    (2, 'spec is a string', $$"bi_orders"$$, NULL),
    (3, 'spec without source', $${}$$, NULL),
    (4, 'source is a number', $${"source": 1, "metrics": ["revenue"]}$$, NULL),
    (5, 'source is null', $${"source": null, "metrics": ["revenue"]}$$, NULL),
    (6, 'unknown top-level key', $${"source": "bi_orders", "metrics": ["revenue"], "drop": true}$$, NULL),
    (7, 'metrics is not an array', $${"source": "bi_orders", "metrics": "revenue"}$$, NULL),
    (8, 'metric is a number', $${"source": "bi_orders", "metrics": [42]}$$, NULL),
    (9, 'unknown aggregate', $${"source": "bi_orders", "metrics": [{"column": "revenue", "agg": "total"}]}$$, NULL),
    (10, 'limit is negative', $${"source": "bi_orders", "metrics": ["revenue"], "limit": -1}$$, NULL),
    (11, 'limit is SQL', $${"source": "bi_orders", "metrics": ["revenue"], "limit": "1; DROP TABLE bi_canary"}$$, NULL),
    (12, 'limit is huge', $${"source": "bi_orders", "metrics": ["revenue"], "limit": 1e30}$$, NULL),
    (13, 'limit is fractional', $${"source": "bi_orders", "metrics": ["revenue"], "limit": 1.5}$$, NULL),
    (14, 'offset is negative', $${"source": "bi_orders", "metrics": ["revenue"], "offset": -5}$$, NULL),
    (15, 'order dir is unknown', $${"source": "bi_orders", "metrics": ["revenue"], "order": [{"by": "revenue", "dir": "sideways"}]}$$, NULL),
    (16, 'order by SQL', $${"source": "bi_orders", "metrics": ["revenue"], "order": [{"by": "revenue; DROP TABLE bi_canary"}]}$$, NULL),
    (17, 'order by a comment', $${"source": "bi_orders", "metrics": ["revenue"], "order": ["-revenue --"]}$$, NULL),
    (18, 'options.cache is unknown', $${"source": "bi_orders", "metrics": ["revenue"], "options": {"cache": "sometimes"}}$$, NULL),
    (19, 'options.now is not a time', $${"source": "bi_orders", "metrics": ["revenue"], "options": {"now": "now(); DROP TABLE bi_canary"}}$$, NULL),
    (20, 'options.max_age is not a duration', $${"source": "bi_orders", "metrics": ["revenue"], "options": {"max_age": "5 parsecs"}}$$, NULL),
    -- sources
    (21, 'source with a statement', $${"source": "bi_orders; DROP TABLE bi_canary", "metrics": ["revenue"]}$$, NULL),
    (22, 'source with a comment', $${"source": "bi_orders/* x */", "metrics": ["revenue"]}$$, NULL),
    (23, 'source with a line comment', $${"source": "bi_orders --", "metrics": ["revenue"]}$$, NULL),
    (24, 'source with a quote', $${"source": "bi_orders\"; DROP TABLE bi_canary; --", "metrics": ["revenue"]}$$, NULL),
    (25, 'source with backticks', $${"source": "`bi_orders`", "metrics": ["revenue"]}$$, NULL),
    (26, 'source as a subquery', $${"source": "(SELECT * FROM bi_canary)", "metrics": ["revenue"]}$$, NULL),
    (27, 'source with too many dots', $${"source": "a.b.c.bi_orders", "metrics": ["revenue"]}$$, NULL),
    (28, 'source quoted the PostgreSQL way', $${"source": "\"bi_orders\"", "metrics": ["revenue"]}$$, NULL),
    (29, 'source that is a sequence', $${"source": "bi_seq", "metrics": ["revenue"]}$$, NULL),
    -- column names and aliases
    (30, 'groupby with a statement', $${"source": "bi_orders", "groupby": ["country; DROP TABLE bi_canary"], "metrics": ["revenue"]}$$, NULL),
    (31, 'groupby with a quote', $${"source": "bi_orders", "groupby": ["country\" FROM bi_canary --"], "metrics": ["revenue"]}$$, NULL),
    (32, 'column with a tab', $${"source": "bi_orders", "groupby": ["coun\ttry"], "metrics": ["revenue"]}$$, NULL),
    (33, 'column with a look-alike letter', $${"source": "bi_orders", "groupby": ["c\u043euntry"], "metrics": ["revenue"]}$$, NULL),
    (34, 'filter column with a statement', $${"source": "bi_orders", "metrics": ["revenue"], "filters": [{"column": "country = 'FR' OR 1=1 --", "op": "=", "value": "x"}]}$$, NULL),
    (35, 'alias with a quote is only a name', $${"source": "bi_orders", "metrics": [{"formula": "sum(revenue)", "as": "x\"; DROP TABLE bi_canary; --"}]}$$, NULL),
    (36, 'alias with backticks (mysql)', $${"source": "bi_orders", "metrics": [{"formula": "sum(revenue)", "as": "x` FROM bi_canary; --"}]}$$, 'mysql'),
    (37, 'empty alias', $${"source": "bi_orders", "metrics": [{"formula": "sum(revenue)", "as": ""}]}$$, NULL),
    -- filter values: hostile text is data
    (38, 'value with a statement is data', $${"source": "bi_orders", "metrics": ["revenue"], "filters": [{"column": "country", "op": "=", "value": "'; DROP TABLE bi_canary; --"}]}$$, NULL),
    (39, 'value with backslashes is data', $${"source": "bi_orders", "metrics": ["revenue"], "filters": [{"column": "country", "op": "=", "value": "\\'; DROP TABLE bi_canary; --"}]}$$, NULL),
    (40, 'value with backslashes is data (mysql)', $${"source": "bi_orders", "metrics": ["revenue"], "filters": [{"column": "country", "op": "in", "values": ["\\'", "`", "\\\\"]}]}$$, 'mysql'),
    (41, 'value with an escaped NUL is data', $${"source": "bi_orders", "metrics": ["revenue"], "filters": [{"column": "country", "op": "contains", "value": "\\u0000"}]}$$, NULL),
    (42, 'value with a NUL byte', $${"source": "bi_orders", "metrics": ["revenue"], "filters": [{"column": "country", "op": "=", "value": "F\u0000R"}]}$$, NULL),
    (43, 'value of the wrong type', $${"source": "bi_orders", "metrics": ["revenue"], "filters": [{"column": "revenue", "op": ">", "value": "abc"}]}$$, NULL),
    (44, 'unknown filter op', $${"source": "bi_orders", "metrics": ["revenue"], "filters": [{"column": "country", "op": "like", "value": "%"}]}$$, NULL),
    (45, 'in without a list', $${"source": "bi_orders", "metrics": ["revenue"], "filters": [{"column": "country", "op": "in", "values": "FR"}]}$$, NULL),
    (46, 'between with one value', $${"source": "bi_orders", "metrics": ["revenue"], "filters": [{"column": "revenue", "op": "between", "values": [1]}]}$$, NULL),
    (47, 'or of a string', $${"source": "bi_orders", "metrics": ["revenue"], "filters": [{"or": "1=1"}]}$$, NULL),
    (48, 'having on an unknown metric', $${"source": "bi_orders", "metrics": ["revenue"], "having": [{"metric": "pg_sleep(10)", "op": ">", "value": 1}]}$$, NULL),
    -- formulas
    (49, 'formula syntax error', $${"source": "bi_orders", "metrics": [{"formula": "sum(revenue", "as": "x"}]}$$, NULL),
    (50, 'formula with a statement', $${"source": "bi_orders", "metrics": [{"formula": "sum(revenue)); DROP TABLE bi_canary; --", "as": "x"}]}$$, NULL),
    (51, 'formula with a block comment', $${"source": "bi_orders", "metrics": [{"formula": "sum(revenue) /* x */", "as": "x"}]}$$, NULL),
    (52, 'formula calling a SQL function', $${"source": "bi_orders", "metrics": [{"formula": "sum(pg_sleep(10))", "as": "x"}]}$$, NULL),
    (53, 'formula with a cast', $${"source": "bi_orders", "metrics": [{"formula": "sum(revenue::text)", "as": "x"}]}$$, NULL),
    (54, 'formula with a quoted string is data', $${"source": "bi_orders", "metrics": [{"formula": "count_if(status = 'a''); DROP TABLE bi_canary; --')", "as": "x"}]}$$, NULL),
    (55, 'formula bracket name with a statement', $${"source": "bi_orders", "metrics": [{"formula": "sum([revenue]); DROP TABLE bi_canary; --])", "as": "x"}]}$$, NULL),
    (56, 'formula with an unknown column', $${"source": "bi_orders", "metrics": [{"formula": "sum(revenu)", "as": "x"}]}$$, NULL),
    (57, 'formula with nested aggregates', $${"source": "bi_orders", "metrics": [{"formula": "sum(sum(revenue))", "as": "x"}]}$$, NULL),
    (58, 'formula adding text to a number', $${"source": "bi_orders", "metrics": [{"formula": "sum(revenue + country)", "as": "x"}]}$$, NULL),
    -- time
    (59, 'unknown grain', $${"source": "bi_orders", "metrics": ["revenue"], "time": {"column": "order_date", "grain": "fortnight"}}$$, NULL),
    (60, 'unknown time zone', $${"source": "bi_orders", "metrics": ["revenue"], "time": {"column": "order_date", "grain": "day", "timezone": "Mars/Olympus_Mons"}}$$, NULL),
    (61, 'time zone as a path', $${"source": "bi_orders", "metrics": ["revenue"], "time": {"column": "order_date", "grain": "day", "timezone": "../../../etc/passwd"}}$$, NULL),
    (62, 'time zone with a statement', $${"source": "bi_orders", "metrics": ["revenue"], "time": {"column": "order_date", "grain": "day", "timezone": "UTC'; DROP TABLE bi_canary; --"}}$$, NULL),
    (63, 'unknown relative range', $${"source": "bi_orders", "metrics": ["revenue"], "time": {"column": "order_date", "range": "last forever"}}$$, NULL),
    (64, 'range with a bad date', $${"source": "bi_orders", "metrics": ["revenue"], "time": {"column": "order_date", "range": ["2024-13-01", "2024-02-01"]}}$$, NULL),
    (65, 'range with a statement', $${"source": "bi_orders", "metrics": ["revenue"], "time": {"column": "order_date", "range": ["2024-01-01'; DROP TABLE bi_canary; --", "2024-02-01"]}}$$, NULL),
    (66, 'range of three', $${"source": "bi_orders", "metrics": ["revenue"], "time": {"column": "order_date", "range": ["2024-01-01", "2024-02-01", "2024-03-01"]}}$$, NULL),
    (67, 'time on a text column', $${"source": "bi_orders", "metrics": ["revenue"], "time": {"column": "country", "grain": "day"}}$$, NULL),
    -- dialects
    (68, 'unknown dialect', $${"source": "bi_orders", "metrics": ["revenue"]}$$, 'oracle'),
    (69, 'dialect with a statement', $${"source": "bi_orders", "metrics": ["revenue"]}$$, 'postgres''; DROP TABLE bi_canary; --'),
    (70, 'empty dialect', $${"source": "bi_orders", "metrics": ["revenue"]}$$, '')
) AS cases (n, label, spec, dialect)
ORDER BY n;

-- Sizes: megabyte strings, deep nesting, long lists.
SELECT 101 AS n, '1 MB source name' AS label,
       pg_temp.check_spec(jsonb_build_object('source', repeat('x', 1000000), 'metrics', jsonb_build_array('revenue'))::text);
SELECT 102 AS n, '1 MB column name' AS label,
       pg_temp.check_spec(jsonb_build_object('source', 'bi_orders', 'groupby', jsonb_build_array(repeat('c', 1000000)), 'metrics', jsonb_build_array('revenue'))::text);
SELECT 103 AS n, '1 MB filter value is data' AS label,
       pg_temp.check_spec(jsonb_build_object('source', 'bi_orders', 'metrics', jsonb_build_array('revenue'), 'filters', jsonb_build_array(jsonb_build_object('column', 'country', 'op', '=', 'value', repeat('''', 1000000))))::text);
SELECT 104 AS n, '1 MB formula' AS label,
       pg_temp.check_spec(jsonb_build_object('source', 'bi_orders', 'metrics', jsonb_build_array(jsonb_build_object('formula', 'sum(revenue' || repeat(' + 1', 250000) || ')', 'as', 'x')))::text);
SELECT 105 AS n, 'formula nested 10,000 parentheses deep' AS label,
       pg_temp.check_spec(jsonb_build_object('source', 'bi_orders', 'metrics', jsonb_build_array(jsonb_build_object('formula', 'sum(' || repeat('(', 10000) || 'revenue' || repeat(')', 10000) || ')', 'as', 'x')))::text);
SELECT 106 AS n, 'formula nested 10,000 calls deep' AS label,
       pg_temp.check_spec(jsonb_build_object('source', 'bi_orders', 'metrics', jsonb_build_array(jsonb_build_object('formula', 'sum(' || repeat('abs(', 10000) || 'revenue' || repeat(')', 10000) || ')', 'as', 'x')))::text);
SELECT 107 AS n, 'formula with 10,000 unary minus signs' AS label,
       pg_temp.check_spec(jsonb_build_object('source', 'bi_orders', 'metrics', jsonb_build_array(jsonb_build_object('formula', 'sum(' || repeat('- ', 10000) || 'revenue)', 'as', 'x')))::text);
SELECT 108 AS n, 'or-filters nested 100 deep' AS label, pg_temp.check_spec(pg_temp.nested_or(100));
-- PostgreSQL's own JSON parser refuses this depth (54001) before quarry sees the spec.
SELECT 109 AS n, 'or-filters nested 10,000 deep' AS label, pg_temp.check_spec(pg_temp.nested_or(10000));
SELECT 110 AS n, 'JSON arrays nested 10,000 deep as a value' AS label,
       pg_temp.check_spec('{"source":"bi_orders","metrics":["revenue"],"filters":[{"column":"country","op":"=","value":'
                          || repeat('[', 10000) || repeat(']', 10000) || '}]}');
SELECT 111 AS n, 'in-filter with 100,000 values' AS label,
       pg_temp.check_spec(jsonb_build_object('source', 'bi_orders', 'metrics', jsonb_build_array('revenue'), 'filters', jsonb_build_array(jsonb_build_object('column', 'country', 'op', 'in', 'values', (SELECT jsonb_agg(g::text) FROM generate_series(1, 100000) g))))::text);
SELECT 112 AS n, 'in-filter with 10,000 values is fine' AS label,
       pg_temp.check_spec(jsonb_build_object('source', 'bi_orders', 'metrics', jsonb_build_array('revenue'), 'filters', jsonb_build_array(jsonb_build_object('column', 'country', 'op', 'in', 'values', (SELECT jsonb_agg(g::text) FROM generate_series(1, 10000) g))))::text);
SELECT 113 AS n, 'formula in-list with 100,000 values' AS label,
       pg_temp.check_spec(jsonb_build_object('source', 'bi_orders', 'metrics', jsonb_build_array(jsonb_build_object('formula', 'count_if(quantity in (' || (SELECT string_agg(g::text, ',') FROM generate_series(1, 100000) g) || '))', 'as', 'x')))::text);
SELECT 114 AS n, '1,001 metrics' AS label,
       pg_temp.check_spec(jsonb_build_object('source', 'bi_orders', 'metrics', (SELECT jsonb_agg('revenue'::text) FROM generate_series(1, 1001)))::text);

\pset format aligned
\pset tuples_only off

-- The backend still answers, and the canary is untouched.
SELECT 1 AS still_alive;
SELECT count(*) AS canary_rows, md5(string_agg(v, ',' ORDER BY id)) AS canary_sum FROM bi_canary;

DROP TABLE bi_orders, bi_canary;
DROP SEQUENCE bi_seq;

-- A misspelt setting is refused (quarry reserves its prefix), not kept as a placeholder
SET quarry.default_tll = '5min';
SHOW quarry.default_ttl;

DROP EXTENSION quarry;
