-- The type matrix of quarry_fdw (issue 3, point 5): one table per family of MySQL/MariaDB types,
-- boundary values included. Read by sql/fdw_types_mysql.sql through IMPORT FOREIGN SCHEMA and
-- hand-written foreign tables. Loaded into the database shop by scripts/fdw_fixtures.sh.
--
-- Zero dates need a session without NO_ZERO_DATE / NO_ZERO_IN_DATE / strict mode.
SET NAMES utf8mb4;
SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
SET SESSION time_zone = '+00:00';

DROP TABLE IF EXISTS types_num, types_bit, types_bool, types_bool_bad, types_text, types_json,
    types_dates, types_time, types_time_of_day, types_year, types_bin;
DROP VIEW IF EXISTS types_text_view;

-- Exact numbers at their limits. Row 1: maxima, row 2: minima, row 3: zero, row 4: NULL.
CREATE TABLE types_num (
    id INT NOT NULL PRIMARY KEY,
    d65 DECIMAL(65,30),
    d10 DECIMAL(10,2) NOT NULL,
    ubig BIGINT UNSIGNED,
    big BIGINT,
    i INT,
    ui INT UNSIGNED,
    si SMALLINT,
    usi SMALLINT UNSIGNED,
    ti TINYINT,
    uti TINYINT UNSIGNED,
    mi MEDIUMINT,
    umi MEDIUMINT UNSIGNED,
    f FLOAT,
    dbl DOUBLE
);
INSERT INTO types_num VALUES
    (1, 99999999999999999999999999999999999.999999999999999999999999999999, 99999999.99,
     18446744073709551615, 9223372036854775807, 2147483647, 4294967295, 32767, 65535, 127, 255,
     8388607, 16777215, 3.40282e38, 1.7976931348623157e308),
    (2, -99999999999999999999999999999999999.999999999999999999999999999999, -99999999.99,
     0, -9223372036854775808, -2147483648, 0, -32768, 0, -128, 0, -8388608, 0, -1.5,
     -2.2250738585072014e-308),
    (3, 0.000000000000000000000000000001, 0.01, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.1),
    (4, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- BIT(n): read as its n-bit string, or as an unsigned integer.
CREATE TABLE types_bit (
    id INT NOT NULL PRIMARY KEY,
    b1 BIT(1),
    b8 BIT(8),
    b10 BIT(10),
    b64 BIT(64)
);
INSERT INTO types_bit VALUES
    (1, b'1', b'11111111', b'1000000001', b'1111111111111111111111111111111111111111111111111111111111111111'),
    (2, b'0', b'00000000', b'0000000000', b'0'),
    (3, NULL, b'00000101', b'0000000011', b'0111111111111111111111111111111111111111111111111111111111111111');

-- TINYINT(1), MySQL's BOOLEAN.
CREATE TABLE types_bool (
    id INT NOT NULL PRIMARY KEY,
    flag BOOLEAN,
    done TINYINT(1) NOT NULL
);
INSERT INTO types_bool VALUES (1, TRUE, 1), (2, FALSE, 0), (3, NULL, 1);
-- A TINYINT(1) holding 2: no boolean says that.
CREATE TABLE types_bool_bad (id INT NOT NULL PRIMARY KEY, flag TINYINT(1));
INSERT INTO types_bool_bad VALUES (1, 2);

-- Text: ENUM, SET, utf8mb4 (4-byte characters), CHAR, quotes and backslashes.
CREATE TABLE types_text (
    id INT NOT NULL PRIMARY KEY,
    size ENUM('small', 'medium', 'large') NOT NULL,
    tags SET('a', 'b', 'c'),
    body TEXT,
    code CHAR(5),
    name VARCHAR(12) CHARACTER SET utf8mb4
) DEFAULT CHARSET = utf8mb4;
INSERT INTO types_text VALUES
    (1, 'small', 'a,c', 'héllo wörld 😀🎉 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'ab', '日本語😀'),
    (2, 'large', '', 'it''s "quoted" \\ back\\slash', 'abcde', ''),
    (3, 'medium', 'a,b,c', NULL, NULL, 'twelve chars');
CREATE VIEW types_text_view AS SELECT id, size, name FROM types_text;

-- JSON (MariaDB: LONGTEXT with a json_valid check).
CREATE TABLE types_json (
    id INT NOT NULL PRIMARY KEY,
    doc JSON
);
INSERT INTO types_json VALUES
    (1, '{"a": 1, "b": [true, null, "x"], "emoji": "😀", "n": 1.50}'),
    (2, '[]'),
    (3, NULL);

-- Dates: limits, leap day, fractions, zero and partial dates (read as NULL).
CREATE TABLE types_dates (
    id INT NOT NULL PRIMARY KEY,
    d DATE,
    dt DATETIME,
    dt6 DATETIME(6),
    ts TIMESTAMP(6) NULL DEFAULT NULL
);
INSERT INTO types_dates VALUES
    (1, '1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000000'),
    (2, '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999'),
    (3, '2024-02-29', '2024-02-29 12:34:56', '2024-02-29 12:34:56.000001', '2024-02-29 12:34:56.123456'),
    (4, '0000-00-00', '0000-00-00 00:00:00', '2024-00-15 00:00:00', '0000-00-00 00:00:00'),
    (5, NULL, NULL, NULL, NULL);

-- TIME is a duration: -838:59:59 .. 838:59:59.
CREATE TABLE types_time (
    id INT NOT NULL PRIMARY KEY,
    t TIME(6)
);
INSERT INTO types_time VALUES
    (1, '838:59:59'), (2, '-838:59:59'), (3, '00:00:00'), (4, '23:59:59.999999'),
    (5, '-00:00:01.5'), (6, '24:00:00'), (7, NULL);
-- Times of day only.
CREATE TABLE types_time_of_day (
    id INT NOT NULL PRIMARY KEY,
    t TIME(3)
);
INSERT INTO types_time_of_day VALUES (1, '00:00:00'), (2, '23:59:59.999'), (3, '12:30:00.5');

CREATE TABLE types_year (
    id INT NOT NULL PRIMARY KEY,
    y YEAR
);
INSERT INTO types_year VALUES (1, 1901), (2, 2155), (3, 0), (4, 2024), (5, NULL);

-- Binary strings: raw bytes, NUL, 0xff and backslashes included.
CREATE TABLE types_bin (
    id INT NOT NULL PRIMARY KEY,
    fixed BINARY(4),
    var VARBINARY(16),
    blob_ BLOB
);
INSERT INTO types_bin VALUES
    (1, x'00ff5c27', x'', x'5c7830303030'),
    (2, x'41424344', x'00', x'e282ac0a0d09'),
    (3, NULL, x'ffffffffffffffffffffffffffffffff', NULL);

-- A type quarry_fdw does not map, in a database of its own so that importing all of shop is
-- never stopped by it.
CREATE DATABASE IF NOT EXISTS types_unmapped CHARACTER SET utf8mb4;
DROP TABLE IF EXISTS types_unmapped.shapes;
CREATE TABLE types_unmapped.shapes (
    id INT NOT NULL PRIMARY KEY,
    label VARCHAR(20) NOT NULL,
    location POINT
);
INSERT INTO types_unmapped.shapes VALUES (1, 'origin', POINT(0, 0));
