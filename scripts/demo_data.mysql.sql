-- quarry demo: the dataset, in MariaDB (where a user's data would be). scripts/demo.sql runs
-- this file with the mariadb client, into the database `quarry_demo` (dropped and re-created).
--
-- A web-analytics platform's two tables, generated inside MariaDB in a few seconds with the
-- Sequence engine (seq_1_to_N) and identical on every run: every "random" draw comes from the
-- SHA-512 of the row number, never RAND(). One hash per row gives 16 independent uniform 32-bit
-- draws: CRC32 of its k-th 4 bytes (a bijection of 32-bit values, and faster than CONV of hex
-- digits), as a DOUBLE in [0, 1) (an integer division would give a DECIMAL with 4 digits). The
-- derived tables are materialized (derived_merge=off), and outer conditions not pushed into
-- them (condition_pushdown_for_derived=off), so that each hash and draw is computed once per
-- row, not once per use. All instants lie before the fixed demo
-- "now", 2026-11-04 15:30:00 UTC (1793806200 in Unix seconds), the instant every dashboard spec
-- passes as options.now. DATETIME columns hold UTC (as quarry's mysql dialect assumes).
--
--   page_views  1,000,000 page views over the 90 days before now
--   orders        200,000 orders over the 400 days before now

SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION';
SET SESSION time_zone = '+00:00';
SET SESSION optimizer_switch = 'derived_merge=off,condition_pushdown_for_derived=off';
SET SESSION tmp_table_size = 1073741824, max_heap_table_size = 1073741824;

CREATE TABLE page_views (
    id BIGINT NOT NULL,              -- the row number of the draw (gaps: skipped weekend draws)
    site VARCHAR(64) NOT NULL,
    uri VARCHAR(255) NOT NULL,
    visitor_id BIGINT NOT NULL,
    browser VARCHAR(32) NOT NULL,
    device VARCHAR(16) NOT NULL,
    country VARCHAR(2) NOT NULL,
    referrer VARCHAR(255) NULL,      -- NULL: a direct visit
    visited_at DATETIME NOT NULL,    -- UTC
    duration_ms INT NOT NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB;

CREATE TABLE orders (
    order_id BIGINT NOT NULL,
    ordered_at DATETIME NOT NULL,    -- UTC
    customer_id BIGINT NOT NULL,
    country VARCHAR(2) NOT NULL,
    product_category VARCHAR(32) NOT NULL,
    quantity INT NOT NULL,
    unit_price DECIMAL(10, 2) NOT NULL,
    revenue DECIMAL(12, 2) NOT NULL,
    cost DECIMAL(12, 2) NOT NULL,
    status VARCHAR(16) NOT NULL,
    PRIMARY KEY (order_id)
) ENGINE = InnoDB;

-- Instants in the `days` days before now for the draws seq, from four uniform draws:
--   - traffic grows over the period: the density at the end is twice the density at the start
--     (a third of the draws take the day from 1 - sqrt(u), the others from 1 - u);
--   - the time of day is a triangle peaking at 14:00 UTC (office hours in Europe, morning in the
--     Americas);
--   - weekends are quieter: a third of Saturday's and Sunday's draws are skipped, as are those
--     that would fall after now on the current day. About 90% of the draws come out; the
--     INSERTs draw more than they need and keep the first ones (ORDER BY seq LIMIT n).
-- 1970-01-01 was a Thursday: (day number + 3) % 7 is 5 on Saturdays and 6 on Sundays.

INSERT INTO page_views
SELECT seq, site,
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
       -- 150,000 visitors, a few of them very active.
       1 + FLOOR(150000 * POW(u_visitor, 1.3)),
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
       -- 20 countries, weights 30 12 10 9 7 5 5 4 4 3 3 2 2 2 2 1 1 1 1 1 (of 105; INTERVAL(x,
       -- a, b, ...) is the number of bounds <= x).
       ELT(1 + INTERVAL(FLOOR(u_country * 105), 30, 42, 52, 61, 68, 73, 78, 82, 86, 89, 92, 94, 96, 98,
                          100, 101, 102, 103, 104),
           'US', 'FR', 'DE', 'GB', 'IN', 'BR', 'CA', 'ES', 'IT', 'NL', 'JP', 'PL', 'SE', 'AU',
           'MX', 'BE', 'CH', 'PT', 'IE', 'KR'),
       CASE WHEN u_referrer < 0.38 THEN NULL WHEN u_referrer < 0.72 THEN 'google.com'
            WHEN u_referrer < 0.78 THEN 'news.ycombinator.com' WHEN u_referrer < 0.84 THEN 't.co'
            WHEN u_referrer < 0.89 THEN 'linkedin.com' WHEN u_referrer < 0.93 THEN 'bing.com'
            WHEN u_referrer < 0.96 THEN 'duckduckgo.com' WHEN u_referrer < 0.98 THEN 'reddit.com'
            ELSE 'newsletter' END,
       TIMESTAMP '1970-01-01 00:00:00' + INTERVAL t SECOND,
       -- Log-uniform from 0.8 s to 72 s; shorter on phones and on the blog.
       FLOOR(800 * EXP(4.5 * u_duration)
             * CASE device WHEN 'mobile' THEN 0.75 WHEN 'tablet' THEN 0.9 ELSE 1 END
             * CASE site WHEN 'blog.example.com' THEN 0.8 ELSE 1 END)
FROM (
    SELECT seq, t, u_visitor, u_browser, u_country, u_referrer, u_duration,
           CASE WHEN u_site < 0.6 THEN 'www.example.com' WHEN u_site < 0.85 THEN 'blog.example.com'
                ELSE 'docs.example.com' END AS site,
           -- A handful of popular pages per site and a long tail: page 1 gets a fifth.
           1 + FLOOR(60 * POW(u_page, 3)) AS page,
           CASE WHEN u_device < 0.56 THEN 'desktop' WHEN u_device < 0.94 THEN 'mobile'
                ELSE 'tablet' END AS device
    FROM (
        SELECT seq,
               FLOOR((1793806200 - 90 * 86400 * CASE WHEN CRC32(SUBSTRING(h, 1, 4)) / 4294967296e0 < 1e0 / 3
                                                      THEN 1 - SQRT(CRC32(SUBSTRING(h, 5, 4)) / 4294967296e0)
                                                      ELSE 1 - CRC32(SUBSTRING(h, 5, 4)) / 4294967296e0 END)
                     / 86400) * 86400
               + MOD(FLOOR((CRC32(SUBSTRING(h, 9, 4)) / 4294967296e0
                            + CRC32(SUBSTRING(h, 13, 4)) / 4294967296e0) / 2 * 86400) + 7200,
                     86400) AS t,
               CRC32(SUBSTRING(h, 17, 4)) / 4294967296e0 AS u_weekend,
               CRC32(SUBSTRING(h, 21, 4)) / 4294967296e0 AS u_site,
               CRC32(SUBSTRING(h, 25, 4)) / 4294967296e0 AS u_page,
               CRC32(SUBSTRING(h, 29, 4)) / 4294967296e0 AS u_visitor,
               CRC32(SUBSTRING(h, 33, 4)) / 4294967296e0 AS u_device,
               CRC32(SUBSTRING(h, 37, 4)) / 4294967296e0 AS u_browser,
               CRC32(SUBSTRING(h, 41, 4)) / 4294967296e0 AS u_country,
               CRC32(SUBSTRING(h, 45, 4)) / 4294967296e0 AS u_referrer,
               CRC32(SUBSTRING(h, 49, 4)) / 4294967296e0 AS u_duration
        FROM (SELECT seq, UNHEX(SHA2(CONCAT('page_views.', seq), 512)) AS h FROM seq_1_to_1150000) AS hashed
    ) AS draws
    WHERE t < 1793806200 AND (MOD(t DIV 86400 + 3, 7) < 5 OR u_weekend >= 0.35)
    ORDER BY seq
    LIMIT 1000000
) AS shaped;

ALTER TABLE page_views ADD INDEX page_views_visited_at (visited_at);

-- 60,000 customers; each keeps one country; a few of them order a lot. Categories (weight,
-- price range, cost ratio): books 22 8-45 0.55, electronics 18 40-900 0.78, home 16 15-250
-- 0.60, clothing 14 12-120 0.45, games 12 20-70 0.65, sports 8 15-300 0.60, beauty 6 6-80 0.40,
-- toys 4 10-90 0.50. Statuses: delivered 72%, shipped 9, paid 5, cancelled 9, refunded 5.
INSERT INTO orders
SELECT seq, TIMESTAMP '1970-01-01 00:00:00' + INTERVAL t SECOND, customer_id,
       ELT(1 + INTERVAL(FLOOR(u_country * 105), 30, 42, 52, 61, 68, 73, 78, 82, 86, 89, 92, 94, 96, 98,
                          100, 101, 102, 103, 104),
           'US', 'FR', 'DE', 'GB', 'IN', 'BR', 'CA', 'ES', 'IT', 'NL', 'JP', 'PL', 'SE', 'AU',
           'MX', 'BE', 'CH', 'PT', 'IE', 'KR'),
       category, quantity, unit_price, quantity * unit_price,
       ROUND(quantity * unit_price * CAST(cost_ratio + 0.16 * (u_cost - 0.5) AS DECIMAL(8, 6)), 2),
       CASE WHEN u_status < 0.72 THEN 'delivered' WHEN u_status < 0.81 THEN 'shipped'
            WHEN u_status < 0.86 THEN 'paid' WHEN u_status < 0.95 THEN 'cancelled'
            ELSE 'refunded' END
FROM (
    SELECT seq, t, customer_id, category, quantity, u_cost, u_status,
           CRC32(LEFT(UNHEX(SHA2(CONCAT('customers.', customer_id), 512)), 4)) / 4294967296e0
               AS u_country,
           CASE category WHEN 'books' THEN 0.55 WHEN 'electronics' THEN 0.78 WHEN 'home' THEN 0.60
                         WHEN 'clothing' THEN 0.45 WHEN 'games' THEN 0.65 WHEN 'sports' THEN 0.60
                         WHEN 'beauty' THEN 0.40 ELSE 0.50 END AS cost_ratio,
           CAST(FLOOR(CASE category WHEN 'books' THEN 8 + 37 * POW(u_price, 2)
                                    WHEN 'electronics' THEN 40 + 860 * POW(u_price, 2)
                                    WHEN 'home' THEN 15 + 235 * POW(u_price, 2)
                                    WHEN 'clothing' THEN 12 + 108 * POW(u_price, 2)
                                    WHEN 'games' THEN 20 + 50 * POW(u_price, 2)
                                    WHEN 'sports' THEN 15 + 285 * POW(u_price, 2)
                                    WHEN 'beauty' THEN 6 + 74 * POW(u_price, 2)
                                    ELSE 10 + 80 * POW(u_price, 2) END) + 0.99 AS DECIMAL(10, 2))
               AS unit_price
    FROM (
        SELECT seq, t, u_price, u_cost, u_status,
               1 + FLOOR(60000 * POW(u_customer, 1.5)) AS customer_id,
               CASE WHEN u_category < 0.22 THEN 'books' WHEN u_category < 0.40 THEN 'electronics'
                    WHEN u_category < 0.56 THEN 'home' WHEN u_category < 0.70 THEN 'clothing'
                    WHEN u_category < 0.82 THEN 'games' WHEN u_category < 0.90 THEN 'sports'
                    WHEN u_category < 0.96 THEN 'beauty' ELSE 'toys' END AS category,
               CAST(1 + FLOOR(6 * POW(u_quantity, 3)) AS INT) AS quantity
        FROM (
            SELECT seq,
                   FLOOR((1793806200 - 400 * 86400 * CASE WHEN CRC32(SUBSTRING(h, 1, 4)) / 4294967296e0 < 1e0 / 3
                                                           THEN 1 - SQRT(CRC32(SUBSTRING(h, 5, 4)) / 4294967296e0)
                                                           ELSE 1 - CRC32(SUBSTRING(h, 5, 4)) / 4294967296e0 END)
                         / 86400) * 86400
                   + MOD(FLOOR((CRC32(SUBSTRING(h, 9, 4)) / 4294967296e0
                            + CRC32(SUBSTRING(h, 13, 4)) / 4294967296e0) / 2 * 86400) + 7200,
                     86400) AS t,
                   CRC32(SUBSTRING(h, 17, 4)) / 4294967296e0 AS u_weekend,
                   CRC32(SUBSTRING(h, 21, 4)) / 4294967296e0 AS u_customer,
                   CRC32(SUBSTRING(h, 25, 4)) / 4294967296e0 AS u_category,
                   CRC32(SUBSTRING(h, 29, 4)) / 4294967296e0 AS u_quantity,
                   CRC32(SUBSTRING(h, 33, 4)) / 4294967296e0 AS u_price,
                   CRC32(SUBSTRING(h, 37, 4)) / 4294967296e0 AS u_cost,
                   CRC32(SUBSTRING(h, 41, 4)) / 4294967296e0 AS u_status
            FROM (SELECT seq, UNHEX(SHA2(CONCAT('orders.', seq), 512)) AS h FROM seq_1_to_230000) AS hashed
        ) AS draws
        WHERE t < 1793806200 AND (MOD(t DIV 86400 + 3, 7) < 5 OR u_weekend >= 0.35)
        ORDER BY seq
        LIMIT 200000
    ) AS drawn
) AS priced;

ALTER TABLE orders ADD INDEX orders_ordered_at (ordered_at);

ANALYZE TABLE page_views, orders;
