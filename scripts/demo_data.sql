-- quarry demo: the dataset. Included by scripts/demo.sql (psql), which sets :demo_now.
--
-- A web-analytics platform's two tables, generated in SQL in a few seconds and identical on
-- every run: every "random" draw is a hash of the row number and a per-attribute seed
-- (hashint8extended), never random(). Timestamps lie before the fixed demo "now" (:demo_now),
-- the instant every dashboard spec passes as options.now.
--
--   demo.page_views  1,000,000 page views over the 90 days before now
--   demo.orders        200,000 orders over the 400 days before now

CREATE SCHEMA demo;

-- A uniform draw in [0, 1) for row i and attribute seed: 52 bits of a 64-bit hash.
CREATE FUNCTION demo.draw(i bigint, seed bigint) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (hashint8extended(i, seed) & 4503599627370495)::double precision / 4503599627370496;

-- Weighted choices: a value repeated `weight` times, so that a uniform index into the array
-- picks each value with probability weight / sum(weights).
CREATE FUNCTION demo.weighted(choices text[], weights int[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE
    RETURN (SELECT array_agg(c ORDER BY n, k)
            FROM unnest(choices, weights) WITH ORDINALITY AS t(c, w, n),
                 generate_series(1, w) AS k);

CREATE FUNCTION demo.pick(choices text[], u double precision) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN choices[1 + floor(u * cardinality(choices))::int];

-- Instants in the `days` days before `demo_now` for the row numbers 1..n, using the draws of
-- seeds seed .. seed + 4:
--   - traffic grows over the period: the density at the end is twice the density at the start;
--   - the time of day is a triangle peaking at 14:00 UTC (office hours in Europe, morning in the
--     Americas);
--   - weekends are quieter: a third of Saturday's and Sunday's row numbers are skipped, as are
--     those that would fall after `demo_now` on the current day. So about 90% of 1..n come out;
--     callers draw more than they need and take the first ones.
-- Computed on epoch seconds (bigint): timestamp functions would make the generation slower.
CREATE FUNCTION demo.instants(demo_now timestamptz, days int, n bigint, seed bigint)
    RETURNS TABLE (i bigint, t timestamptz)
    LANGUAGE sql STABLE
    AS $$
    WITH now_epoch AS (
        SELECT extract(epoch FROM demo_now)::bigint AS e
    ),
    drawn AS (
        SELECT k, e,
               floor((e - days * 86400 * CASE WHEN demo.draw(k, seed) < 1.0 / 3
                                              THEN 1 - sqrt(demo.draw(k, seed + 1))
                                              ELSE 1 - demo.draw(k, seed + 1) END) / 86400)::bigint
               * 86400
               + ((demo.draw(k, seed + 2) + demo.draw(k, seed + 3)) / 2 * 86400 + 2 * 3600)::bigint
                 % 86400 AS t
        FROM generate_series(1, n) AS k, now_epoch
        OFFSET 0  -- computes t once per row: a flattened subquery would repeat it per use
    )
    SELECT k, to_timestamp(t)
    FROM drawn
    -- 1970-01-01 was a Thursday: (day number + 3) % 7 is 5 on Saturdays and 6 on Sundays.
    WHERE t < e AND ((t / 86400 + 3) % 7 < 5 OR demo.draw(k, seed + 4) >= 0.35)
$$;

CREATE TABLE demo.page_views (
    id bigint NOT NULL,           -- the primary key is added after the load (faster)
    site text NOT NULL,
    uri text NOT NULL,
    visitor_id bigint NOT NULL,
    browser text NOT NULL,
    device text NOT NULL,
    country text NOT NULL,
    referrer text,                  -- NULL: a direct visit
    visited_at timestamptz NOT NULL,
    duration_ms integer NOT NULL
);

CREATE TABLE demo.orders (
    order_id bigint NOT NULL,
    ordered_at timestamptz NOT NULL,
    customer_id bigint NOT NULL,
    country text NOT NULL,
    product_category text NOT NULL,
    quantity integer NOT NULL,
    unit_price numeric(10, 2) NOT NULL,
    revenue numeric(12, 2) NOT NULL,
    cost numeric(12, 2) NOT NULL,
    status text NOT NULL
);

-- JIT compilation would take longer than the expressions it compiles.
SET jit = off;

SELECT clock_timestamp() AS demo_t0 \gset

-- Each site has a handful of popular pages and a long tail; popularity is a power law
-- (1 + floor(pages * u^3): page 1 gets a fifth of the site's views).
WITH choices AS (
    SELECT demo.weighted('{US,FR,DE,GB,IN,BR,CA,ES,IT,NL,JP,PL,SE,AU,MX,BE,CH,PT,IE,KR}',
                         '{30,12,10,9,7,5,5,4,4,3,3,2,2,2,2,1,1,1,1,1}') AS countries,
           demo.weighted('{NULL,google.com,news.ycombinator.com,t.co,linkedin.com,bing.com,'
                         'duckduckgo.com,reddit.com,newsletter}',  -- NULL: a direct visit
                         '{38,34,6,6,5,4,3,2,2}') AS referrers,
           demo.weighted('{Chrome,Edge,Firefox,Safari,Opera}', '{62,16,12,8,2}') AS desktop,
           demo.weighted('{Chrome,Safari,Samsung Internet,Firefox}', '{55,33,8,4}') AS mobile,
           demo.weighted('{Safari,Chrome,Samsung Internet}', '{60,30,10}') AS tablet,
           '{/,/pricing,/features,/signup,/login,/integrations,/customers,/about,/contact,'
           '/careers}'::text[] AS www,
           '{/blog,/blog/dashboards-that-load-fast,/blog/formulas-101,/blog/cohort-analysis,'
           '/blog/one-spec-three-dialects,/blog/caching-results}'::text[] AS blog,
           '{/docs,/docs/quickstart,/docs/formulas,/docs/time-ranges,/docs/api,/docs/dialects,'
           '/docs/sources}'::text[] AS docs
),
draws AS (
    SELECT i,
           demo.draw(i, 1) AS u_site, demo.draw(i, 2) AS u_page, demo.draw(i, 3) AS u_visitor,
           demo.draw(i, 4) AS u_device, demo.draw(i, 5) AS u_browser, demo.draw(i, 6) AS u_country,
           demo.draw(i, 7) AS u_referrer, demo.draw(i, 8) AS u_duration, t AS visited_at
    FROM demo.instants(:'demo_now', 90, 1150000, 9)
    LIMIT 1000000  -- also computes each draw once per row (no flattening of the subquery)
),
shaped AS (
    SELECT d.*,
           CASE WHEN u_site < 0.6 THEN 'www.example.com'
                WHEN u_site < 0.85 THEN 'blog.example.com'
                ELSE 'docs.example.com' END AS site,
           1 + floor(60 * u_page ^ 3)::int AS page,
           CASE WHEN u_device < 0.56 THEN 'desktop' WHEN u_device < 0.94 THEN 'mobile'
                ELSE 'tablet' END AS device
    FROM draws AS d
    OFFSET 0
)
INSERT INTO demo.page_views
SELECT i, site,
       CASE site
           WHEN 'www.example.com' THEN coalesce(c.www[page], '/templates/' || page)
           WHEN 'blog.example.com' THEN coalesce(c.blog[page], '/blog/post-' || page)
           ELSE coalesce(c.docs[page], '/docs/page-' || page) END,
       -- 150,000 visitors, a few of them very active.
       1 + floor(150000 * u_visitor ^ 1.3)::bigint,
       demo.pick(CASE device WHEN 'desktop' THEN c.desktop WHEN 'mobile' THEN c.mobile
                             ELSE c.tablet END, u_browser),
       device,
       demo.pick(c.countries, u_country),
       demo.pick(c.referrers, u_referrer),
       visited_at,
       -- Log-uniform from 0.8 s to 72 s; shorter on phones and on the blog.
       floor(800 * exp(4.5 * u_duration)
             * CASE device WHEN 'mobile' THEN 0.75 WHEN 'tablet' THEN 0.9 ELSE 1 END
             * CASE site WHEN 'blog.example.com' THEN 0.8 ELSE 1 END)::int
FROM shaped, choices AS c;

ALTER TABLE demo.page_views ADD PRIMARY KEY (id);
CREATE INDEX ON demo.page_views (visited_at);

SELECT clock_timestamp() AS demo_t1 \gset

-- 60,000 customers; each keeps their country; a few of them order a lot.
WITH categories(category, weight, low, high, cost_ratio) AS (
    VALUES ('books', 22, 8, 45, 0.55), ('electronics', 18, 40, 900, 0.78),
           ('home', 16, 15, 250, 0.60), ('clothing', 14, 12, 120, 0.45),
           ('games', 12, 20, 70, 0.65), ('sports', 8, 15, 300, 0.60),
           ('beauty', 6, 6, 80, 0.40), ('toys', 4, 10, 90, 0.50)
),
choices AS (
    SELECT demo.weighted('{US,FR,DE,GB,IN,BR,CA,ES,IT,NL,JP,PL,SE,AU,MX,BE,CH,PT,IE,KR}',
                         '{30,12,10,9,7,5,5,4,4,3,3,2,2,2,2,1,1,1,1,1}') AS countries,
           (SELECT demo.weighted(array_agg(category ORDER BY category),
                                 array_agg(weight ORDER BY category))
            FROM categories) AS categories,
           demo.weighted('{delivered,shipped,paid,cancelled,refunded}', '{72,9,5,9,5}') AS statuses
),
drawn AS (
    SELECT i, t AS ordered_at,
           1 + floor(60000 * demo.draw(i, 26) ^ 1.5)::bigint AS customer_id,
           demo.pick(c.categories, demo.draw(i, 27)) AS category,
           1 + floor(6 * demo.draw(i, 28) ^ 3)::int AS quantity,
           demo.draw(i, 29) AS u_price, demo.draw(i, 30) AS u_cost,
           demo.pick(c.statuses, demo.draw(i, 31)) AS status,
           c.countries
    FROM (SELECT * FROM demo.instants(:'demo_now', 400, 230000, 21) LIMIT 200000) AS s,
         choices AS c
    OFFSET 0
),
priced AS (
    SELECT d.*, k.cost_ratio,
           floor(k.low + (k.high - k.low) * u_price ^ 2)::numeric + 0.99 AS unit_price
    FROM drawn AS d JOIN categories AS k ON k.category = d.category
    OFFSET 0
)
INSERT INTO demo.orders
SELECT i, ordered_at, customer_id, demo.pick(countries, demo.draw(customer_id, 32)), category,
       quantity, unit_price, quantity * unit_price,
       round(quantity * unit_price * (cost_ratio + 0.16 * (u_cost - 0.5))::numeric, 2), status
FROM priced
ORDER BY i;

ALTER TABLE demo.orders ADD PRIMARY KEY (order_id);
CREATE INDEX ON demo.orders (ordered_at);

ANALYZE demo.page_views;
ANALYZE demo.orders;

SELECT clock_timestamp() AS demo_t2 \gset
