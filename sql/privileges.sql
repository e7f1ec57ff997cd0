-- Privileges: a spec runs with the caller's rights; only a source's owner changes it; nobody
-- writes quarry's tables directly.
CREATE EXTENSION quarry;

CREATE ROLE quarry_regress_owner;
CREATE ROLE quarry_regress_reader;
CREATE ROLE quarry_regress_nobody;
CREATE ROLE quarry_regress_member IN ROLE quarry_regress_owner;

CREATE TABLE pv_orders (country text, revenue numeric);
INSERT INTO pv_orders VALUES ('FR', 10), ('DE', 20);
GRANT SELECT ON pv_orders TO quarry_regress_owner, quarry_regress_reader;

CREATE FUNCTION public.pv_fails(statement text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

SET ROLE quarry_regress_owner;
SELECT quarry.create_source('pv', 'pv_orders', '{"formulas": {"double": "revenue * 2"}}');
SELECT owner FROM quarry.sources WHERE name = 'pv';

-- A role with SELECT runs specs on the table and on the source.
SET ROLE quarry_regress_reader;
SELECT quarry.run('{"source": "pv_orders", "metrics": ["revenue"]}')->'rows' AS rows;
SELECT quarry.run('{"source": "pv", "metrics": [{"formula": "sum(double)", "as": "d"}]}')->'rows' AS rows;

-- A role without SELECT gets PostgreSQL's own 42501, from run as from the table itself.
SET ROLE quarry_regress_nobody;
SELECT pv_fails($$SELECT quarry.run('{"source": "pv_orders", "metrics": ["revenue"]}')$$);
SELECT pv_fails($$SELECT quarry.run('{"source": "pv", "metrics": ["revenue"]}')$$);
SELECT pv_fails($$SELECT sum(revenue) FROM pv_orders$$);
-- translate and explain read no data: they work for anyone.
SELECT quarry.translate('{"source": "pv", "metrics": ["revenue"]}') IS NOT NULL AS translated;
-- Without SELECT on a relation, no source can be made of it.
SELECT pv_fails($$SELECT quarry.create_source('mine', 'pv_orders')$$);

-- Only the owner (or a member of the owning role, or a superuser) changes a source.
SET ROLE quarry_regress_reader;
SELECT pv_fails($$SELECT quarry.set_formula('pv', 'triple', 'revenue * 3')$$);
SELECT pv_fails($$SELECT quarry.drop_formula('pv', 'double')$$);
SELECT pv_fails($$SELECT quarry.drop_source('pv')$$);
SET ROLE quarry_regress_member;
SELECT quarry.set_formula('pv', 'triple', 'revenue * 3');
RESET ROLE;
SELECT quarry.drop_formula('pv', 'triple');

-- Nobody but the extension's owner writes the catalog tables directly.
SET ROLE quarry_regress_owner;
SELECT pv_fails($$INSERT INTO quarry.sources (name, relation) VALUES ('sneaky', 'pv_orders')$$);
SELECT pv_fails($$UPDATE quarry.sources SET owner = 'quarry_regress_owner' WHERE name = 'pv'$$);
SELECT pv_fails($$DELETE FROM quarry.formulas$$);
SELECT pv_fails($$UPDATE quarry.formulas SET formula = 'revenue' WHERE source = 'pv'$$);
-- ... but reads them.
SELECT name, formula FROM quarry.formulas WHERE source = 'pv';

-- The writers pin their search_path: a caller's objects cannot stand in for pg_catalog's.
RESET ROLE;
CREATE SCHEMA pv_evil;
CREATE FUNCTION pv_evil.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT 'epoch'::timestamptz $$;
GRANT USAGE ON SCHEMA pv_evil TO quarry_regress_owner;
SET ROLE quarry_regress_owner;
SET search_path = pv_evil, pg_catalog, public;
SELECT quarry.set_formula('pv', 'half', 'revenue / 2');
RESET search_path;
SELECT updated_at > 'epoch' AS real_now FROM quarry.sources WHERE name = 'pv';

SELECT quarry.drop_source('pv');
RESET ROLE;

DROP SCHEMA pv_evil CASCADE;
DROP FUNCTION public.pv_fails(text);
DROP TABLE pv_orders;
DROP ROLE quarry_regress_owner, quarry_regress_reader, quarry_regress_nobody, quarry_regress_member;

DROP EXTENSION quarry;
