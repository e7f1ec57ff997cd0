-- The pushdown suites' data (sql/fdw_pushdown_*.sql insert the same rows into local copies).
-- Traps: NULLs in group and sort keys, mixed case, trailing spaces, multibyte text and emoji,
-- LIKE wildcards in data, .5 and .x5 values, zero quantities, timestamps on bucket boundaries.
SET NAMES utf8mb4;
SET time_zone = '+00:00';
DROP TABLE IF EXISTS pd_orders, pd_customers, pd_cities;
CREATE TABLE pd_orders (
  id INT NOT NULL PRIMARY KEY,
  customer_id INT NULL,
  country VARCHAR(20) NULL,
  category VARCHAR(20) NULL,
  amount DECIMAL(12,2) NULL,
  qty INT NULL,
  discount DOUBLE NULL,
  paid TINYINT(1) NULL,
  ordered_at DATETIME(6) NULL,
  order_date DATE NULL,
  ordered_tz TIMESTAMP(6) NULL,
  KEY pd_orders_ordered_at (ordered_at)
) DEFAULT CHARSET utf8mb4;
CREATE TABLE pd_customers (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(20) NOT NULL,
  segment VARCHAR(20) NULL
) DEFAULT CHARSET utf8mb4;
INSERT INTO pd_orders (id, customer_id, country, category, amount, qty, discount, paid, ordered_at, order_date, ordered_tz) VALUES
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
INSERT INTO pd_customers (id, name, segment) VALUES
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
-- A latin1 table: its bytes are not UTF-8, so byte comparisons need it converted first.
CREATE TABLE pd_cities (
  id INT NOT NULL PRIMARY KEY,
  city VARCHAR(40) NULL,
  street VARCHAR(200) NULL,
  KEY pd_cities_city (city)
) DEFAULT CHARSET latin1;
INSERT INTO pd_cities (id, city, street) VALUES
  (1, 'Zürich', 'Bahnhofstraße'),
  (2, 'zürich', 'Bahnhofstrasse'),
  (3, 'Zurich', 'Bahnhofstraße '),
  (4, 'Zürich ', 'Limmatquai'),
  (5, 'Paris', 'Rue de Rivoli'),
  (6, 'PARIS', NULL),
  (7, NULL, 'Rue de Rivoli'),
  (8, 'Besançon', 'Grande Rue'),
  (9, 'Malmö', 'Storgatan'),
  (10, 'paris ', 'rue de rivoli');
