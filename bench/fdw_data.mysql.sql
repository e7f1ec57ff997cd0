-- bench/fdw.sh: the benchmark's data in MariaDB (database shop), generated inside the server
-- with the Sequence engine (seq_1_to_N). Deterministic: every "random" draw is CRC32 of the row
-- number and a per-attribute tag, so every run makes the same rows. The rows are in time
-- order (id ascending = time ascending, as in an append-only log table), and end just before
-- the benchmark's fixed "now", 2026-11-04 15:30:00.
--
--   page_views  10,000,000 rows over the 90 days before now (one view every 0.78 s)
--   orders       1,000,000 rows over the 400 days before now
--
-- bench/fdw.sh copies the same rows into the Redshift stand-in (bench/fdw_data.redshift.sql).

SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION';
DROP TABLE IF EXISTS page_views, orders, bench_data;

CREATE TABLE page_views (
    id BIGINT NOT NULL,
    site VARCHAR(64) NOT NULL,
    uri VARCHAR(255) NOT NULL,
    visitor_id BIGINT NOT NULL,
    browser VARCHAR(32) NOT NULL,
    device VARCHAR(16) NOT NULL,
    country VARCHAR(2) NOT NULL,
    referrer VARCHAR(255) NULL,           -- NULL: a direct visit
    visited_at DATETIME NOT NULL,
    duration_ms INT NOT NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB;

-- u_x: a uniform draw in [0, 1) per row and attribute.
INSERT INTO page_views
SELECT seq,
       site,
       CASE site
           WHEN 'www.example.com' THEN COALESCE(ELT(page, '/', '/pricing', '/features', '/signup',
               '/login', '/integrations', '/customers', '/about', '/contact', '/careers'),
               CONCAT('/templates/', page))
           WHEN 'blog.example.com' THEN COALESCE(ELT(page, '/blog', '/blog/dashboards-that-load-fast',
               '/blog/formulas-101', '/blog/cohort-analysis', '/blog/one-spec-three-dialects',
               '/blog/caching-results'), CONCAT('/blog/post-', page))
           ELSE COALESCE(ELT(page, '/docs', '/docs/quickstart', '/docs/formulas', '/docs/time-ranges',
               '/docs/api', '/docs/dialects', '/docs/sources'), CONCAT('/docs/page-', page))
       END,
       1 + FLOOR(500000 * POW(u_visitor, 1.3)),
       CASE device
           WHEN 'desktop' THEN CASE WHEN u_browser < 0.62 THEN 'Chrome' WHEN u_browser < 0.78 THEN 'Edge'
                                    WHEN u_browser < 0.90 THEN 'Firefox' WHEN u_browser < 0.98 THEN 'Safari'
                                    ELSE 'Opera' END
           WHEN 'mobile' THEN CASE WHEN u_browser < 0.55 THEN 'Chrome' WHEN u_browser < 0.88 THEN 'Safari'
                                   WHEN u_browser < 0.96 THEN 'Samsung Internet' ELSE 'Firefox' END
           ELSE CASE WHEN u_browser < 0.60 THEN 'Safari' WHEN u_browser < 0.90 THEN 'Chrome'
                     ELSE 'Samsung Internet' END
       END,
       device,
       ELT(1 + FLOOR(u_country * 20), 'US', 'US', 'US', 'US', 'US', 'US', 'FR', 'FR', 'DE', 'DE',
           'GB', 'GB', 'IN', 'BR', 'CA', 'ES', 'IT', 'NL', 'JP', 'PL'),
       CASE WHEN u_referrer < 0.38 THEN NULL WHEN u_referrer < 0.72 THEN 'google.com'
            WHEN u_referrer < 0.78 THEN 'news.ycombinator.com' WHEN u_referrer < 0.84 THEN 't.co'
            WHEN u_referrer < 0.89 THEN 'linkedin.com' WHEN u_referrer < 0.93 THEN 'bing.com'
            WHEN u_referrer < 0.96 THEN 'duckduckgo.com' WHEN u_referrer < 0.98 THEN 'reddit.com'
            ELSE 'newsletter' END,
       TIMESTAMP '2026-08-06 15:30:00' + INTERVAL ((seq - 1) * 7776000 DIV 10000000) SECOND,
       FLOOR(800 * EXP(4.5 * u_duration) * CASE device WHEN 'mobile' THEN 0.75 WHEN 'tablet' THEN 0.9 ELSE 1 END)
FROM (
    SELECT seq, u_visitor, u_browser, u_country, u_referrer, u_duration,
           CASE WHEN u_site < 0.6 THEN 'www.example.com' WHEN u_site < 0.85 THEN 'blog.example.com'
                ELSE 'docs.example.com' END AS site,
           1 + FLOOR(40 * POW(u_page, 3)) AS page,
           CASE WHEN u_device < 0.56 THEN 'desktop' WHEN u_device < 0.94 THEN 'mobile'
                ELSE 'tablet' END AS device
    FROM (
        SELECT seq,
               CRC32(CONCAT('site', seq)) / 4294967296e0 AS u_site,
               CRC32(CONCAT('page', seq)) / 4294967296e0 AS u_page,
               CRC32(CONCAT('visitor', seq)) / 4294967296e0 AS u_visitor,
               CRC32(CONCAT('device', seq)) / 4294967296e0 AS u_device,
               CRC32(CONCAT('browser', seq)) / 4294967296e0 AS u_browser,
               CRC32(CONCAT('country', seq)) / 4294967296e0 AS u_country,
               CRC32(CONCAT('referrer', seq)) / 4294967296e0 AS u_referrer,
               CRC32(CONCAT('duration', seq)) / 4294967296e0 AS u_duration
        FROM seq_1_to_10000000
    ) AS draws
) AS shaped;

ALTER TABLE page_views ADD INDEX page_views_visited_at (visited_at), ADD INDEX page_views_uri (uri);

CREATE TABLE orders (
    order_id BIGINT NOT NULL,
    ordered_at DATETIME NOT NULL,
    customer_id BIGINT NOT NULL,
    country VARCHAR(2) NOT NULL,
    category VARCHAR(32) NOT NULL,
    quantity INT NOT NULL,
    unit_price DECIMAL(10, 2) NOT NULL,
    revenue DECIMAL(12, 2) NOT NULL,
    cost DECIMAL(12, 2) NOT NULL,
    status VARCHAR(16) NOT NULL,
    PRIMARY KEY (order_id)
) ENGINE = InnoDB;

INSERT INTO orders
SELECT seq,
       TIMESTAMP '2025-09-30 15:30:00' + INTERVAL ((seq - 1) * 34560000 DIV 1000000) SECOND,
       customer_id,
       ELT(1 + FLOOR((CRC32(CONCAT('country', customer_id)) / 4294967296e0) * 20), 'US', 'US', 'US',
           'US', 'US', 'US', 'FR', 'FR', 'DE', 'DE', 'GB', 'GB', 'IN', 'BR', 'CA', 'ES', 'IT', 'NL',
           'JP', 'PL'),
       category,
       quantity,
       unit_price,
       quantity * unit_price,
       ROUND(quantity * unit_price * (ratio + 0.16 * (u_cost - 0.5)), 2),
       CASE WHEN u_status < 0.72 THEN 'delivered' WHEN u_status < 0.81 THEN 'shipped'
            WHEN u_status < 0.86 THEN 'paid' WHEN u_status < 0.95 THEN 'cancelled' ELSE 'refunded' END
FROM (
    SELECT seq, customer_id, category, quantity, u_cost, u_status,
           CASE category WHEN 'electronics' THEN 0.78 WHEN 'home' THEN 0.60 WHEN 'clothing' THEN 0.45
                         WHEN 'games' THEN 0.65 WHEN 'sports' THEN 0.60 WHEN 'beauty' THEN 0.40
                         WHEN 'toys' THEN 0.50 ELSE 0.55 END AS ratio,
           CAST(FLOOR(CASE category WHEN 'electronics' THEN 40 + 860 * POW(u_price, 2)
                                    WHEN 'home' THEN 15 + 235 * POW(u_price, 2)
                                    WHEN 'clothing' THEN 12 + 108 * POW(u_price, 2)
                                    WHEN 'games' THEN 20 + 50 * POW(u_price, 2)
                                    WHEN 'sports' THEN 15 + 285 * POW(u_price, 2)
                                    WHEN 'beauty' THEN 6 + 74 * POW(u_price, 2)
                                    WHEN 'toys' THEN 10 + 80 * POW(u_price, 2)
                                    ELSE 8 + 37 * POW(u_price, 2) END) + 0.99 AS DECIMAL(10, 2))
               AS unit_price
    FROM (
        SELECT seq, u_price, u_cost, u_status,
               1 + FLOOR(100000 * POW(CRC32(CONCAT('customer', seq)) / 4294967296e0, 1.5)) AS customer_id,
               ELT(1 + FLOOR(CRC32(CONCAT('category', seq)) / 4294967296e0 * 50),
                   'books', 'books', 'books', 'books', 'books', 'books', 'books', 'books', 'books',
                   'books', 'books', 'electronics', 'electronics', 'electronics', 'electronics',
                   'electronics', 'electronics', 'electronics', 'electronics', 'electronics', 'home',
                   'home', 'home', 'home', 'home', 'home', 'home', 'home', 'clothing', 'clothing',
                   'clothing', 'clothing', 'clothing', 'clothing', 'clothing', 'games', 'games',
                   'games', 'games', 'games', 'games', 'sports', 'sports', 'sports', 'sports',
                   'beauty', 'beauty', 'beauty', 'toys', 'toys') AS category,
               1 + FLOOR(6 * POW(CRC32(CONCAT('quantity', seq)) / 4294967296e0, 3)) AS quantity
        FROM (
            SELECT seq,
                   CRC32(CONCAT('price', seq)) / 4294967296e0 AS u_price,
                   CRC32(CONCAT('cost', seq)) / 4294967296e0 AS u_cost,
                   CRC32(CONCAT('status', seq)) / 4294967296e0 AS u_status
            FROM seq_1_to_1000000
        ) AS d0
    ) AS d1
) AS d2;

ALTER TABLE orders ADD INDEX orders_ordered_at (ordered_at);

ANALYZE TABLE page_views, orders;

-- Marks the data as complete (bench/fdw.sh skips the generation when this row is there).
CREATE TABLE bench_data (generator VARCHAR(64) NOT NULL, page_views BIGINT, orders BIGINT);
INSERT INTO bench_data SELECT 'fdw-v2', (SELECT COUNT(*) FROM page_views), (SELECT COUNT(*) FROM orders);
