-- quarry_fdw: the PostgreSQL/Redshift type matrix (issue 3, point 5) and IMPORT FOREIGN SCHEMA
-- from a redshift server (the stand-in: a PostgreSQL 15 server). Remote tables:
-- test/fdw/20_types.redshift.sql (schema rs_types of the database warehouse). Every value read
-- through the FDW is printed and compared in SQL with the literal it must equal ("exact" is
-- true on every row); errors echo their SQLSTATE.
\getenv rs_host QUARRY_RS_HOST
\getenv rs_port QUARRY_RS_PORT
\getenv rs_db QUARRY_RS_DB
\getenv rs_user QUARRY_RS_USER
\getenv rs_password QUARRY_RS_PASSWORD
CREATE EXTENSION quarry;
SET DateStyle = ISO;
SET TimeZone = 'UTC';
SET IntervalStyle = postgres;
SET extra_float_digits = 1;
CREATE SERVER types_rs FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'redshift', host :'rs_host', port :'rs_port', dbname :'rs_db');
CREATE USER MAPPING FOR CURRENT_USER SERVER types_rs
    OPTIONS (user :'rs_user', password :'rs_password');

-- ---------------------------------------------------------------------------------------------
-- IMPORT FOREIGN SCHEMA ... EXCEPT: every table and view of the remote schema but the one with
-- unmapped types; NOT NULL where the remote says so; schema_name and table_name options.
CREATE SCHEMA rs;
IMPORT FOREIGN SCHEMA rs_types EXCEPT (t_unmapped) FROM SERVER types_rs INTO rs;
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relnamespace = 'rs'::regnamespace
ORDER BY c.relname, a.attnum;
SELECT c.relname, ft.ftoptions
FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid
WHERE c.relnamespace = 'rs'::regnamespace
ORDER BY c.relname;

-- ---------------------------------------------------------------------------------------------
-- numeric: NaN, 60 significant digits, the smallest step, the scale as the remote has it.
SELECT t.id, t.n, t.n IS NOT DISTINCT FROM e.v AS exact, t.n::text IS NOT DISTINCT FROM e.v::text
    AS same_text
FROM rs.t_num t JOIN (VALUES
    (1, 'NaN'::numeric),
    (2, '-123456789012345678901234567890.123456789012345678901234567890'),
    (3, '0.00000000000000000000000000000000000001'),
    (4, '1.50'),
    (5, NULL)) e(id, v) ON e.id = t.id
ORDER BY t.id;
SELECT t.id, t.n38, t.n38 = e.v AS exact
FROM rs.t_num t JOIN (VALUES
    (1, 9999999999999999999999999999.9999999999), (2, -9999999999999999999999999999.9999999999),
    (3, 0), (4, 1.5), (5, 0)) e(id, v) ON e.id = t.id
ORDER BY t.id;
-- Integers and floats at their limits (NaN, -Infinity, the smallest subnormal).
SELECT t.id, t.big, t.i, t.si, t.r, t.dbl,
       (t.big, t.i, t.si, t.r, t.dbl) IS NOT DISTINCT FROM (e.big, e.i, e.si, e.r, e.dbl) AS exact
FROM rs.t_num t JOIN (VALUES
    (1, 9223372036854775807, 2147483647, 32767::smallint, '3.4028235e38'::real,
        '1.7976931348623157e308'::double precision),
    (2, -9223372036854775808, -2147483648, -32768, '-1.17549435e-38', '5e-324'),
    (3, 0, 0, 0, '0.1', '0.1'),
    (4, NULL, NULL, NULL, NULL, NULL),
    (5, NULL, NULL, NULL, 'NaN', '-Infinity')) e(id, big, i, si, r, dbl) ON e.id = t.id
ORDER BY t.id;
-- numeric NaN is no integer.
CREATE FOREIGN TABLE rs.numeric_as_bigint (id integer, n bigint)
    SERVER types_rs OPTIONS (schema_name 'rs_types', table_name 't_num');
SELECT id, n FROM rs.numeric_as_bigint ORDER BY id;
\echo :LAST_ERROR_SQLSTATE
-- bigint's maximum into integer: out of range.
CREATE FOREIGN TABLE rs.bigint_as_integer (id integer, big integer)
    SERVER types_rs OPTIONS (schema_name 'rs_types', table_name 't_num');
SELECT id, big FROM rs.bigint_as_integer ORDER BY id;
\echo :LAST_ERROR_SQLSTATE

-- ---------------------------------------------------------------------------------------------
-- timestamptz (instants, shown in UTC, also for a value written with another offset),
-- timestamp (to the microsecond, BC, year 294276), timestamp(0), date (infinity, its limits),
-- time (24:00:00), interval.
SELECT t.id, t.tstz, t.ts, t.ts0, t.d,
       (t.tstz, t.ts, t.ts0, t.d) IS NOT DISTINCT FROM (e.tstz, e.ts, e.ts0, e.d) AS exact
FROM rs.t_time t JOIN (VALUES
    (1, '2024-02-29 12:34:56.123456+00'::timestamptz, '2024-02-29 12:34:56.123456'::timestamp,
        '2024-02-29 12:34:56'::timestamp, '2024-02-29'::date),
    (2, '1970-01-01 00:00:00+00', '0001-01-01 00:00:00', '9999-12-31 23:59:59', '0001-01-01'),
    (3, 'infinity', '-infinity', 'infinity', 'infinity'),
    (4, '-infinity', '4713-01-01 00:00:00 BC', NULL, '-infinity'),
    (5, '2024-07-01 04:00:00+00', '294276-12-31 23:59:59.999999', NULL, '5874897-12-31'),
    (6, NULL, NULL, NULL, NULL)) e(id, tstz, ts, ts0, d) ON e.id = t.id
ORDER BY t.id;
SELECT t.id, t.tm, t.iv, (t.tm, t.iv) IS NOT DISTINCT FROM (e.tm, e.iv) AS exact,
       t.iv::text IS NOT DISTINCT FROM e.iv::text AS same_fields
FROM rs.t_time t JOIN (VALUES
    (1, '23:59:59.999999'::time, '1 year 2 mons 3 days 04:05:06.789'::interval),
    (2, '00:00:00', '-838:59:59'),
    (3, '24:00:00', '0'),
    (4, NULL, NULL), (5, NULL, NULL), (6, NULL, NULL)) e(id, tm, iv) ON e.id = t.id
ORDER BY t.id;
-- The same instants in another session time zone.
SET TimeZone = 'Asia/Kolkata';
SELECT id, tstz, tstz = '2024-02-29 12:34:56.123456+00' AS exact FROM rs.t_time WHERE id = 1;
SET TimeZone = 'UTC';
-- timestamptz into timestamp: its UTC wall clock; timestamp into timestamptz: taken as UTC.
CREATE FOREIGN TABLE rs.time_swapped (id integer, tstz timestamp, ts timestamptz)
    SERVER types_rs OPTIONS (schema_name 'rs_types', table_name 't_time');
SET TimeZone = 'America/Los_Angeles';
SELECT t.id, t.tstz, t.ts, (t.tstz, t.ts) IS NOT DISTINCT FROM (e.tstz, e.ts) AS exact
FROM rs.time_swapped t JOIN (VALUES
    (1, '2024-02-29 12:34:56.123456'::timestamp, '2024-02-29 12:34:56.123456+00'::timestamptz),
    (2, '1970-01-01 00:00:00', '0001-01-01 00:00:00+00'),
    (3, 'infinity', '-infinity'),
    (4, '-infinity', '4713-01-01 00:00:00+00 BC'),
    (5, '2024-07-01 04:00:00', '294276-12-31 23:59:59.999999+00'),
    (6, NULL, NULL)) e(id, tstz, ts) ON e.id = t.id
ORDER BY t.id;
SET TimeZone = 'UTC';
-- A date beyond timestamp's range is no timestamp.
CREATE FOREIGN TABLE rs.date_as_timestamp (id integer, d timestamp)
    SERVER types_rs OPTIONS (schema_name 'rs_types', table_name 't_time');
SELECT id, d FROM rs.date_as_timestamp ORDER BY id;
\echo :LAST_ERROR_SQLSTATE

-- ---------------------------------------------------------------------------------------------
-- boolean, and boolean into an integer (t = 1, f = 0).
SELECT t.id, t.b, t.b_nn, (t.b, t.b_nn) IS NOT DISTINCT FROM (e.b, e.b_nn) AS exact
FROM rs.t_bool t JOIN (VALUES (1, true, true), (2, false, false), (3, NULL, true))
    e(id, b, b_nn) ON e.id = t.id
ORDER BY t.id;
CREATE FOREIGN TABLE rs.bool_as_int (id integer, b integer)
    SERVER types_rs OPTIONS (schema_name 'rs_types', table_name 't_bool');
SELECT id, b FROM rs.bool_as_int ORDER BY id;

-- text with 4-byte characters, tabs, newlines, quotes and backslashes (the Redshift session
-- treats backslashes as escapes in literals: values are unaffected); varchar(12); char(5).
SELECT t.id, t.t, t.vc, t.c, (t.t, t.vc, t.c) IS NOT DISTINCT FROM (e.t, e.vc, e.c) AS exact,
       octet_length(t.t) AS bytes, char_length(t.t) AS chars
FROM rs.t_text t JOIN (VALUES
    (1, 'héllo wörld 😀🎉 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '日本語😀'::varchar, 'ab'::char(5)),
    (2, E'it''s "quoted" \\ back\\slash\ttab\nnewline', '', 'abcde'),
    (3, '', 'twelve chars', NULL),
    (4, NULL, NULL, NULL)) e(id, t, vc, c) ON e.id = t.id
ORDER BY t.id;
SELECT id, vc FROM rs.v_text ORDER BY id;

-- bytea: the bytes of its hex text.
SELECT t.id, t.b, t.b IS NOT DISTINCT FROM e.v AS exact, length(t.b) AS bytes
FROM rs.t_bytea t JOIN (VALUES
    (1, '\x00ff5c27'::bytea), (2, '\x'), (3, '\x5c7830303030'), (4, NULL)) e(id, v)
    ON e.id = t.id
ORDER BY t.id;

-- jsonb and json (json keeps its text as stored).
SELECT t.id, t.j, t.js, t.j IS NOT DISTINCT FROM e.j AND t.js::text IS NOT DISTINCT FROM e.js
    AS exact
FROM rs.t_json t JOIN (VALUES
    (1, '{"a": 1, "b": [true, null, "x"], "emoji": "😀", "n": 1.50}'::jsonb, '{"b": 2,  "a": 1}'),
    (2, '[]', '[]'),
    (3, NULL, NULL)) e(id, j, js) ON e.id = t.id
ORDER BY t.id;

-- ---------------------------------------------------------------------------------------------
-- IMPORT FOREIGN SCHEMA ... LIMIT TO, and remote types with no mapping (point, an enum).
CREATE SCHEMA rs_limit;
IMPORT FOREIGN SCHEMA rs_types LIMIT TO (t_bool, v_text, no_such_table)
    FROM SERVER types_rs INTO rs_limit;
SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'rs_limit'::regnamespace
ORDER BY c.relname;
IMPORT FOREIGN SCHEMA rs_types LIMIT TO (t_unmapped) FROM SERVER types_rs INTO rs_limit;
\echo :LAST_ERROR_SQLSTATE
IMPORT FOREIGN SCHEMA rs_types LIMIT TO (t_unmapped) FROM SERVER types_rs INTO rs_limit
    OPTIONS (unmapped_types 'skip', import_not_null 'false');
SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull
FROM pg_attribute a WHERE a.attrelid = 'rs_limit.t_unmapped'::regclass AND a.attnum > 0
ORDER BY a.attnum;
SELECT id, label FROM rs_limit.t_unmapped;
-- Options of mysql servers are not options here; a schema that does not exist.
IMPORT FOREIGN SCHEMA rs_types FROM SERVER types_rs INTO rs_limit
    OPTIONS (tinyint1_as_boolean 'true');
\echo :LAST_ERROR_SQLSTATE
IMPORT FOREIGN SCHEMA "rs_types' OR 'x'='x" FROM SERVER types_rs INTO rs_limit;
\echo :LAST_ERROR_SQLSTATE

SET client_min_messages = warning;
DROP SCHEMA rs, rs_limit CASCADE;
DROP SERVER types_rs CASCADE;
DROP EXTENSION quarry;
