-- bench/fdw.sh: the dashboard queries, each as a hand-written MySQL query (what the MariaDB
-- client runs directly) and as the PostgreSQL query a BI tool sends to the foreign tables (and
-- that psql runs directly on the Redshift stand-in). The benchmark's "now" is 2026-11-04
-- 15:30:00; the time ranges are literals so that every run asks the same question.
--
-- Format (read by bench/fdw.sh): "-- name: <name> (<kind>)" opens a query, kind is aggregate,
-- lookup or fetch; then "-- mysql:" and "-- postgres:" each followed by one statement on the
-- lines up to the next marker. The targets compare "aggregate" queries.

-- name: views_per_day (aggregate)
-- Page views per day, last 7 days.
-- mysql:
SELECT DATE(visited_at) AS day, COUNT(*) AS views
FROM page_views
WHERE visited_at >= '2026-10-28 00:00:00' AND visited_at < '2026-11-04 00:00:00'
GROUP BY DATE(visited_at)
ORDER BY day
-- postgres:
SELECT date_trunc('day', visited_at) AS day, count(*) AS views
FROM page_views
WHERE visited_at >= '2026-10-28 00:00:00' AND visited_at < '2026-11-04 00:00:00'
GROUP BY 1
ORDER BY 1

-- name: unique_visitors (aggregate)
-- Unique visitors, last 30 days (COUNT DISTINCT).
-- mysql:
SELECT COUNT(DISTINCT visitor_id) AS visitors
FROM page_views
WHERE visited_at >= '2026-10-05 00:00:00' AND visited_at < '2026-11-04 00:00:00'
-- postgres:
SELECT count(DISTINCT visitor_id) AS visitors
FROM page_views
WHERE visited_at >= '2026-10-05 00:00:00' AND visited_at < '2026-11-04 00:00:00'

-- name: top_pages_24h (aggregate)
-- Top pages, last 24 hours (ORDER BY count DESC LIMIT 10).
-- mysql:
SELECT site, uri, COUNT(*) AS views
FROM page_views
WHERE visited_at >= '2026-11-03 15:30:00' AND visited_at < '2026-11-04 15:30:00'
GROUP BY site, uri
ORDER BY views DESC
LIMIT 10
-- postgres:
SELECT site, uri, count(*) AS views
FROM page_views
WHERE visited_at >= '2026-11-03 15:30:00' AND visited_at < '2026-11-04 15:30:00'
GROUP BY site, uri
ORDER BY views DESC
LIMIT 10

-- name: country_device (aggregate)
-- Views by country and device, last month (October).
-- mysql:
SELECT country, device, COUNT(*) AS views
FROM page_views
WHERE visited_at >= '2026-10-01 00:00:00' AND visited_at < '2026-11-01 00:00:00'
GROUP BY country, device
ORDER BY country, device
-- postgres:
SELECT country, device, count(*) AS views
FROM page_views
WHERE visited_at >= '2026-10-01 00:00:00' AND visited_at < '2026-11-01 00:00:00'
GROUP BY country, device
ORDER BY country, device

-- name: bounce_by_browser (aggregate)
-- Bounce rate by browser, last 30 days (CASE inside an aggregate).
-- mysql:
SELECT browser, COUNT(*) AS views,
       AVG(CASE WHEN duration_ms < 5000 THEN 1 ELSE 0 END) AS bounce_rate
FROM page_views
WHERE visited_at >= '2026-10-05 00:00:00' AND visited_at < '2026-11-04 00:00:00'
GROUP BY browser
ORDER BY views DESC
-- postgres:
SELECT browser, count(*) AS views,
       avg(CASE WHEN duration_ms < 5000 THEN 1 ELSE 0 END) AS bounce_rate
FROM page_views
WHERE visited_at >= '2026-10-05 00:00:00' AND visited_at < '2026-11-04 00:00:00'
GROUP BY browser
ORDER BY views DESC

-- name: revenue_per_month (aggregate)
-- Revenue, cost and margin per month and category, last 12 months.
-- mysql:
SELECT DATE_FORMAT(ordered_at, '%Y-%m-01') AS month, category,
       SUM(revenue) AS revenue, SUM(cost) AS cost, SUM(revenue - cost) / SUM(revenue) AS margin
FROM orders
WHERE ordered_at >= '2025-11-01 00:00:00' AND ordered_at < '2026-11-01 00:00:00'
GROUP BY 1, 2
ORDER BY 1, 2
-- postgres:
SELECT date_trunc('month', ordered_at) AS month, category,
       sum(revenue) AS revenue, sum(cost) AS cost, sum(revenue - cost) / sum(revenue) AS margin
FROM orders
WHERE ordered_at >= '2025-11-01 00:00:00' AND ordered_at < '2026-11-01 00:00:00'
GROUP BY 1, 2
ORDER BY 1, 2

-- name: text_filter (aggregate)
-- One page's views by device, all time: a filter on a text column (uri has an index).
-- mysql:
SELECT device, COUNT(*) AS views, AVG(duration_ms) AS avg_ms
FROM page_views
WHERE uri = '/careers'
GROUP BY device
ORDER BY device
-- postgres:
SELECT device, count(*) AS views, avg(duration_ms) AS avg_ms
FROM page_views
WHERE uri = '/careers'
GROUP BY device
ORDER BY device

-- name: top_customers_having (aggregate)
-- Customers with at least 60 orders that were not cancelled, by revenue (HAVING).
-- mysql:
SELECT customer_id, COUNT(*) AS orders, SUM(revenue) AS revenue
FROM orders
WHERE status <> 'cancelled'
GROUP BY customer_id
HAVING COUNT(*) >= 60
ORDER BY revenue DESC
LIMIT 10
-- postgres:
SELECT customer_id, count(*) AS orders, sum(revenue) AS revenue
FROM orders
WHERE status <> 'cancelled'
GROUP BY customer_id
HAVING count(*) >= 60
ORDER BY revenue DESC
LIMIT 10

-- name: superset_top_days (aggregate)
-- Superset's shape: the busiest days of the last 30 (__timestamp, ORDER BY the metric, LIMIT).
-- mysql:
SELECT DATE(visited_at) AS __timestamp, COUNT(*) AS count
FROM page_views
WHERE visited_at >= '2026-10-05 00:00:00' AND visited_at < '2026-11-04 00:00:00'
GROUP BY DATE(visited_at)
ORDER BY count DESC
LIMIT 10
-- postgres:
SELECT date_trunc('day', visited_at) AS __timestamp, count(*) AS count
FROM page_views
WHERE visited_at >= '2026-10-05 00:00:00' AND visited_at < '2026-11-04 00:00:00'
GROUP BY date_trunc('day', visited_at)
ORDER BY count DESC
LIMIT 10

-- name: latest_100 (lookup)
-- The 100 latest page views: the index trap (visited_at is NOT NULL and indexed).
-- mysql:
SELECT * FROM page_views ORDER BY visited_at DESC LIMIT 100
-- postgres:
SELECT * FROM page_views ORDER BY visited_at DESC LIMIT 100

-- name: fetch_1m (fetch)
-- 1,000,000 rows, every column, to the client (a primary-key range).
-- mysql:
SELECT * FROM page_views WHERE id > 4000000 AND id <= 5000000
-- postgres:
SELECT * FROM page_views WHERE id > 4000000 AND id <= 5000000
