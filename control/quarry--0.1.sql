-- quarry 0.1: the catalog of sources and the SQL functions of the translation engine.
\echo Use "CREATE EXTENSION quarry" to load this file. \quit

CREATE SCHEMA quarry;
GRANT USAGE ON SCHEMA quarry TO PUBLIC;

-- The catalog. Readable by everyone; written only by the functions below, which check the
-- caller's rights themselves and write as the extension's owner (docs/quickstart.md,
-- "Who may change a source").
CREATE TABLE quarry.sources (
    name text PRIMARY KEY,
    relation regclass NOT NULL,
    options jsonb NOT NULL DEFAULT '{}',   -- time_column, cache_ttl, refresh_key
    owner regrole NOT NULL DEFAULT current_user::regrole,
    version bigint NOT NULL DEFAULT 1,     -- bumped by every change of a definition
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE quarry.formulas (
    source text NOT NULL REFERENCES quarry.sources (name) ON DELETE CASCADE ON UPDATE CASCADE,
    name text NOT NULL,
    formula text NOT NULL,
    PRIMARY KEY (source, name)
);

-- pg_dump keeps the rows of extension tables only when they are declared configuration.
SELECT pg_catalog.pg_extension_config_dump('quarry.sources', '');
SELECT pg_catalog.pg_extension_config_dump('quarry.formulas', '');

REVOKE ALL ON quarry.sources, quarry.formulas FROM PUBLIC;
GRANT SELECT ON quarry.sources, quarry.formulas TO PUBLIC;

-- Translation and local execution. All SECURITY INVOKER: a spec reads data with the rights of
-- whoever runs it.
CREATE FUNCTION quarry.translate(spec jsonb, dialect text DEFAULT NULL)
    RETURNS text
    AS 'MODULE_PATHNAME', 'quarry_translate'
    LANGUAGE C STABLE;

CREATE FUNCTION quarry.explain(spec jsonb)
    RETURNS jsonb
    AS 'MODULE_PATHNAME', 'quarry_explain'
    LANGUAGE C STABLE STRICT;

CREATE FUNCTION quarry.run(spec jsonb)
    RETURNS jsonb
    AS 'MODULE_PATHNAME', 'quarry_run'
    LANGUAGE C VOLATILE STRICT;

-- Sources. Not STRICT: a NULL argument is an error (22004), not a silent no-op.
CREATE FUNCTION quarry.create_source(name text, relation regclass, options jsonb DEFAULT '{}')
    RETURNS void
    AS 'MODULE_PATHNAME', 'quarry_create_source'
    LANGUAGE C VOLATILE;

CREATE FUNCTION quarry.set_formula(source text, name text, formula text)
    RETURNS void
    AS 'MODULE_PATHNAME', 'quarry_set_formula'
    LANGUAGE C VOLATILE;

CREATE FUNCTION quarry.drop_formula(source text, name text)
    RETURNS void
    AS 'MODULE_PATHNAME', 'quarry_drop_formula'
    LANGUAGE C VOLATILE;

CREATE FUNCTION quarry.drop_source(name text)
    RETURNS void
    AS 'MODULE_PATHNAME', 'quarry_drop_source'
    LANGUAGE C VOLATILE;

-- quarry_fdw: the foreign-data wrapper (docs/fdw.md).
CREATE FUNCTION quarry.fdw_handler()
    RETURNS fdw_handler
    AS 'MODULE_PATHNAME', 'quarry_fdw_handler'
    LANGUAGE C STRICT;

CREATE FUNCTION quarry.fdw_validator(text[], oid)
    RETURNS void
    AS 'MODULE_PATHNAME', 'quarry_fdw_validator'
    LANGUAGE C STRICT;

CREATE FOREIGN DATA WRAPPER quarry_fdw
    HANDLER quarry.fdw_handler
    VALIDATOR quarry.fdw_validator;

-- Result cache (docs/cache.md). quarry.run serves fresh entries from here and stores what it
-- computes. Nobody but the extension's owner reads the results: quarry.run checks the caller's
-- rights before serving one, and quarry.cache_entries shows everything but the result.
CREATE TABLE quarry.cache (
    key text PRIMARY KEY,            -- SHA-256 (hex) of the spec key, data generation, refresh value
    spec_key text NOT NULL,          -- SHA-256 (hex) of database, relation definition, scope, canonical spec
    source text NOT NULL,
    relation oid NOT NULL,
    spec_hash text NOT NULL,         -- meta.hash of the result (the canonical spec's hash)
    scope text NOT NULL,             -- shared | role:<oid> | user mapping:<oid>
    data_generation bigint NOT NULL, -- quarry.cache_generations of the relation when computed
    refresh_value text,              -- SHA-256 (hex) of the refresh key's value when computed
    result jsonb NOT NULL,
    bytes bigint NOT NULL,
    compute_ms double precision NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    hits bigint NOT NULL DEFAULT 0,  -- flushed from shared memory now and then
    last_used_at timestamptz NOT NULL
);
CREATE INDEX cache_spec_key ON quarry.cache (spec_key);
CREATE INDEX cache_relation ON quarry.cache (relation, source);
REVOKE ALL ON quarry.cache FROM PUBLIC;

-- Committed changes to local tables that are sources: the statement triggers that
-- create_source installs (quarry_cache_watch) add 1 to a row of the table's; an entry's key holds
-- the sum its run saw. Several slots per table, so concurrent writers rarely wait on one another.
CREATE TABLE quarry.cache_generations (
    relation oid NOT NULL,
    slot int NOT NULL,
    changes bigint NOT NULL,
    PRIMARY KEY (relation, slot)
);
REVOKE ALL ON quarry.cache_generations FROM PUBLIC;
GRANT SELECT ON quarry.cache_generations TO PUBLIC;

CREATE FUNCTION quarry.cache_note_change()
    RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    INSERT INTO quarry.cache_generations AS g (relation, slot, changes)
    VALUES (TG_RELID, pg_backend_pid() % 16, 1)
    ON CONFLICT (relation, slot) DO UPDATE SET changes = g.changes + 1;
    RETURN NULL;
END
$$;

CREATE FUNCTION quarry.invalidate(source text)
    RETURNS int
    AS 'MODULE_PATHNAME', 'quarry_invalidate'
    LANGUAGE C VOLATILE;

-- Hits and last use per entry key, from shared memory (this backend's memory when quarry is not
-- preloaded). cache_usage_flush also zeroes the counts, for the writers that add them to
-- quarry.cache.hits.
CREATE FUNCTION quarry.cache_usage(OUT key text, OUT hits bigint, OUT last_used timestamptz)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'quarry_cache_usage'
    LANGUAGE C VOLATILE;

CREATE FUNCTION quarry.cache_usage_flush(reset boolean DEFAULT true,
                                         OUT key text, OUT hits bigint, OUT last_used timestamptz)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'quarry_cache_usage'
    LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION quarry.cache_usage_flush(boolean) FROM PUBLIC;

CREATE VIEW quarry.cache_entries AS
    SELECT c.key, c.source, c.created_at AS created, c.expires_at AS expires,
           c.hits + coalesce(u.hits, 0) AS hits, c.bytes, c.compute_ms,
           greatest(c.last_used_at, u.last_used) AS last_used, c.scope,
           c.spec_hash, c.expires_at <= now() AS expired
      FROM quarry.cache c
      LEFT JOIN quarry.cache_usage() u ON u.key = c.key;
GRANT SELECT ON quarry.cache_entries TO PUBLIC;

-- Background worker: job queue
--
-- docs/worker.md. Jobs live in quarry.job_queue, written only by the functions below (as the
-- bootstrap superuser, from C) and by the worker processes; users see their own jobs through
-- the view quarry.jobs.
CREATE TABLE quarry.job_queue (
    id bigserial PRIMARY KEY,
    tenant text NOT NULL,
    role_oid oid NOT NULL,                 -- the submitting role: the job runs with its rights
    channel text,
    priority text NOT NULL DEFAULT 'interactive'
        CHECK (priority IN ('interactive', 'background')),
    spec jsonb NOT NULL,
    spec_hash text NOT NULL,               -- quarry.explain(spec)->>'hash': the single-flight key
    search_path text NOT NULL DEFAULT '',  -- the submitter's, set for the run
    state text NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'superseded')),
    submitted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    started_at timestamptz,
    finished_at timestamptz,
    error text,
    sqlstate text,
    worker_pid int,
    attempts int NOT NULL DEFAULT 0,
    shared_from bigint,                    -- single flight: the job whose result this one got
    result jsonb
);
CREATE INDEX job_queue_unfinished ON quarry.job_queue (state, tenant)
    WHERE state IN ('queued', 'running');
CREATE INDEX job_queue_channel ON quarry.job_queue (tenant, channel)
    WHERE channel IS NOT NULL AND state IN ('queued', 'running');
-- The job log's upkeep (quarry.job_retention) deletes the oldest finished jobs first.
CREATE INDEX job_queue_finished ON quarry.job_queue (finished_at) WHERE finished_at IS NOT NULL;

-- Round robin across tenants: when each tenant last had a job started.
CREATE TABLE quarry.job_tenants (
    tenant text PRIMARY KEY,
    last_started timestamptz NOT NULL
);

REVOKE ALL ON quarry.job_queue, quarry.job_tenants FROM PUBLIC;

-- Each role sees its own jobs (and those of the roles it is a member of); superusers see all.
CREATE VIEW quarry.jobs WITH (security_barrier) AS
SELECT j.id, j.tenant, j.role_oid::regrole AS role, j.channel, j.state, j.priority,
       j.submitted_at, j.started_at, j.finished_at,
       COALESCE(j.finished_at, CASE WHEN j.started_at IS NOT NULL THEN clock_timestamp() END)
           - j.started_at AS elapsed,
       j.error, j.sqlstate, j.attempts, j.shared_from, j.worker_pid
FROM quarry.job_queue AS j
WHERE pg_catalog.pg_has_role(j.role_oid, 'USAGE');
GRANT SELECT ON quarry.jobs TO PUBLIC;

-- Queues a job (called by quarry.submit, which has validated the spec and checked the caller).
-- Supersedes the same tenant's and role's older unfinished jobs on the channel. Returns the new
-- job's id and the ids of the superseded jobs that were running (their workers get a cancel).
CREATE FUNCTION quarry._enqueue(p_role oid, p_tenant text, p_channel text, p_priority text,
                                p_spec jsonb, p_hash text, p_search_path text,
                                OUT job bigint, OUT running_superseded bigint[])
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO quarry.job_queue (tenant, role_oid, channel, priority, spec, spec_hash, search_path)
    VALUES (p_tenant, p_role, p_channel, p_priority, p_spec, p_hash, p_search_path)
    RETURNING id INTO job;
    running_superseded := '{}';
    IF p_channel IS NOT NULL THEN
        WITH old AS (
            SELECT id, state FROM quarry.job_queue
            WHERE tenant = p_tenant AND role_oid = p_role AND channel = p_channel
              AND state IN ('queued', 'running') AND id < job
            FOR UPDATE
        ), moved AS (
            UPDATE quarry.job_queue AS j
               SET state = 'superseded', finished_at = clock_timestamp(),
                   error = format('superseded by job %s', job)
              FROM old
             WHERE j.id = old.id
            RETURNING j.id, old.state AS was
        )
        SELECT COALESCE(array_agg(id) FILTER (WHERE was = 'running'), '{}')
          INTO running_superseded FROM moved;
    END IF;
END
$$;

-- Cancels one job for p_caller. Returns the state it had ('queued', 'running'), or NULL when it
-- was already finished. Raises 42704 when p_caller may not see it.
CREATE FUNCTION quarry._cancel(p_job bigint, p_caller oid)
    RETURNS text
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_state text;
    v_role oid;
BEGIN
    SELECT state, role_oid INTO v_state, v_role FROM quarry.job_queue WHERE id = p_job FOR UPDATE;
    IF NOT FOUND OR NOT pg_has_role(p_caller, v_role, 'USAGE') THEN
        RAISE EXCEPTION 'job % does not exist', p_job USING ERRCODE = '42704';
    END IF;
    IF v_state NOT IN ('queued', 'running') THEN
        RETURN NULL;
    END IF;
    UPDATE quarry.job_queue
       SET state = 'cancelled', finished_at = clock_timestamp(),
           error = 'cancelled by quarry.cancel'
     WHERE id = p_job;
    RETURN v_state;
END
$$;

-- The next job for a worker (docs/worker.md, "Scheduling"): interactive before background
-- (background jobs queued longer than p_aging count as interactive), then the tenant that least
-- recently started a job, then submission order; tenants at p_cap running jobs wait, and so do
-- jobs whose identical spec (same hash, same role) is running (single flight). Claims are
-- serialized by an advisory lock, so the cap holds across workers.
CREATE FUNCTION quarry._claim(p_cap int, p_aging interval, p_pid int)
    RETURNS TABLE (job bigint, role_oid oid, spec jsonb, search_path text, queued bigint)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_job quarry.job_queue%ROWTYPE;
BEGIN
    PERFORM pg_advisory_xact_lock(7170726172);  -- claims and recoveries, one at a time
    SELECT j.* INTO v_job
      FROM quarry.job_queue AS j
      LEFT JOIN quarry.job_tenants AS t ON t.tenant = j.tenant
     WHERE j.state = 'queued'
       AND (SELECT count(*) FROM quarry.job_queue AS r
             WHERE r.state = 'running' AND r.tenant = j.tenant) < p_cap
       AND NOT EXISTS (SELECT 1 FROM quarry.job_queue AS r
                        WHERE r.state = 'running' AND r.spec_hash = j.spec_hash
                          AND r.role_oid = j.role_oid)
     ORDER BY (j.priority = 'interactive' OR j.submitted_at < clock_timestamp() - p_aging) DESC,
              t.last_started NULLS FIRST, j.id
     LIMIT 1
     FOR UPDATE OF j SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN QUERY SELECT NULL::bigint, NULL::oid, NULL::jsonb, NULL::text,
                            (SELECT count(*) FROM quarry.job_queue WHERE state = 'queued');
        RETURN;
    END IF;
    UPDATE quarry.job_queue
       SET state = 'running', started_at = clock_timestamp(), worker_pid = p_pid,
           attempts = attempts + 1
     WHERE id = v_job.id;
    INSERT INTO quarry.job_tenants AS t VALUES (v_job.tenant, clock_timestamp())
        ON CONFLICT (tenant) DO UPDATE SET last_started = excluded.last_started;
    RETURN QUERY SELECT v_job.id, v_job.role_oid, v_job.spec, v_job.search_path,
                        (SELECT count(*) FROM quarry.job_queue WHERE state = 'queued');
END
$$;

-- A job's result, stored when it is still running (a cancelled or superseded job keeps its
-- state). Single flight: the queued jobs with the same spec and role get the same result.
-- Returns the number of jobs completed (0 when the job was no longer running).
CREATE FUNCTION quarry._complete(p_job bigint, p_result jsonb)
    RETURNS int
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_hash text;
    v_role oid;
    v_started timestamptz;
    v_n int;
BEGIN
    UPDATE quarry.job_queue
       SET state = 'done', finished_at = clock_timestamp(), result = p_result
     WHERE id = p_job AND state = 'running'
    RETURNING spec_hash, role_oid, started_at INTO v_hash, v_role, v_started;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    UPDATE quarry.job_queue
       SET state = 'done', started_at = v_started, finished_at = clock_timestamp(),
           result = p_result, shared_from = p_job
     WHERE state = 'queued' AND spec_hash = v_hash AND role_oid = v_role;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    RETURN 1 + v_n;
END
$$;

-- A job's failure (only when it is still running). p_requeue puts it back in the queue.
CREATE FUNCTION quarry._fail(p_job bigint, p_error text, p_sqlstate text, p_requeue boolean)
    RETURNS int
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH f AS (
        UPDATE quarry.job_queue
           SET state = CASE WHEN p_requeue THEN 'queued' ELSE 'failed' END,
               finished_at = CASE WHEN p_requeue THEN NULL ELSE clock_timestamp() END,
               started_at = CASE WHEN p_requeue THEN NULL ELSE started_at END,
               error = p_error, sqlstate = p_sqlstate, worker_pid = NULL
         WHERE id = p_job AND state = 'running'
        RETURNING 1)
    SELECT count(*)::int FROM f;
$$;

-- Jobs left 'running' by a worker that is gone (crash, restart, terminated worker): failed, or
-- queued again once when p_retry. The caller holds the claims' advisory lock and passes the
-- jobs live workers are running.
CREATE FUNCTION quarry._recover(p_live bigint[], p_retry boolean)
    RETURNS int
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH r AS (
        UPDATE quarry.job_queue
           SET state = CASE WHEN p_retry AND attempts < 2 THEN 'queued' ELSE 'failed' END,
               finished_at = CASE WHEN p_retry AND attempts < 2 THEN NULL
                                  ELSE clock_timestamp() END,
               started_at = CASE WHEN p_retry AND attempts < 2 THEN NULL ELSE started_at END,
               error = 'the worker running this job stopped (server crash, restart or '
                       'terminated worker)',
               sqlstate = '57P02', worker_pid = NULL
         WHERE state = 'running' AND id <> ALL (p_live)
        RETURNING 1)
    SELECT count(*)::int FROM r;
$$;

REVOKE ALL ON FUNCTION quarry._recover(bigint[], boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION quarry._enqueue(oid, text, text, text, jsonb, text, text),
    quarry._cancel(bigint, oid), quarry._claim(int, interval, int), quarry._complete(bigint, jsonb),
    quarry._fail(bigint, text, text, boolean) FROM PUBLIC;

CREATE FUNCTION quarry.submit(spec jsonb, channel text DEFAULT NULL,
                              priority text DEFAULT 'interactive')
    RETURNS bigint
    AS 'MODULE_PATHNAME', 'quarry_submit'
    LANGUAGE C VOLATILE;

CREATE FUNCTION quarry.wait(job bigint, timeout_ms int DEFAULT 30000)
    RETURNS jsonb
    AS 'MODULE_PATHNAME', 'quarry_wait'
    LANGUAGE C VOLATILE;

CREATE FUNCTION quarry.cancel(job bigint)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'quarry_cancel'
    LANGUAGE C VOLATILE;

-- Materializations (docs/materialize.md). The rows of a materialization live in the table of
-- the same name in the schema quarry_materialized, owned by the materialization's owner (its
-- refreshes run with the owner's rights); quarry.run serves other roles from it after checking
-- their rights on the source. quarry.materializations is written only by the functions below.
CREATE SCHEMA quarry_materialized;
REVOKE ALL ON SCHEMA quarry_materialized FROM PUBLIC;

CREATE TABLE quarry.materializations (
    name text PRIMARY KEY CHECK (octet_length(name) BETWEEN 1 AND 63),
    spec jsonb NOT NULL,                -- the definition, its source schema-qualified
    refresh interval NOT NULL CHECK (refresh >= interval '1 second'),
    owner regrole NOT NULL,
    tenant text NOT NULL,               -- whose share of the workers its refreshes take
    relation regclass,                  -- the source's relation
    built_for text,                     -- what the rows were computed for: definition hash, relation fingerprint
    scope text,                         -- whose rights the rows stand for (as the result cache)
    created_at timestamptz NOT NULL DEFAULT now(),
    refreshed_at timestamptz,           -- the rows are as of this instant (the last refresh's start)
    next_refresh timestamptz NOT NULL,
    last_refresh jsonb,                 -- what the last refresh did
    last_error text                     -- why the last scheduled refresh failed
);
SELECT pg_catalog.pg_extension_config_dump('quarry.materializations', '');
REVOKE ALL ON quarry.materializations FROM PUBLIC;
GRANT SELECT ON quarry.materializations TO PUBLIC;

CREATE FUNCTION quarry.materialize(name text, spec jsonb, refresh interval)
    RETURNS void
    AS 'MODULE_PATHNAME', 'quarry_materialize'
    LANGUAGE C VOLATILE;

CREATE FUNCTION quarry.refresh(name text, full boolean DEFAULT false)
    RETURNS jsonb
    AS 'MODULE_PATHNAME', 'quarry_refresh'
    LANGUAGE C VOLATILE;

CREATE FUNCTION quarry.drop_materialization(name text)
    RETURNS void
    AS 'MODULE_PATHNAME', 'quarry_drop_materialization'
    LANGUAGE C VOLATILE;

-- Queues a background job for every materialization whose refresh is due and has none queued
-- or running (called by the workers); returns how many, and when the next one is due.
CREATE FUNCTION quarry._queue_due_refreshes(OUT queued int, OUT next_due timestamptz)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    WITH due AS (
        SELECT m.name, m.owner, m.tenant FROM quarry.materializations AS m
         WHERE m.next_refresh <= clock_timestamp()
           AND NOT EXISTS (SELECT 1 FROM quarry.job_queue AS j
                            WHERE j.spec_hash = 'refresh:' || m.name
                              AND j.state IN ('queued', 'running'))
           FOR UPDATE OF m SKIP LOCKED
    ), jobs AS (
        INSERT INTO quarry.job_queue (tenant, role_oid, priority, spec, spec_hash)
        SELECT due.tenant, due.owner, 'background', jsonb_build_object('refresh', due.name),
               'refresh:' || due.name
          FROM due
        RETURNING spec ->> 'refresh' AS name
    ), moved AS (
        UPDATE quarry.materializations AS m SET next_refresh = clock_timestamp() + m.refresh
          FROM jobs WHERE m.name = jobs.name
        RETURNING 1
    )
    SELECT count(*)::int INTO queued FROM moved;
    SELECT min(m.next_refresh) INTO next_due FROM quarry.materializations AS m;
END
$$;
REVOKE ALL ON FUNCTION quarry._queue_due_refreshes() FROM PUBLIC;

-- Result cache: stale entries served while a background job refreshes them
--
-- docs/cache.md, "Serving stale results". quarry.run serves an entry past its TTL, but within
-- its source's serve_stale window (quarry.serve_stale by default), at once, and queues one
-- background job (quarry.job_queue.refresh_of names the entry) that recomputes it.
ALTER TABLE quarry.cache
    -- Kept until then for stale serving: expires_at plus the window when it was stored.
    ADD COLUMN stale_until timestamptz;
-- The upkeep deletes what is past both (an index, not a scan of every entry).
CREATE INDEX cache_kept_until ON quarry.cache (GREATEST(expires_at, stale_until));
ALTER TABLE quarry.job_queue
    -- A background refresh: quarry.cache.key of the entry it recomputes (NULL: a submitted job).
    ADD COLUMN refresh_of text;
CREATE INDEX job_queue_refresh_of ON quarry.job_queue (refresh_of) WHERE refresh_of IS NOT NULL;

-- quarry.cache_entries with stale_until (the columns before it are those of the cache block).
CREATE OR REPLACE VIEW quarry.cache_entries AS
    SELECT c.key, c.source, c.created_at AS created, c.expires_at AS expires,
           c.hits + coalesce(u.hits, 0) AS hits, c.bytes, c.compute_ms,
           greatest(c.last_used_at, u.last_used) AS last_used, c.scope,
           c.spec_hash, c.expires_at <= now() AS expired,
           greatest(c.expires_at, c.stale_until) AS stale_until
      FROM quarry.cache c
      LEFT JOIN quarry.cache_usage() u ON u.key = c.key;

-- Queues the refresh of cache entry p_key as p_role (called by quarry.run for a stale hit, as
-- the queue's owner), unless one is queued or running, another session is queueing one right
-- now (its lock, held until it commits: nobody waits for it), or the last one failed less than
-- 10 seconds ago (a failing source is not hit by a job per request). Returns the pending job
-- when p_role may see it, and whether this call queued it.
CREATE FUNCTION quarry._queue_refresh(p_key text, p_role oid, p_tenant text, p_spec jsonb,
                                      p_hash text, p_search_path text,
                                      OUT job bigint, OUT queued boolean)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_role oid;
BEGIN
    queued := false;
    -- Looked for twice: first without the lock (the usual case while a refresh is pending), then
    -- under it, which a session that queued one holds until it commits.
    FOR attempt IN 1..2 LOOP
        IF attempt = 2 AND NOT pg_try_advisory_xact_lock(7170726, hashtext(p_key)) THEN
            RETURN;
        END IF;
        SELECT j.id, j.role_oid INTO job, v_role FROM quarry.job_queue AS j
         WHERE j.refresh_of = p_key AND j.state IN ('queued', 'running')
         ORDER BY j.id LIMIT 1;
        IF FOUND THEN
            IF NOT pg_has_role(p_role, v_role, 'USAGE') THEN
                job := NULL;
            END IF;
            RETURN;
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM quarry.job_queue AS j
                WHERE j.refresh_of = p_key AND j.state = 'failed'
                  AND j.finished_at > clock_timestamp() - interval '10 seconds') THEN
        RETURN;
    END IF;
    INSERT INTO quarry.job_queue (tenant, role_oid, priority, spec, spec_hash, search_path,
                                  refresh_of)
    VALUES (p_tenant, p_role, 'background', p_spec, p_hash, p_search_path, p_key)
    RETURNING id INTO job;
    queued := true;
END
$$;
REVOKE ALL ON FUNCTION quarry._queue_refresh(text, oid, text, jsonb, text, text) FROM PUBLIC;
