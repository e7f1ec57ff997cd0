#include "pushdown.hpp"

namespace quarry::fdw {

ExprPtr to_model(const ::Expr* /*node*/, const PushdownContext& /*context*/) { return nullptr; }

std::optional<Type> remote_model_type(Oid /*type*/, int32 /*typmod*/) { return std::nullopt; }

bool sorts_identically(Oid /*type*/, Oid /*collation*/) { return false; }

}  // namespace quarry::fdw
