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
