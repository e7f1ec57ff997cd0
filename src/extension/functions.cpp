// quarry.translate, quarry.explain and quarry.run: a spec through the core, then SQL text, a
// plan description, or a local execution.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog.hpp"
#include "datums.hpp"
#include "dialects/dialect.hpp"
#include "guard.hpp"
#include "model/types.hpp"
#include "result_json.hpp"
#include "spec/spec.hpp"
#include "src/fdw/run.hpp"
#include "src/worker/cache.hpp"
#include "src/worker/materialize.hpp"

namespace quarry::pg {

namespace {

CompiledSpec compile_argument(FunctionCallInfo fcinfo, int n, PgCatalog& catalog,
                              bool describe = true) {
    nlohmann::json spec = jsonb_argument(fcinfo, n);
    CompileContext context;
    context.catalog = &catalog;
    context.transaction_now = transaction_now();
    context.describe = describe;
    // A reference to the catalog's list, which compile_spec fills when it finds the source.
    return with_unsupported_columns(catalog.unsupported_columns(),
                                    [&] { return compile_spec(spec, context); });
}

// What quarry.run executes: the postgres rendering, run here through SPI.
constexpr const char* kLocalDialect = "postgres";

std::vector<ResultColumn> result_columns(const Query& query) {
    std::vector<ResultColumn> columns;
    columns.reserve(query.columns.size());
    for (const OutputColumn& column : query.columns) {
        columns.push_back({column.name, std::string(type_name(column.expr->type))});
    }
    return columns;
}

// The statement quarry.run sends for a source on a quarry_fdw foreign table: one statement on
// its server, in its dialect, whose values run_remote_to_jsonb converts by their model types.
std::string remote_statement(const CompiledSpec& compiled) {
    Query query = compiled.query;
    query.read_by_quarry = true;
    return dialect_by_name(compiled.source->dialect).render_query(query);
}

Datum run_remote(const CompiledSpec& compiled, const PgCatalog& catalog) {
    fdw::check_select_privilege(catalog.relation());
    ResultMeta meta;
    meta.dialect = compiled.source->dialect;
    meta.sql = remote_statement(compiled);
    meta.hash = compiled.hash;
    std::vector<Type> types;
    for (const OutputColumn& column : compiled.query.columns) types.push_back(column.expr->type);
    return fdw::run_remote_to_jsonb(catalog.foreign_server(), result_columns(compiled.query), types,
                                    meta);
}

}  // namespace

}  // namespace quarry::pg

using namespace quarry;
using namespace quarry::pg;

QUARRY_PG_FUNCTION(quarry_translate) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    PgCatalog catalog;
    CompiledSpec compiled = compile_argument(fcinfo, 0, catalog, /*describe=*/false);
    std::string dialect = PG_ARGISNULL(1) ? compiled.source->dialect : text_argument(fcinfo, 1);
    return text_datum(dialect_by_name(dialect).render_query(compiled.query));
}

QUARRY_PG_FUNCTION(quarry_explain) {
    PgCatalog catalog;
    CompiledSpec compiled = compile_argument(fcinfo, 0, catalog);
    const std::string& dialect = compiled.source->dialect;
    std::string sql = catalog.foreign_server() != InvalidOid
                          ? remote_statement(compiled)
                          : dialect_by_name(dialect).render_query(compiled.query);
    nlohmann::json plan = {
        {"resolved", compiled.resolved},
        {"hash", compiled.hash},
        {"dialect", dialect},
        {"steps", nlohmann::json::array({{{"step", "query"}, {"sql", sql}}})},
        {"cache", cache::explain(compiled, catalog)},
        {"materialization", materialize::explain(compiled, catalog)},
    };
    return jsonb_datum(plan.dump());
}

QUARRY_PG_FUNCTION(quarry_run) {
    PgCatalog catalog;
    CompiledSpec compiled = compile_argument(fcinfo, 0, catalog);
    // The cache serves a fresh entry the caller may see, or runs this and stores its result.
    return cache::run(
        compiled, catalog,
        [&]() -> Datum {
            if (std::optional<Datum> served = materialize::serve(compiled, catalog)) {
                return *served;
            }
            if (catalog.foreign_server() != InvalidOid) return run_remote(compiled, catalog);
            ResultMeta meta;
            meta.dialect = kLocalDialect;
            meta.sql = dialect_by_name(kLocalDialect).render_query(compiled.query);
            meta.hash = compiled.hash;
            return run_to_jsonb(result_columns(compiled.query), meta);
        },
        // The spec its background refresh runs, when an entry is served stale.
        [fcinfo] { return jsonb_argument(fcinfo, 0); });
}
