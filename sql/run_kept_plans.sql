-- quarry.run keeps the plan of each statement it runs locally (src/extension/statement_plans.hpp)
-- and runs it again for the same SQL. A kept plan must answer as the statement planned afresh
-- would: after ALTER TABLE, after DROP and CREATE of the table, for another role under
-- row-level security, past the bound of the cache, from a nested call, after an error.
-- Every run says options.cache "bypass", so each one executes its statement.
CREATE EXTENSION quarry;

CREATE TABLE kp_sales (region text, amount integer);
INSERT INTO kp_sales VALUES ('north', 1), ('north', 2), ('south', 10);

-- The same spec twice: the second run uses the kept plan.
SELECT quarry.run('{"source": "kp_sales", "groupby": ["region"], "metrics": ["amount"], "order": ["region"], "options": {"cache": "bypass"}}')->'rows' AS first_run;
SELECT quarry.run('{"source": "kp_sales", "groupby": ["region"], "metrics": ["amount"], "order": ["region"], "options": {"cache": "bypass"}}')->'rows' AS second_run;

-- New rows are seen (a plan is not a result).
INSERT INTO kp_sales VALUES ('south', 20);
SELECT quarry.run('{"source": "kp_sales", "groupby": ["region"], "metrics": ["amount"], "order": ["region"], "options": {"cache": "bypass"}}')->'rows' AS after_insert;

-- ALTER TABLE changes the column's type under the same SQL text: the plan is made again and
-- the values come out as the new type (sum of a double precision column is a double).
ALTER TABLE kp_sales ALTER COLUMN amount TYPE double precision USING amount + 0.25;
SELECT quarry.run('{"source": "kp_sales", "groupby": ["region"], "metrics": ["amount"], "order": ["region"], "options": {"cache": "bypass"}}') - 'meta' AS after_alter;

-- DROP and CREATE: the same name, another table, other rows.
DROP TABLE kp_sales;
CREATE TABLE kp_sales (region text, amount integer);
INSERT INTO kp_sales VALUES ('east', 7);
SELECT quarry.run('{"source": "kp_sales", "groupby": ["region"], "metrics": ["amount"], "order": ["region"], "options": {"cache": "bypass"}}')->'rows' AS after_recreate;

DROP TABLE kp_sales;

-- A view redefined under the same name and columns: the same SQL text, the new definition.
CREATE VIEW kp_view AS SELECT 'one'::text AS label, 1 AS n;
SELECT quarry.run('{"source": "kp_view", "groupby": ["label"], "metrics": ["n"], "options": {"cache": "bypass"}}')->'rows' AS view_before;
CREATE OR REPLACE VIEW kp_view AS SELECT 'two'::text AS label, 2 AS n;
SELECT quarry.run('{"source": "kp_view", "groupby": ["label"], "metrics": ["n"], "options": {"cache": "bypass"}}')->'rows' AS view_after;
DROP VIEW kp_view;

-- Row-level security: one SQL text, planned for each role's policies (a policy per role, so the
-- statement each role runs is another one).
CREATE TABLE kp_secret (region text, amount integer);
INSERT INTO kp_secret VALUES ('north', 1), ('north', 2), ('south', 10);
CREATE ROLE quarry_kp_north;
CREATE ROLE quarry_kp_south;
GRANT SELECT ON kp_secret TO quarry_kp_north, quarry_kp_south;
ALTER TABLE kp_secret ENABLE ROW LEVEL SECURITY;
CREATE POLICY kp_north ON kp_secret TO quarry_kp_north USING (region = 'north');
CREATE POLICY kp_south ON kp_secret TO quarry_kp_south USING (region = 'south');
-- The owner is not subject to the policy (and plans first).
SELECT quarry.run('{"source": "kp_secret", "groupby": ["region"], "metrics": ["amount"], "order": ["region"], "options": {"cache": "bypass"}}')->'rows' AS as_owner;
SET ROLE quarry_kp_north;
SELECT quarry.run('{"source": "kp_secret", "groupby": ["region"], "metrics": ["amount"], "order": ["region"], "options": {"cache": "bypass"}}')->'rows' AS as_north;
SELECT quarry.run('{"source": "kp_secret", "groupby": ["region"], "metrics": ["amount"], "order": ["region"], "options": {"cache": "bypass"}}')->'rows' AS as_north_again;
RESET ROLE;
SET ROLE quarry_kp_south;
SELECT quarry.run('{"source": "kp_secret", "groupby": ["region"], "metrics": ["amount"], "order": ["region"], "options": {"cache": "bypass"}}')->'rows' AS as_south;
RESET ROLE;
-- row_security = off: an error for a role the policy would filter, rows for the owner.
SET row_security = off;
SET ROLE quarry_kp_south;
SELECT quarry.run('{"source": "kp_secret", "groupby": ["region"], "metrics": ["amount"], "order": ["region"], "options": {"cache": "bypass"}}')->'rows' AS south_without_rls;
RESET ROLE;
SELECT quarry.run('{"source": "kp_secret", "groupby": ["region"], "metrics": ["amount"], "order": ["region"], "options": {"cache": "bypass"}}')->'rows' AS owner_without_rls;
RESET row_security;
-- A revoked privilege is checked at every run, kept plan or not.
REVOKE SELECT ON kp_secret FROM quarry_kp_north;
SET ROLE quarry_kp_north;
SELECT quarry.run('{"source": "kp_secret", "groupby": ["region"], "metrics": ["amount"], "order": ["region"], "options": {"cache": "bypass"}}')->'rows' AS revoked;
RESET ROLE;

-- More statements than the cache keeps (64): the oldest plans are freed, every run answers.
CREATE TABLE kp_numbers AS SELECT g AS n FROM generate_series(1, 100) AS g;
DO $$
DECLARE
    got jsonb;
BEGIN
    FOR round IN 1..2 LOOP
        FOR i IN 1..80 LOOP
            got := quarry.run(format('{"source": "kp_numbers", "metrics": ["n"], "filters": [{"column": "n", "op": "<=", "value": %s}], "options": {"cache": "bypass"}}', i)::jsonb);
            IF got->'rows'->0->>0 <> (i * (i + 1) / 2)::text THEN
                RAISE EXCEPTION 'n <= %: got %', i, got->'rows';
            END IF;
        END LOOP;
    END LOOP;
END
$$;
SELECT quarry.run('{"source": "kp_numbers", "metrics": ["n"], "filters": [{"column": "n", "op": "<=", "value": 1}], "options": {"cache": "bypass"}}')->'rows' AS first_again;

-- A statement whose rows come from nested quarry.run calls that fill the cache: the outer
-- statement's plan is in use and is not freed under it.
CREATE FUNCTION kp_fill() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    total bigint := 0;
BEGIN
    FOR i IN 1..70 LOOP
        total := total + (quarry.run(format('{"source": "kp_numbers", "metrics": ["n"], "filters": [{"column": "n", "op": "=", "value": %s}], "options": {"cache": "bypass"}}', i)::jsonb)->'rows'->0->>0)::bigint;
    END LOOP;
    RETURN total;
END
$$;
CREATE VIEW kp_nested AS SELECT kp_fill() AS filled FROM generate_series(1, 3);
SELECT quarry.run('{"source": "kp_nested", "metrics": ["filled"], "options": {"cache": "bypass"}}')->'rows' AS nested;
SELECT quarry.run('{"source": "kp_nested", "metrics": ["filled"], "options": {"cache": "bypass"}}')->'rows' AS nested_again;

-- An error while a kept plan runs leaves it usable.
CREATE VIEW kp_failing AS SELECT n, 1 / (n - 50) AS x FROM kp_numbers;
SELECT quarry.run('{"source": "kp_failing", "metrics": ["x"], "options": {"cache": "bypass"}}');
SELECT quarry.run('{"source": "kp_failing", "metrics": ["x"], "options": {"cache": "bypass"}}');
SELECT quarry.run('{"source": "kp_failing", "metrics": ["x"], "filters": [{"column": "n", "op": "<", "value": 50}], "options": {"cache": "bypass"}}')->'rows' AS below_fifty;

DROP VIEW kp_nested, kp_failing;
DROP FUNCTION kp_fill();
DROP TABLE kp_secret, kp_numbers;
DROP ROLE quarry_kp_north, quarry_kp_south;

DROP EXTENSION quarry;
