-- The type matrix of quarry_fdw on PostgreSQL / Redshift (issue 3, point 5), boundary values
-- included, in the schema rs_types of the stand-in's database warehouse (as rs_user). Read by
-- sql/fdw_types_redshift.sql. Only types Redshift has, except the last table (types a
-- PostgreSQL server has and quarry_fdw's import does not map).
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS rs_types CASCADE;
CREATE SCHEMA rs_types;
SET search_path = rs_types;

CREATE TABLE t_num (
    id integer NOT NULL PRIMARY KEY,
    n numeric,
    n38 numeric(38,10) NOT NULL,
    big bigint,
    i integer,
    si smallint,
    r real,
    dbl double precision
);
INSERT INTO t_num VALUES
    (1, 'NaN', 9999999999999999999999999999.9999999999, 9223372036854775807, 2147483647, 32767,
     3.4028235e38, 1.7976931348623157e308),
    (2, -123456789012345678901234567890.123456789012345678901234567890, -9999999999999999999999999999.9999999999,
     -9223372036854775808, -2147483648, -32768, -1.17549435e-38, 5e-324),
    (3, 0.00000000000000000000000000000000000001, 0, 0, 0, 0, 0.1, 0.1),
    (4, 1.50, 1.5, NULL, NULL, NULL, NULL, NULL),
    (5, NULL, 0, NULL, NULL, NULL, 'NaN', '-Infinity');

CREATE TABLE t_time (
    id integer NOT NULL PRIMARY KEY,
    tstz timestamptz,
    ts timestamp,
    ts0 timestamp(0),
    d date,
    tm time,
    iv interval
);
INSERT INTO t_time VALUES
    (1, '2024-02-29 12:34:56.123456+00', '2024-02-29 12:34:56.123456', '2024-02-29 12:34:56',
     '2024-02-29', '23:59:59.999999', '1 year 2 mons 3 days 04:05:06.789'),
    (2, '1970-01-01 00:00:00+00', '0001-01-01 00:00:00', '9999-12-31 23:59:59', '0001-01-01',
     '00:00:00', '-838:59:59'),
    (3, 'infinity', '-infinity', 'infinity', 'infinity', '24:00:00', '0'),
    (4, '-infinity', '4713-01-01 00:00:00 BC', NULL, '-infinity', NULL, NULL),
    (5, '2024-06-30 23:00:00-05', '294276-12-31 23:59:59.999999', NULL, '5874897-12-31', NULL, NULL),
    (6, NULL, NULL, NULL, NULL, NULL, NULL);

CREATE TABLE t_bool (
    id integer NOT NULL PRIMARY KEY,
    b boolean,
    b_nn boolean NOT NULL
);
INSERT INTO t_bool VALUES (1, true, true), (2, false, false), (3, NULL, true);

CREATE TABLE t_text (
    id integer NOT NULL PRIMARY KEY,
    t text,
    vc varchar(12),
    c char(5)
);
INSERT INTO t_text VALUES
    (1, 'héllo wörld 😀🎉 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '日本語😀', 'ab'),
    (2, E'it''s "quoted" \\ back\\slash\ttab\nnewline', '', 'abcde'),
    (3, '', 'twelve chars', NULL),
    (4, NULL, NULL, NULL);

CREATE TABLE t_bytea (
    id integer NOT NULL PRIMARY KEY,
    b bytea
);
INSERT INTO t_bytea VALUES
    (1, '\x00ff5c27'), (2, '\x'), (3, '\x5c7830303030'), (4, NULL);

CREATE TABLE t_json (
    id integer NOT NULL PRIMARY KEY,
    j jsonb,
    js json
);
INSERT INTO t_json VALUES
    (1, '{"a": 1, "b": [true, null, "x"], "emoji": "😀", "n": 1.50}', '{"b": 2,  "a": 1}'),
    (2, '[]', '[]'),
    (3, NULL, NULL);

CREATE VIEW v_text AS SELECT id, vc FROM t_text;

-- Types quarry_fdw's import does not map: a geometric type and an enum.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE t_unmapped (
    id integer NOT NULL PRIMARY KEY,
    label text NOT NULL,
    spot point,
    feeling mood
);
INSERT INTO t_unmapped VALUES (1, 'origin', '(0,0)', 'happy');
