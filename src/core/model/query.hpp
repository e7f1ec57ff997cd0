// The query model: one aggregate SELECT over one relation. A spec compiles to it; the FDW
// planner will build it from PostgreSQL's planner state. Dialects render it to SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/firewall.hpp"
#include "model/expr.hpp"

namespace quarry {

struct TableRef {
    std::vector<std::string> name;  // qualified, outermost first: {"public", "orders"}
    std::string alias;              // empty: none
};

// A relation joined to the FROM list, left-deep: `FROM a JOIN b ON ... LEFT JOIN c ON ...`.
// The FDW planner builds these from PostgreSQL's join relations; specs have none.
enum class JoinKind : uint8_t { Inner, Left };

struct Join {
    JoinKind kind = JoinKind::Inner;
    TableRef table;           // with an alias, which the columns of its side use as qualifier
    std::vector<ExprPtr> on;  // AND-ed; empty: every pair (ON TRUE)
};

struct OutputColumn {
    std::string name;  // the result column's name (the spec's "as", or the name used)
    ExprPtr expr;
    bool is_group_key = false;
};

struct OrderKey {
    ExprPtr expr;
    bool descending = false;
    // Index into Query::columns when ordering by an output column, else -1.
    int output_index = -1;
    // NULLs are always placed as PostgreSQL does: last ascending, first descending.
};

struct Query {
    TableRef from;
    std::vector<Join> joins;            // after `from`, in order
    std::vector<OutputColumn> columns;  // SELECT list in output order
    std::vector<ExprPtr> where;         // AND-ed row filters
    std::vector<ExprPtr> group_by;      // group key expressions
    std::vector<ExprPtr> having;        // AND-ed, over aggregates
    std::vector<OrderKey> order_by;
    std::optional<int64_t> limit;
    std::optional<int64_t> offset;
    // The result is read by quarry, which converts each value to its column's type (the FDW,
    // quarry.run on a remote source): a dialect may then select a value of a cheaper type that
    // converts to the same value (MySQL: a DATE for a day bucket, not a DATETIME). Not for SQL
    // handed to users (quarry.translate).
    bool read_by_quarry = false;
};

}  // namespace quarry
