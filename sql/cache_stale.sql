-- Serving stale results while a background job refreshes them (docs/cache.md, "Serving stale
-- results"): an entry past its TTL but within its source's serve_stale window is served at once
-- with meta.stale, and one background job recomputes it. The primary preloads quarry
-- (scripts/servers.sh), so the worker runs the refreshes. No timing: entries are made old by
-- moving their times back, and the test waits on jobs (quarry.wait, or their state).
CREATE EXTENSION quarry;
\set VERBOSITY terse

CREATE TABLE cs_orders (id int, country text, revenue numeric, cost numeric);
INSERT INTO cs_orders VALUES (1, 'FR', 10, 4), (2, 'DE', 20, 5), (3, 'FR', 30, 9);
-- Granted now: a GRANT moves the table's definition fingerprint, hence the cache keys.
CREATE ROLE cs_nosel;
CREATE ROLE cs_reader;
CREATE ROLE cs_reader2;
GRANT SELECT ON cs_orders TO cs_reader, cs_reader2;

-- options.serve_stale: a duration, or false.
SELECT quarry.create_source('cs_bad', 'cs_orders', '{"serve_stale": "soon"}');
SELECT quarry.create_source('cs_bad', 'cs_orders', '{"serve_stale": true}');
SELECT quarry.create_source('cs_bad', 'cs_orders', '{"serve_stale": "0 seconds"}');
SELECT quarry.create_source('cs', 'cs_orders', '{"cache_ttl": "10 minutes", "serve_stale": "1 hour",
    "formulas": {"margin": "sum(revenue - cost)"}}');
SHOW quarry.serve_stale;

CREATE FUNCTION cs_run(spec jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT concat_ws(' ', 'cached=' || (r->'meta'->>'cached'),
                     'stale=' || coalesce(r->'meta'->>'stale', 'false'), (r->'rows')::text)
    FROM quarry.run(spec) AS r
$$;
CREATE FUNCTION cs_explain(spec jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT concat_ws(' | ', c->>'decision', c->>'reason', c->>'refresh')
    FROM (SELECT quarry.explain(spec)->'cache' AS c) AS e
$$;
-- Moves an entry's times back, as if computed `age` ago (its TTL and stale window unchanged).
CREATE FUNCTION cs_make_old(p_key text, age interval) RETURNS void LANGUAGE sql AS $$
    UPDATE quarry.cache SET created_at = now() - age,
                            expires_at = expires_at - (created_at - (now() - age)),
                            stale_until = stale_until - (created_at - (now() - age))
    WHERE key = p_key
$$;
-- The refresh jobs of an entry.
CREATE FUNCTION cs_refreshes(p_key text) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM quarry.job_queue WHERE refresh_of = p_key
$$;

\set spec '{"source": "cs", "groupby": ["country"], "metrics": ["revenue"], "order": ["country"]}'
SELECT cs_run(:'spec');
SELECT cs_run(:'spec');
SELECT quarry.explain(:'spec')->'cache'->>'key' AS key \gset
SELECT stale_until = expires + interval '1 hour' AS kept_an_hour_past_ttl
FROM quarry.cache_entries WHERE key = :'key';

-- Expired a minute ago, within the hour: served stale at once, and one refresh is queued.
SELECT cs_make_old(:'key', '11 minutes');
SELECT cs_explain(:'spec');
BEGIN;
SELECT quarry.run(:'spec') AS r \gset
SELECT (:'r'::jsonb)->'meta'->>'refresh_job' AS job \gset
SELECT (:'r'::jsonb)->'rows' AS rows, (:'r'::jsonb)->'meta'->'stale' AS stale,
       (:'r'::jsonb)->'meta'->'cached' AS cached, ((:'r'::jsonb)->'meta'->>'age_ms')::float > 600000 AS age_shown,
       (:'r'::jsonb)->'meta'->>'cache_key' = :'key' AS same_entry;
-- Further stale hits do not queue another refresh: they name the same job.
SELECT (quarry.run(:'spec')->'meta'->>'refresh_job') = :'job' AS same_job;
SELECT cs_explain(:'spec');
SELECT quarry.explain(:'spec')->'cache'->>'refresh_job' = :'job' AS explain_names_job;
SELECT cs_refreshes(:'key') AS refresh_jobs;
COMMIT;
SELECT priority, tenant, role, channel FROM quarry.jobs WHERE id = :job;
-- The refresh computed (meta.cached false) and stored a fresh entry that replaces the stale one.
SELECT quarry.wait(:job, 60000)->'meta'->>'cached' AS refresh_cached;
SELECT state FROM quarry.jobs WHERE id = :job;
SELECT cs_run(:'spec');
SELECT count(*) AS entries, bool_and(NOT expired) AS fresh, bool_and(created > now() - interval '1 minute') AS recomputed
FROM quarry.cache_entries WHERE key = :'key';

-- A refresh running: stale hits meanwhile name it and queue nothing. The refresh of this view
-- waits on an advisory lock held here, so it stays running until it is released.
CREATE VIEW cs_gated AS
    SELECT o.* FROM cs_orders AS o, LATERAL (SELECT pg_advisory_xact_lock_shared(717072)) AS gate;
SELECT quarry.create_source('csg', 'cs_gated', '{"serve_stale": "1 hour"}');
\set gspec '{"source": "csg", "metrics": ["revenue"]}'
SELECT cs_run(:'gspec');
SELECT quarry.explain(:'gspec')->'cache'->>'key' AS gkey \gset
SELECT cs_make_old(:'gkey', '11 minutes');
SELECT pg_advisory_lock(717072);
SELECT quarry.run(:'gspec')->'meta'->>'refresh_job' AS gjob \gset
DO $$
BEGIN
    FOR i IN 1..1200 LOOP
        EXIT WHEN EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 717072
                                                  AND NOT granted);
        PERFORM pg_sleep(0.05);
    END LOOP;
END
$$;
SELECT state FROM quarry.jobs WHERE id = :gjob;
SELECT cs_run(:'gspec');
SELECT (quarry.run(:'gspec')->'meta'->>'refresh_job') = :'gjob' AS same_job;
SELECT cs_explain(:'gspec');
SELECT cs_refreshes(:'gkey') AS refresh_jobs;
SELECT pg_advisory_unlock(717072);
SELECT quarry.wait(:gjob, 60000)->'rows' AS refreshed_rows;
SELECT cs_run(:'gspec');

-- options.max_age bounds the age of what is served, stale or not.
SELECT cs_make_old(:'key', '11 minutes');
SELECT cs_explain('{"source": "cs", "groupby": ["country"], "metrics": ["revenue"], "order": ["country"], "options": {"max_age": "5 minutes"}}');
SELECT cs_run('{"source": "cs", "groupby": ["country"], "metrics": ["revenue"], "order": ["country"], "options": {"max_age": "5 minutes"}}');
SELECT cs_refreshes(:'key') AS refresh_jobs;
SELECT cs_make_old(:'key', '11 minutes');
SELECT quarry.run('{"source": "cs", "groupby": ["country"], "metrics": ["revenue"], "order": ["country"], "options": {"max_age": "1 hour"}}')->'meta' AS m \gset
SELECT (:'m'::jsonb)->'stale' AS stale_within_max_age;
SELECT quarry.wait(((:'m'::jsonb)->>'refresh_job')::bigint, 60000)->'meta'->>'cached' AS refresh_cached;
-- The refresh ran the spec without its max_age, as "refresh".
SELECT spec->'options' AS refresh_options FROM quarry.job_queue WHERE id = ((:'m'::jsonb)->>'refresh_job')::bigint;

-- Expired longer ago than the window: computed.
SELECT cs_make_old(:'key', '2 hours');
SELECT cs_explain(:'spec');
SELECT cs_run(:'spec');

-- A read-only transaction cannot queue the refresh: it computes.
SELECT cs_make_old(:'key', '11 minutes');
BEGIN READ ONLY;
SELECT cs_explain(:'spec');
SELECT cs_run(:'spec');
ROLLBACK;
SELECT cs_refreshes(:'key') AS refresh_jobs;

-- Privileges: a role without SELECT gets its permission error, never the stale entry; a role
-- with SELECT gets it, and the refresh runs as that role (and its tenant). A role that hits the
-- entry while another role's refresh is pending queues none and is not told the job.
SET ROLE cs_nosel;
SELECT cs_explain(:'spec');
SELECT cs_run(:'spec');
RESET ROLE;
SELECT cs_refreshes(:'key') AS refresh_jobs;
BEGIN;
SET LOCAL ROLE cs_reader;
SET LOCAL quarry.tenant = 'acme';
SELECT quarry.run(:'spec')->'meta' AS m \gset
SELECT (:'m'::jsonb)->'stale' AS stale, (:'m'::jsonb)->>'refresh_job' IS NOT NULL AS told_job;
SET LOCAL ROLE cs_reader2;
SELECT quarry.run(:'spec')->'meta' AS m2 \gset
SELECT (:'m2'::jsonb)->'stale' AS stale, (:'m2'::jsonb)->'refresh_job' AS job_of_another_role;
SELECT c->>'refresh' AS refresh, c ? 'refresh_job' AS explain_names_job
FROM (SELECT quarry.explain(:'spec')->'cache' AS c) AS e;
COMMIT;
SELECT cs_refreshes(:'key') AS refresh_jobs;
SELECT role, tenant, priority FROM quarry.jobs WHERE id = ((:'m'::jsonb)->>'refresh_job')::bigint;
SELECT quarry.wait(((:'m'::jsonb)->>'refresh_job')::bigint, 60000)->'rows' AS refreshed_rows;

-- Nothing stale is served across a change of the data, of the definition, or an invalidate.
SELECT cs_make_old(:'key', '11 minutes');
INSERT INTO cs_orders VALUES (4, 'DE', 1, 1);
SELECT cs_explain(:'spec');
SELECT cs_run(:'spec');
\set mspec '{"source": "cs", "metrics": ["margin"]}'
SELECT cs_run(:'mspec');
SELECT cs_make_old(quarry.explain(:'mspec')->'cache'->>'key', '11 minutes');
SELECT quarry.set_formula('cs', 'margin', 'sum(revenue) - sum(cost) * 2');
SELECT cs_run(:'mspec');
SELECT quarry.explain(:'spec')->'cache'->>'key' AS key \gset
SELECT cs_make_old(:'key', '11 minutes');
SELECT quarry.invalidate('cs') > 0 AS invalidated;
SELECT cs_explain(:'spec');
SELECT cs_run(:'spec');

-- Eviction keeps an expired entry until stale_until, and drops it after.
SELECT cs_make_old(:'key', '11 minutes');
SELECT cs_run('{"source": "cs", "metrics": ["cost"]}');  -- stores: runs the eviction
SELECT count(*) AS kept FROM quarry.cache_entries WHERE key = :'key';
UPDATE quarry.cache SET stale_until = expires_at WHERE key = :'key';
SELECT cs_run('{"source": "cs", "metrics": ["cost"], "limit": 1}');
SELECT count(*) AS kept FROM quarry.cache_entries WHERE key = :'key';

-- quarry.serve_stale is the window of sources without the option and of plain relations;
-- "serve_stale": false turns it off for one source.
SELECT quarry.create_source('cs_never', 'cs_orders', '{"serve_stale": false}');
SET quarry.serve_stale = '30min';
\set pspec '{"source": "cs_orders", "metrics": ["revenue"]}'
\set nspec '{"source": "cs_never", "metrics": ["revenue"]}'
SELECT cs_run(:'pspec'), cs_run(:'nspec');
SELECT cs_make_old(quarry.explain(:'pspec')->'cache'->>'key', '11 minutes'),
       cs_make_old(quarry.explain(:'nspec')->'cache'->>'key', '11 minutes');
SELECT cs_explain(:'nspec');
SELECT cs_run(:'nspec');
SELECT quarry.run(:'pspec')->'meta' AS m \gset
SELECT (:'m'::jsonb)->'stale' AS stale;
SELECT quarry.wait(((:'m'::jsonb)->>'refresh_job')::bigint, 60000)->'rows' AS refreshed_rows;
-- The worker's own quarry.serve_stale is 0, yet the refreshed entry keeps the 30 minutes.
SELECT stale_until = expires + interval '30 minutes' AS window_kept
FROM quarry.cache_entries WHERE key = quarry.explain(:'pspec')->'cache'->>'key';
RESET quarry.serve_stale;

-- options.cache "refresh" and "bypass" never serve stale.
SELECT cs_make_old(quarry.explain(:'pspec')->'cache'->>'key', '11 minutes');
SET quarry.serve_stale = '30min';
SELECT cs_run('{"source": "cs_orders", "metrics": ["revenue"], "options": {"cache": "bypass"}}');
SELECT cs_run('{"source": "cs_orders", "metrics": ["revenue"], "options": {"cache": "refresh"}}');
RESET quarry.serve_stale;

SELECT quarry.drop_source('cs_never');
SELECT quarry.drop_source('csg');
SELECT quarry.drop_source('cs');
DROP VIEW cs_gated;
DROP TABLE cs_orders;
DROP ROLE cs_nosel;
DROP ROLE cs_reader;
DROP ROLE cs_reader2;
DROP FUNCTION cs_run(jsonb);
DROP FUNCTION cs_explain(jsonb);
DROP FUNCTION cs_make_old(text, interval);
DROP FUNCTION cs_refreshes(text);
DROP EXTENSION quarry;
