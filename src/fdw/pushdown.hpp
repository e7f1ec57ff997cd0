// PostgreSQL planner expressions -> the query model: the shippability walker of quarry_fdw.
//
// An expression ships only if every node of it can be rendered by the server's dialect with
// PostgreSQL's own semantics for it (what the local executor would compute); otherwise
// to_model returns nullptr and the planner keeps it local. The dialect renders the model with
// the contract's semantics (docs/formulas.md), so this walker maps a PostgreSQL node only onto a
// model node whose contract semantics equal PostgreSQL's for the argument types at hand
// (docs/fdw.md "Pushdown rules" lists them, and why the rest stays local).
#pragma once

#include <functional>
#include <optional>

#include "fdw.hpp"
#include "model/expr.hpp"
#include "model/types.hpp"

namespace quarry {
class Dialect;
}

namespace quarry::fdw {

// A column of a remote relation as the model sees it.
struct RemoteColumnRef {
    std::string name;       // the remote column name
    std::string qualifier;  // the remote relation's alias in the statement; empty: none
    Type type = Type::Text;
    bool nullable = true;
    ColumnBounds bounds;  // of the local column's declared type
};

struct PushdownContext {
    const Dialect* dialect = nullptr;
    // The remote column a Var stands for; std::nullopt when the Var is not a column of the
    // relation(s) being pushed down (the expression then stays local).
    std::function<std::optional<RemoteColumnRef>(const Var*)> column;
    // Whether aggregates (Aggref) may appear: true for the grouping stage.
    bool allow_aggregates = false;
};

// The model of `node`, or nullptr when it cannot ship. Never raises for an unshippable node.
ExprPtr to_model(const ::Expr* node, const PushdownContext& context);

// The model type of a PostgreSQL type (domains by their base type), or nullopt when quarry does
// not compute with it remotely.
std::optional<Type> remote_model_type(Oid type, int32 typmod);

// Whether ORDER BY on a value of `type` with `collation` sorts remotely exactly as PostgreSQL
// sorts it here (text: only under a code-point collation such as "C" or "C.UTF-8").
bool sorts_identically(Oid type, Oid collation);

}  // namespace quarry::fdw
