-- How quarry.run finds a registered source: quarry.sources and quarry.formulas read under the
-- statement's snapshot (src/extension/catalog.cpp), with the caller's rights on
-- them, row-level security included, as a query of theirs would.
CREATE EXTENSION quarry;
CREATE TABLE sl_orders (country text, revenue numeric, cost numeric);
INSERT INTO sl_orders VALUES ('FR', 10, 4), ('DE', 20, 15);

-- A source created in the transaction is found by the next statement, and gone after ROLLBACK.
BEGIN;
SELECT quarry.create_source('sl_shop', 'sl_orders', '{"formulas": {"margin": "sum(revenue - cost)", "Big": "sum(revenue) * 2"}}');
SELECT quarry.run('{"source": "sl_shop", "metrics": ["margin", "Big"], "options": {"cache": "bypass"}}')->'rows' AS in_transaction;
ROLLBACK;
SELECT quarry.run('{"source": "sl_shop", "metrics": ["margin"], "options": {"cache": "bypass"}}');

-- Formulas changed in the transaction are seen at once.
SELECT quarry.create_source('sl_shop', 'sl_orders', '{"formulas": {"margin": "sum(revenue - cost)"}}');
BEGIN;
SELECT quarry.set_formula('sl_shop', 'margin', 'sum(revenue - cost) / sum(revenue)');
SELECT quarry.run('{"source": "sl_shop", "metrics": ["margin"], "options": {"cache": "bypass"}}')->'rows' AS changed;
ROLLBACK;
SELECT quarry.run('{"source": "sl_shop", "metrics": ["margin"], "options": {"cache": "bypass"}}')->'rows' AS unchanged;

-- The caller needs SELECT on the catalog, as for any query.
CREATE ROLE quarry_sl_reader;
GRANT SELECT ON sl_orders TO quarry_sl_reader;
REVOKE SELECT ON quarry.sources FROM PUBLIC;
SET ROLE quarry_sl_reader;
SELECT quarry.run('{"source": "sl_shop", "metrics": ["margin"], "options": {"cache": "bypass"}}');
RESET ROLE;
GRANT SELECT ON quarry.sources TO PUBLIC;

-- Row-level security on the catalog applies to the caller: a source it hides is unknown.
ALTER TABLE quarry.sources ENABLE ROW LEVEL SECURITY;
CREATE POLICY sl_hide ON quarry.sources USING (name <> 'sl_shop');
SET ROLE quarry_sl_reader;
SELECT quarry.run('{"source": "sl_shop", "metrics": ["margin"], "options": {"cache": "bypass"}}');
SELECT quarry.run('{"source": "sl_orders", "metrics": ["revenue"], "options": {"cache": "bypass"}}')->'rows' AS the_table_itself;
RESET ROLE;
SELECT quarry.run('{"source": "sl_shop", "metrics": ["margin"], "options": {"cache": "bypass"}}')->'rows' AS as_owner;
DROP POLICY sl_hide ON quarry.sources;
ALTER TABLE quarry.sources DISABLE ROW LEVEL SECURITY;

SELECT quarry.drop_source('sl_shop');
DROP TABLE sl_orders;
DROP ROLE quarry_sl_reader;
DROP EXTENSION quarry;
