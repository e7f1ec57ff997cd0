// What the planner of quarry_fdw knows about a relation it may push down: a base foreign table,
// or an upper relation (grouping, ordering, limit) over one. Kept in RelOptInfo::fdw_private
// for the life of the planning (deleted with the planner's memory context).
#pragma once

#include <vector>

#include "dialects/dialect.hpp"
#include "fdw.hpp"
#include "model/query.hpp"
#include "pushdown.hpp"

namespace quarry::fdw {

enum class RelKind {
    Base,     // a foreign table: remote WHERE from its restriction clauses
    Grouped,  // GROUP BY / aggregates / HAVING over a Base with every clause remote
    Ordered,  // ORDER BY over `source` (Base or Grouped)
    Final,    // LIMIT / OFFSET over `source` (Base or Grouped), maybe ordered
};

struct RelState {
    RelKind kind = RelKind::Base;
    const RelState* source = nullptr;  // Ordered, Final: what they order or limit
    const RelState* base = nullptr;    // the Base under everything (itself for Base)
    const Dialect* dialect = nullptr;

    // Base
    ForeignTableInfo table;
    Index relid = 0;
    List* remote_conds = NIL;  // RestrictInfo* shipped, in the order of remote_where
    List* local_conds = NIL;   // RestrictInfo* kept local
    std::vector<ExprPtr> remote_where;

    // Grouped: the scan's target list (TargetEntry*) and its models, position for position
    List* grouped_tlist = NIL;
    std::vector<ExprPtr> outputs;
    std::vector<ExprPtr> group_by;
    std::vector<ExprPtr> having;

    double rows = 0;
    Cost startup_cost = 0;
    Cost total_cost = 0;

    // How Vars of the base relation translate.
    PushdownContext pushdown(bool allow_aggregates) const;
};

}  // namespace quarry::fdw
