-- Registered sources: create, change and drop them; what is checked on every write.
CREATE EXTENSION quarry;

CREATE TABLE so_orders (
    id integer PRIMARY KEY,
    country text,
    revenue numeric,
    cost numeric,
    quantity integer,
    order_date timestamptz,
    ship_day date,
    note json
);

CREATE FUNCTION pg_temp.fails(statement text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

SELECT quarry.create_source('orders', 'so_orders', '{
    "time_column": "order_date",
    "formulas": {"margin": "revenue - cost", "total_margin": "sum(margin)",
                 "margin_pct": "sum(margin) / sum(revenue)"},
    "cache_ttl": "10 minutes",
    "refresh_key": {"sql": "SELECT max(id) FROM so_orders", "every": "30 seconds"}}');
SELECT name, relation, options, owner = current_user::regrole AS owned_by_me, version,
       created_at = updated_at AS untouched
FROM quarry.sources;
SELECT source, name, formula FROM quarry.formulas ORDER BY name;

-- A registered source is found by its name, and its formulas by theirs.
SELECT quarry.translate('{"source": "orders", "groupby": ["country"], "metrics": ["total_margin", "margin_pct"]}');
-- The time column is the default of `time`.
SELECT quarry.translate('{"source": "orders", "metrics": ["revenue"], "time": {"range": "last month", "grain": "day"}, "options": {"now": "2026-03-29T12:30:00Z"}}');

-- Validation on create.
SELECT pg_temp.fails($$SELECT quarry.create_source('orders', 'so_orders')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"time_column": "order_date", "ttl": "1 hour"}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '[1, 2]')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"time_column": "country"}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"time_column": "ordered_at"}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"time_column": 7}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"formulas": {"revenue": "cost * 2"}}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"formulas": {"x": "revenue +"}}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"formulas": {"x": "revenue + nothing"}}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"formulas": {"a": "b + 1", "b": "a + 1"}}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"formulas": {"a": "a + 1"}}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"formulas": {"a": 1}}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"formulas": {"[a]": "revenue"}}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"formulas": {"": "revenue"}}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"cache_ttl": "10 parsecs"}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"cache_ttl": 600}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"refresh_key": {"sql": "SELECT 1"}}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"refresh_key": {"sql": " ", "every": "1 minute"}}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'so_orders', '{"refresh_key": {"sql": "SELECT 1", "every": "1 minute", "on": "x"}}')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('', 'so_orders')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source(repeat('n', 64), 'so_orders')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source(NULL, 'so_orders')$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', NULL)$$);
SELECT pg_temp.fails($$SELECT quarry.create_source('o2', 'no_such_table')$$);
-- Nothing was written by the failures.
SELECT count(*) AS sources FROM quarry.sources;

-- set_formula: validated on write, bumps the version.
SELECT quarry.set_formula('orders', 'big', 'quantity > 10');
SELECT quarry.set_formula('orders', 'margin', 'revenue - cost - 1');
SELECT version FROM quarry.sources WHERE name = 'orders';
SELECT name, formula FROM quarry.formulas WHERE source = 'orders' ORDER BY name;
SELECT pg_temp.fails($$SELECT quarry.set_formula('orders', 'country', 'upper(country)')$$);
SELECT pg_temp.fails($$SELECT quarry.set_formula('orders', 'bad', 'sum(')$$);
-- A change that would break a dependent formula is refused: total_margin sums margin.
SELECT pg_temp.fails($$SELECT quarry.set_formula('orders', 'margin', 'sum(revenue)')$$);
-- A change that makes a cycle is refused.
SELECT pg_temp.fails($$SELECT quarry.set_formula('orders', 'margin', 'total_margin')$$);
SELECT pg_temp.fails($$SELECT quarry.set_formula('nothing', 'x', 'revenue')$$);
SELECT pg_temp.fails($$SELECT quarry.set_formula('orders', 'x', NULL)$$);
SELECT version FROM quarry.sources WHERE name = 'orders';

-- drop_formula: refused while another formula uses it.
SELECT pg_temp.fails($$SELECT quarry.drop_formula('orders', 'margin')$$);
SELECT pg_temp.fails($$SELECT quarry.drop_formula('orders', 'nothing')$$);
SELECT quarry.drop_formula('orders', 'big');
SELECT quarry.drop_formula('orders', 'margin_pct');
SELECT quarry.drop_formula('orders', 'total_margin');
SELECT quarry.drop_formula('orders', 'margin');
SELECT version, updated_at > created_at OR updated_at = created_at AS updated FROM quarry.sources WHERE name = 'orders';
SELECT count(*) AS formulas_left FROM quarry.formulas WHERE source = 'orders';

-- The cache key of a spec includes the source's version.
SELECT quarry.explain('{"source": "orders", "metrics": ["revenue"]}')->>'hash' AS hash_before \gset
SELECT quarry.set_formula('orders', 'twice', 'revenue * 2');
SELECT quarry.explain('{"source": "orders", "metrics": ["revenue"]}')->>'hash' <> :'hash_before'
    AS hash_follows_version;

-- A registered name goes before a relation of the same name.
SELECT quarry.create_source('so_orders_alias', 'so_orders', '{"formulas": {"doubled": "revenue * 2"}}');
CREATE TABLE so_orders_alias (other integer);
SELECT quarry.translate('{"source": "so_orders_alias", "metrics": ["doubled"]}');

-- When the relation is gone, the source says so.
CREATE TABLE so_gone (x integer);
SELECT quarry.create_source('gone', 'so_gone');
DROP TABLE so_gone;
SELECT pg_temp.fails($$SELECT quarry.translate('{"source": "gone", "metrics": ["x"]}')$$);

-- drop_source removes the formulas too.
SELECT quarry.drop_source('gone');
SELECT quarry.drop_source('so_orders_alias');
SELECT quarry.drop_source('orders');
SELECT pg_temp.fails($$SELECT quarry.drop_source('orders')$$);
SELECT count(*) AS sources, (SELECT count(*) FROM quarry.formulas) AS formulas FROM quarry.sources;

-- pg_dump keeps the catalog: both tables are configuration tables of the extension.
SELECT extconfig::regclass[] AS dumped_tables FROM pg_extension WHERE extname = 'quarry';

DROP TABLE so_orders, so_orders_alias;

DROP EXTENSION quarry;
