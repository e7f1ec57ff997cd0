-- The result cache over a quarry_fdw foreign table: entries are per user mapping (two roles
-- sharing none never share results), a role without a mapping is never served, and the refresh
-- key runs on the remote server.
\getenv my_host QUARRY_MY_HOST
\getenv my_port QUARRY_MY_PORT
\getenv my_user QUARRY_MY_USER
\getenv my_password QUARRY_MY_PASSWORD
CREATE EXTENSION quarry;
CREATE SERVER cf_my FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'mysql', host :'my_host', port :'my_port', dbname 'shop');
CREATE USER MAPPING FOR CURRENT_USER SERVER cf_my OPTIONS (user :'my_user', password :'my_password');
CREATE FOREIGN TABLE cf_orders (id int NOT NULL, land text OPTIONS (column_name 'country'),
    category text NOT NULL, revenue numeric(12,2), qty int NOT NULL, ordered_at timestamp NOT NULL)
    SERVER cf_my OPTIONS (table_name 'spec_orders');
SELECT quarry.create_source('cf', 'cf_orders',
    '{"refresh_key": {"sql": "SELECT COUNT(*) FROM spec_orders", "every": "1 minute"}}');

CREATE ROLE quarry_cf_mapped;
CREATE ROLE quarry_cf_unmapped;
GRANT SELECT ON cf_orders TO quarry_cf_mapped, quarry_cf_unmapped;
GRANT USAGE ON FOREIGN SERVER cf_my TO quarry_cf_mapped;
CREATE USER MAPPING FOR quarry_cf_mapped SERVER cf_my OPTIONS (user :'my_user', password :'my_password');

CREATE FUNCTION cf_try(spec jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r jsonb;
BEGIN
    r := quarry.run(spec);
    RETURN (r->'meta'->>'cached') || ' ' || (r->'rows')::text;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
GRANT EXECUTE ON FUNCTION cf_try(jsonb) TO PUBLIC;

\set spec '{"source": "cf", "groupby": ["category"], "metrics": ["qty"], "order": ["category"]}'
SELECT cf_try(:'spec');
SELECT cf_try(:'spec');
SELECT x->>'decision' AS decision, x->>'scope' LIKE 'user mapping:%' AS per_mapping,
       x ? 'refresh_key_value' AS refresh_key_read
  FROM quarry.explain(:'spec') AS e, LATERAL (SELECT e->'cache') AS c(x);

-- Another mapping: its own entry.
SET ROLE quarry_cf_mapped;
SELECT cf_try(:'spec');
SELECT cf_try(:'spec');
RESET ROLE;
-- No mapping: never served, whatever is cached.
SET ROLE quarry_cf_unmapped;
SELECT cf_try(:'spec');
SELECT quarry.explain(:'spec')->'cache'->>'reason' AS reason;
RESET ROLE;
SELECT count(*) AS entries, count(DISTINCT scope) AS scopes FROM quarry.cache_entries WHERE source = 'cf';

-- Changing the server's options (another host, another database) changes the key.
ALTER SERVER cf_my OPTIONS (SET dbname 'shop');
SELECT cf_try(:'spec');

-- A materialization of the remote table: its rows are computed through the foreign table (the
-- planner pushes the query to MariaDB), served to the owner's user mapping only, equal to the
-- rows computed remotely; the rename of a remote column (land -> country) holds.
SET quarry.default_ttl = 0;
SELECT quarry.materialize('cf_daily', '{"source": "cf", "groupby": ["land", "category"],
    "metrics": ["qty", {"column": "revenue", "agg": "avg", "as": "avg_revenue"}],
    "time": {"column": "ordered_at", "grain": "day"}}', '1 hour');
SELECT last_refresh->>'mode' AS mode, scope LIKE 'user mapping:%' AS per_mapping
  FROM quarry.materializations WHERE name = 'cf_daily';
\set mspec '{"source": "cf", "groupby": ["land"], "metrics": ["qty", {"column": "revenue", "agg": "avg", "as": "avg_revenue"}], "time": {"column": "ordered_at", "grain": "month"}}'
CREATE FUNCTION cf_rows(result jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_agg(r ORDER BY r::text) FROM jsonb_array_elements(result->'rows') AS r
$$;
SELECT (quarry.run(:'mspec')->'meta'->>'served_from') AS served_from,
       cf_rows(quarry.run(:'mspec'))
           = cf_rows(quarry.run(jsonb_set(:'mspec', '{options}', '{"cache": "bypass"}'))) AS identical,
       jsonb_array_length(quarry.run(:'mspec')->'rows') AS rows;
SET ROLE quarry_cf_mapped;
SELECT quarry.explain(:'mspec')->'materialization'->'not_used'->0->>'reason' AS reason;
RESET ROLE;
SELECT quarry.drop_materialization('cf_daily');
RESET quarry.default_ttl;
DROP FUNCTION cf_rows(jsonb);

-- A column option rewrites only the column's pg_attribute row (not the table's pg_class row): a
-- result cached under the old definition is not served under the new one
\set lspec '{"source": "cf", "groupby": ["land"], "metrics": [{"column": "id", "agg": "count", "as": "n"}], "order": ["land"], "limit": 2}'
SELECT cf_try(:'lspec');
SELECT cf_try(:'lspec');
ALTER FOREIGN TABLE cf_orders ALTER COLUMN land OPTIONS (SET column_name 'category');
SELECT cf_try(:'lspec');
ALTER FOREIGN TABLE cf_orders ALTER COLUMN land OPTIONS (SET column_name 'country');
SELECT cf_try(:'lspec');

DROP FUNCTION cf_try(jsonb);
DROP SERVER cf_my CASCADE;
DROP EXTENSION quarry;
DROP ROLE quarry_cf_mapped, quarry_cf_unmapped;
