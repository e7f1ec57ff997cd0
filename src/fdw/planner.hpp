// What the planner of quarry_fdw knows about a relation it may push down: a foreign table, a
// join of foreign tables of one server, or an upper relation (grouping, ordering, limit) over
// one. Kept in RelOptInfo::fdw_private for the life of the planning (deleted with the planner's
// memory context).
#pragma once

#include <optional>
#include <vector>

#include "dialects/dialect.hpp"
#include "fdw.hpp"
#include "model/query.hpp"
#include "pushdown.hpp"

namespace quarry::fdw {

enum class RelKind {
    Base,     // a foreign table: remote WHERE from its restriction clauses
    Join,     // a left-deep join of Bases of one server, every clause remote
    Grouped,  // GROUP BY / aggregates / HAVING over a Base or Join with every clause remote
    Ordered,  // ORDER BY over `source` (a Base, Join or Grouped)
    Final,    // LIMIT / OFFSET over `source` (a Base, Join or Grouped), maybe ordered
};

// One relation joined in a Join, after the first.
struct JoinStep {
    JoinKind kind = JoinKind::Inner;
    const struct RelState* base = nullptr;
    List* on = NIL;  // Expr*: the ON clauses
};

struct RelState {
    RelKind kind = RelKind::Base;
    // Grouped, Ordered, Final: what they group, order or limit.
    const RelState* source = nullptr;
    // The Base or Join every remote statement of this relation reads (itself for those two).
    const RelState* scan = nullptr;
    const Dialect* dialect = nullptr;
    Oid server_id = InvalidOid;
    Oid user_id = InvalidOid;

    // Base
    ForeignTableInfo table;
    Index relid = 0;
    List* remote_conds = NIL;  // RestrictInfo* shipped
    List* local_conds = NIL;   // RestrictInfo* kept local

    // Base and Join: the relations of the statement's FROM, first one first.
    std::vector<const RelState*> bases;
    // Join: the joined relations after bases[0], the WHERE clauses (Expr*), and the relations
    // on the nullable side of a LEFT JOIN.
    std::vector<JoinStep> steps;
    List* where = NIL;
    std::vector<Index> nullable;

    // Grouped: the scan's target list (TargetEntry*) and its models, position for position.
    List* grouped_tlist = NIL;
    std::vector<ExprPtr> outputs;
    // Position for position with `outputs`: null, or the count of an `avg` over integers or
    // numerics whose output is its sum; the scan then computes avg = sum / count here, with
    // PostgreSQL's own numeric division, so that the digits are PostgreSQL's.
    std::vector<ExprPtr> avg_counts;
    std::vector<ExprPtr> group_by;
    std::vector<ExprPtr> having;

    double rows = 0;
    Cost startup_cost = 0;
    Cost total_cost = 0;

    // How Vars of the statement's relations translate (a Base or Join; others use `scan`'s).
    PushdownContext pushdown(bool allow_aggregates) const;
    // A Var of the scan as a remote column of any type (for the SELECT list); nullopt when it is
    // not a column of the scan's relations.
    std::optional<RemoteColumnRef> column(const Var* var, bool any_type) const;
};

}  // namespace quarry::fdw
