// A SQL dialect: quoting and rendering of the query model. The shared renderer lives in
// src/core/render/; each file in dialects/ states only its dialect's differences and registers
// itself by name, so adding a dialect is adding a file.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/firewall.hpp"
#include "model/expr.hpp"
#include "model/query.hpp"

namespace quarry {

class Dialect {
public:
    virtual ~Dialect() = default;
    virtual std::string_view name() const = 0;

    // The one quoting module: every identifier and literal in generated SQL goes through
    // these. Throw Error 22023 for input that cannot be quoted safely (e.g. NUL bytes).
    virtual std::string quote_identifier(std::string_view ident) const = 0;
    virtual std::string quote_string(std::string_view text) const = 0;

    // The whole SELECT for a query. Throws Error 0A000 naming the function and the dialect
    // when the query uses a function the dialect cannot honour exactly.
    virtual std::string render_query(const Query& q) const = 0;
    // One expression (the FDW renders planner expressions through this).
    virtual std::string render_expr(const Expr& e) const = 0;
    // Whether render_* can render `f` with the contract's semantics (the FDW's shippability
    // walker asks before pushing down).
    virtual bool supports(Func f) const = 0;
    // The SQL type a value of model type `t` is cast to (PostgreSQL: also a column type).
    virtual std::string_view sql_type(Type t) const = 0;
};

// Looks a dialect up by name ("postgres", "mysql", "redshift"); Error 22023 if unknown.
const Dialect& dialect_by_name(std::string_view name);
std::vector<std::string> dialect_names();

// Used by each dialect file: `static DialectRegistration reg{"mysql", [] { ... }};`
struct DialectRegistration {
    DialectRegistration(std::string name, const std::function<std::unique_ptr<Dialect>()>& make);
};

}  // namespace quarry
