-- A spec whose source is a quarry_fdw foreign table runs on the remote as one statement in the
-- server's dialect, and answers what the same spec answers on a local copy of the data.
\getenv my_host QUARRY_MY_HOST
\getenv my_port QUARRY_MY_PORT
\getenv my_user QUARRY_MY_USER
\getenv my_password QUARRY_MY_PASSWORD
\getenv rs_host QUARRY_RS_HOST
\getenv rs_port QUARRY_RS_PORT
\getenv rs_db QUARRY_RS_DB
\getenv rs_user QUARRY_RS_USER
\getenv rs_password QUARRY_RS_PASSWORD
CREATE EXTENSION quarry;
CREATE SERVER spec_my FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'mysql', host :'my_host', port :'my_port', dbname 'shop');
CREATE USER MAPPING FOR CURRENT_USER SERVER spec_my OPTIONS (user :'my_user', password :'my_password');
CREATE SERVER spec_rs FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'redshift', host :'rs_host', port :'rs_port', dbname :'rs_db');
CREATE USER MAPPING FOR CURRENT_USER SERVER spec_rs OPTIONS (user :'rs_user', password :'rs_password');
CREATE FOREIGN TABLE my_orders (id int NOT NULL, land text OPTIONS (column_name 'country'),
    category text NOT NULL, revenue numeric(12,2), cost numeric(12,2), qty int NOT NULL,
    ordered_at timestamp NOT NULL) SERVER spec_my OPTIONS (table_name 'spec_orders');
CREATE FOREIGN TABLE rs_orders (id int NOT NULL, land text OPTIONS (column_name 'country'),
    category text NOT NULL, revenue numeric(12,2), cost numeric(12,2), qty int NOT NULL,
    ordered_at timestamp NOT NULL) SERVER spec_rs OPTIONS (schema_name 'public', table_name 'spec_orders');
CREATE TABLE local_orders (
    id integer NOT NULL PRIMARY KEY,
    land varchar(20),
    category varchar(40) NOT NULL,
    revenue numeric(12,2),
    cost numeric(12,2),
    qty integer NOT NULL,
    ordered_at timestamp NOT NULL
);
INSERT INTO local_orders VALUES
    (1, 'FR', 'Books', 10.50, 4.00, 1, '2026-01-01 00:00:00'),
    (2, 'fr', 'Books', 20.00, 5.25, 2, '2026-01-15 12:30:00'),
    (3, 'DE', 'Toys', 7.25, NULL, 3, '2026-01-31 23:59:59'),
    (4, NULL, 'Toys', NULL, 1.00, 1, '2026-02-01 00:00:00'),
    (5, 'FR ', 'Games', 100.00, 60.00, 5, '2026-02-14 08:00:00'),
    (6, 'Ελλάδα', 'Games', 0.50, 0.50, 1, '2026-03-01 10:00:00'),
    (7, 'DE', 'Books', 33.33, 11.11, 4, '2026-03-31 18:00:00'),
    (8, 'FR', 'Toys', 2.50, 0.00, 2, '2026-03-31 23:00:00');

SELECT quarry.create_source(s || '_sales', (s || '_orders')::regclass, '{"time_column": "ordered_at",
    "formulas": {"margin": "revenue - cost", "margin_pct": "sum(margin) / sum(revenue)"}}')
  FROM unnest(ARRAY['my', 'rs', 'local']) AS s;

-- Each spec on the three sources: the remote SQL (mysql and redshift), and whether the rows
-- equal the local ones.
CREATE FUNCTION spec_on(spec jsonb, source text) RETURNS jsonb LANGUAGE sql
    AS $$ SELECT jsonb_set(spec, '{source}', to_jsonb(source || '_sales')) $$;
CREATE TABLE specs (n int PRIMARY KEY, spec jsonb);
INSERT INTO specs VALUES
 (1, '{"groupby": ["land"], "metrics": [{"column": "revenue", "agg": "sum", "as": "revenue"},
       {"formula": "count(id)", "as": "orders"}], "order": ["land"]}'),
 (2, '{"groupby": ["category"], "metrics": ["margin_pct", {"column": "land", "agg": "count_distinct", "as": "lands"}],
       "order": [{"by": "margin_pct", "dir": "desc"}]}'),
 (3, '{"time": {"grain": "month"}, "metrics": [{"formula": "sum(qty)", "as": "qty"},
       {"formula": "avg(revenue)", "as": "avg_revenue"}], "order": ["month"]}'),
 (4, '{"groupby": [{"formula": "upper(land)", "as": "l"}], "metrics": [{"formula": "sum(revenue) / sum(qty)", "as": "per_item"}],
       "filters": [{"column": "category", "op": "in", "values": ["Books", "Toys"]}],
       "having": [{"formula": "count(id) > 1"}], "order": ["l"]}'),
 (5, '{"groupby": ["land", "category"], "metrics": [{"formula": "count(id)", "as": "n"}],
       "filters": [{"column": "land", "op": "=", "value": "FR"}, {"column": "revenue", "op": ">", "value": 5}],
       "order": ["category"], "limit": 1}'),
 (6, '{"groupby": [{"formula": "length(land)", "as": "len"}], "metrics": [{"formula": "sum_if(revenue, starts_with(land, ''F''))", "as": "f"}],
       "order": ["len"]}');

SELECT n, quarry.translate(spec_on(spec, 'my')) AS mysql_sql FROM specs ORDER BY n;
SELECT n, quarry.translate(spec_on(spec, 'rs')) AS redshift_sql FROM specs ORDER BY n;
SELECT n,
       quarry.run(spec_on(spec, 'my'))->'meta'->>'dialect' AS my_dialect,
       quarry.run(spec_on(spec, 'rs'))->'meta'->>'dialect' AS rs_dialect,
       (quarry.run(spec_on(spec, 'my'))->'rows') = (quarry.run(spec_on(spec, 'local'))->'rows') AS mysql_equals_local,
       (quarry.run(spec_on(spec, 'rs'))->'rows') = (quarry.run(spec_on(spec, 'local'))->'rows') AS redshift_equals_local,
       quarry.run(spec_on(spec, 'my'))->'rows' AS rows
  FROM specs ORDER BY n;

-- The caller needs SELECT on the foreign table.
CREATE ROLE spec_reader;
SET ROLE spec_reader;
SELECT quarry.run('{"source": "my_sales", "metrics": [{"formula": "count(id)", "as": "n"}]}');
RESET ROLE;
DROP ROLE spec_reader;
DROP EXTENSION quarry CASCADE;
