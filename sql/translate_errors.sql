-- Wrong specs: the SQLSTATE the contract names and a message with the JSON path of the fault.
CREATE EXTENSION quarry;

CREATE TABLE te_orders (
    country text,
    revenue numeric,
    cost numeric,
    customer_id integer,
    order_date timestamptz,
    payload json,
    tags text[]
);

CREATE FUNCTION pg_temp.translate_error(spec jsonb, dialect text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM quarry.translate(spec, dialect);
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- The contract's own example.
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": ["revenue", "cost", {"column": "revenue", "agg": "total"}]}');
-- Unknown source and unknown columns.
SELECT pg_temp.translate_error('{"source": "no_such_table", "metrics": ["revenue"]}');
SELECT pg_temp.translate_error('{"source": "public.no_such_table", "metrics": ["revenue"]}');
SELECT pg_temp.translate_error('{"source": "no_such_schema.te_orders", "metrics": ["revenue"]}');
SELECT pg_temp.translate_error('{"source": "te_orders", "groupby": ["country", "region"], "metrics": ["revenue"]}');
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": [{"formula": "sum(revenue - costs)", "as": "margin"}]}');
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": ["revenue"], "filters": [{"column": "state", "op": "=", "value": "x"}]}');
-- A name that matches no column exactly matches one case-insensitively when that is unambiguous.
SELECT pg_temp.translate_error('{"source": "te_orders", "groupby": ["Country"], "metrics": ["revenue"]}');
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": ["revenue"], "filters": [{"column": "Country", "op": "=", "value": "FR"}]}');
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": ["revenue"], "time": {"column": "Order_Date", "range": "last 7 days"}}');
-- Columns of types quarry does not compute with.
SELECT pg_temp.translate_error('{"source": "te_orders", "groupby": ["payload"], "metrics": ["revenue"]}');
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": [{"formula": "count_distinct(tags)", "as": "n"}]}');
-- Formula errors.
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": [{"formula": "sum(revenue", "as": "x"}]}');
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": [{"formula": "frobnicate(revenue)", "as": "x"}]}');
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": [{"formula": "sum(max(revenue))", "as": "x"}]}');
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": [{"formula": "sum(country)", "as": "x"}]}');
-- Dialects.
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": ["revenue"]}', 'oracle');
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": [{"formula": "approx_count_distinct(customer_id)", "as": "n"}]}', 'mysql');
-- Time.
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": ["revenue"], "time": {"column": "order_date", "grain": "decade"}}');
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": ["revenue"], "time": {"column": "order_date", "range": "last 12 parsecs"}}');
SELECT pg_temp.translate_error('{"source": "te_orders", "metrics": ["revenue"], "time": {"column": "order_date", "grain": "day", "timezone": "Europe/Pariss"}}');
-- quarry.explain and quarry.run report the same faults.
SELECT quarry.explain('{"source": "te_orders", "metrics": [{"column": "revenue", "agg": "total"}]}');
SELECT quarry.run('{"source": "te_orders", "metrics": [{"column": "revenue", "agg": "total"}]}');
-- A relation that is not a table, view or foreign table.
CREATE SEQUENCE te_seq;
SELECT pg_temp.translate_error('{"source": "te_seq", "metrics": ["revenue"]}');

DROP SEQUENCE te_seq;
DROP TABLE te_orders;

DROP EXTENSION quarry;
