// Materializations: quarry.materialize, quarry.refresh, quarry.drop_materialization, quarry.run
// served from them, and the queueing of due refreshes (docs/materialize.md).
#include "materialize.hpp"

#include <string>
#include <unordered_map>
#include <vector>

#include "cache.hpp"
#include "common/error.hpp"
#include "dialects/dialect.hpp"
#include "rollup/rollup.hpp"
#include "src/extension/datums.hpp"
#include "src/extension/guard.hpp"
#include "src/extension/privileges.hpp"
#include "src/extension/result_json.hpp"
#include "src/extension/spi.hpp"
#include "state.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "catalog/namespace.h"
#include "utils/inval.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"
}
#pragma GCC diagnostic pop

namespace quarry::materialize {

namespace {

constexpr const char* kSchema = "quarry_materialized";
constexpr const char* kLocalDialect = "postgres";
// The far end of an incremental refresh's window: the range of a spec ends somewhere.
constexpr const char* kEndOfTime = "9999-12-31";

// A row of quarry.materializations.
struct Definition {
    std::string name;
    nlohmann::json spec;
    Oid owner = InvalidOid;
    std::optional<std::string> built_for;
    std::optional<std::string> scope;
    std::optional<std::string> refreshed_at;  // ISO 8601, UTC
    TimestampTz refreshed = 0;

    double age_ms() const {
        return static_cast<double>(GetCurrentTimestamp() - refreshed) / 1000.0;
    }
};

// What a materialization's rows are computed for: its spec (the hash of the canonical form,
// which holds the source's version) and the source relation's catalog definition
// (cache::definition_fingerprint), so that a column remapped or retyped since (ALTER FOREIGN
// TABLE ... OPTIONS (SET column_name ...)) is neither served from the old rows nor refreshed
// incrementally on top of them.
std::string built_for(const CompiledSpec& compiled, const std::string& relation_fingerprint) {
    return compiled.hash + " " + relation_fingerprint;
}

Oid parse_oid(const std::optional<std::string>& text) {
    return text ? static_cast<Oid>(std::stoul(*text)) : InvalidOid;
}

// A timestamptz selected as microseconds since 1970 (0 for NULL).
TimestampTz from_unix_micros(const std::optional<std::string>& text) {
    return text ? pg::timestamptz_from_instant(std::stoll(*text)) : 0;
}

constexpr const char* kDefinitionColumns =
    "name, spec::pg_catalog.text, owner::pg_catalog.oid, built_for, scope, "
    "pg_catalog.to_char(pg_catalog.timezone('UTC', refreshed_at), "
    "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "(pg_catalog.date_part('epoch', refreshed_at) OPERATOR(pg_catalog.*) "
    "1000000)::pg_catalog.int8, "
    "relation::pg_catalog.oid";

Definition definition_of(const pg::SpiRow& row) {
    Definition d;
    d.name = row[0].value_or("");
    d.spec = nlohmann::json::parse(row[1].value_or("{}"));
    d.owner = parse_oid(row[2]);
    d.built_for = row[3];
    d.scope = row[4];
    d.refreshed_at = row[5];
    d.refreshed = from_unix_micros(row[6]);
    return d;
}

// The definitions by relation, read once per backend and kept until quarry.materializations
// changes: every change sends a relcache invalidation of the table at commit, which reaches every
// backend (and hot standby). So quarry.run over a relation without materializations runs no query.
struct KnownDefinitions {
    bool loaded = false;
    uint64_t invalidations = 0;  // bumped by the callback: a load it overlaps is not kept
    Oid table = InvalidOid;
    std::unordered_map<Oid, std::vector<Definition>> by_relation;
};
KnownDefinitions known;

void forget_definitions(Datum /*arg*/, Oid relation) {
    if (relation == InvalidOid || relation == known.table) {
        known.loaded = false;
        ++known.invalidations;
    }
}

Oid materializations_table() {
    return pg::pg_call([] {
        Oid schema = get_namespace_oid("quarry", true);
        return OidIsValid(schema) ? get_relname_relid("materializations", schema) : InvalidOid;
    });
}

// After a change to quarry.materializations: every backend reads it again.
void definitions_changed() {
    const Oid table = materializations_table();
    pg::pg_call([table] { CacheInvalidateRelcacheByRelid(table); });
}

const std::vector<Definition>& definitions_over(Oid relation) {
    static bool registered = false;
    if (!registered) {
        pg::pg_call([] { CacheRegisterRelcacheCallback(forget_definitions, 0); });
        registered = true;
    }
    if (!known.loaded) {
        const uint64_t before = known.invalidations;
        known.by_relation.clear();
        known.table = materializations_table();
        static const std::string sql = std::string("SELECT ") + kDefinitionColumns +
                                       " FROM quarry.materializations ORDER BY name";
        pg::SpiSession spi;
        for (const pg::SpiRow& row : spi.query(sql.c_str())) {
            known.by_relation[parse_oid(row[7])].push_back(definition_of(row));
        }
        known.loaded = known.invalidations == before;
    }
    static const std::vector<Definition> none;
    auto found = known.by_relation.find(relation);
    return found == known.by_relation.end() ? none : found->second;
}

std::optional<Definition> definition_named(pg::SpiSession& spi, const std::string& name,
                                           bool for_update) {
    static const std::string read = std::string("SELECT ") + kDefinitionColumns +
                                    " FROM quarry.materializations WHERE name "
                                    "OPERATOR(pg_catalog.=) $1";
    static const std::string locked = read + " FOR UPDATE";
    std::vector<pg::SpiRow> rows;
    pg::as_catalog_owner(
        [&] { rows = spi.query(for_update ? locked.c_str() : read.c_str(), {name}, !for_update); });
    if (rows.empty()) return std::nullopt;
    return definition_of(rows[0]);
}

[[noreturn]] void no_such_materialization(const std::string& name) {
    throw Error("42704", "materialization " + quote_for_message(name) + " does not exist");
}

CompiledSpec compile_definition(const nlohmann::json& spec, pg::PgCatalog& catalog, Instant now) {
    CompileContext context;
    context.catalog = &catalog;
    context.transaction_now = now;
    return pg::with_unsupported_columns(catalog.unsupported_columns(),
                                        [&] { return compile_spec(spec, context); });
}

TableRef table_of(const std::string& name) { return TableRef{{kSchema, name}, ""}; }

const Dialect& local_dialect() { return dialect_by_name(kLocalDialect); }

std::string quoted_identifier(const std::string& identifier) {
    return local_dialect().quote_identifier(identifier);
}

std::string qualified_table(const std::string& name) {
    return quoted_identifier(kSchema) + "." + quoted_identifier(name);
}

// --- serving -----------------------------------------------------------------------------------

struct Candidate {
    Definition definition;
    Rollup rollup;
};

// The first materialization that answers `compiled`, and the reasons of the others.
std::optional<Candidate> find_candidate(const CompiledSpec& compiled, pg::PgCatalog& catalog,
                                        nlohmann::json* reasons) {
    const Oid relation = catalog.relation();
    const Oid server = catalog.foreign_server();
    const std::vector<Definition>& definitions = definitions_over(relation);
    if (definitions.empty()) return std::nullopt;
    const std::string scope = cache::serving_scope(relation, server);
    const std::string fingerprint = cache::definition_fingerprint(relation, server);
    const Instant now = pg::transaction_now();
    for (const Definition& d : definitions) {
        auto refuse = [&](const std::string& why) {
            if (reasons != nullptr) reasons->push_back({{"name", d.name}, {"reason", why}});
        };
        if (!d.built_for || !d.refreshed_at) {
            refuse("not refreshed yet");
            continue;
        }
        if (scope.empty() || !d.scope || *d.scope != scope) {
            refuse("its rows were computed with rights the current role does not share");
            continue;
        }
        if (compiled.options.max_age_seconds &&
            d.age_ms() > static_cast<double>(*compiled.options.max_age_seconds) * 1000.0) {
            refuse("refreshed longer ago than options.max_age");
            continue;
        }
        try {
            CompiledSpec definition = compile_definition(d.spec, catalog, now);
            if (built_for(definition, fingerprint) != *d.built_for) {
                refuse("the source's definition changed since the last refresh");
                continue;
            }
            MaterializedShape shape = materialized_shape(d.spec, definition);
            Rollup r = rollup(compiled, shape, table_of(d.name));
            if (!r.ok) {
                refuse(r.reason);
                continue;
            }
            return Candidate{d, std::move(r)};
        } catch (const Error& e) {
            refuse(e.what());
        }
    }
    return std::nullopt;
}

std::string meta_members(const Definition& d) {
    nlohmann::json members = {{"served_from", d.name},
                              {"refreshed_at", d.refreshed_at.value_or("")},
                              {"age_ms", d.age_ms()}};
    std::string text = members.dump();
    return text.substr(1, text.size() - 2);
}

}  // namespace

std::optional<Datum> serve(const CompiledSpec& compiled, pg::PgCatalog& catalog) {
    if (compiled.options.cache != CacheMode::Use) return std::nullopt;
    std::optional<Candidate> found = find_candidate(compiled, catalog, nullptr);
    if (!found) return std::nullopt;
    pg::ResultMeta meta;
    meta.dialect = kLocalDialect;
    meta.sql = local_dialect().render_query(found->rollup.query);
    meta.hash = compiled.hash;
    meta.extra = meta_members(found->definition);
    std::vector<pg::ResultColumn> columns;
    for (const OutputColumn& c : compiled.query.columns) {
        columns.push_back({c.name, std::string(type_name(c.expr->type))});
    }
    // The caller's rights on the source were checked (the scope); the table is not theirs.
    worker::AsSuperuser as_owner;
    return pg::run_to_jsonb(columns, meta);
}

nlohmann::json explain(const CompiledSpec& compiled, pg::PgCatalog& catalog) {
    nlohmann::json out = {{"served_from", nullptr}};
    if (compiled.options.cache != CacheMode::Use) {
        out["reason"] = "options.cache is not \"use\": the spec goes to its source";
        return out;
    }
    nlohmann::json reasons = nlohmann::json::array();
    std::optional<Candidate> found = find_candidate(compiled, catalog, &reasons);
    if (found) {
        out["served_from"] = found->definition.name;
        out["refreshed_at"] = found->definition.refreshed_at.value_or("");
        out["sql"] = local_dialect().render_query(found->rollup.query);
    } else if (reasons.empty()) {
        out["reason"] = "no materialization is defined over the source";
    } else {
        out["reason"] = "no materialization answers the spec";
    }
    if (!reasons.empty()) out["not_used"] = std::move(reasons);
    return out;
}

// --- refreshing --------------------------------------------------------------------------------

namespace {

// The PostgreSQL type of a stored column: the dialect's, but a sum of integers is numeric (the
// sum of bigints may not fit a bigint).
std::string_view column_type(const Expr& e) {
    const bool summed = e.kind == ExprKind::Call && (e.func == Func::Sum || e.func == Func::SumIf);
    return local_dialect().sql_type(summed && e.type == Type::Integer ? Type::Numeric : e.type);
}

// (Re)creates the table, empty, owned by `owner`; `exists`: drop the old one first.
void create_table(pg::SpiSession& spi, const std::string& name, const MaterializedShape& shape,
                  Oid owner, bool exists) {
    const std::string table = qualified_table(name);
    std::string ddl = "CREATE TABLE " + table + " (";
    bool first = true;
    auto add = [&](const StoredColumn& c) {
        if (!first) ddl += ", ";
        first = false;
        ddl += quoted_identifier(c.name);
        ddl += ' ';
        ddl += column_type(*c.expr);
    };
    for (const StoredColumn& k : shape.keys) add(k);
    for (const StoredColumn& c : shape.components) add(c);
    ddl += ")";
    worker::AsSuperuser as_superuser;
    if (exists) spi.execute(("DROP TABLE " + table).c_str());
    spi.execute(ddl.c_str());
    const std::string role = pg::pg_call([owner] { return GetUserNameFromId(owner, false); });
    spi.execute(("ALTER TABLE " + table + " OWNER TO " + quoted_identifier(role)).c_str());
    if (shape.bucket) {
        // Incremental refreshes delete and served specs filter by bucket.
        spi.execute(("CREATE INDEX ON " + table + " (" +
                     quoted_identifier(shape.keys[*shape.bucket].name) + ")")
                        .c_str());
    }
}

// INSERT INTO the table the rows of the storage query (the definition over the source, plus
// `extra_where`). Returns how many.
uint64_t insert_rows(pg::SpiSession& spi, const std::string& name, const MaterializedShape& shape,
                     const TableRef& source, const std::vector<ExprPtr>& extra_where) {
    Query query = storage_query(shape, source, extra_where);
    std::string sql = "INSERT INTO " + qualified_table(name) + " (";
    for (size_t i = 0; i < query.columns.size(); ++i) {
        if (i > 0) sql += ", ";
        sql += quoted_identifier(query.columns[i].name);
    }
    sql += ") " + local_dialect().render_query(query);
    return spi.execute(sql.c_str());
}

// The definition compiled again with one more time restriction: the WHERE entries it adds.
std::vector<ExprPtr> added_where(const nlohmann::json& spec, pg::PgCatalog& catalog, Instant now,
                                 const nlohmann::json& change, size_t base_where) {
    nlohmann::json changed = spec;
    changed.merge_patch(change);
    CompiledSpec compiled = compile_definition(changed, catalog, now);
    std::vector<ExprPtr> added;
    const std::vector<ExprPtr>& where = compiled.query.where;
    if (compiled.time.range_where) {
        added.push_back(where.at(*compiled.time.range_where));
        added.push_back(where.at(*compiled.time.range_where + 1));
    } else if (where.size() > base_where) {
        added.push_back(where.back());
    }
    return added;
}

struct RefreshPlan {
    Definition definition;
    std::string built_for;    // see built_for()
    CompiledSpec compiled;    // as quarry.run compiles it (the hash, the shape)
    MaterializedShape shape;  // for the SQL run here (local names of a foreign table)
    TableRef source;          // the relation the SQL reads, as named here
    std::string scope;
};

nlohmann::json refresh_as_owner(pg::SpiSession& spi, RefreshPlan& plan, bool full, Instant now) {
    const Definition& d = plan.definition;
    const char* table = d.name.c_str();
    const bool exists = pg::pg_call([table] {
        Oid schema = get_namespace_oid(kSchema, false);
        return OidIsValid(get_relname_relid(table, schema));
    });
    const bool incremental =
        !full && exists && plan.shape.bucket && d.built_for && *d.built_for == plan.built_for;
    nlohmann::json stats = {{"materialization", d.name},
                            {"mode", incremental ? "incremental" : "full"}};
    if (!incremental) {
        create_table(spi, d.name, plan.shape, d.owner, exists);
        stats["rows_inserted"] = insert_rows(spi, d.name, plan.shape, plan.source, {});
        return stats;
    }
    const MaterializedShape& shape = plan.shape;
    const StoredColumn& bucket = shape.keys[*shape.bucket];
    auto zone = TimeZone::load(shape.zone);
    const CivilTime start =
        refresh_window_start(now, *zone, shape.grain, worker::refresh_trailing_buckets);
    const bool date_bucket = bucket.expr->type == Type::Date;
    const std::string start_text = date_bucket ? format_date(start) : format_timestamp(start);
    const std::string del = "DELETE FROM " + qualified_table(d.name) + " WHERE " +
                            quoted_identifier(bucket.name) + " >= $1::pg_catalog." +
                            (date_bucket ? "date" : "timestamp") + " OR " +
                            quoted_identifier(bucket.name) + " IS NULL";
    stats["from"] = start_text;
    stats["rows_deleted"] = spi.execute(del.c_str(), {start_text});

    pg::PgCatalog local(true);
    const nlohmann::json& spec = d.spec;
    const size_t base = plan.compiled.query.where.size();
    std::vector<ExprPtr> window = added_where(
        spec, local, now,
        {{"time", {{"range", nlohmann::json::array({format_timestamp(start), kEndOfTime})}}}},
        base);
    uint64_t inserted = insert_rows(spi, d.name, shape, plan.source, window);
    nlohmann::json filters = spec.value("filters", nlohmann::json::array());
    filters.push_back({{"column", shape.time_column}, {"op", "is_null"}});
    std::vector<ExprPtr> no_time = added_where(spec, local, now, {{"filters", filters}}, base);
    inserted += insert_rows(spi, d.name, shape, plan.source, no_time);
    stats["rows_inserted"] = inserted;
    return stats;
}

void require_owner(Oid caller, const Definition& d) {
    const Oid owner = d.owner;
    if (!pg::pg_call([caller, owner] { return has_privs_of_role(caller, owner); })) {
        throw Error("42501", "must be owner of materialization " + quote_for_message(d.name));
    }
}

// The refresh of one materialization by the current role (its owner, a member of it, or a
// superuser).
nlohmann::json refresh(const std::string& name, bool full) {
    const Oid caller = GetUserId();
    pg::SpiSession spi;
    std::optional<Definition> found = definition_named(spi, name, /*for_update=*/true);
    if (!found) no_such_materialization(name);
    require_owner(caller, *found);
    const TimestampTz started = GetCurrentTimestamp();
    const Instant now = pg::transaction_now();
    RefreshPlan plan;
    plan.definition = std::move(*found);
    nlohmann::json stats;
    Oid relation = InvalidOid;
    {
        // Everything that reads the source runs with the owner's rights.
        worker::AsRole as_owner(plan.definition.owner);
        pg::PgCatalog catalog;
        plan.compiled = compile_definition(plan.definition.spec, catalog, now);
        plan.built_for =
            built_for(plan.compiled,
                      cache::definition_fingerprint(catalog.relation(), catalog.foreign_server()));
        pg::require_select(plan.definition.owner, catalog.relation());
        plan.scope = cache::serving_scope(catalog.relation(), catalog.foreign_server());
        if (plan.scope.empty()) {
            throw Error("28000", "materialization " + quote_for_message(name) +
                                     ": its owner has no user mapping for the source's server");
        }
        plan.shape = materialized_shape(plan.definition.spec, plan.compiled);
        plan.source = plan.compiled.source->relation;
        if (catalog.foreign_server() != InvalidOid) {
            pg::PgCatalog local(true);
            CompiledSpec here = compile_definition(plan.definition.spec, local, now);
            plan.shape = materialized_shape(plan.definition.spec, here);
            plan.source = here.source->relation;
        }
        relation = catalog.relation();
        stats = refresh_as_owner(spi, plan, full, now);
    }
    stats["elapsed_ms"] = static_cast<double>(GetCurrentTimestamp() - started) / 1000.0;
    std::vector<pg::SpiRow> updated;
    pg::as_catalog_owner([&] {
        updated = spi.query(
            "UPDATE quarry.materializations SET built_for = $2, scope = $3, "
            "relation = $4::pg_catalog.oid::pg_catalog.regclass, refreshed_at = pg_catalog.now(), "
            "next_refresh = pg_catalog.now() OPERATOR(pg_catalog.+) refresh, "
            "last_refresh = $5::pg_catalog.jsonb, last_error = NULL "
            "WHERE name OPERATOR(pg_catalog.=) $1 "
            "RETURNING (pg_catalog.date_part('epoch', next_refresh) OPERATOR(pg_catalog.*) "
            "1000000)::pg_catalog.int8",
            {name, plan.built_for, plan.scope, std::to_string(relation), stats.dump()}, false);
    });
    definitions_changed();
    if (!updated.empty()) {
        worker::note_refresh_due(MyDatabaseId, from_unix_micros(updated[0][0]),
                                 /*from_worker=*/false);
    }
    return stats;
}

}  // namespace

TimestampTz queue_due_refreshes() {
    pg::SpiSession spi;
    std::vector<pg::SpiRow> rows;
    {
        worker::AsSuperuser as_owner;
        rows = spi.query(
            "SELECT queued, (pg_catalog.date_part('epoch', next_due) OPERATOR(pg_catalog.*) "
            "1000000)::pg_catalog.int8 FROM quarry._queue_due_refreshes()",
            {}, false);
    }
    return rows.empty() ? 0 : from_unix_micros(rows[0][1]);
}

}  // namespace quarry::materialize

using namespace quarry;
using namespace quarry::pg;

QUARRY_PG_FUNCTION(quarry_materialize) {
    require_argument(fcinfo, 0, "name");
    require_argument(fcinfo, 1, "spec");
    require_argument(fcinfo, 2, "refresh");
    const std::string name = text_argument(fcinfo, 0);
    if (name.empty() || name.size() > 63) {
        throw Error("22023",
                    "name: a materialization's name is 1 to 63 bytes (it names its "
                    "table), not " +
                        std::to_string(name.size()));
    }
    nlohmann::json spec = jsonb_argument(fcinfo, 1);
    const Datum refresh = PG_GETARG_DATUM(2);
    const Interval* every = PG_GETARG_INTERVAL_P(2);
    const double every_seconds =
        static_cast<double>(every->time) / USECS_PER_SEC +
        (static_cast<double>(every->day) + every->month * double{DAYS_PER_MONTH}) * SECS_PER_DAY;
    if (every_seconds < 1.0) {
        throw Error("22023", "refresh: must be at least 1 second");
    }
    const std::string refresh_text =
        pg_call([refresh] { return DatumGetCString(DirectFunctionCall1(interval_out, refresh)); });
    const Oid caller = GetUserId();

    PgCatalog catalog;
    const Instant now = transaction_now();
    CompiledSpec compiled = materialize::compile_definition(spec, catalog, now);
    (void)materialized_shape(spec, compiled);
    // The rows would be as of one instant forever.
    constexpr Instant kDay = int64_t{86400} * 1000000;
    if (materialize::compile_definition(spec, catalog, now + kDay).hash != compiled.hash) {
        throw Error("22023", "spec: a materialization cannot depend on now() or today()");
    }
    require_select(caller, catalog.relation());
    spec["source"] = compiled.source->name;  // registered, or schema-qualified: no search_path

    std::string tenant = worker::tenant_setting != nullptr ? worker::tenant_setting : "";
    if (tenant.empty()) tenant = pg_call([caller] { return GetUserNameFromId(caller, false); });
    {
        SpiSession spi;
        as_catalog_owner([&] {
            if (!spi.query("SELECT 1 FROM quarry.materializations WHERE name "
                           "OPERATOR(pg_catalog.=) $1",
                           {name}, false)
                     .empty()) {
                throw Error("42710",
                            "materialization " + quote_for_message(name) + " already exists");
            }
            spi.query(
                "INSERT INTO quarry.materializations (name, spec, refresh, owner, tenant, "
                "relation, "
                "next_refresh) VALUES ($1, $2::pg_catalog.jsonb, $3::pg_catalog.interval, "
                "$4::pg_catalog.oid::pg_catalog.regrole, $5, "
                "$6::pg_catalog.oid::pg_catalog.regclass, "
                "pg_catalog.now() OPERATOR(pg_catalog.+) $3::pg_catalog.interval)",
                {name, spec.dump(), refresh_text, std::to_string(caller), tenant,
                 std::to_string(catalog.relation())},
                false);
        });
    }
    materialize::definitions_changed();
    // The first build, now: a wrong source or a missing right is this call's ERROR.
    (void)materialize::refresh(name, /*full=*/true);
    PG_RETURN_VOID();
}

QUARRY_PG_FUNCTION(quarry_refresh) {
    require_argument(fcinfo, 0, "name");
    const bool full = !PG_ARGISNULL(1) && PG_GETARG_BOOL(1);
    return jsonb_datum(materialize::refresh(text_argument(fcinfo, 0), full).dump());
}

QUARRY_PG_FUNCTION(quarry_drop_materialization) {
    require_argument(fcinfo, 0, "name");
    const std::string name = text_argument(fcinfo, 0);
    const Oid caller = GetUserId();
    SpiSession spi;
    std::optional<materialize::Definition> found =
        materialize::definition_named(spi, name, /*for_update=*/true);
    if (!found) materialize::no_such_materialization(name);
    materialize::require_owner(caller, *found);
    worker::AsSuperuser as_superuser;
    spi.execute(("DROP TABLE IF EXISTS " + materialize::qualified_table(name)).c_str());
    spi.query("DELETE FROM quarry.materializations WHERE name OPERATOR(pg_catalog.=) $1", {name},
              false);
    materialize::definitions_changed();
    PG_RETURN_VOID();
}
