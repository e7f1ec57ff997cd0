#include "model/expr_print.hpp"

namespace quarry {

namespace {

std::string literal_text(const Expr& e) {
    const Literal& l = e.literal;
    if (l.is_null) return "null";
    switch (e.type) {
        case Type::Boolean:
            return l.boolean ? "true" : "false";
        case Type::Integer:
            return std::to_string(l.integer);
        case Type::Numeric:
            return "num:" + l.text;
        case Type::Double:
            return "dbl:" + std::to_string(l.real);
        case Type::Text:
            return "'" + l.text + "'";
        case Type::Date:
            return "date:" + l.text;
        case Type::Timestamp:
            return "ts:" + l.text;
        case Type::TimestampTz:
            return "tstz:" + l.text;
        case Type::Unknown:
            return "?";
    }
    return "?";
}

bool has_unit(Func f) { return f == Func::DateTrunc || f == Func::DateAdd || f == Func::DateDiff; }

}  // namespace

std::string to_sexpr(const Expr& e) {
    switch (e.kind) {
        case ExprKind::Literal:
            return literal_text(e);
        case ExprKind::Column:
            return e.qualifier.empty() ? e.column : e.qualifier + "." + e.column;
        case ExprKind::Call:
            break;
    }
    std::string out = "(" + std::string(func_name(e.func));
    if (has_unit(e.func)) out += ":" + std::string(time_unit_name(e.unit));
    if (e.func == Func::Case && e.has_else) out += ":else";
    for (const ExprPtr& a : e.args) out += " " + to_sexpr(*a);
    if (e.func == Func::ToLocalTime) out += " " + e.text;
    return out + ")";
}

}  // namespace quarry
