// Sources as PostgreSQL holds them: quarry.sources / quarry.formulas rows and the relations they
// name. Implements the core's Catalog for the SQL functions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "model/source.hpp"
#include "pg.hpp"
#include "spi.hpp"
#include "time/time.hpp"

namespace quarry::pg {

// A column of a relation whose type quarry cannot compute with (see pg_types.hpp).
struct UnsupportedColumn {
    std::string name;
    std::string type;  // its SQL type name
};

// What a relation offers as a source.
struct RelationShape {
    Oid oid = InvalidOid;
    TableRef table;              // schema-qualified, so rendered SQL ignores search_path
    std::string qualified_name;  // the same, as SQL text: public."My Table"
    std::vector<ColumnInfo> columns;
    std::vector<UnsupportedColumn> unsupported;
    // A foreign table of a quarry_fdw server: specs over it run there, in its dialect, and
    // `table` and the columns' physical names are the remote ones.
    Oid foreign_server = InvalidOid;
    std::string dialect = "postgres";
};

// A row of quarry.sources with its formulas.
struct StoredSource {
    std::string name;
    Oid relation = InvalidOid;
    Oid owner = InvalidOid;
    int64_t version = 0;
    nlohmann::json options = nlohmann::json::object();  // time_column, cache_ttl, refresh_key
    std::vector<std::pair<std::string, std::string>> formulas;  // by name, code-point order
};

// The relation `name` names, parsed with PostgreSQL's rules for (optionally schema-qualified,
// optionally quoted) names and looked up like a table name in a query; InvalidOid when there is
// none or the text is not a name.
Oid find_relation(const std::string& name);

// Locks the relation (AccessShareLock, as a query would) and describes it; nullopt when it no
// longer exists. Throws 42809 when it is not a table, view, materialized view or foreign table.
// `local_names`: a quarry_fdw foreign table keeps its local names (for SQL run here).
std::optional<RelationShape> describe_relation(Oid relation, bool local_names = false);

// Reads a registered source; nullopt when there is none. `for_update` locks its row, for
// writers (who run as the catalog's owner, see privileges.hpp).
std::optional<StoredSource> read_stored_source(SpiSession& spi, const std::string& name,
                                               bool for_update = false);

// The source a registered source or a relation stands for.
SourceInfo source_info(const StoredSource& stored, const RelationShape& shape);
SourceInfo source_info(const RelationShape& shape);

// The Catalog of the SQL functions: a registered source by name first, else a relation.
class PgCatalog final : public Catalog {
public:
    // `local_names`: sources on quarry_fdw foreign tables render as local relations (SQL run
    // here, through the foreign table), not in the server's dialect over the remote names.
    explicit PgCatalog(bool local_names = false) : local_names_(local_names) {}
    std::shared_ptr<const SourceInfo> find_source(const std::string& name) const override;
    // The columns of the last source found that specs cannot use.
    const std::vector<UnsupportedColumn>& unsupported_columns() const { return unsupported_; }
    // The relation of the last source found, and its quarry_fdw server (InvalidOid: local).
    Oid relation() const { return relation_; }
    Oid foreign_server() const { return foreign_server_; }
    // The registered source of the last find (nullptr: a plain relation); the cache reads its
    // owner and options (cache_ttl, refresh_key).
    const StoredSource* stored_source() const { return stored_ ? &*stored_ : nullptr; }

private:
    void remember(const RelationShape& shape) const;
    bool local_names_ = false;
    mutable std::vector<UnsupportedColumn> unsupported_;
    mutable Oid relation_ = InvalidOid;
    mutable Oid foreign_server_ = InvalidOid;
    mutable std::optional<StoredSource> stored_;
};

// Runs `compile` (a core compilation against a source with these unsupported columns) and
// turns its 42703 for a column that exists, but with a type quarry does not compute with, into
// 0A000 `<path>: column "x" has unsupported type "json"`.
template <typename Compile>
auto with_unsupported_columns(const std::vector<UnsupportedColumn>& unsupported, Compile&& compile)
    -> decltype(compile());
[[noreturn]] void rethrow_for_unsupported_column(const Error& error,
                                                 const std::vector<UnsupportedColumn>& unsupported);

template <typename Compile>
auto with_unsupported_columns(const std::vector<UnsupportedColumn>& unsupported, Compile&& compile)
    -> decltype(compile()) {
    try {
        return compile();
    } catch (const Error& error) {
        rethrow_for_unsupported_column(error, unsupported);
    }
}

// The transaction's start (what now() returns), as the core's Instant.
Instant transaction_now();
// PostgreSQL's TimestampTz (microseconds since 2000-01-01) from the core's Instant (since 1970).
TimestampTz timestamptz_from_instant(Instant t);

}  // namespace quarry::pg
