-- quarry_fdw: the MySQL/MariaDB type matrix (issue 3, point 5) and IMPORT FOREIGN SCHEMA from a
-- mysql server. Remote tables: test/fdw/20_types.mysql.sql (database shop). Every value read
-- through the FDW is printed and compared in SQL with the literal it must equal ("exact" is
-- true on every row); a value the local type cannot hold is an ERROR whose context names the
-- column, and its SQLSTATE is echoed.
\getenv my_host QUARRY_MY_HOST
\getenv my_port QUARRY_MY_PORT
\getenv my_user QUARRY_MY_USER
\getenv my_password QUARRY_MY_PASSWORD
\getenv my_db QUARRY_MY_DB
CREATE EXTENSION quarry;
SET DateStyle = ISO;
SET TimeZone = 'UTC';
SET IntervalStyle = postgres;
SET extra_float_digits = 1;
CREATE SERVER types_my FOREIGN DATA WRAPPER quarry_fdw
    OPTIONS (dialect 'mysql', host :'my_host', port :'my_port', dbname :'my_db');
CREATE USER MAPPING FOR CURRENT_USER SERVER types_my
    OPTIONS (user :'my_user', password :'my_password');

-- ---------------------------------------------------------------------------------------------
-- IMPORT FOREIGN SCHEMA ... LIMIT TO: the mapping of docs/fdw.md "Type mapping", NOT NULL where
-- the remote says so, dbname and table_name options.
CREATE SCHEMA my_types;
IMPORT FOREIGN SCHEMA :"my_db"
    LIMIT TO (types_num, types_bit, types_bool, types_text, types_text_view, types_json,
              types_dates, types_time, types_year, types_bin)
    FROM SERVER types_my INTO my_types;
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relnamespace = 'my_types'::regnamespace
ORDER BY c.relname, a.attnum;
SELECT c.relname, ft.ftoptions
FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid
WHERE c.relnamespace = 'my_types'::regnamespace
ORDER BY c.relname;

-- ---------------------------------------------------------------------------------------------
-- DECIMAL(65,30) and DECIMAL(10,2): every digit, both signs, the smallest step.
SELECT t.id, t.d65, t.d65 IS NOT DISTINCT FROM e.v AS exact
FROM my_types.types_num t JOIN (VALUES
    (1, '99999999999999999999999999999999999.999999999999999999999999999999'::numeric),
    (2, '-99999999999999999999999999999999999.999999999999999999999999999999'),
    (3, '0.000000000000000000000000000001'),
    (4, NULL)) e(id, v) ON e.id = t.id
ORDER BY t.id;
SELECT t.id, t.d10, t.d10 = e.v AS exact
FROM my_types.types_num t JOIN (VALUES
    (1, 99999999.99), (2, -99999999.99), (3, 0.01), (4, 0.00)) e(id, v) ON e.id = t.id
ORDER BY t.id;

-- BIGINT UNSIGNED: its maximum into numeric(20,0); into bigint it is an error, not a wrap.
SELECT t.id, t.ubig, t.ubig IS NOT DISTINCT FROM e.v AS exact
FROM my_types.types_num t JOIN (VALUES
    (1, 18446744073709551615::numeric), (2, 0), (3, 1), (4, NULL)) e(id, v) ON e.id = t.id
ORDER BY t.id;
CREATE FOREIGN TABLE my_types.ubig_as_bigint (id integer, ubig bigint)
    SERVER types_my OPTIONS (table_name 'types_num');
SELECT id, ubig FROM my_types.ubig_as_bigint ORDER BY id;
\echo :LAST_ERROR_SQLSTATE

-- The other integers at their limits (signed and unsigned).
SELECT t.id, t.big, t.i, t.ui, t.si, t.usi, t.ti, t.uti, t.mi, t.umi,
       (t.big, t.i, t.ui, t.si, t.usi, t.ti, t.uti, t.mi, t.umi)
           IS NOT DISTINCT FROM (e.big, e.i, e.ui, e.si, e.usi, e.ti, e.uti, e.mi, e.umi) AS exact
FROM my_types.types_num t JOIN (VALUES
    (1, 9223372036854775807, 2147483647, 4294967295::bigint, 32767::smallint, 65535, 127::smallint,
        255::smallint, 8388607, 16777215),
    (2, -9223372036854775808, -2147483648, 0, -32768, 0, -128, 0, -8388608, 0),
    (3, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL))
    e(id, big, i, ui, si, usi, ti, uti, mi, umi) ON e.id = t.id
ORDER BY t.id;
-- INT UNSIGNED's maximum does not fit a smallint.
CREATE FOREIGN TABLE my_types.uint_as_smallint (id integer, ui smallint)
    SERVER types_my OPTIONS (table_name 'types_num');
SELECT id, ui FROM my_types.uint_as_smallint ORDER BY id;
\echo :LAST_ERROR_SQLSTATE
-- DECIMAL(65,30) into numeric(10,2): the typmod applies as on INSERT, so its maxima overflow.
CREATE FOREIGN TABLE my_types.decimal_narrow (id integer, d65 numeric(10,2))
    SERVER types_my OPTIONS (table_name 'types_num');
SELECT id, d65 FROM my_types.decimal_narrow ORDER BY id;
\echo :LAST_ERROR_SQLSTATE

-- FLOAT and DOUBLE (MySQL sends FLOAT with 6 significant digits).
SELECT t.id, t.f, t.dbl, (t.f, t.dbl) IS NOT DISTINCT FROM (e.f, e.dbl) AS exact
FROM my_types.types_num t JOIN (VALUES
    (1, '3.40282e38'::real, '1.7976931348623157e308'::double precision),
    (2, '-1.5', '-2.2250738585072014e-308'),
    (3, '0.5', '0.1'),
    (4, NULL, NULL)) e(id, f, dbl) ON e.id = t.id
ORDER BY t.id;

-- ---------------------------------------------------------------------------------------------
-- BIT(n) into bit(n): the n-bit string, leading zeros kept.
SELECT t.id, t.b1, t.b8, t.b10, t.b64,
       (t.b1, t.b8, t.b10, t.b64) IS NOT DISTINCT FROM (e.b1, e.b8, e.b10, e.b64) AS exact
FROM my_types.types_bit t JOIN (VALUES
    (1, B'1', B'11111111', B'1000000001',
        B'1111111111111111111111111111111111111111111111111111111111111111'),
    (2, B'0', B'00000000', B'0000000000',
        B'0000000000000000000000000000000000000000000000000000000000000000'),
    (3, NULL, B'00000101', B'0000000011',
        B'0111111111111111111111111111111111111111111111111111111111111111'))
    e(id, b1, b8, b10, b64) ON e.id = t.id
ORDER BY t.id;
-- BIT into bit varying, boolean and the integer types: the same value.
CREATE FOREIGN TABLE my_types.bit_as_numbers
    (id integer, b1 boolean, b8 smallint, b10 bit varying, b64 numeric)
    SERVER types_my OPTIONS (table_name 'types_bit');
SELECT t.id, t.b1, t.b8, t.b10, t.b64,
       (t.b1, t.b8, t.b10, t.b64) IS NOT DISTINCT FROM (e.b1, e.b8, e.b10, e.b64) AS exact
FROM my_types.bit_as_numbers t JOIN (VALUES
    (1, true, 255::smallint, B'1000000001'::varbit, 18446744073709551615::numeric),
    (2, false, 0, B'0000000000', 0),
    (3, NULL, 5, B'0000000011', 9223372036854775807))
    e(id, b1, b8, b10, b64) ON e.id = t.id
ORDER BY t.id;
-- BIT(64)'s maximum is no bigint; 64 bits are no varbit(8); a bit string is no bytea.
CREATE FOREIGN TABLE my_types.bit_as_bigint (id integer, b64 bigint)
    SERVER types_my OPTIONS (table_name 'types_bit');
SELECT id, b64 FROM my_types.bit_as_bigint ORDER BY id;
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE my_types.bit_as_short_varbit (id integer, b64 bit varying(8))
    SERVER types_my OPTIONS (table_name 'types_bit');
SELECT id, b64 FROM my_types.bit_as_short_varbit ORDER BY id;
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE my_types.bit_as_bytea (id integer, b8 bytea)
    SERVER types_my OPTIONS (table_name 'types_bit');
SELECT id, b8 FROM my_types.bit_as_bytea ORDER BY id;
\echo :LAST_ERROR_SQLSTATE

-- ---------------------------------------------------------------------------------------------
-- TINYINT(1) (BOOLEAN) into boolean, and into integers.
SELECT t.id, t.flag, t.done, (t.flag, t.done) IS NOT DISTINCT FROM (e.flag, e.done) AS exact
FROM my_types.types_bool t JOIN (VALUES (1, true, true), (2, false, false), (3, NULL, true))
    e(id, flag, done) ON e.id = t.id
ORDER BY t.id;
CREATE FOREIGN TABLE my_types.bool_as_int (id integer, flag smallint, done integer)
    SERVER types_my OPTIONS (table_name 'types_bool');
SELECT t.id, t.flag, t.done, (t.flag, t.done) IS NOT DISTINCT FROM (e.flag, e.done) AS exact
FROM my_types.bool_as_int t JOIN (VALUES (1, 1::smallint, 1), (2, 0, 0), (3, NULL, 1))
    e(id, flag, done) ON e.id = t.id
ORDER BY t.id;
-- A TINYINT(1) holding 2 is no boolean.
CREATE FOREIGN TABLE my_types.bool_bad (id integer, flag boolean)
    SERVER types_my OPTIONS (table_name 'types_bool_bad');
SELECT id, flag FROM my_types.bool_bad;
\echo :LAST_ERROR_SQLSTATE

-- ---------------------------------------------------------------------------------------------
-- ENUM, SET, utf8mb4 text with 4-byte characters, CHAR (MySQL strips its trailing spaces),
-- quotes and backslashes.
SELECT t.id, t.size, t.tags, t.body, t.code, t.name,
       (t.size, t.tags, t.body, t.code, t.name)
           IS NOT DISTINCT FROM (e.size, e.tags, e.body, e.code, e.name) AS exact,
       octet_length(t.body) AS body_bytes, char_length(t.body) AS body_chars
FROM my_types.types_text t JOIN (VALUES
    (1, 'small', 'a,c', 'héllo wörld 😀🎉 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'ab'::varchar, '日本語😀'::varchar),
    (2, 'large', '', 'it''s "quoted" \ back\slash', 'abcde', ''),
    (3, 'medium', 'a,b,c', NULL, NULL, 'twelve chars'))
    e(id, size, tags, body, code, name) ON e.id = t.id
ORDER BY t.id;
-- A view is imported like a table.
SELECT id, size, name FROM my_types.types_text_view ORDER BY id;
-- TEXT into varchar(5): too long is an error (22001), not a cut value.
CREATE FOREIGN TABLE my_types.text_as_short_varchar (id integer, body varchar(5))
    SERVER types_my OPTIONS (table_name 'types_text');
SELECT id, body FROM my_types.text_as_short_varchar ORDER BY id;
\echo :LAST_ERROR_SQLSTATE
-- An ENUM label is no integer.
CREATE FOREIGN TABLE my_types.enum_as_int (id integer, size integer)
    SERVER types_my OPTIONS (table_name 'types_text');
SELECT id, size FROM my_types.enum_as_int ORDER BY id;
\echo :LAST_ERROR_SQLSTATE

-- ---------------------------------------------------------------------------------------------
-- JSON into jsonb (imported) and into json (the document's text as stored).
SELECT t.id, t.doc, t.doc IS NOT DISTINCT FROM e.v AS exact
FROM my_types.types_json t JOIN (VALUES
    (1, '{"a": 1, "b": [true, null, "x"], "emoji": "😀", "n": 1.50}'::jsonb),
    (2, '[]'), (3, NULL)) e(id, v) ON e.id = t.id
ORDER BY t.id;
CREATE FOREIGN TABLE my_types.json_as_json (id integer, doc json)
    SERVER types_my OPTIONS (table_name 'types_json');
SELECT t.id, t.doc, t.doc::text IS NOT DISTINCT FROM e.v AS exact
FROM my_types.json_as_json t JOIN (VALUES
    (1, '{"a": 1, "b": [true, null, "x"], "emoji": "😀", "n": 1.50}'),
    (2, '[]'), (3, NULL)) e(id, v) ON e.id = t.id
ORDER BY t.id;

-- ---------------------------------------------------------------------------------------------
-- DATE, DATETIME, DATETIME(6), TIMESTAMP(6): limits, the leap day, microseconds. Zero dates
-- (0000-00-00) and partial ones (2024-00-15) name no day: NULL (row 4).
SELECT t.id, t.d, t.dt, t.dt6, t.ts,
       (t.d, t.dt, t.dt6, t.ts) IS NOT DISTINCT FROM (e.d, e.dt, e.dt6, e.ts) AS exact
FROM my_types.types_dates t JOIN (VALUES
    (1, '1000-01-01'::date, '1000-01-01 00:00:00'::timestamp, '1000-01-01 00:00:00'::timestamp,
        '1970-01-01 00:00:01+00'::timestamptz),
    (2, '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999',
        '2038-01-19 03:14:07.999999+00'),
    (3, '2024-02-29', '2024-02-29 12:34:56', '2024-02-29 12:34:56.000001',
        '2024-02-29 12:34:56.123456+00'),
    (4, NULL, NULL, NULL, NULL),
    (5, NULL, NULL, NULL, NULL)) e(id, d, dt, dt6, ts) ON e.id = t.id
ORDER BY t.id;
-- TIMESTAMP is an instant whatever the session's time zone; DATETIME read into timestamptz is
-- taken as UTC (the session settings of docs/fdw.md), never as the local time zone.
CREATE FOREIGN TABLE my_types.datetime_as_timestamptz (id integer, dt6 timestamptz, ts timestamptz)
    SERVER types_my OPTIONS (table_name 'types_dates');
SET TimeZone = 'America/New_York';
SELECT t.id, t.dt6, t.ts, (t.dt6, t.ts) IS NOT DISTINCT FROM (e.dt6, e.ts) AS exact
FROM my_types.datetime_as_timestamptz t JOIN (VALUES
    (1, '1000-01-01 00:00:00+00'::timestamptz, '1970-01-01 00:00:01+00'::timestamptz),
    (2, '9999-12-31 23:59:59.999999+00', '2038-01-19 03:14:07.999999+00'),
    (3, '2024-02-29 12:34:56.000001+00', '2024-02-29 12:34:56.123456+00'),
    (4, NULL, NULL), (5, NULL, NULL)) e(id, dt6, ts) ON e.id = t.id
ORDER BY t.id;
RESET TimeZone;
SET TimeZone = 'UTC';

-- ---------------------------------------------------------------------------------------------
-- TIME is a duration: into interval (imported), -838:59:59 .. 838:59:59.
SELECT t.id, t.t, t.t IS NOT DISTINCT FROM e.v AS exact
FROM my_types.types_time t JOIN (VALUES
    (1, '838:59:59'::interval), (2, '-838:59:59'), (3, '00:00:00'), (4, '23:59:59.999999'),
    (5, '-00:00:01.5'), (6, '24:00:00'), (7, NULL)) e(id, v) ON e.id = t.id
ORDER BY t.id;
-- Into time when every value is a time of day; a duration beyond it is an error (22008).
CREATE FOREIGN TABLE my_types.time_of_day (id integer, t time(3))
    SERVER types_my OPTIONS (table_name 'types_time_of_day');
SELECT t.id, t.t, t.t = e.v AS exact
FROM my_types.time_of_day t JOIN (VALUES
    (1, '00:00:00'::time), (2, '23:59:59.999'), (3, '12:30:00.5')) e(id, v) ON e.id = t.id
ORDER BY t.id;
CREATE FOREIGN TABLE my_types.duration_as_time (id integer, t time)
    SERVER types_my OPTIONS (table_name 'types_time');
SELECT id, t FROM my_types.duration_as_time ORDER BY id;
\echo :LAST_ERROR_SQLSTATE

-- YEAR: 1901 .. 2155 and 0000.
SELECT t.id, t.y, t.y IS NOT DISTINCT FROM e.v AS exact
FROM my_types.types_year t JOIN (VALUES
    (1, 1901::smallint), (2, 2155), (3, 0), (4, 2024), (5, NULL)) e(id, v) ON e.id = t.id
ORDER BY t.id;

-- ---------------------------------------------------------------------------------------------
-- BINARY, VARBINARY, BLOB into bytea: the raw bytes (NUL, 0xff, backslashes, "\x" as text).
SELECT t.id, t.fixed, t.var, t.blob_,
       (t.fixed, t.var, t.blob_) IS NOT DISTINCT FROM (e.fixed, e.var, e.blob_) AS exact
FROM my_types.types_bin t JOIN (VALUES
    (1, '\x00ff5c27'::bytea, '\x'::bytea, '\x5c7830303030'::bytea),
    (2, '\x41424344', '\x00', '\xe282ac0a0d09'),
    (3, NULL, '\xffffffffffffffffffffffffffffffff', NULL)) e(id, fixed, var, blob_) ON e.id = t.id
ORDER BY t.id;
-- Into text: the bytes must be UTF-8, and NUL is not.
CREATE FOREIGN TABLE my_types.binary_as_text (id integer, blob_ text)
    SERVER types_my OPTIONS (table_name 'types_bin');
SELECT id, blob_, blob_ IS NOT DISTINCT FROM CASE id WHEN 1 THEN '\x0000' WHEN 2 THEN E'€\n\r\t' END
    AS exact
FROM my_types.binary_as_text ORDER BY id;
CREATE FOREIGN TABLE my_types.nul_as_text (id integer, fixed text)
    SERVER types_my OPTIONS (table_name 'types_bin');
SELECT id, fixed FROM my_types.nul_as_text ORDER BY id;
\echo :LAST_ERROR_SQLSTATE

-- ---------------------------------------------------------------------------------------------
-- IMPORT FOREIGN SCHEMA ... EXCEPT: everything else of the database (other suites' tables too;
-- only ours are listed). unmapped_types 'skip' so that another suite's table cannot stop it.
CREATE SCHEMA my_except;
SET client_min_messages = warning;
IMPORT FOREIGN SCHEMA :"my_db" EXCEPT (types_num, types_bit, types_json, types_dates)
    FROM SERVER types_my INTO my_except OPTIONS (unmapped_types 'skip');
RESET client_min_messages;
SELECT c.relname FROM pg_class c
WHERE c.relnamespace = 'my_except'::regnamespace AND c.relname LIKE 'types\_%'
ORDER BY c.relname;

-- Options: no NOT NULL, TINYINT(1) as smallint.
CREATE SCHEMA my_options;
IMPORT FOREIGN SCHEMA :"my_db" LIMIT TO (types_bool)
    FROM SERVER types_my INTO my_options
    OPTIONS (import_not_null 'false', tinyint1_as_boolean 'false');
SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull
FROM pg_attribute a WHERE a.attrelid = 'my_options.types_bool'::regclass AND a.attnum > 0
ORDER BY a.attnum;
SELECT id, flag, done FROM my_options.types_bool ORDER BY id;

-- A remote type with no mapping (POINT): an error naming the column and type, or skipped.
IMPORT FOREIGN SCHEMA types_unmapped FROM SERVER types_my INTO my_options;
\echo :LAST_ERROR_SQLSTATE
IMPORT FOREIGN SCHEMA types_unmapped FROM SERVER types_my INTO my_options
    OPTIONS (unmapped_types 'skip');
SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull
FROM pg_attribute a WHERE a.attrelid = 'my_options.shapes'::regclass AND a.attnum > 0
ORDER BY a.attnum;
SELECT ftoptions FROM pg_foreign_table WHERE ftrelid = 'my_options.shapes'::regclass;
SELECT id, label FROM my_options.shapes;

-- Wrong options and a database that does not exist; a quote in the name stays a name.
IMPORT FOREIGN SCHEMA :"my_db" FROM SERVER types_my INTO my_options OPTIONS (bogus 'x');
\echo :LAST_ERROR_SQLSTATE
IMPORT FOREIGN SCHEMA :"my_db" FROM SERVER types_my INTO my_options
    OPTIONS (unmapped_types 'maybe');
\echo :LAST_ERROR_SQLSTATE
IMPORT FOREIGN SCHEMA "no_such_db' OR '1'='1" FROM SERVER types_my INTO my_options;
\echo :LAST_ERROR_SQLSTATE

SET client_min_messages = warning;
DROP SCHEMA my_types, my_except, my_options CASCADE;
DROP SERVER types_my CASCADE;
DROP EXTENSION quarry;
