// What the core knows about a source: its relation, columns and stored formulas. The extension
// fills it from quarry's catalog and pg_attribute; unit tests build it by hand.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/firewall.hpp"
#include "model/query.hpp"
#include "model/types.hpp"

namespace quarry {

struct ColumnInfo {
    std::string name;           // the name specs and formulas use
    std::string physical_name;  // the name on the relation (remote column_name); = name if empty
    Type type = Type::Text;
    bool nullable = true;
    ColumnBounds bounds;  // of the declared type
};

struct SourceInfo {
    std::string name;                  // as registered (or the relation name for a plain relation)
    TableRef relation;                 // what FROM renders
    std::string dialect = "postgres";  // default dialect of translate
    std::vector<ColumnInfo> columns;
    // Stored formulas, name -> formula text, in a stable order.
    std::vector<std::pair<std::string, std::string>> formulas;
    std::string time_column;  // default column of `time` when the spec names none
    int64_t version = 0;      // bumped by every definition change (cache keys include it)

    const ColumnInfo* find_column(std::string_view name) const;
    const std::string* find_formula(std::string_view name) const;
};

// Looks sources up by the name a spec uses. Throws Error 42P01 when there is none. Shared, not
// copied: a catalog that keeps its sources hands out the same one to every compilation.
class Catalog {
public:
    virtual ~Catalog() = default;
    virtual std::shared_ptr<const SourceInfo> find_source(const std::string& name) const = 0;
};

}  // namespace quarry
