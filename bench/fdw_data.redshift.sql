-- bench/fdw.sh: the benchmark's tables in the Redshift stand-in (database warehouse, as rs_user).
-- The rows themselves are copied from MariaDB by bench/fdw.sh (COPY ... FROM STDIN), so both
-- servers hold the same data; this file makes the tables before and the indexes after.

\if :{?phase}
\else
\set phase create
\endif

SELECT :'phase' = 'create' AS creating \gset
\if :creating
DROP TABLE IF EXISTS page_views, orders, bench_data;

CREATE TABLE page_views (
    id bigint NOT NULL,
    site varchar(64) NOT NULL,
    uri varchar(255) NOT NULL,
    visitor_id bigint NOT NULL,
    browser varchar(32) NOT NULL,
    device varchar(16) NOT NULL,
    country varchar(2) NOT NULL,
    referrer varchar(255),
    visited_at timestamp NOT NULL,
    duration_ms integer NOT NULL
);

CREATE TABLE orders (
    order_id bigint NOT NULL,
    ordered_at timestamp NOT NULL,
    customer_id bigint NOT NULL,
    country varchar(2) NOT NULL,
    category varchar(32) NOT NULL,
    quantity integer NOT NULL,
    unit_price numeric(10, 2) NOT NULL,
    revenue numeric(12, 2) NOT NULL,
    cost numeric(12, 2) NOT NULL,
    status varchar(16) NOT NULL
);
\else
ALTER TABLE page_views ADD PRIMARY KEY (id);
CREATE INDEX page_views_visited_at ON page_views (visited_at);
CREATE INDEX page_views_uri ON page_views (uri);
ALTER TABLE orders ADD PRIMARY KEY (order_id);
CREATE INDEX orders_ordered_at ON orders (ordered_at);
VACUUM ANALYZE page_views;
VACUUM ANALYZE orders;

CREATE TABLE bench_data (generator text NOT NULL, page_views bigint, orders bigint);
INSERT INTO bench_data SELECT 'fdw-v2', (SELECT count(*) FROM page_views), (SELECT count(*) FROM orders);
\endif
