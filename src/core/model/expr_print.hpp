// An S-expression view of a model expression, for tests and debugging messages:
// `(/ (sum revenue) (count_distinct customer_id))`.
#pragma once

#include <string>

#include "common/firewall.hpp"
#include "model/expr.hpp"

namespace quarry {

std::string to_sexpr(const Expr& e);

}  // namespace quarry
