-- The result cache never gives a role a result it could not compute: SELECT is checked at
-- serve time, relations with row-level security (and views) are cached per role.
CREATE EXTENSION quarry;

CREATE ROLE quarry_cp_reader;
CREATE ROLE quarry_cp_nobody;
CREATE ROLE quarry_cp_fr;
CREATE ROLE quarry_cp_de;

CREATE TABLE cp_sales (country text, revenue numeric);
INSERT INTO cp_sales VALUES ('FR', 10), ('DE', 20);
GRANT SELECT ON cp_sales TO quarry_cp_reader;

CREATE FUNCTION cp_try(spec jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r jsonb;
BEGIN
    r := quarry.run(spec);
    RETURN (r->'meta'->>'cached') || ' ' || (r->'rows')::text;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
GRANT EXECUTE ON FUNCTION cp_try(jsonb) TO PUBLIC;

-- Cached by the superuser; served to a reader; never to a role without SELECT.
SELECT cp_try('{"source": "cp_sales", "groupby": ["country"], "metrics": ["revenue"], "order": ["country"]}');
SET ROLE quarry_cp_reader;
SELECT cp_try('{"source": "cp_sales", "groupby": ["country"], "metrics": ["revenue"], "order": ["country"]}');
RESET ROLE;
SET ROLE quarry_cp_nobody;
SELECT cp_try('{"source": "cp_sales", "groupby": ["country"], "metrics": ["revenue"], "order": ["country"]}');
SELECT quarry.explain('{"source": "cp_sales", "groupby": ["country"], "metrics": ["revenue"], "order": ["country"]}')->'cache'->>'reason' AS reason;
RESET ROLE;
-- A revoked grant stops the serving at once.
REVOKE SELECT ON cp_sales FROM quarry_cp_reader;
SET ROLE quarry_cp_reader;
SELECT cp_try('{"source": "cp_sales", "groupby": ["country"], "metrics": ["revenue"], "order": ["country"]}');
RESET ROLE;
-- Through a role membership it may be served (here computed anew: GRANT and REVOKE rewrite the
-- relation's pg_class row, whose xmin is part of the key).
GRANT SELECT ON cp_sales TO quarry_cp_fr;
GRANT quarry_cp_fr TO quarry_cp_reader;
SET ROLE quarry_cp_reader;
SELECT cp_try('{"source": "cp_sales", "groupby": ["country"], "metrics": ["revenue"], "order": ["country"]}');
RESET ROLE;
REVOKE quarry_cp_fr FROM quarry_cp_reader;
REVOKE SELECT ON cp_sales FROM quarry_cp_fr;

-- Row-level security: each role gets its own entry, never another role's rows.
CREATE TABLE cp_tenants (tenant text, revenue numeric);
INSERT INTO cp_tenants VALUES ('quarry_cp_fr', 1), ('quarry_cp_fr', 2), ('quarry_cp_de', 40);
ALTER TABLE cp_tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY cp_own ON cp_tenants USING (tenant = current_user);
GRANT SELECT ON cp_tenants TO quarry_cp_fr, quarry_cp_de;
SELECT quarry.create_source('cp_t', 'cp_tenants');
SET ROLE quarry_cp_fr;
SELECT cp_try('{"source": "cp_t", "metrics": ["revenue"]}');
SELECT cp_try('{"source": "cp_t", "metrics": ["revenue"]}');
RESET ROLE;
SET ROLE quarry_cp_de;
SELECT cp_try('{"source": "cp_t", "metrics": ["revenue"]}');
SELECT cp_try('{"source": "cp_t", "metrics": ["revenue"]}');
SELECT quarry.explain('{"source": "cp_t", "metrics": ["revenue"]}')->'cache'->>'scope' LIKE 'role:%' AS per_role;
RESET ROLE;
SELECT cp_try('{"source": "cp_t", "metrics": ["revenue"]}');
SELECT count(*) AS entries, count(DISTINCT scope) AS scopes FROM quarry.cache_entries WHERE source = 'cp_t';

-- A view may filter on current_user: cached per role too.
CREATE VIEW cp_mine AS SELECT * FROM cp_tenants WHERE tenant = current_user;
ALTER TABLE cp_tenants DISABLE ROW LEVEL SECURITY;
GRANT SELECT ON cp_mine TO quarry_cp_fr, quarry_cp_de;
SET ROLE quarry_cp_fr;
SELECT cp_try('{"source": "cp_mine", "metrics": ["revenue"]}');
RESET ROLE;
SET ROLE quarry_cp_de;
SELECT cp_try('{"source": "cp_mine", "metrics": ["revenue"]}');
SELECT cp_try('{"source": "cp_mine", "metrics": ["revenue"]}');
RESET ROLE;

-- invalidate: a registered source by its owner; a relation by whoever may read it.
CREATE FUNCTION cp_invalidate(name text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN quarry.invalidate(name)::text;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
GRANT EXECUTE ON FUNCTION cp_invalidate(text) TO PUBLIC;
SET ROLE quarry_cp_nobody;
SELECT cp_invalidate('cp_t');
SELECT cp_invalidate('cp_sales');
RESET ROLE;
SELECT cp_invalidate('cp_sales');

DROP VIEW cp_mine;
DROP TABLE cp_sales, cp_tenants;
DROP FUNCTION cp_try(jsonb);
DROP FUNCTION cp_invalidate(text);
DROP EXTENSION quarry;
DROP ROLE quarry_cp_reader, quarry_cp_nobody, quarry_cp_fr, quarry_cp_de;
