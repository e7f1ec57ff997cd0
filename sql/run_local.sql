-- quarry.run on a local table: the rows equal those of the hand-written SQL, with the JSON
-- types, NULLs, exact numerics and arbitrary text.
CREATE EXTENSION quarry;

CREATE TABLE rl_sales (
    id integer PRIMARY KEY,
    region text,
    product text NOT NULL,
    amount numeric,
    quantity integer,
    price double precision,
    sold_on date,
    sold_at timestamptz,
    paid boolean
);
INSERT INTO rl_sales VALUES
    (1, 'north', 'tea', 12.50, 3, 4.1666666666666667, '2024-01-05', '2024-01-05 09:30:00+00', true),
    (2, 'north', 'coffee', 123456789012345678901234567890.123456789, 1, 1e300, '2024-01-06', '2024-01-06 23:59:59.123456+00', false),
    (3, 'south', 'tea', 0.1, 10, 0.1, '2024-02-29', '2024-02-29 00:00:00+00', true),
    (4, NULL, 'it''s "quoted" \ back', -7, NULL, NULL, NULL, NULL, NULL),
    (5, 'south', E'emoji 😀 tab\there', 0.2, 2, -0.5, '1999-12-31', '1999-12-31 23:00:00-02', true),
    (6, 'Nord', E'line\nbreak', 0, 0, 0, '2024-01-05', '2024-01-05 09:30:00+00', false);

-- Grouped sums equal the hand-written query's (NULL region last, code-point order).
SELECT quarry.run('{"source": "rl_sales", "groupby": ["region"], "metrics": ["amount", "quantity"], "order": ["region"]}')->'rows'
     = (SELECT jsonb_agg(jsonb_build_array(region, s_amount, s_quantity)
                         ORDER BY region COLLATE "C" NULLS LAST)
        FROM (SELECT region, sum(amount) AS s_amount, sum(quantity) AS s_quantity
              FROM rl_sales GROUP BY region) AS hand) AS same_rows;

-- Counts, distinct counts, min/max, avg.
SELECT quarry.run('{"source": "rl_sales", "metrics": [{"column": "id", "agg": "count", "as": "n"}, {"column": "product", "agg": "count_distinct", "as": "products"}, {"column": "amount", "agg": "min", "as": "lo"}, {"column": "amount", "agg": "max", "as": "hi"}, {"column": "quantity", "agg": "avg", "as": "mean_qty"}]}')->'rows'
     = (SELECT jsonb_build_array(jsonb_build_array(count(id), count(DISTINCT product), min(amount), max(amount), avg(quantity)::double precision))
        FROM rl_sales) AS same_aggregates;

-- Plain rows of every type: the values as JSON. Ordered by id, one row per id.
SELECT jsonb_pretty(r) FROM jsonb_array_elements(
    quarry.run('{"source": "rl_sales", "groupby": ["id", "region", "product", "amount", "quantity", "price", "sold_on", "sold_at", "paid"], "metrics": [{"column": "id", "agg": "count", "as": "n"}], "order": ["id"]}')->'rows') AS r;
-- The column names and model types.
SELECT quarry.run('{"source": "rl_sales", "groupby": ["id", "region", "amount", "quantity", "price", "sold_on", "sold_at", "paid"], "metrics": [{"column": "id", "agg": "count", "as": "n"}], "limit": 1}')->'columns';

-- Text survives exactly: quotes, backslashes, control characters, emoji.
SELECT quarry.run('{"source": "rl_sales", "groupby": ["product"], "metrics": [{"column": "id", "agg": "count", "as": "n"}], "order": ["product"]}')->'rows'
     = (SELECT jsonb_agg(jsonb_build_array(product, n) ORDER BY product COLLATE "C")
        FROM (SELECT product, count(id) AS n FROM rl_sales GROUP BY product) AS hand) AS same_text;

-- Numerics keep every digit.
SELECT quarry.run('{"source": "rl_sales", "metrics": ["amount"]}')->'rows'->0->0 AS total,
       (SELECT sum(amount) FROM rl_sales) AS hand_total;

-- Filters, order and limit.
SELECT quarry.run('{"source": "rl_sales", "groupby": ["product"], "metrics": ["quantity"], "filters": [{"column": "region", "op": "!=", "value": "north"}], "order": ["-quantity"], "limit": 2}')->'rows'
     = (SELECT jsonb_agg(jsonb_build_array(product, q) ORDER BY q DESC NULLS FIRST)
        FROM (SELECT product, sum(quantity) AS q FROM rl_sales
              WHERE region <> 'north' OR region IS NULL
              GROUP BY product ORDER BY q DESC NULLS FIRST LIMIT 2) AS hand) AS same_filtered;

-- An empty result.
SELECT quarry.run('{"source": "rl_sales", "groupby": ["region"], "metrics": ["amount"], "filters": [{"column": "region", "op": "=", "value": "nowhere"}]}')->'rows' AS no_rows;

-- meta: the SQL that ran, the dialect, the row count, the spec's hash.
SELECT r->'meta'->'cached' AS cached,
       r->'meta'->>'dialect' AS dialect,
       r->'meta'->'row_count' AS row_count,
       r->'meta'->>'sql' = quarry.translate(spec, 'postgres') AS sql_is_translate,
       r->'meta'->>'hash' = quarry.explain(spec)->>'hash' AS hash_is_explain,
       (r->'meta'->>'elapsed_ms')::numeric >= 0 AS has_elapsed
FROM (SELECT spec, quarry.run(spec) AS r
      FROM (SELECT '{"source": "rl_sales", "groupby": ["region"], "metrics": ["amount"]}'::jsonb AS spec) AS s) AS x;

-- A registered source runs its stored formulas.
SELECT quarry.create_source('rl', 'rl_sales', '{"formulas": {"value": "amount * quantity", "total_value": "sum(value)"}}');
SELECT quarry.run('{"source": "rl", "groupby": ["region"], "metrics": ["total_value"], "order": ["region"]}')->'rows'
     = (SELECT jsonb_agg(jsonb_build_array(region, v) ORDER BY region COLLATE "C" NULLS LAST)
        FROM (SELECT region, sum(amount * quantity) AS v FROM rl_sales GROUP BY region) AS hand) AS same_formula;
SELECT quarry.drop_source('rl');

-- Doubles that are not numbers come back as null.
CREATE TABLE rl_special (x double precision, y numeric);
INSERT INTO rl_special VALUES ('NaN', 'NaN'), ('Infinity', 'Infinity'), ('-Infinity', '-Infinity');
SELECT quarry.run('{"source": "rl_special", "groupby": ["x", "y"], "metrics": [{"column": "x", "agg": "count", "as": "n"}], "order": ["x"]}')->'rows' AS specials;

-- A cancel reaches the statement inside run (here statement_timeout), and the session goes on.
CREATE VIEW rl_endless AS SELECT g FROM generate_series(1, 1000000000) AS g;
SET statement_timeout = '200ms';
SELECT quarry.run('{"source": "rl_endless", "metrics": ["g"]}');
RESET statement_timeout;
SELECT quarry.run('{"source": "rl_special", "metrics": [{"column": "x", "agg": "count", "as": "n"}]}')->'rows' AS after_cancel;

DROP VIEW rl_endless;
DROP TABLE rl_sales, rl_special;

DROP EXTENSION quarry;
