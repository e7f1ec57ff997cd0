-- quarry_fdw pushdown against the real MariaDB (dialect mysql): BI-tool query shapes (Superset, Metabase,
-- Grafana) over foreign tables. For each shape: the plan with its Remote SQL (what ships), and
-- pd_check, which runs the query through the FDW and on a local copy of the same rows:
-- rows = row count through the FDW, differ = rows of (fdw EXCEPT ALL local) UNION ALL (local
-- EXCEPT ALL fdw) plus any row-count difference (must be 0), same_text = the rows' text is
-- identical, in the query's order when it has an ORDER BY.
-- The remote rows are test/fdw/10_pushdown.mysql.sql; the local copy below has the same rows.
\getenv my_host QUARRY_MY_HOST
\getenv my_port QUARRY_MY_PORT
\getenv my_db QUARRY_MY_DB
\getenv my_user QUARRY_MY_USER
\getenv my_password QUARRY_MY_PASSWORD
\set VERBOSITY terse
CREATE EXTENSION quarry;
CREATE SERVER pd_my FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'mysql', host :'my_host', port :'my_port', dbname :'my_db');
CREATE USER MAPPING FOR CURRENT_USER SERVER pd_my OPTIONS (user :'my_user', password :'my_password');
CREATE SCHEMA pdm;
SET search_path = pdm, public;
SET TIME ZONE 'UTC';

CREATE FOREIGN TABLE orders (
    id integer NOT NULL,
    customer_id integer,
    country text,
    category varchar(20),
    amount numeric(12,2),
    qty integer,
    discount double precision,
    paid boolean,
    ordered_at timestamp,
    order_date date,
    ordered_tz timestamptz
) SERVER pd_my OPTIONS (table_name 'pd_orders');
CREATE FOREIGN TABLE customers (
    id integer NOT NULL,
    name text NOT NULL,
    segment text
) SERVER pd_my OPTIONS (table_name 'pd_customers');

-- The local copy: the same literal rows as the remote fixture.
CREATE TABLE l_orders (
    id integer NOT NULL,
    customer_id integer,
    country text,
    category varchar(20),
    amount numeric(12,2),
    qty integer,
    discount double precision,
    paid boolean,
    ordered_at timestamp,
    order_date date,
    ordered_tz timestamptz
);
CREATE TABLE l_customers (
    id integer NOT NULL,
    name text NOT NULL,
    segment text
);
INSERT INTO l_orders (id, customer_id, country, category, amount, qty, discount, paid, ordered_at, order_date, ordered_tz) VALUES
  (1, 1, 'FR', 'Books', '12.50', 2, 0.5, TRUE, '2024-01-31 23:59:59', '2024-01-31', '2024-01-31 23:59:59'),
  (2, 1, 'fr', 'books', '7.25', 1, 0.25, FALSE, '2024-02-01 00:00:00', '2024-02-01', '2024-02-01 00:00:00'),
  (3, 2, 'FR ', 'Books', '100.00', 0, NULL, TRUE, '2023-12-31 23:59:59.999999', '2023-12-31', '2023-12-31 23:59:59.999999'),
  (4, 2, 'DE', 'Toys', '-3.50', 5, 1.5, NULL, '2024-03-10 23:59:59', '2024-03-10', '2024-03-10 23:59:59'),
  (5, 3, 'DE', 'Toys', '0.50', NULL, 2.5, TRUE, '2024-03-11 00:00:00', '2024-03-11', '2024-03-11 00:00:00'),
  (6, 3, NULL, 'Électronique', '2.50', 3, -0.5, FALSE, '2024-03-31 23:59:59', '2024-03-31', '2024-03-31 23:59:59'),
  (7, 4, 'Zürich', 'électronique', '1.50', 3, 0.125, TRUE, '2024-04-01 00:00:00', '2024-04-01', '2024-04-01 00:00:00'),
  (8, 4, 'ÉTÉ', NULL, NULL, 7, NULL, NULL, NULL, NULL, NULL),
  (9, NULL, '', 'Books', '0.00', 0, 0.0, TRUE, '2024-04-01 00:00:01', '2024-04-01', '2024-04-01 00:00:01'),
  (10, 5, 'US', 'Toys', '-0.50', -2, -2.5, FALSE, '2024-12-31 23:59:59', '2024-12-31', '2024-12-31 23:59:59'),
  (11, 5, 'US', 'toys', '2.50', 10, 3.5, TRUE, '2025-01-01 00:00:00', '2025-01-01', '2025-01-01 00:00:00'),
  (12, 6, 'us', 'Books', '-2.50', 4, 0.75, TRUE, '2024-06-15 12:30:00', '2024-06-15', '2024-06-15 12:30:00'),
  (13, 6, '🙂 emoji', 'Games', '99.99', 1, 1.0, FALSE, '2024-06-15 12:30:30', '2024-06-15', '2024-06-15 12:30:30'),
  (14, 7, 'DE', 'Games', '15.00', 2, 0.5, NULL, '2024-02-29 08:00:00', '2024-02-29', '2024-02-29 08:00:00'),
  (15, 7, 'FR', 'Toys', '0.05', 1, NULL, TRUE, '2024-01-01 00:00:00', '2024-01-01', '2024-01-01 00:00:00'),
  (16, 8, 'FR', 'Books%', '25.00', 3, 0.5, TRUE, '2024-07-04 09:15:00', '2024-07-04', '2024-07-04 09:15:00'),
  (17, 8, 'Fr_', 'Bo_ks', '5.00', 1, 0.5, FALSE, '2024-07-04 09:15:00', '2024-07-04', '2024-07-04 09:15:00'),
  (18, 9, 'de', 'Toys', '8.75', 6, 2.0, TRUE, '2024-09-30 23:59:59', '2024-09-30', '2024-09-30 23:59:59'),
  (19, 9, 'DE', 'Toys', '8.75', 6, 2.0, TRUE, '2024-10-01 00:00:00', '2024-10-01', '2024-10-01 00:00:00'),
  (20, 10, 'ÅLAND', 'Books', '3.50', 2, 0.5, FALSE, '2024-05-05 05:05:05', '2024-05-05', '2024-05-05 05:05:05'),
  (21, 10, 'åland', 'books ', '4.50', 2, 1.5, TRUE, '2024-05-06 06:06:06', '2024-05-06', '2024-05-06 06:06:06'),
  (22, 11, 'GB', 'Games', NULL, NULL, NULL, NULL, '2024-08-01 00:00:00', NULL, NULL),
  (23, 11, 'GB', 'Games', '1000000.00', 1, 4.0, TRUE, '2024-08-01 00:00:00', '2024-08-01', '2024-08-01 00:00:00'),
  (24, 12, 'IT', 'Books', '1.15', 1, 0.5, FALSE, '2024-11-11 11:11:11', '2024-11-11', '2024-11-11 11:11:11'),
  (25, 12, 'it', 'Toys', '2.25', 2, 1.0, TRUE, '2024-11-11 11:11:11', '2024-11-11', '2024-11-11 11:11:11'),
  (26, 13, 'FR', 'Books', '0.15', 0, 0.5, TRUE, '2024-01-15 10:00:00', '2024-01-15', '2024-01-15 10:00:00');
INSERT INTO l_customers (id, name, segment) VALUES
  (1, 'Ann', 'SMB'),
  (2, 'Bob', 'Enterprise'),
  (3, 'Chloé', NULL),
  (4, 'Dan', 'SMB'),
  (5, 'Émile', 'Enterprise'),
  (6, 'Fay', 'smb'),
  (7, 'Gus', 'SMB'),
  (8, 'Hal', NULL),
  (9, 'Ivy', 'Enterprise'),
  (10, 'Jo', 'SMB'),
  (11, 'Kim', 'Enterprise'),
  (12, 'Lu', 'SMB'),
  (14, 'Zoe', 'SMB');

-- %1$s is the orders table, %2$s the customers table (foreign, or the local copy).
CREATE FUNCTION pd_sql(q text, remote boolean) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN remote THEN format(q, 'orders', 'customers')
                ELSE format(q, 'l_orders', 'l_customers') END
$$;
CREATE FUNCTION pd_plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || pd_sql(q, true) LOOP
        RETURN NEXT line;
    END LOOP;
END
$$;
CREATE FUNCTION pd_check(q text, ordered boolean DEFAULT false,
                         OUT rows bigint, OUT differ bigint, OUT same_text boolean)
LANGUAGE plpgsql AS $$
DECLARE
    r text := pd_sql(q, true);
    l text := pd_sql(q, false);
    local_rows bigint;
    a text[];
    b text[];
    agg text := CASE WHEN ordered THEN 'array_agg(s::text)' ELSE 'array_agg(s::text ORDER BY s::text)' END;
BEGIN
    EXECUTE format('SELECT count(*) FROM (%s) s', r) INTO rows;
    EXECUTE format('SELECT count(*) FROM (%s) s', l) INTO local_rows;
    EXECUTE format('SELECT count(*) FROM (((%s) EXCEPT ALL (%s)) UNION ALL ((%s) EXCEPT ALL (%s))) d',
                   r, l, l, r) INTO differ;
    differ := differ + abs(rows - local_rows);
    EXECUTE format('SELECT %s FROM (%s) s', agg, r) INTO a;
    EXECUTE format('SELECT %s FROM (%s) s', agg, l) INTO b;
    same_text := a IS NOT DISTINCT FROM b;
END
$$;
-- The rows through the FDW, in the query's order.
CREATE FUNCTION pd_rows(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format('SELECT s::text FROM (%s) s', pd_sql(q, true));
END
$$;

-- The foreign tables hold the local copy's rows.
\set q 'SELECT * FROM %1$s'
SELECT * FROM pd_check(:'q');
\set q 'SELECT * FROM %2$s'
SELECT * FROM pd_check(:'q');

-- ---- time grains and time filters (Superset, Metabase, Grafana) -------------------------------

-- 1. Superset time series: month grain over a time range, ordered by the metric
\set q 'SELECT date_trunc(''month'', ordered_at) AS __timestamp, count(*) AS count FROM %1$s WHERE ordered_at >= ''2024-01-01 00:00:00'' AND ordered_at < ''2025-01-01 00:00:00'' GROUP BY date_trunc(''month'', ordered_at) ORDER BY count DESC, __timestamp LIMIT 10000'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 2. Metabase day grain: CAST(... AS date)
\set q 'SELECT CAST(ordered_at AS date) AS ordered_at, count(*) AS count FROM %1$s GROUP BY CAST(ordered_at AS date) ORDER BY CAST(ordered_at AS date) ASC'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- 3. Metabase week grain (weeks starting on Sunday)
\set q 'SELECT (CAST(date_trunc(''week'', (ordered_at + INTERVAL ''1 day'')) AS timestamp) + INTERVAL ''-1 day'') AS ordered_at, count(*) AS count FROM %1$s GROUP BY 1 ORDER BY 1 ASC'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 4. Superset quarter and year grains with a second group key
\set q 'SELECT date_trunc(''quarter'', ordered_at) AS q, date_trunc(''year'', ordered_at) AS y, category, count(*) FROM %1$s GROUP BY 1, 2, 3 ORDER BY 1, 2, 3'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- 5. Metabase "month of year" and "day of week" (EXTRACT returns numeric)
\set q 'SELECT extract(month FROM ordered_at) AS m, extract(dow FROM ordered_at) AS dow, extract(isodow FROM order_date) AS isodow, count(*) FROM %1$s GROUP BY 1, 2, 3 ORDER BY 1, 2, 3'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- 6. Grafana: $__timeFilter on a timestamptz column, raw rows in time order
\set q 'SELECT ordered_tz AS "time", amount AS value FROM %1$s WHERE ordered_tz BETWEEN ''2024-01-01T00:00:00Z'' AND ''2024-06-30T23:59:59Z'' ORDER BY 1, 2'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 7. Grafana: hourly buckets by epoch arithmetic (stays local: epoch is not in the model)
\set q 'SELECT floor(extract(epoch FROM ordered_at) / 3600) * 3600 AS "time", count(*) FROM %1$s WHERE ordered_at >= ''2024-06-01'' GROUP BY 1 ORDER BY 1'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- 8. Relative time filter with interval and date arithmetic
\set q 'SELECT count(*), sum(qty) FROM %1$s WHERE ordered_at >= TIMESTAMP ''2024-08-01 00:00:00'' - INTERVAL ''1 month'' AND order_date < DATE ''2024-12-31'' - 30'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q');
SELECT * FROM pd_rows(:'q');

-- 9. BETWEEN on a date column, date_trunc day on a timestamp
\set q 'SELECT date_trunc(''day'', ordered_at) AS d, sum(amount) FROM %1$s WHERE order_date BETWEEN ''2024-03-01'' AND ''2024-06-30'' GROUP BY 1 ORDER BY 1'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 10. Timestamp shifted by hours and minutes, truncated to the hour
\set q 'SELECT date_trunc(''hour'', ordered_at + INTERVAL ''1 hour 30 minutes'') AS h, count(*) FROM %1$s WHERE ordered_at IS NOT NULL GROUP BY 1 ORDER BY 1'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- 11. A wall-clock bucket of an instant column in UTC
\set q 'SELECT date_trunc(''day'', ordered_tz AT TIME ZONE ''UTC'') AS d, count(*) FROM %1$s GROUP BY 1 ORDER BY 1'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- ---- aggregates, top-N, HAVING ---------------------------------------------------------------

-- 12. Superset big number
\set q 'SELECT sum(amount) AS "SUM(amount)", count(*) AS count, sum(qty) AS qty FROM %1$s'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q');
SELECT * FROM pd_rows(:'q');

-- 13. Superset top-N: NULL group key, NULL sums, ties broken by the key
\set q 'SELECT country AS country, sum(amount) AS "SUM(amount)" FROM %1$s GROUP BY country ORDER BY "SUM(amount)" DESC, country LIMIT 5'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 14. COUNT(DISTINCT) per category (case and trailing spaces count)
\set q 'SELECT category, count(DISTINCT country) AS countries, count(DISTINCT customer_id) AS customers FROM %1$s GROUP BY category ORDER BY category'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 15. CASE inside aggregates and FILTER. On MySQL a group whose rows are all unpaid sums the
-- ELSE 0 branch as 0.00 (the CASE takes the column's DECIMAL scale) where PostgreSQL writes 0:
-- equal values (differ = 0), another display scale (same_text = f).
\set q 'SELECT country, sum(CASE WHEN paid THEN amount ELSE 0 END) AS paid_amount, count(CASE WHEN qty > 2 THEN 1 END) AS big, count(*) FILTER (WHERE paid IS NOT TRUE) AS unpaid, sum(qty) FILTER (WHERE amount > 1) AS qty_over_1 FROM %1$s GROUP BY country ORDER BY country'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 16. HAVING on an aggregate
\set q 'SELECT category, count(*) AS n, sum(amount) AS total FROM %1$s GROUP BY category HAVING count(*) > 2 OR sum(amount) < 0 ORDER BY category'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 17. GROUP BY ordinals, two text keys, code-point order
\set q 'SELECT category, country, sum(qty) AS qty FROM %1$s GROUP BY 1, 2 ORDER BY 1, 2'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- 18. min / max of every kind
\set q 'SELECT min(order_date), max(ordered_at), min(ordered_tz), min(amount), max(discount), min(country), max(country) FROM %1$s'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q');
SELECT * FROM pd_rows(:'q');

-- 19. Ratio of sums with a NULLIF denominator; avg of a double
\set q 'SELECT category, sum(discount) / NULLIF(sum(qty), 0) AS per_item, avg(discount) AS avg_discount FROM %1$s GROUP BY category ORDER BY category'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 20. Numeric ratio and avg of a numeric: the aggregates ship, the numeric division stays local
\set q 'SELECT country, sum(amount) / NULLIF(sum(qty), 0) AS per_item FROM %1$s GROUP BY country ORDER BY country'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- 21. avg of a numeric ships as its sum and count, divided here (PostgreSQL's own digits)
\set q 'SELECT category, avg(amount) FROM %1$s GROUP BY category ORDER BY category'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- 22. Boolean group key
\set q 'SELECT paid, count(*), sum(qty), min(amount) FROM %1$s GROUP BY paid ORDER BY paid'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- ---- filters ----------------------------------------------------------------------------------

-- 23. IN and NOT IN lists (exact text: 'fr', 'FR ' are other values)
\set q 'SELECT country, count(*) FROM %1$s WHERE country IN (''FR'', ''DE'', ''us'') OR qty NOT IN (1, 2, 3) GROUP BY country ORDER BY country'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 24. Equality keeps trailing spaces and case; IS DISTINCT FROM
\set q 'SELECT id, country FROM %1$s WHERE country = ''FR'' OR country = ''FR '' OR (country IS DISTINCT FROM ''DE'' AND qty = 6) ORDER BY id'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 25. LIKE: contains, starts with, ends with an escaped wildcard
\set q 'SELECT id, category FROM %1$s WHERE category LIKE ''%%ook%%'' OR category LIKE ''Élec%%'' OR category LIKE ''%%\\%%'' ORDER BY id'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 26. LIKE with '_' inside stays local; NOT LIKE ships
\set q 'SELECT id FROM %1$s WHERE category LIKE ''Bo_ks'' OR category NOT LIKE ''%%o%%'' ORDER BY id'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- 27. Metabase case-insensitive contains (lower(x) LIKE) and ILIKE
\set q 'SELECT id, country FROM %1$s WHERE lower(country) LIKE ''%%land%%'' OR country ILIKE ''été'' ORDER BY id'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 28. IS NULL / IS NOT NULL and COALESCE as a group key
\set q 'SELECT coalesce(country, ''(none)'') AS country, count(*) FILTER (WHERE amount IS NULL) AS no_amount, count(amount) FROM %1$s WHERE category IS NOT NULL OR amount IS NULL GROUP BY 1 ORDER BY 1'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- ---- expressions ------------------------------------------------------------------------------

-- 29. CASE buckets, both forms
\set q 'SELECT CASE category WHEN ''Books'' THEN ''B'' WHEN ''Toys'' THEN ''T'' ELSE ''other'' END AS kind, CASE WHEN amount < 0 THEN ''refund'' WHEN amount < 10 THEN ''small'' WHEN amount >= 10 THEN ''large'' END AS size, count(*) FROM %1$s GROUP BY 1, 2 ORDER BY 1, 2'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 30. Rounding numerics half away from zero, floor/ceil, abs, arithmetic
\set q 'SELECT id, round(amount, 1) AS r1, round(amount) AS r0, floor(amount) AS f, ceil(amount) AS c, abs(amount) AS a, amount * qty + 1 AS t, -qty AS n FROM %1$s WHERE round(amount, 1) <> amount OR qty %% 4 = 2 ORDER BY id'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 31. round() of a double stays local (half to even here)
\set q 'SELECT id, round(discount) FROM %1$s WHERE discount IS NOT NULL ORDER BY id'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- 32. GREATEST / LEAST ignore NULLs; length and upper of multibyte text
\set q 'SELECT id, greatest(qty, 1) AS g, least(amount, 10.00) AS l, length(country) AS len, upper(country) AS up FROM %1$s ORDER BY id'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- 33. Top-N raw rows ordered by a text column in code-point order, with OFFSET
\set q 'SELECT id, country FROM %1$s ORDER BY country, id LIMIT 8 OFFSET 2'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 34. date_trunc of an instant in the session's zone stays local (postgres_fdw's rule)
\set q 'SELECT date_trunc(''month'', ordered_tz) AS m, count(*) FROM %1$s GROUP BY 1 ORDER BY 1'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- 37. A wall-clock bucket in a named zone: ships on postgres and redshift; on MySQL it stays
-- local (CONVERT_TZ needs the server's time zone tables)
\set q 'SELECT date_trunc(''day'', ordered_tz AT TIME ZONE ''Europe/Paris'') AS d, count(*) FROM %1$s GROUP BY 1 ORDER BY 1'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- 38. A text key declared longer than 128 characters is grouped by its binary collation and its
-- byte length (CAST AS BINARY would make it a key of over 512 bytes, which sends MariaDB's
-- grouping to an on-disk temporary table); the groups stay exact
CREATE FOREIGN TABLE orders_wide (id integer NOT NULL, country varchar(200), amount numeric(12,2))
    SERVER pd_my OPTIONS (table_name 'pd_orders');
EXPLAIN (VERBOSE, COSTS OFF) SELECT country, count(*) AS n, sum(amount) AS revenue FROM orders_wide GROUP BY country ORDER BY country;
SELECT (SELECT array_agg(s::text) FROM (SELECT country, count(*) AS n, sum(amount) AS revenue FROM orders_wide GROUP BY country ORDER BY country) s)
     = (SELECT array_agg(s::text) FROM (SELECT country, count(*) AS n, sum(amount) AS revenue FROM l_orders GROUP BY country ORDER BY country) s) AS same_rows_in_order;
SELECT '[' || country || ']' AS country, n
    FROM (SELECT country, count(*) AS n FROM orders_wide GROUP BY country) g
    WHERE country ILIKE 'fr%' ORDER BY g.country;

-- 39. A bounce-rate average (avg of a CASE that is never NULL): ships as its sum and COUNT(*)
\set q 'SELECT country, avg(CASE WHEN qty > 2 THEN 1 ELSE 0 END) AS big_rate, avg(qty) AS avg_qty FROM %1$s GROUP BY country ORDER BY country'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

-- 40. A latin1 column: IMPORT FOREIGN SCHEMA records its charset, and the column is converted to
-- utf8mb4 before its bytes are compared (as stored, CAST(city AS BINARY) = 'Zürich' never holds).
-- Equality, IN, <>, ordering, grouping (a long key too), LIKE and min/max give the local copy's
-- rows; an ASCII literal keeps the plain comparison on the stored column (its index)
CREATE SCHEMA pdm_import;
IMPORT FOREIGN SCHEMA :"my_db" LIMIT TO (pd_cities) FROM SERVER pd_my INTO pdm_import;
SELECT attname, atttypid::regtype, attfdwoptions FROM pg_attribute
    WHERE attrelid = 'pdm_import.pd_cities'::regclass AND attnum > 0 ORDER BY attnum;
CREATE TABLE l_cities (id integer NOT NULL, city varchar(40), street varchar(200));
INSERT INTO l_cities (id, city, street) VALUES
  (1, 'Zürich', 'Bahnhofstraße'), (2, 'zürich', 'Bahnhofstrasse'), (3, 'Zurich', 'Bahnhofstraße '),
  (4, 'Zürich ', 'Limmatquai'), (5, 'Paris', 'Rue de Rivoli'), (6, 'PARIS', NULL),
  (7, NULL, 'Rue de Rivoli'), (8, 'Besançon', 'Grande Rue'), (9, 'Malmö', 'Storgatan'),
  (10, 'paris ', 'rue de rivoli');
-- The rows through the FDW, and whether they are the local copy's, in the same order.
CREATE FUNCTION city_rows(q text, OUT fdw_rows text, OUT same_as_local boolean)
LANGUAGE plpgsql AS $$
DECLARE
    a text[];
    b text[];
BEGIN
    EXECUTE format('SELECT array_agg(s::text) FROM (%s) s', format(q, 'pdm_import.pd_cities')) INTO a;
    EXECUTE format('SELECT array_agg(s::text) FROM (%s) s', format(q, 'l_cities')) INTO b;
    fdw_rows := array_to_string(a, ' ');
    same_as_local := a IS NOT DISTINCT FROM b;
END
$$;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pdm_import.pd_cities WHERE city = 'Zürich';
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pdm_import.pd_cities WHERE city = 'Paris';
SELECT * FROM city_rows('SELECT id FROM %s WHERE city = ''Zürich'' ORDER BY id');
SELECT * FROM city_rows('SELECT id FROM %s WHERE city = ''Paris'' ORDER BY id');
SELECT * FROM city_rows('SELECT id FROM %s WHERE city IN (''zürich'', ''Malmö'', ''paris '') ORDER BY id');
SELECT * FROM city_rows('SELECT id FROM %s WHERE city <> ''Zürich'' ORDER BY id');
SELECT * FROM city_rows('SELECT id FROM %s WHERE city > ''Zurich'' ORDER BY id');
SELECT * FROM city_rows('SELECT id FROM %s WHERE city LIKE ''%%ü%%'' ORDER BY id');
SELECT * FROM city_rows('SELECT city, count(*) FROM %s GROUP BY city ORDER BY city');
SELECT * FROM city_rows('SELECT street, count(*) FROM %s GROUP BY street ORDER BY street');
SELECT * FROM city_rows('SELECT min(city), max(city), count(DISTINCT city) FROM %s');
EXPLAIN (VERBOSE, COSTS OFF) SELECT street, count(*) FROM pdm_import.pd_cities GROUP BY street ORDER BY street;
-- A spec on the foreign table: one remote statement
SELECT quarry.run('{"source": "pdm_import.pd_cities", "groupby": ["city"],
    "metrics": [{"column": "id", "agg": "count", "as": "n"}],
    "filters": [{"column": "city", "op": "in", "values": ["Zürich", "zürich", "Malmö"]}],
    "order": [{"by": "city"}]}') -> 'rows' AS rows;
-- Text formulas over the latin1 columns, computed remotely, equal the local copy's
CREATE FUNCTION city_spec(source text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT quarry.run(jsonb_build_object('source', source, 'groupby', jsonb_build_array(
        jsonb_build_object('formula', 'id', 'as', 'id'),
        jsonb_build_object('formula', 'upper(city)', 'as', 'up'),
        jsonb_build_object('formula', 'lower(street)', 'as', 'low'),
        jsonb_build_object('formula', 'length(city)', 'as', 'len'),
        jsonb_build_object('formula', 'substring(street, 5, 4)', 'as', 'sub'),
        jsonb_build_object('formula', 'replace(city, ''ü'', ''ue'')', 'as', 'rep'),
        jsonb_build_object('formula', 'contains(street, ''ß'')', 'as', 'has_sz'),
        jsonb_build_object('formula', 'starts_with(city, ''Zü'')', 'as', 'zue'),
        jsonb_build_object('formula', 'concat(city, ''/'', street)', 'as', 'both'),
        jsonb_build_object('formula', 'trim(city) = ''Zürich''', 'as', 'trimmed'),
        jsonb_build_object('formula', 'city = ''Zürich ''', 'as', 'padded'),
        jsonb_build_object('formula', 'if(city > ''Zurich'', ''after'', ''not after'')', 'as', 'cmp')),
        'metrics', jsonb_build_array(jsonb_build_object('formula', 'count(*)', 'as', 'n')),
        'order', jsonb_build_array('id')))
$$;
SELECT city_spec('pdm_import.pd_cities')->'rows' = city_spec('l_cities')->'rows' AS same_rows,
       jsonb_array_length(city_spec('pdm_import.pd_cities')->'rows') AS rows,
       city_spec('pdm_import.pd_cities')->'meta'->>'dialect' AS dialect;
SELECT r FROM jsonb_array_elements(city_spec('pdm_import.pd_cities')->'rows') AS r
    WHERE r->>0 IN ('1', '4', '9');
SELECT quarry.run(jsonb_build_object('source', 'pdm_import.pd_cities', 'metrics', jsonb_build_array(
        jsonb_build_object('column', 'city', 'agg', 'count_distinct', 'as', 'cities'),
        jsonb_build_object('column', 'city', 'agg', 'min', 'as', 'first'),
        jsonb_build_object('column', 'street', 'agg', 'max', 'as', 'last'))))->'rows'
     = quarry.run(jsonb_build_object('source', 'l_cities', 'metrics', jsonb_build_array(
        jsonb_build_object('column', 'city', 'agg', 'count_distinct', 'as', 'cities'),
        jsonb_build_object('column', 'city', 'agg', 'min', 'as', 'first'),
        jsonb_build_object('column', 'street', 'agg', 'max', 'as', 'last'))))->'rows' AS same_extremes;
-- The option's value is a charset name, and only mysql servers take it
CREATE FOREIGN TABLE bad_charset (city text OPTIONS (charset 'latin1; DROP')) SERVER pd_my;
DROP SCHEMA pdm_import CASCADE;

-- ---- joins of two foreign tables of the server (pushed down as one statement) -------------------

-- 35. Revenue per customer segment
\set q 'SELECT c.segment, count(*) AS orders, sum(o.amount) AS revenue FROM %1$s o JOIN %2$s c ON c.id = o.customer_id GROUP BY c.segment ORDER BY c.segment'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);
SELECT * FROM pd_rows(:'q');

-- 36. Customers without orders count zero (LEFT JOIN)
\set q 'SELECT c.name, count(o.id) AS orders FROM %2$s c LEFT JOIN %1$s o ON o.customer_id = c.id WHERE c.segment IS NOT NULL GROUP BY c.name ORDER BY c.name'
SELECT pd_plan(:'q');
SELECT * FROM pd_check(:'q', true);

RESET search_path;
DROP SCHEMA pdm CASCADE;
DROP SERVER pd_my CASCADE;
DROP EXTENSION quarry CASCADE;
