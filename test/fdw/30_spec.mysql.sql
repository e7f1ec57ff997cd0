-- Data of sql/fdw_spec.sql in MariaDB (database shop): the same rows as the local table of that
-- test and as 30_spec.redshift.sql, so that one spec gives one answer on all three.
DROP TABLE IF EXISTS spec_orders;
CREATE TABLE spec_orders (
    id INT NOT NULL PRIMARY KEY,
    country VARCHAR(20),
    category VARCHAR(40) NOT NULL,
    revenue DECIMAL(12,2),
    cost DECIMAL(12,2),
    qty INT NOT NULL,
    ordered_at DATETIME NOT NULL
) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_general_ci;
INSERT INTO spec_orders VALUES
    (1, 'FR', 'Books', 10.50, 4.00, 1, '2026-01-01 00:00:00'),
    (2, 'fr', 'Books', 20.00, 5.25, 2, '2026-01-15 12:30:00'),
    (3, 'DE', 'Toys', 7.25, NULL, 3, '2026-01-31 23:59:59'),
    (4, NULL, 'Toys', NULL, 1.00, 1, '2026-02-01 00:00:00'),
    (5, 'FR ', 'Games', 100.00, 60.00, 5, '2026-02-14 08:00:00'),
    (6, 'Ελλάδα', 'Games', 0.50, 0.50, 1, '2026-03-01 10:00:00'),
    (7, 'DE', 'Books', 33.33, 11.11, 4, '2026-03-31 18:00:00'),
    (8, 'FR', 'Toys', 2.50, 0.00, 2, '2026-03-31 23:00:00');
