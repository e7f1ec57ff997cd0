// `filters` (row predicates, AND-ed) and `having` (group predicates over metrics): the
// structured {column|metric, op, value|values} form, {"formula"} and {"or": [...]}.
#include <charconv>
#include <limits>

#include "spec/compiler.hpp"

namespace quarry::spec_detail {

namespace {

enum class Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Between,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    IsNull,
    NotNull,
};

enum class Shape { None, Value, Values, Pair };

struct OpInfo {
    std::string_view name;
    Op op;
    Shape shape;
};

constexpr OpInfo kOps[] = {
    {"=", Op::Eq, Shape::Value},
    {"!=", Op::Ne, Shape::Value},
    {"<", Op::Lt, Shape::Value},
    {"<=", Op::Le, Shape::Value},
    {">", Op::Gt, Shape::Value},
    {">=", Op::Ge, Shape::Value},
    {"in", Op::In, Shape::Values},
    {"not_in", Op::NotIn, Shape::Values},
    {"between", Op::Between, Shape::Pair},
    {"contains", Op::Contains, Shape::Value},
    {"not_contains", Op::NotContains, Shape::Value},
    {"starts_with", Op::StartsWith, Shape::Value},
    {"ends_with", Op::EndsWith, Shape::Value},
    {"is_null", Op::IsNull, Shape::None},
    {"not_null", Op::NotNull, Shape::None},
};

constexpr const char* kOpList =
    "=, !=, <, <=, >, >=, in, not_in, between, contains, not_contains, starts_with, ends_with, "
    "is_null, not_null";

bool is_text_op(Op op) {
    return op == Op::Contains || op == Op::NotContains || op == Op::StartsWith ||
           op == Op::EndsWith;
}

bool is_order_op(Op op) {
    return op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge || op == Op::Between;
}

ExprPtr boolean(Func f, std::vector<ExprPtr> args) {
    return make_call(f, std::move(args), Type::Boolean);
}

// `!=`, `not_in` and `not_contains` keep the rows whose operand is NULL (as Cube and Metabase
// do): `(x <> v OR x IS NULL)`.
ExprPtr keeping_nulls(ExprPtr predicate, const ExprPtr& x) {
    if (!x->nullable) return predicate;
    return boolean(Func::Or, {std::move(predicate), boolean(Func::IsNull, {x})});
}

// The exact decimal digits of `v`'s shortest representation ("0.1", "12000", "-0.000015").
std::string plain_decimal(double v) {
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    std::string text(buf, res.ptr);
    const size_t e = text.find('e');
    if (e == std::string::npos) return text;
    const int exponent = std::stoi(text.substr(e + 1));
    std::string mantissa = text.substr(0, e);
    const bool negative = mantissa[0] == '-';
    if (negative) mantissa.erase(0, 1);
    const size_t dot = mantissa.find('.');
    int point = static_cast<int>(dot == std::string::npos ? mantissa.size() : dot);
    if (dot != std::string::npos) mantissa.erase(dot, 1);
    point += exponent;
    std::string digits;
    if (point <= 0) {
        digits = "0." + std::string(static_cast<size_t>(-point), '0') + mantissa;
    } else if (static_cast<size_t>(point) >= mantissa.size()) {
        digits = mantissa + std::string(static_cast<size_t>(point) - mantissa.size(), '0');
    } else {
        digits = mantissa.substr(0, point) + "." + mantissa.substr(point);
    }
    return negative ? "-" + digits : digits;
}

ExprPtr number_literal(const json& value, Type target) {
    if (value.is_number_unsigned()) {
        const uint64_t u = value.get<uint64_t>();
        if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            return make_integer(static_cast<int64_t>(u));
        }
        return make_numeric(std::to_string(u));
    }
    if (value.is_number_integer()) return make_integer(value.get<int64_t>());
    const double d = value.get<double>();
    // Exact columns compare with the decimal written, not with its binary approximation.
    if (target == Type::Double) return make_double(d);
    return make_numeric(plain_decimal(d));
}

[[noreturn]] void bad_temporal(const Path& path, const std::string& text, bool date_only) {
    fail(path, "invalid " + std::string(date_only ? "date " : "date/time ") +
                   quote_for_message(text) +
                   (date_only ? " (expected YYYY-MM-DD)"
                              : " (expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)"));
}

bool has_time_of_day(const CivilTime& t) {
    return t.hour != 0 || t.minute != 0 || t.second != 0 || t.micros != 0;
}

}  // namespace

ExprPtr SpecCompiler::literal(const Operand& operand, const json& value, const Path& path,
                              json& resolved_value) {
    if (value.is_null()) fail(path, "null is not a value; use \"is_null\" or \"not_null\"");
    const Type t = operand.expr->type;
    if (operand.kind != ValueKind::Plain) {
        const std::string& text = expect_string(value, path);
        CivilTime c;
        bool has_offset = false;
        int offset = 0;
        const bool date_only = operand.kind == ValueKind::Date;
        if (!parse_civil(text, c, has_offset, offset)) bad_temporal(path, text, date_only);
        if (date_only) {
            if (has_offset || has_time_of_day(c)) bad_temporal(path, text, true);
            if (describe_) resolved_value = format_date(c);
            return make_date(format_date(c));
        }
        if (operand.kind == ValueKind::WallClock) {
            if (has_offset)
                c = out_.zone->to_local(micros_from_civil(c) - offset * kMicrosPerSecond);
            std::string wall = format_timestamp(c);
            if (describe_) resolved_value = wall;
            return make_timestamp(std::move(wall));
        }
        // An instant: wall-clock text is read in the zone.
        const Instant instant = has_offset ? micros_from_civil(c) - offset * kMicrosPerSecond
                                           : out_.zone->from_local(c);
        if (describe_) resolved_value = format_instant(instant);
        std::string utc = format_timestamp(civil_from_micros(instant));
        if (operand.kind == ValueKind::UtcTimestamp) return make_timestamp(std::move(utc));
        return make_timestamptz(std::move(utc));
    }
    if (describe_) resolved_value = value;
    switch (t) {
        case Type::Boolean:
            if (!value.is_boolean()) wrong_type(path, value, "a boolean");
            return make_bool(value.get<bool>());
        case Type::Integer:
        case Type::Numeric:
        case Type::Double:
            if (!value.is_number()) wrong_type(path, value, "a number");
            return number_literal(value, t);
        case Type::Text:
            return make_text(expect_string(value, path));
        case Type::Unknown:
        case Type::Date:
        case Type::Timestamp:
        case Type::TimestampTz:
            break;
    }
    fail(path, "cannot compare a value with an expression of type " + std::string(type_name(t)));
}

ExprPtr SpecCompiler::predicate(const Operand& operand, const json& f, const Path& path,
                                json& resolved) {
    const json* op_value = find(f, "op");
    if (op_value == nullptr) fail(path, "missing \"op\"");
    const std::string& op_name = expect_string(*op_value, path.key("op"));
    const OpInfo* info = nullptr;
    for (const OpInfo& o : kOps) {
        if (o.name == op_name) info = &o;
    }
    if (info == nullptr) {
        fail(path.key("op"), "unknown operator " + quote_for_message(op_name) +
                                 " (expected one of " + kOpList + ")");
    }
    if (describe_) resolved["op"] = op_name;
    const ExprPtr& x = operand.expr;
    const Type t = x->type;
    if (is_text_op(info->op) && t != Type::Text) {
        fail(path.key("op"),
             quote_for_message(op_name) + " applies to text, not to " + std::string(type_name(t)));
    }
    if (is_order_op(info->op) && t == Type::Boolean) {
        fail(path.key("op"), quote_for_message(op_name) + " does not apply to boolean");
    }

    const json* value = find(f, "value");
    const json* values = find(f, "values");
    if (info->shape == Shape::None) {
        if (value != nullptr || values != nullptr) {
            fail(value != nullptr ? path.key("value") : path.key("values"),
                 quote_for_message(op_name) + " takes no value");
        }
    } else if (info->shape == Shape::Value) {
        if (values != nullptr) {
            fail(path.key("values"), quote_for_message(op_name) + " takes one \"value\"");
        }
        if (value == nullptr) fail(path, quote_for_message(op_name) + " needs a \"value\"");
    } else {
        if (value != nullptr) {
            fail(path.key("value"), quote_for_message(op_name) + " takes a list of \"values\"");
        }
        if (values == nullptr) fail(path, quote_for_message(op_name) + " needs \"values\"");
        const Path values_path = path.key("values");
        if (!values->is_array()) wrong_type(values_path, *values, "an array");
        if (info->shape == Shape::Pair && values->size() != 2) {
            fail(values_path, "\"between\" needs exactly 2 values (both bounds are included)");
        }
        if (values->empty())
            fail(values_path, quote_for_message(op_name) + " needs at least one value");
        if (values->size() > kMaxInListItems) {
            fail(values_path, "more than " + std::to_string(kMaxInListItems) + " values",
                 sqlstate::kInvalidParameterValue);
        }
    }

    if (info->shape == Shape::None) {
        return boolean(info->op == Op::IsNull ? Func::IsNull : Func::IsNotNull, {x});
    }
    if (info->shape == Shape::Value) {
        json rv;
        ExprPtr v = literal(operand, *value, path.key("value"), rv);
        if (describe_) resolved["value"] = std::move(rv);
        switch (info->op) {
            case Op::Eq:
                return boolean(Func::Eq, {x, v});
            case Op::Ne:
                return keeping_nulls(boolean(Func::Ne, {x, v}), x);
            case Op::Lt:
                return boolean(Func::Lt, {x, v});
            case Op::Le:
                return boolean(Func::Le, {x, v});
            case Op::Gt:
                return boolean(Func::Gt, {x, v});
            case Op::Ge:
                return boolean(Func::Ge, {x, v});
            case Op::Contains:
                return boolean(Func::Contains, {x, v});
            case Op::StartsWith:
                return boolean(Func::StartsWith, {x, v});
            case Op::EndsWith:
                return boolean(Func::EndsWith, {x, v});
            case Op::NotContains:
                return keeping_nulls(boolean(Func::Not, {boolean(Func::Contains, {x, v})}), x);
            default:
                break;
        }
    }
    const Path values_path = path.key("values");
    json rvs = describe_ ? json::array() : json();
    std::vector<ExprPtr> args;
    args.reserve(values->size() + 1);
    args.push_back(x);
    for (size_t i = 0; i < values->size(); ++i) {
        json rv;
        args.push_back(literal(operand, (*values)[i], values_path.index(i), rv));
        if (describe_) rvs.push_back(std::move(rv));
    }
    if (describe_) resolved["values"] = std::move(rvs);
    if (info->op == Op::Between) {
        return boolean(Func::And,
                       {boolean(Func::Ge, {x, args[1]}), boolean(Func::Le, {x, args[2]})});
    }
    if (info->op == Op::In) return boolean(Func::In, std::move(args));
    return keeping_nulls(boolean(Func::NotIn, std::move(args)), x);
}

Operand SpecCompiler::filter_operand(const std::string& column, const Path& path) {
    switch (classify_name(*out_.source, column)) {
        case NameKind::Column: {
            const ColumnInfo* info = resolve_column(*out_.source, column);
            if (!is_temporal(info->type)) return Operand{name_expr(column, path), ValueKind::Plain};
            // Instants compare raw with bounds converted in C++: an index on the column serves.
            used_name(column);
            ExprPtr raw =
                make_column(info->physical_name.empty() ? info->name : info->physical_name,
                            info->type, info->nullable, {}, info->bounds);
            const ValueKind kind = info->type == Type::Date        ? ValueKind::Date
                                   : info->type == Type::Timestamp ? ValueKind::UtcTimestamp
                                                                   : ValueKind::Instant;
            return Operand{std::move(raw), kind};
        }
        case NameKind::StoredFormula: {
            ExprPtr e = name_expr(column, path);
            if (e->contains_aggregate) {
                fail(path,
                     quote_for_message(column) +
                         " is a measure (it aggregates); filter it in \"having\"",
                     sqlstate::kInvalidParameterValue);
            }
            const ValueKind kind = e->type == Type::Date          ? ValueKind::Date
                                   : e->type == Type::Timestamp   ? ValueKind::WallClock
                                   : e->type == Type::TimestampTz ? ValueKind::Instant
                                                                  : ValueKind::Plain;
            return Operand{std::move(e), kind};
        }
        case NameKind::Unknown:
            break;
    }
    fail(path, "unknown column " + quote_for_message(column), sqlstate::kUndefinedColumn);
}

ExprPtr SpecCompiler::filter_or(const json& list, const Path& path, json& resolved, int depth,
                                bool having) {
    if (depth > kMaxOrDepth) {
        fail(path, "\"or\" is nested more than " + std::to_string(kMaxOrDepth) + " levels deep",
             sqlstate::kInvalidParameterValue);
    }
    expect_array(list, path);
    if (list.empty()) fail(path, "an \"or\" needs at least one filter");
    if (describe_) resolved = json::array();
    ExprPtr any;
    for (size_t i = 0; i < list.size(); ++i) {
        json r = describe_ ? json::object() : json();
        ExprPtr term = filter(list[i], path.index(i), r, depth, having);
        if (describe_) resolved.push_back(std::move(r));
        any = any ? boolean(Func::Or, {std::move(any), std::move(term)}) : std::move(term);
    }
    return any;
}

ExprPtr SpecCompiler::filter(const json& f, const Path& path, json& resolved, int depth,
                             bool having) {
    const char* subject = having ? "metric" : "column";
    if (!f.is_object()) {
        wrong_type(path, f,
                   having ? "{\"metric\", \"op\", \"value\"}, {\"formula\"} or {\"or\"}"
                          : "{\"column\", \"op\", \"value\"}, {\"formula\"} or {\"or\"}");
    }
    if (const json* list = find(f, "or")) {
        check_keys(f, path, {"or"});
        json ignored;  // without a description, nothing is written into it
        return filter_or(*list, path.key("or"), describe_ ? resolved["or"] : ignored, depth + 1,
                         having);
    }
    if (const json* text = find(f, "formula")) {
        check_keys(f, path, {"formula"});
        const Path formula_path = path.key("formula");
        const std::string& source_text = expect_string(*text, formula_path);
        std::string normalized;
        ExprPtr e = formula(source_text, formula_path, &normalized);
        if (e->type != Type::Boolean) {
            fail(formula_path,
                 "a filter formula must be boolean, not " + std::string(type_name(e->type)),
                 sqlstate::kInvalidParameterValue);
        }
        if (having && !e->contains_aggregate) {
            fail(formula_path,
                 "a \"having\" formula must aggregate; row conditions go in \"filters\"",
                 sqlstate::kInvalidParameterValue);
        }
        if (!having && e->contains_aggregate) {
            fail(formula_path,
                 "a filter formula cannot aggregate; conditions on aggregates go in \"having\"",
                 sqlstate::kInvalidParameterValue);
        }
        if (describe_) resolved["formula"] = std::move(normalized);
        return e;
    }
    const json* name = find(f, subject);
    if (name == nullptr) {
        fail(path, std::string("expected \"") + subject + "\", \"formula\" or \"or\"");
    }
    if (having) {
        check_keys(f, path, {"metric", "op", "value", "values"});
    } else {
        check_keys(f, path, {"column", "op", "value", "values"});
    }
    const Path name_path = path.key(subject);
    const std::string& operand_name = expect_string(*name, name_path);
    if (describe_) resolved[subject] = operand_name;
    Operand operand;
    if (having) {
        const auto& columns = out_.query.columns;
        for (size_t i = first_metric_; i < columns.size() && !operand.expr; ++i) {
            if (columns[i].name == operand_name) operand.expr = columns[i].expr;
        }
        if (!operand.expr) operand.expr = metric_by_name(operand_name, name_path);
        operand.kind = operand.expr->type == Type::Date          ? ValueKind::Date
                       : operand.expr->type == Type::Timestamp   ? ValueKind::WallClock
                       : operand.expr->type == Type::TimestampTz ? ValueKind::Instant
                                                                 : ValueKind::Plain;
    } else {
        operand = filter_operand(operand_name, name_path);
    }
    return predicate(operand, f, path, resolved);
}

void SpecCompiler::compile_filters(const json& list, const Path& path) {
    expect_array(list, path);
    json resolved = describe_ ? json::array() : json();
    for (size_t i = 0; i < list.size(); ++i) {
        json r = describe_ ? json::object() : json();
        out_.query.where.push_back(filter(list[i], path.index(i), r, 0, false));
        if (describe_) resolved.push_back(std::move(r));
    }
    if (describe_) out_.resolved["filters"] = std::move(resolved);
}

void SpecCompiler::compile_having(const json& list, const Path& path) {
    expect_array(list, path);
    json resolved = describe_ ? json::array() : json();
    for (size_t i = 0; i < list.size(); ++i) {
        json r = describe_ ? json::object() : json();
        out_.query.having.push_back(filter(list[i], path.index(i), r, 0, true));
        if (describe_) resolved.push_back(std::move(r));
    }
    if (describe_) out_.resolved["having"] = std::move(resolved);
}

}  // namespace quarry::spec_detail
