// The result cache of quarry.run (docs/cache.md): entries in quarry.cache, usage (hits, last
// use) and refresh-key values in shared memory, so that a cache hit writes nothing.
//
// The key of an entry is the SHA-256 of:
//   - the database, the relation, the xmin of its pg_class row, a fingerprint of its definition
//     (definition_fingerprint), the xmin of its user mapping row, the dialect and the SQL;
//   - the canonical spec (src/core/spec/canonical.cpp: relative time ranges resolved to their
//     bounds, the source's version, `now` when a formula calls now()/today());
//   - the privilege scope: "shared", "role:<oid>" (relations with row-level security, views)
//     or "user mapping:<oid>" (quarry_fdw foreign tables);
//   - the data generation of a watched local table (quarry.cache_generations, bumped by the
//     statement triggers create_source installs) and the value of the source's refresh key.
// The first three make the "spec key" (one result identity); the last two say which state of
// the data it was computed from.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "spec/spec.hpp"
#include "src/extension/catalog.hpp"
#include "src/extension/pg.hpp"

namespace quarry::cache {

// Settings and shared memory; called from _PG_init.
void init_module();

// quarry.run through the cache: serves a fresh entry the caller may see, or runs `compute`
// (which returns the result jsonb) and stores its result as options.cache says. With `spec` (the
// spec as given, read only then), an entry past its TTL but within the source's serve_stale
// window is served stale while a background job runs `spec` to refresh it (docs/cache.md).
Datum run(const CompiledSpec& compiled, const pg::PgCatalog& catalog,
          const std::function<Datum()>& compute,
          const std::function<nlohmann::json()>& spec = nullptr);

// quarry.explain's "cache" entry: which entry would serve the spec, or why none.
nlohmann::json explain(const CompiledSpec& compiled, const pg::PgCatalog& catalog);

// Deletes expired entries and, above quarry.cache_max_bytes, the least recently used ones; also
// flushes the hit counts of shared memory into quarry.cache. For the background worker (a
// no-op on a standby). Returns the number of entries deleted.
int64_t evict();

// The transaction ids that last wrote the catalog rows defining what `relation` returns: its
// columns' pg_attribute rows (hashed: a column added, dropped, renamed or retyped, and its
// options, such as quarry_fdw's column_name and charset), its view rule, and with a quarry_fdw
// `server` its foreign table and server rows. Not its pg_class row, which GRANT and CREATE
// TRIGGER rewrite too.
std::string definition_fingerprint(Oid relation, Oid server);

// Whose rights a result over `relation` stands for, for the current role: "shared",
// "role:<oid>" or "user mapping:<oid>" (see the key above); empty when the role may not read the
// relation (or has no user mapping for its quarry_fdw server `server`).
std::string serving_scope(Oid relation, Oid server);

// Statement triggers on a local table that bump its data generation; called by create_source.
// Returns false (and installs nothing) when the relation is not a local table or the caller may
// not create triggers on it.
bool watch_relation(Oid relation);
// Drops that trigger when no source uses the relation any more; called by drop_source.
void unwatch_if_unused(Oid relation);

// Drops the entries of a registered source (`registered`) or of every spec over `relation`.
// Returns how many.
int64_t invalidate_source(const std::string& name, Oid relation, bool registered);

}  // namespace quarry::cache
