-- The result cache of quarry.run: use / refresh / bypass, meta.cached, and every way a stale
-- result stops being served: a formula change, invalidate, an expired TTL, max_age, a committed
-- change to the source's table, a moved "last 24 hours" window, a changed refresh key.
CREATE EXTENSION quarry;

CREATE TABLE cb_orders (id int, country text, revenue numeric, cost numeric, at timestamptz);
INSERT INTO cb_orders VALUES
    (1, 'FR', 10, 4, '2026-10-31 10:00+00'),
    (2, 'DE', 20, 5, '2026-10-31 20:00+00'),
    (3, 'FR', 30, 9, '2026-10-30 12:00+00');
SELECT quarry.create_source('cb', 'cb_orders', '{"time_column": "at",
    "formulas": {"margin": "sum(revenue - cost)"}}');

-- The trigger that tracks committed changes is in place.
SELECT tgname FROM pg_trigger WHERE tgrelid = 'cb_orders'::regclass;

CREATE FUNCTION cb_run(spec jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT (r->'meta'->>'cached') || ' ' || (r->'rows')::text FROM quarry.run(spec) AS r
$$;

-- use: a miss computes and stores, then the same spec is served from the cache.
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["revenue"]}');
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["revenue"]}');
-- The same spec written differently is the same entry.
SELECT cb_run('{"metrics": [{"column": "revenue", "agg": "sum", "as": "revenue"}], "groupby": ["country"], "source": "cb"}');
SELECT (quarry.run('{"source": "cb", "groupby": ["country"], "metrics": ["revenue"]}')->'meta')
       ?& ARRAY['cached', 'age_ms', 'cached_at', 'cache_key', 'expires_at'] AS meta_keys;
SELECT count(*) AS entries, sum(hits) >= 2 AS hits_counted, bool_and(bytes > 0) AS sized,
       bool_and(expires > created) AS expiring FROM quarry.cache_entries;
-- explain says which entry would serve it.
SELECT quarry.explain('{"source": "cb", "groupby": ["country"], "metrics": ["revenue"]}')->'cache'->>'decision' AS decision;

-- bypass computes and stores nothing; refresh computes and stores.
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["cost"], "options": {"cache": "bypass"}}');
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["cost"]}');
SELECT quarry.explain('{"source": "cb", "groupby": ["country"], "metrics": ["cost"], "options": {"cache": "bypass"}}')->'cache'->>'decision' AS bypass;
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["cost"], "options": {"cache": "refresh"}}');
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["cost"]}');

-- max_age: an entry older than it is not served ('0 seconds': never).
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["revenue"], "options": {"max_age": "0 seconds"}}');
SELECT quarry.explain('{"source": "cb", "groupby": ["country"], "metrics": ["revenue"], "options": {"max_age": "0 seconds"}}')->'cache'->>'reason' AS reason;
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["revenue"], "options": {"max_age": "1 hour"}}');

-- An expired entry (TTL) is not served; the recomputed one is.
UPDATE quarry.cache SET expires_at = now() - interval '1 second';
SELECT quarry.explain('{"source": "cb", "groupby": ["country"], "metrics": ["revenue"]}')->'cache'->>'reason' AS reason;
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["revenue"]}');
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["revenue"]}');

-- A committed change to the table: the old result is stale at once, no polling.
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["margin"]}');
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["margin"]}');
INSERT INTO cb_orders VALUES (4, 'DE', 100, 1, '2026-10-31 21:00+00');
SELECT quarry.explain('{"source": "cb", "groupby": ["country"], "metrics": ["margin"]}')->'cache'->>'reason' AS reason;
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["margin"]}');
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["margin"]}');
-- An uncommitted change is not seen by others, and a rolled-back one changes nothing served.
BEGIN;
DELETE FROM cb_orders WHERE id = 4;
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["margin"]}');
ROLLBACK;
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["margin"]}');
TRUNCATE cb_orders;
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["margin"]}');
INSERT INTO cb_orders VALUES
    (1, 'FR', 10, 4, '2026-10-31 10:00+00'),
    (2, 'DE', 20, 5, '2026-10-31 20:00+00'),
    (3, 'FR', 30, 9, '2026-10-30 12:00+00');

-- A formula change bumps the source's version: the old result no longer matches.
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["margin"]}');
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["margin"]}');
SELECT quarry.set_formula('cb', 'margin', 'sum(revenue) - sum(cost) * 2');
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["margin"]}');
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["margin"]}');

-- A moved "last 24 hours" window is another entry (the key holds the resolved bounds).
SELECT cb_run('{"source": "cb", "metrics": ["revenue"], "time": {"range": "last 24 hours"}, "options": {"now": "2026-11-01T00:00:00Z"}}');
SELECT cb_run('{"source": "cb", "metrics": ["revenue"], "time": {"range": "last 24 hours"}, "options": {"now": "2026-11-01T00:00:00Z"}}');
SELECT cb_run('{"source": "cb", "metrics": ["revenue"], "time": {"range": "last 24 hours"}, "options": {"now": "2026-10-31T12:00:00Z"}}');
-- ... and the same bounds written explicitly are the same entry.
SELECT cb_run('{"source": "cb", "metrics": ["revenue"], "time": {"range": ["2026-10-30T12:00:00Z", "2026-10-31T12:00:00Z"]}}');

-- quarry.invalidate drops the source's entries.
SELECT quarry.invalidate('cb') > 0 AS dropped;
SELECT count(*) AS left_for_cb FROM quarry.cache_entries WHERE source = 'cb';
SELECT cb_run('{"source": "cb", "groupby": ["country"], "metrics": ["revenue"]}');
SELECT quarry.invalidate('no_such_source');

-- A refresh key: a changed value stops the old result (checked at most every second).
CREATE TABLE cb_version (v int);
INSERT INTO cb_version VALUES (1);
CREATE VIEW cb_orders_view AS SELECT * FROM cb_orders;
SELECT quarry.create_source('cbv', 'cb_orders_view',
    '{"refresh_key": {"sql": "SELECT max(v) FROM public.cb_version", "every": "1 second"}}');
SELECT cb_run('{"source": "cbv", "metrics": ["revenue"]}');
SELECT cb_run('{"source": "cbv", "metrics": ["revenue"]}');
UPDATE cb_version SET v = 2;
SELECT pg_sleep(1.2);  -- past "every": the refresh key is read again
SELECT quarry.explain('{"source": "cbv", "metrics": ["revenue"]}')->'cache'->>'reason' AS reason;
SELECT cb_run('{"source": "cbv", "metrics": ["revenue"]}');
SELECT cb_run('{"source": "cbv", "metrics": ["revenue"]}');

-- A read-only transaction computes without storing.
BEGIN READ ONLY;
SELECT cb_run('{"source": "cb", "metrics": ["cost"], "filters": [{"column": "country", "op": "=", "value": "FR"}]}');
SELECT cb_run('{"source": "cb", "metrics": ["cost"], "filters": [{"column": "country", "op": "=", "value": "FR"}]}');
ROLLBACK;

-- Nothing is stored for a failed run.
CREATE VIEW cb_failing AS SELECT id, 1 / (id - id) AS x FROM cb_orders;
SELECT count(*) AS before FROM quarry.cache_entries;
SELECT quarry.run('{"source": "cb_failing", "metrics": ["x"]}');
SELECT count(*) AS after FROM quarry.cache_entries;
DROP VIEW cb_failing;

-- Nobody reads the cached results directly.
CREATE ROLE quarry_cb_reader;
SET ROLE quarry_cb_reader;
SELECT count(*) FROM quarry.cache;
SELECT count(*) > 0 AS can_watch FROM quarry.cache_entries;
RESET ROLE;
DROP ROLE quarry_cb_reader;

-- drop_source removes its entries and, when no source uses the table any more, the trigger.
SELECT quarry.drop_source('cb');
SELECT count(*) AS left_for_cb FROM quarry.cache_entries WHERE source = 'cb';
SELECT tgname FROM pg_trigger WHERE tgrelid = 'cb_orders'::regclass;

-- The size bound: above quarry.cache_max_bytes the least recently used entries go.
DELETE FROM quarry.cache;
CREATE TABLE cb_lru AS SELECT i, 'g' || (i % 50) AS g FROM generate_series(1, 1000) AS i;
SET quarry.cache_max_bytes = '4kB';
SELECT left(cb_run('{"source": "cb_lru", "groupby": ["g"], "metrics": ["i"]}'), 5) AS sum_stored;
SELECT left(cb_run('{"source": "cb_lru", "groupby": ["g"], "metrics": [{"column": "i", "agg": "max", "as": "m"}]}'), 5) AS max_stored;
SELECT left(cb_run('{"source": "cb_lru", "groupby": ["g"], "metrics": ["i"]}'), 5) AS sum_used;
SELECT left(cb_run('{"source": "cb_lru", "groupby": ["g"], "metrics": [{"column": "i", "agg": "min", "as": "m"}]}'), 5) AS min_stored;
SELECT left(cb_run('{"source": "cb_lru", "groupby": ["g"], "metrics": ["i"]}'), 5) AS sum_kept;
SELECT left(cb_run('{"source": "cb_lru", "groupby": ["g"], "metrics": [{"column": "i", "agg": "max", "as": "m"}]}'), 5) AS max_evicted;
SELECT count(*) AS entries, sum(bytes) <= 4096 AS within_bound FROM quarry.cache_entries;
RESET quarry.cache_max_bytes;
DROP TABLE cb_lru;

-- DROP EXTENSION takes the triggers with it.
SELECT quarry.create_source('cb2', 'cb_version');
DROP EXTENSION quarry;
SELECT count(*) AS triggers_left FROM pg_trigger WHERE tgname = 'quarry_cache_watch';
DROP FUNCTION cb_run(jsonb);
DROP VIEW cb_orders_view;
DROP TABLE cb_orders, cb_version;
