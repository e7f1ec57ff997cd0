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
