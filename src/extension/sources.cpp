// quarry.create_source, set_formula, drop_formula, drop_source: the writers of quarry.sources
// and quarry.formulas. See privileges.hpp for who may write and how, source_definition.hpp
// for what a definition must satisfy.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog.hpp"
#include "common/error.hpp"
#include "datums.hpp"
#include "guard.hpp"
#include "privileges.hpp"
#include "source_definition.hpp"
#include "spi.hpp"
#include "src/worker/cache.hpp"

namespace quarry::pg {

namespace {

const char* const kInsertSource =
    "INSERT INTO quarry.sources (name, relation, options, owner, version, created_at,"
    " updated_at) VALUES ($1, $2::pg_catalog.oid, $3::pg_catalog.jsonb, $4::pg_catalog.oid, 1,"
    " pg_catalog.now(), pg_catalog.now()) ON CONFLICT (name) DO NOTHING";
const char* const kUpsertFormula =
    "INSERT INTO quarry.formulas (source, name, formula) VALUES ($1, $2, $3)"
    " ON CONFLICT (source, name) DO UPDATE SET formula = EXCLUDED.formula";
const char* const kDeleteFormula =
    "DELETE FROM quarry.formulas WHERE source OPERATOR(pg_catalog.=) $1"
    " AND name OPERATOR(pg_catalog.=) $2";
const char* const kBumpVersion =
    "UPDATE quarry.sources SET version = version OPERATOR(pg_catalog.+) 1,"
    " updated_at = pg_catalog.now() WHERE name OPERATOR(pg_catalog.=) $1";
const char* const kDeleteSource = "DELETE FROM quarry.sources WHERE name OPERATOR(pg_catalog.=) $1";

Error unknown_source(const std::string& name) {
    return Error(sqlstate::kUndefinedTable, "unknown source " + quote_for_message(name));
}

// The stored source `name`, row-locked, after checking that `caller` may change it.
StoredSource lock_source_for_change(SpiSession& spi, const std::string& name, Oid caller) {
    std::optional<StoredSource> stored = read_stored_source(spi, name, true);
    if (!stored) throw unknown_source(name);
    require_source_owner(caller, stored->owner, name);
    return *stored;
}

struct Definition {
    SourceInfo source;
    std::vector<UnsupportedColumn> unsupported;
};

Definition current_definition(const StoredSource& stored) {
    std::optional<RelationShape> shape = describe_relation(stored.relation);
    if (!shape) {
        throw Error(
            sqlstate::kUndefinedTable,
            "the relation of source " + quote_for_message(stored.name) + " no longer exists");
    }
    return {source_info(stored, *shape), shape->unsupported};
}

void check_all_formulas(const Definition& definition) {
    with_unsupported_columns(definition.unsupported,
                             [&] { check_formulas(definition.source, transaction_now()); });
}

std::string join_quoted(const std::vector<std::string>& names) {
    std::string text;
    for (const std::string& name : names) {
        if (!text.empty()) text += ", ";
        text += quote_for_message(name);
    }
    return text;
}

}  // namespace

}  // namespace quarry::pg

using namespace quarry;
using namespace quarry::pg;

QUARRY_PG_FUNCTION(quarry_create_source) {
    require_argument(fcinfo, 0, "name");
    require_argument(fcinfo, 1, "relation");
    std::string name = text_argument(fcinfo, 0);
    Oid relation = oid_argument(fcinfo, 1);
    nlohmann::json options = PG_ARGISNULL(2) ? nlohmann::json::object() : jsonb_argument(fcinfo, 2);

    check_source_name(name);
    Oid caller = current_role_id();
    require_select(caller, relation);
    std::optional<RelationShape> shape = describe_relation(relation);
    if (!shape) throw Error(sqlstate::kUndefinedTable, "the relation no longer exists");
    SourceOptions parsed = parse_source_options(options);

    Definition definition{source_info(*shape), shape->unsupported};
    definition.source.name = name;
    for (const auto& [formula_name, formula] : parsed.formulas) {
        check_formula_name(definition.source, formula_name);
    }
    definition.source.formulas = parsed.formulas;
    definition.source.time_column = parsed.time_column;
    if (!parsed.time_column.empty()) check_time_column(definition.source);
    check_all_formulas(definition);

    as_catalog_owner([&] {
        SpiSession spi;
        uint64_t inserted = spi.execute(
            kInsertSource,
            {name, std::to_string(relation), parsed.stored.dump(), std::to_string(caller)});
        if (inserted == 0) {
            throw Error(sqlstate::kDuplicateObject,
                        "source " + quote_for_message(name) + " already exists");
        }
        for (const auto& [formula_name, formula] : parsed.formulas) {
            spi.execute(kUpsertFormula, {name, formula_name, formula});
        }
    });
    // As the caller: creating the trigger needs the caller's TRIGGER privilege on the table.
    cache::watch_relation(relation);
    PG_RETURN_VOID();
}

QUARRY_PG_FUNCTION(quarry_set_formula) {
    require_argument(fcinfo, 0, "source");
    require_argument(fcinfo, 1, "name");
    require_argument(fcinfo, 2, "formula");
    std::string source = text_argument(fcinfo, 0);
    std::string name = text_argument(fcinfo, 1);
    std::string formula = text_argument(fcinfo, 2);
    Oid caller = current_role_id();

    as_catalog_owner([&] {
        SpiSession spi;
        Definition definition = current_definition(lock_source_for_change(spi, source, caller));
        check_formula_name(definition.source, name);
        put_formula(definition.source, name, formula);
        check_all_formulas(definition);
        spi.execute(kUpsertFormula, {source, name, formula});
        spi.execute(kBumpVersion, {source});
    });
    PG_RETURN_VOID();
}

QUARRY_PG_FUNCTION(quarry_drop_formula) {
    require_argument(fcinfo, 0, "source");
    require_argument(fcinfo, 1, "name");
    std::string source = text_argument(fcinfo, 0);
    std::string name = text_argument(fcinfo, 1);
    Oid caller = current_role_id();

    as_catalog_owner([&] {
        SpiSession spi;
        Definition definition = current_definition(lock_source_for_change(spi, source, caller));
        if (!remove_formula(definition.source, name)) {
            throw Error("42704", "formula " + quote_for_message(name) + " of source " +
                                     quote_for_message(source) + " does not exist");
        }
        std::vector<std::string> dependents = broken_formulas(definition.source, transaction_now());
        if (!dependents.empty()) {
            throw Error("2BP01",
                        "cannot drop formula " + quote_for_message(name) + " of source " +
                            quote_for_message(source) + ": other formulas depend on it",
                        "formulas depending on it: " + join_quoted(dependents),
                        "change or drop those formulas first");
        }
        spi.execute(kDeleteFormula, {source, name});
        spi.execute(kBumpVersion, {source});
    });
    PG_RETURN_VOID();
}

QUARRY_PG_FUNCTION(quarry_drop_source) {
    require_argument(fcinfo, 0, "name");
    std::string name = text_argument(fcinfo, 0);
    Oid caller = current_role_id();

    as_catalog_owner([&] {
        SpiSession spi;
        StoredSource stored = lock_source_for_change(spi, name, caller);
        spi.execute(kDeleteSource, {name});
        // A source created again under this name starts at version 1: its old results go.
        cache::invalidate_source(name, stored.relation, true);
        cache::unwatch_if_unused(stored.relation);
    });
    PG_RETURN_VOID();
}
