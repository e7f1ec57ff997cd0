#include "catalog.hpp"

#include <string>

#include "common/error.hpp"
#include "guard.hpp"
#include "pg_types.hpp"
#include "src/fdw/fdw.hpp"

namespace quarry::pg {

namespace {

// The PostgreSQL half of describe_relation: plain data, palloc'd in the current context.
struct OpenedRelation {
    bool exists;
    char relkind;
    TupleDesc desc;
    const char* schema;
    const char* name;
    const char* qualified;
};

OpenedRelation open_relation(Oid relation) {
    return pg_call([&] {
        OpenedRelation o{};
        LockRelationOid(relation, AccessShareLock);
        // The lock keeps it from being dropped from now on; it may have gone before.
        if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relation))) {
            UnlockRelationOid(relation, AccessShareLock);
            return o;
        }
        Relation rel = relation_open(relation, NoLock);
        o.exists = true;
        o.relkind = rel->rd_rel->relkind;
        o.desc = CreateTupleDescCopyConstr(RelationGetDescr(rel));  // keeps attnotnull
        o.schema = get_namespace_name(RelationGetNamespace(rel));
        o.name = pstrdup(RelationGetRelationName(rel));
        o.qualified = quote_qualified_identifier(o.schema, o.name);
        relation_close(rel, NoLock);
        return o;
    });
}

bool can_be_a_source(char relkind) {
    return relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE ||
           relkind == RELKIND_VIEW || relkind == RELKIND_MATVIEW ||
           relkind == RELKIND_FOREIGN_TABLE;
}

void add_column(RelationShape& shape, Form_pg_attribute att) {
    std::string name = NameStr(att->attname);
    if (auto type = model_type_of(att->atttypid)) {
        ColumnInfo column;
        column.name = name;
        column.physical_name = name;
        column.type = *type;
        column.nullable = !att->attnotnull;
        column.bounds = column_bounds_of(att->atttypid, att->atttypmod);
        shape.columns.push_back(std::move(column));
    } else {
        shape.unsupported.push_back({name, sql_type_name(att->atttypid)});
    }
}

// A quarry_fdw foreign table's spec renders the remote names in the server's dialect.
void point_at_remote(RelationShape& shape, const fdw::ForeignTableInfo& info) {
    shape.foreign_server = info.server_id;
    shape.dialect = info.dialect;
    shape.table.name = info.relation;
    for (ColumnInfo& column : shape.columns) {
        for (const fdw::ForeignColumn& remote : info.columns) {
            if (!remote.dropped && remote.local_name == column.name) {
                column.physical_name = remote.remote_name;
                column.bounds.other_charset = remote.bounds.other_charset;
            }
        }
    }
}

int64_t parse_int(const std::string& text) { return std::stoll(text); }

const char* const kReadSource =
    "SELECT relation::pg_catalog.oid, owner::pg_catalog.oid, version, options"
    " FROM quarry.sources WHERE name OPERATOR(pg_catalog.=) $1";
const char* const kReadSourceForUpdate =
    "SELECT relation::pg_catalog.oid, owner::pg_catalog.oid, version, options"
    " FROM quarry.sources WHERE name OPERATOR(pg_catalog.=) $1 FOR UPDATE";
const char* const kReadFormulas =
    "SELECT name, formula FROM quarry.formulas WHERE source OPERATOR(pg_catalog.=) $1"
    " ORDER BY name COLLATE pg_catalog.\"C\"";

Error unknown_source(const std::string& name) {
    return Error(sqlstate::kUndefinedTable, "source: unknown source " + quote_for_message(name));
}

}  // namespace

Oid find_relation(const std::string& name) {
    // Names with a NUL byte cannot come from a jsonb string, but keep the C string honest.
    if (name.find('\0') != std::string::npos) return InvalidOid;
    return pg_call([&] {
        char* raw = pstrdup(name.c_str());
        List* parts = NIL;
        // SplitIdentifierString applies PostgreSQL's rules: unquoted parts are downcased and
        // truncated, "quoted" parts keep their case and may contain dots; false on bad syntax.
        if (!SplitIdentifierString(raw, '.', &parts)) return InvalidOid;
        int count = list_length(parts);
        if (count < 1 || count > 2) return InvalidOid;
        char* schema = count == 2 ? static_cast<char*>(linitial(parts)) : nullptr;
        char* relname = static_cast<char*>(llast(parts));
        RangeVar* rv = makeRangeVar(schema, relname, -1);
        return RangeVarGetRelid(rv, AccessShareLock, true);
    });
}

std::optional<RelationShape> describe_relation(Oid relation, bool local_names) {
    OpenedRelation opened = open_relation(relation);
    if (!opened.exists) return std::nullopt;
    if (!can_be_a_source(opened.relkind)) {
        throw Error(sqlstate::kUndefinedTable,
                    "source: " + std::string(opened.qualified) +
                        " is not a table, view, materialized view or foreign table");
    }
    RelationShape shape;
    shape.oid = relation;
    shape.table.name = {opened.schema, opened.name};
    shape.qualified_name = opened.qualified;
    for (int i = 0; i < opened.desc->natts; ++i) {
        Form_pg_attribute att = TupleDescAttr(opened.desc, i);
        if (!att->attisdropped) add_column(shape, att);
    }
    if (!local_names && opened.relkind == RELKIND_FOREIGN_TABLE &&
        fdw::is_quarry_foreign_table(relation)) {
        point_at_remote(shape, fdw::foreign_table_info(relation, GetUserId()));
    }
    return shape;
}

std::optional<StoredSource> read_stored_source(SpiSession& spi, const std::string& name,
                                               bool for_update) {
    auto rows = spi.query(for_update ? kReadSourceForUpdate : kReadSource, {name}, !for_update);
    if (rows.empty()) return std::nullopt;
    const SpiRow& row = rows.front();
    StoredSource stored;
    stored.name = name;
    stored.relation = static_cast<Oid>(parse_int(*row[0]));
    stored.owner = static_cast<Oid>(parse_int(*row[1]));
    stored.version = parse_int(*row[2]);
    stored.options = nlohmann::json::parse(*row[3]);
    for (const SpiRow& formula : spi.query(kReadFormulas, {name}, !for_update)) {
        stored.formulas.emplace_back(*formula[0], *formula[1]);
    }
    return stored;
}

SourceInfo source_info(const RelationShape& shape) {
    SourceInfo info;
    info.name = shape.qualified_name;
    info.relation = shape.table;
    info.dialect = shape.dialect;
    info.columns = shape.columns;
    info.version = 0;
    return info;
}

SourceInfo source_info(const StoredSource& stored, const RelationShape& shape) {
    SourceInfo info = source_info(shape);
    info.name = stored.name;
    info.formulas = stored.formulas;
    info.time_column = stored.options.value("time_column", std::string());
    info.version = stored.version;
    return info;
}

void PgCatalog::remember(const RelationShape& shape) const {
    unsupported_ = shape.unsupported;
    relation_ = shape.oid;
    foreign_server_ = shape.foreign_server;
}

std::shared_ptr<const SourceInfo> PgCatalog::find_source(const std::string& name) const {
    std::optional<StoredSource> stored;
    {
        SpiSession spi;
        stored = read_stored_source(spi, name);
    }
    if (stored) {
        auto shape = describe_relation(stored->relation, local_names_);
        if (!shape) {
            throw Error(
                sqlstate::kUndefinedTable,
                "source: the relation of source " + quote_for_message(name) + " no longer exists");
        }
        remember(*shape);
        stored_ = stored;
        return std::make_shared<const SourceInfo>(source_info(*stored, *shape));
    }
    Oid relation = find_relation(name);
    if (relation == InvalidOid) throw unknown_source(name);
    auto shape = describe_relation(relation, local_names_);
    if (!shape) throw unknown_source(name);
    remember(*shape);
    stored_.reset();
    return std::make_shared<const SourceInfo>(source_info(*shape));
}

void rethrow_for_unsupported_column(const Error& error,
                                    const std::vector<UnsupportedColumn>& unsupported) {
    if (error.sqlstate() != sqlstate::kUndefinedColumn) throw error;
    // The core names the unknown column in quotes after the JSON path of the fault.
    const std::string message = error.what();
    for (const UnsupportedColumn& column : unsupported) {
        if (message.find(quote_for_message(column.name)) == std::string::npos) continue;
        size_t path_end = message.find(": ");
        std::string path = path_end == std::string::npos ? "" : message.substr(0, path_end);
        throw spec_error(path,
                         "column " + quote_for_message(column.name) + " has unsupported type " +
                             quote_for_message(column.type),
                         sqlstate::kInvalidParameterValue);
    }
    throw error;
}

namespace {
constexpr int64_t kUnixToPostgresEpoch =
    static_cast<int64_t>(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
}  // namespace

Instant transaction_now() { return GetCurrentTransactionStartTimestamp() + kUnixToPostgresEpoch; }

TimestampTz timestamptz_from_instant(Instant t) { return t - kUnixToPostgresEpoch; }

}  // namespace quarry::pg
