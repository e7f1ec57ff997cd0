// Materializations (docs/materialize.md): result tables the workers keep fresh, and quarry.run
// served from them. The core decides what is stored and what rolls up (src/core/rollup); this
// side keeps the catalog (quarry.materializations), the tables (schema quarry_materialized),
// refreshes them (incrementally on the time bucket) and serves specs from them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "spec/spec.hpp"
#include "src/extension/catalog.hpp"
#include "src/extension/pg.hpp"

namespace quarry::materialize {

// quarry.run: the result from the first materialization that answers the spec (meta.served_from
// names it), or nullopt. Not with options.cache bypass or refresh (they go to the source).
std::optional<Datum> serve(const CompiledSpec& compiled, pg::PgCatalog& catalog);

// quarry.explain's "materialization": which one would serve the spec, or why none.
nlohmann::json explain(const CompiledSpec& compiled, pg::PgCatalog& catalog);

// For the job workers: queues a background job for every materialization whose refresh is due.
// Returns when the next one is due (0: no materialization).
TimestampTz queue_due_refreshes();

}  // namespace quarry::materialize
