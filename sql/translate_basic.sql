-- quarry.translate on a local table: the PRODUCT.md example in every dialect, every filter
-- operator, time ranges resolved against a fixed options.now, order and limit.
CREATE EXTENSION quarry;

CREATE TABLE tb_orders (
    order_id integer PRIMARY KEY,
    country text NOT NULL,
    product_category text,
    revenue numeric,
    cost numeric,
    quantity integer,
    customer_id integer,
    status text,
    order_date timestamptz NOT NULL,
    ship_day date,
    created_at timestamp
);

\set example '{"source": "tb_orders", "groupby": ["country", {"formula": "upper(product_category)", "as": "cat"}], "metrics": ["revenue", {"column": "customer_id", "agg": "count_distinct", "as": "buyers"}, {"formula": "sum(revenue - cost) / sum(revenue)", "as": "margin_pct"}], "filters": [{"column": "country", "op": "in", "values": ["FR", "DE"]}, {"formula": "status != ''cancelled''"}], "having": [{"metric": "revenue", "op": ">", "value": 1000}], "time": {"column": "order_date", "range": "last 12 months", "grain": "month", "timezone": "Europe/Paris", "as": "month"}, "order": [{"by": "revenue", "dir": "desc"}], "limit": 100, "offset": 0, "options": {"cache": "use", "max_age": "5 minutes", "now": "2026-11-01T00:00:00Z"}}'

-- The PRODUCT.md example.
SELECT quarry.translate(:'example', 'postgres') AS postgres;
SELECT quarry.translate(:'example', 'mysql') AS mysql;
SELECT quarry.translate(:'example', 'redshift') AS redshift;
-- A local relation's default dialect is postgres.
SELECT quarry.translate(:'example') = quarry.translate(:'example', 'postgres') AS default_is_postgres;
-- Schema-qualified and quoted names find the same relation, and the SQL names its schema.
SELECT quarry.translate('{"source": "public.tb_orders", "metrics": ["revenue"]}');
SELECT quarry.translate('{"source": "\"tb_orders\"", "metrics": ["revenue"]}');
SET search_path = pg_catalog;
SELECT quarry.translate('{"source": "public.tb_orders", "metrics": ["revenue"]}');
RESET search_path;
-- NULL in, NULL out.
SELECT quarry.translate(NULL) IS NULL AS null_spec;

-- Every filter operator.
SELECT f->>'op' AS op,
       quarry.translate(jsonb_build_object('source', 'tb_orders', 'metrics', '["revenue"]'::jsonb,
                                           'filters', jsonb_build_array(f)), 'postgres') AS sql
FROM jsonb_array_elements('[
    {"column": "country", "op": "=", "value": "FR"},
    {"column": "country", "op": "!=", "value": "FR"},
    {"column": "quantity", "op": "<", "value": 10},
    {"column": "quantity", "op": "<=", "value": 10},
    {"column": "revenue", "op": ">", "value": 2.5},
    {"column": "revenue", "op": ">=", "value": 2.5},
    {"column": "country", "op": "in", "values": ["FR", "DE"]},
    {"column": "country", "op": "not_in", "values": ["FR", "DE"]},
    {"column": "quantity", "op": "between", "values": [1, 5]},
    {"column": "status", "op": "contains", "value": "canc%_"},
    {"column": "status", "op": "not_contains", "value": "canc"},
    {"column": "status", "op": "starts_with", "value": "pa"},
    {"column": "status", "op": "ends_with", "value": "id"},
    {"column": "status", "op": "is_null"},
    {"column": "status", "op": "not_null"}
]'::jsonb) AS f;

-- Formula filters and or-groups, in every dialect.
\set filters '{"source": "tb_orders", "metrics": ["revenue"], "filters": [{"or": [{"column": "country", "op": "=", "value": "FR"}, {"formula": "quantity > 10 and status = ''paid''"}]}, {"column": "status", "op": "!=", "value": "cancelled"}]}'
SELECT quarry.translate(:'filters', 'postgres') AS postgres;
SELECT quarry.translate(:'filters', 'mysql') AS mysql;
SELECT quarry.translate(:'filters', 'redshift') AS redshift;

-- Time ranges, resolved against options.now in the spec's time zone.
SELECT r AS range,
       quarry.translate(jsonb_build_object('source', 'tb_orders', 'metrics', '["revenue"]'::jsonb,
           'time', jsonb_build_object('column', 'order_date', 'range', r, 'timezone', 'Europe/Paris'),
           'options', '{"now": "2026-03-29T12:30:00Z"}'::jsonb), 'postgres') AS sql
FROM jsonb_array_elements('["today", "yesterday", "this week", "this month", "this quarter",
    "this year", "last week", "last month", "last quarter", "last year", "last 3 hours",
    "last 90 minutes", "last 7 days", "last 2 weeks", "last 12 months", "last 2 quarters",
    "last 1 year", "year to date", ["2024-01-01", "2024-02-01"]]'::jsonb) AS r;
-- On a date column the bounds are dates; on a timestamp column (UTC) instants.
SELECT quarry.translate('{"source": "tb_orders", "metrics": ["revenue"], "time": {"column": "ship_day", "range": "last month", "grain": "week"}, "options": {"now": "2026-03-29T12:30:00Z"}}');
SELECT quarry.translate('{"source": "tb_orders", "metrics": ["revenue"], "time": {"column": "created_at", "range": "last month", "grain": "day", "timezone": "America/New_York"}, "options": {"now": "2026-03-29T12:30:00Z"}}');
-- Every grain.
SELECT g AS grain,
       quarry.translate(jsonb_build_object('source', 'tb_orders', 'metrics', '["revenue"]'::jsonb,
           'time', jsonb_build_object('column', 'order_date', 'grain', g)), 'postgres') AS sql
FROM unnest(ARRAY['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']) AS g;

-- Order, limit and offset.
SELECT quarry.translate('{"source": "tb_orders", "groupby": ["country"], "metrics": ["revenue"], "order": ["-revenue", {"by": "country", "dir": "asc"}], "limit": 10, "offset": 20}');
SELECT quarry.translate('{"source": "tb_orders", "groupby": ["country"], "metrics": ["revenue"], "order": ["-revenue", {"by": "country", "dir": "asc"}], "limit": 10, "offset": 20}', 'mysql');

-- explain shows the resolved spec and the SQL, and what the cache would do (its key holds
-- catalog transaction ids, so it is shown without it: sql/cache_*.sql test the rest).
SELECT jsonb_pretty(jsonb_set(quarry.explain(:'example'), '{cache}',
                              (quarry.explain(:'example')->'cache') - 'key'::text));

DROP TABLE tb_orders;

DROP EXTENSION quarry;
