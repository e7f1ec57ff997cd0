-- bench/worker.sh: the sources and the specs, on the foreign tables remote.page_views and
-- remote.orders (quarry_fdw, MariaDB; bench/fdw_data.mysql.sql). The stored formulas are the
-- demo's (docs/demo.md). Every spec passes the data's fixed now, 2026-11-04T15:30:00Z.

SET client_min_messages = warning;

-- An hour of TTL: no entry expires during a run (the default, 10 minutes, could in the middle of
-- one and turn hits into computations).
SELECT quarry.create_source('page_views', 'remote.page_views', $${
    "time_column": "visited_at", "cache_ttl": "1 hour",
    "formulas": {
        "views": "count(*)",
        "visitors": "count_distinct(visitor_id)",
        "bounce": "if(duration_ms < 5000, 1, 0)",
        "bounce_rate": "sum(bounce) / count(*)"
    }}$$);

SELECT quarry.create_source('orders', 'remote.orders', $${
    "time_column": "ordered_at", "cache_ttl": "1 hour",
    "formulas": {
        "margin": "revenue - cost",
        "margin_pct": "sum(margin) / sum(revenue)",
        "order_count": "count_distinct(order_id)",
        "aov": "sum(revenue) / count_distinct(order_id)"
    }}$$);

CREATE SCHEMA bench;
CREATE TABLE bench.specs (
    name text PRIMARY KEY,
    position int,                -- the widget's place on the dashboard
    dashboard boolean NOT NULL,  -- one of the dashboard's 8 widgets
    spec jsonb NOT NULL
);

-- The spec at options.now = the fixed now minus some seconds (a moved window: a new cache key).
CREATE FUNCTION bench.at_now(spec jsonb, seconds_before int) RETURNS jsonb
LANGUAGE sql IMMUTABLE
RETURN jsonb_set(spec, '{options,now}', to_jsonb(to_char(
    (timestamptz '2026-11-04 15:30:00+00' - seconds_before * interval '1 second') AT TIME ZONE 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS"Z"')));

INSERT INTO bench.specs VALUES
-- The dashboard.
('views_per_day', 1, true, $$
{"source": "page_views", "metrics": ["views"],
 "time": {"range": "last 7 days", "grain": "day", "as": "day"},
 "order": ["day"], "options": {"now": "2026-11-04T15:30:00Z"}}
$$),
('unique_visitors', 2, true, $$
{"source": "page_views",
 "metrics": ["visitors", "views", {"formula": "round(views / visitors, 2)", "as": "views per visitor"}],
 "time": {"range": "last 7 days", "grain": "day", "as": "day"},
 "order": ["day"], "options": {"now": "2026-11-04T15:30:00Z"}}
$$),
('top_pages_24h', 3, true, $$
{"source": "page_views", "groupby": ["site", "uri"],
 "metrics": ["views", "visitors", {"formula": "round(100 * bounce_rate, 1)", "as": "bounce %"}],
 "time": {"range": "last 24 hours"},
 "order": ["-views"], "limit": 10, "options": {"now": "2026-11-04T15:30:00Z"}}
$$),
('country_device', 4, true, $$
{"source": "page_views", "groupby": ["country"],
 "metrics": ["views", {"formula": "count_if(device = 'desktop')", "as": "desktop"},
             {"formula": "count_if(device = 'mobile')", "as": "mobile"},
             {"formula": "count_if(device = 'tablet')", "as": "tablet"},
             {"formula": "round(100 * count_if(device = 'mobile') / views, 1)", "as": "mobile %"}],
 "time": {"range": "last month"},
 "order": ["-views"], "limit": 10, "options": {"now": "2026-11-04T15:30:00Z"}}
$$),
('bounce_by_browser', 5, true, $$
{"source": "page_views", "groupby": ["browser"],
 "metrics": ["views", {"formula": "round(100 * bounce_rate, 1)", "as": "bounce %"},
             {"formula": "round(avg(duration_ms) / 1000, 1)", "as": "avg seconds"}],
 "time": {"range": "last 30 days"},
 "order": ["-views"], "options": {"now": "2026-11-04T15:30:00Z"}}
$$),
-- A live widget: the window moves with now, so a dashboard refreshing it computes it again.
('live_per_minute', 6, true, $$
{"source": "page_views", "metrics": ["views"],
 "time": {"range": "last 60 minutes", "grain": "minute", "as": "minute"},
 "order": ["minute"], "options": {"now": "2026-11-04T15:30:00Z"}}
$$),
('revenue_margin', 7, true, $$
{"source": "orders", "groupby": ["category"],
 "metrics": ["revenue", "cost", {"formula": "round(100 * margin_pct, 1)", "as": "margin %"}],
 "filters": [{"column": "status", "op": "not_in", "values": ["cancelled", "refunded"]},
             {"column": "category", "op": "in", "values": ["books", "electronics"]}],
 "time": {"range": "last 12 months", "grain": "month", "timezone": "Europe/Paris", "as": "month"},
 "order": ["month", "category"], "options": {"now": "2026-11-04T15:30:00Z"}}
$$),
('top_customers', 8, true, $$
{"source": "orders", "groupby": ["customer_id", "country"],
 "metrics": ["revenue", "order_count", {"formula": "round(aov, 2)", "as": "avg order"}],
 "filters": [{"formula": "status != 'cancelled'"}],
 "having": [{"metric": "order_count", "op": ">=", "value": 5}],
 "time": {"range": "year to date"},
 "order": ["-revenue"], "limit": 10, "options": {"now": "2026-11-04T15:30:00Z"}}
$$),
-- Part "hit": a 100-row result over (almost) the whole table.
('top_100_pages', NULL, false, $$
{"source": "page_views", "groupby": ["site", "uri"],
 "metrics": ["views", {"column": "duration_ms", "agg": "avg", "as": "avg_ms"}],
 "time": {"range": "last 90 days"},
 "order": ["-views", "site", "uri"], "limit": 100, "options": {"now": "2026-11-04T15:30:00Z"}}
$$),
-- Part "supersede": a job that keeps MariaDB busy for seconds; MARKER becomes a number unique
-- to the trial (bench/supersede_timer.c), which finds its statement in the processlist.
('supersede_old', NULL, false, $$
{"source": "page_views", "metrics": ["visitors"],
 "filters": [{"column": "uri", "op": "!=", "value": "MARKER"}],
 "options": {"cache": "bypass", "now": "2026-11-04T15:30:00Z"}}
$$);
