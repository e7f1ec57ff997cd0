#include "render/renderer.hpp"

#include <charconv>
#include <cstdint>
#include <limits>

#include "common/error.hpp"
#include "render/quote.hpp"

namespace quarry {

namespace {

[[noreturn]] void internal(const std::string& message) {
    throw Error(sqlstate::kInternalError, message);
}

const Expr& arg(const Expr& e, size_t i) {
    if (i >= e.args.size() || !e.args[i]) {
        internal("malformed expression: \"" + std::string(func_name(e.func)) +
                 "\" is missing argument " + std::to_string(i + 1));
    }
    return *e.args[i];
}

// Whether a sort key can be NULL in `q`'s rows. Beyond the expression's own nullability: sum,
// min and max of a value that is never NULL are never NULL in a group, since a group has a row
// (without GROUP BY, the one group may be empty, and they are NULL).
bool may_be_null(const Query& q, const Expr& e) {
    if (!e.nullable) return false;
    if (q.group_by.empty() || e.kind != ExprKind::Call || e.args.size() != 1) return true;
    const bool sum_or_extreme = e.func == Func::Sum || e.func == Func::Min || e.func == Func::Max;
    return !sum_or_extreme || e.args.front()->nullable;
}

// Whether every column `e` reads is read inside an aggregate (so `e` is valid in any grouped
// query, whatever the GROUP BY keys are).
bool reads_columns_only_in_aggregates(const Expr& e) {
    if (e.kind == ExprKind::Column) return false;
    if (e.kind != ExprKind::Call || is_aggregate(e.func)) return true;
    for (const ExprPtr& a : e.args) {
        if (a && !reads_columns_only_in_aggregates(*a)) return false;
    }
    return true;
}

bool is_group_key(const Query& q, const Expr& e) {
    for (const ExprPtr& key : q.group_by) {
        if (same_expr(*key, e)) return true;
    }
    return false;
}

// Whether the plain comparison of `column` with `value` may use the column as stored: always,
// unless the remote stores it in another charset and `value` is not an ASCII literal. The engine
// converts the literal to the column's charset, which fails (MySQL: "Illegal mix of collations")
// or goes wrong on a character that charset lacks; every charset holds ASCII.
bool compares_as_stored(const Expr& column, const Expr& value) {
    if (column.kind != ExprKind::Column || !column.bounds.other_charset) return true;
    if (!is_literal(value)) return false;
    for (const char c : value.literal.text) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

// A text key grouped by its exact form: the engine's own `=` on it would fold.
bool is_folded_text_key(const Expr& key) { return is_text(key) && !is_literal(key); }

// The 1-based position of `key` in the SELECT list, or 0.
size_t output_position(const Query& q, const Expr& key) {
    for (size_t i = 0; i < q.columns.size(); ++i) {
        if (q.columns[i].expr && same_expr(*q.columns[i].expr, key)) return i + 1;
    }
    return 0;
}

bool is_numeric_literal_text(std::string_view digits) {
    size_t i = digits.empty() || digits[0] != '-' ? 0 : 1;
    size_t before = 0;
    size_t after = 0;
    for (; i < digits.size() && digits[i] >= '0' && digits[i] <= '9'; ++i) ++before;
    if (i < digits.size() && digits[i] == '.') {
        for (++i; i < digits.size() && digits[i] >= '0' && digits[i] <= '9'; ++i) ++after;
        if (after == 0) return false;
    }
    return before > 0 && i == digits.size();
}

}  // namespace

bool is_text(const Expr& e) { return e.type == Type::Text; }
bool is_literal(const Expr& e) { return e.kind == ExprKind::Literal; }
bool is_text_literal(const Expr& e) {
    return is_literal(e) && !e.literal.is_null && e.type == Type::Text;
}

void append_int(std::string& out, int64_t v) {
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

std::string_view checked_temporal_text(std::string_view text) {
    for (char c : text) {
        const bool ok = (c >= '0' && c <= '9') || c == '-' || c == ':' || c == ' ' || c == '.';
        if (!ok) internal("malformed date/time literal \"" + std::string(text) + "\"");
    }
    if (text.empty()) internal("empty date/time literal");
    return text;
}

std::string shortest_double(double v) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, res.ptr);
}

std::string_view sql_unit(TimeUnit u) { return time_unit_name(u); }  // the same words

bool is_utc_zone(std::string_view zone) { return zone == "UTC" || zone == "Etc/UTC"; }

std::string_view extreme_name(Func f) {
    if (f == Func::Min) return "MIN";
    if (f == Func::Max) return "MAX";
    if (f == Func::Greatest) return "GREATEST";
    if (f == Func::Least) return "LEAST";
    internal("not a min/max function");
}

std::string like_pattern(Func f, std::string_view text) {
    std::string pattern;
    if (f == Func::Contains || f == Func::EndsWith) pattern += '%';
    pattern += quote::like_escape(text);
    if (f == Func::Contains || f == Func::StartsWith) pattern += '%';
    return pattern;
}

// ---- Dialect interface

std::string SqlRenderer::quote_identifier(std::string_view ident) const {
    std::string out;
    append_identifier(out, ident);
    return out;
}

std::string SqlRenderer::quote_string(std::string_view text) const {
    std::string out;
    append_string(out, text);
    return out;
}

std::string SqlRenderer::render_expr(const Expr& e) const {
    std::string out;
    out.reserve(64);
    expr(out, e);
    return out;
}

bool SqlRenderer::supports(Func) const { return true; }

void SqlRenderer::unsupported(Func f) const {
    throw Error(sqlstate::kFeatureNotSupported, "function \"" + std::string(func_name(f)) +
                                                    "\" is not supported by dialect \"" +
                                                    std::string(name()) + "\"");
}

// ---- the query, clause by clause

std::string SqlRenderer::render_query(const Query& q) const {
    if (q.columns.empty()) internal("a query must select at least one column");
    std::string out;
    out.reserve(256 + 96 * (q.columns.size() + q.where.size() + q.having.size()));
    const bool keys_alone = groups_text_by_exact_form_alone(q);
    out += "SELECT ";
    select_list(out, q, keys_alone);
    from(out, q.from);
    for (const Join& join : q.joins) joined(out, join);
    conjunction(out, " WHERE ", q.where);
    group_by(out, q, keys_alone);
    conjunction(out, " HAVING ", q.having);
    order_by(out, q);
    limit_offset(out, q);
    return out;
}

bool SqlRenderer::groups_text_by_exact_form_alone(const Query& q) const {
    if (exact_text_equality() || !group_text_by_exact_form_alone()) return false;
    bool any_folded_key = false;
    for (const ExprPtr& key : q.group_by) any_folded_key |= is_folded_text_key(*key);
    if (!any_folded_key) return false;
    // Such a key may then appear only whole: as a selected column (MIN(key)) or an ORDER BY key
    // (its exact form, which is what the rows are grouped by). Anything else reading a column
    // outside an aggregate keeps the ordinary form.
    for (const OutputColumn& c : q.columns) {
        if (c.expr && !is_group_key(q, *c.expr) && !reads_columns_only_in_aggregates(*c.expr)) {
            return false;
        }
    }
    for (const ExprPtr& term : q.having) {
        if (!reads_columns_only_in_aggregates(*term)) return false;
    }
    for (const OrderKey& key : q.order_by) {
        if (key.expr && key.output_index < 0 && !is_group_key(q, *key.expr) &&
            !reads_columns_only_in_aggregates(*key.expr)) {
            return false;
        }
    }
    return true;
}

void SqlRenderer::select_list(std::string& out, const Query& q, bool keys_alone) const {
    for (size_t i = 0; i < q.columns.size(); ++i) {
        const OutputColumn& c = q.columns[i];
        if (!c.expr) internal("output column \"" + c.name + "\" has no expression");
        if (i > 0) out += ", ";
        if (keys_alone && is_folded_text_key(*c.expr) && is_group_key(q, *c.expr)) {
            if (has_exact_group_value(*c.expr)) {
                exact_group_value(out, *c.expr);
            } else {
                // Every row of the group holds the same bytes: any one of them is the key.
                out += "MIN(";
                expr(out, *c.expr);
                out += ')';
            }
        } else if (q.read_by_quarry) {
            output_value(out, *c.expr);
        } else {
            expr(out, *c.expr);
        }
        out += " AS ";
        append_identifier(out, c.name);
    }
}

void SqlRenderer::from(std::string& out, const TableRef& t) const {
    if (t.name.empty()) internal("a query needs a relation");
    out += " FROM ";
    for (size_t i = 0; i < t.name.size(); ++i) {
        if (i > 0) out += '.';
        append_identifier(out, t.name[i]);
    }
    if (!t.alias.empty()) {
        out += " AS ";
        append_identifier(out, t.alias);
    }
}

void SqlRenderer::joined(std::string& out, const Join& join) const {
    out += join.kind == JoinKind::Left ? " LEFT JOIN " : " INNER JOIN ";
    // `from` writes " FROM "; the table part is the same.
    std::string table;
    from(table, join.table);
    out.append(table, 6, std::string::npos);
    out += " ON ";
    if (join.on.empty()) {
        expr(out, *make_bool(true));
        return;
    }
    const int ctx = join.on.size() > 1 ? prec::kAnd : prec::kLowest;
    for (size_t i = 0; i < join.on.size(); ++i) {
        if (i > 0) out += " AND ";
        expr(out, *join.on[i], ctx);
    }
}

void SqlRenderer::conjunction(std::string& out, std::string_view keyword,
                              const std::vector<ExprPtr>& terms) const {
    if (terms.empty()) return;
    out += keyword;
    const int ctx = terms.size() > 1 ? prec::kAnd : prec::kLowest;
    for (size_t i = 0; i < terms.size(); ++i) {
        if (i > 0) out += " AND ";
        expr(out, *terms[i], ctx);
    }
}

void SqlRenderer::group_by(std::string& out, const Query& q, bool keys_alone) const {
    bool first = true;
    auto separator = [&] {
        out += first ? " GROUP BY " : ", ";
        first = false;
    };
    for (const ExprPtr& key : q.group_by) {
        if (keys_alone && is_folded_text_key(*key)) {
            separator();
            const size_t selected = output_position(q, *key);
            if (selected > 0 && has_exact_group_value(*key)) {
                // The selected exact value, and what completes it.
                append_int(out, static_cast<int64_t>(selected));
                out += ", ";
                exact_group_value_complement(out, *key);
            } else {
                exact_group_key(out, *key);
            }
            continue;
        }
        const size_t position = output_position(q, *key);
        // A constant that is not selected does not split groups (and a bare integer would be
        // read as an ordinal), so it is left out, unless it is the only key.
        if (position == 0 && is_literal(*key) && q.group_by.size() > 1) continue;
        separator();
        if (position > 0) {
            append_int(out, static_cast<int64_t>(position));
        } else if (is_literal(*key)) {
            internal("a query grouped only by a constant must select it");
        } else {
            expr(out, *key);
        }
        // Keys the engine groups by a folding collation are also grouped by their exact form:
        // the groups are then exact, and the selected key stays ordinary text.
        if (is_folded_text_key(*key) && !exact_text_equality()) {
            out += ", ";
            exact_group_key(out, *key);
        }
    }
}

void SqlRenderer::output_value(std::string& out, const Expr& e) const { expr(out, e); }

bool SqlRenderer::exact_beside_plain(std::string&, const Expr&, const Expr&, std::string_view,
                                     int) const {
    return false;
}

bool SqlRenderer::has_exact_group_value(const Expr&) const { return false; }

void SqlRenderer::exact_group_value(std::string&, const Expr&) const {
    internal("the dialect has no exact group value");
}

void SqlRenderer::exact_group_value_complement(std::string&, const Expr&) const {
    internal("the dialect has no exact group value");
}

void SqlRenderer::exact_group_key(std::string& out, const Expr& key) const {
    text_operand(out, key, TextUse::Equality, true, prec::kLowest);
}

void SqlRenderer::order_by(std::string& out, const Query& q) const {
    for (size_t i = 0; i < q.order_by.size(); ++i) {
        const OrderKey& key = q.order_by[i];
        if (!key.expr) internal("an ORDER BY key has no expression");
        if (key.output_index >= static_cast<int>(q.columns.size())) {
            internal("an ORDER BY key refers to a missing output column");
        }
        out += i == 0 ? " ORDER BY " : ", ";
        if (emulate_null_order() && may_be_null(q, *key.expr)) {
            // FALSE sorts first: NULLs go last ascending (IS NULL), first descending (IS NOT
            // NULL). Only for nullable keys, so NOT NULL keys keep index-ordered scans.
            sort_key(out, key, prec::kCompare + 1);
            out += key.descending ? " IS NOT NULL, " : " IS NULL, ";
        }
        sort_key(out, key, prec::kLowest);
        if (key.descending) out += " DESC";
    }
}

void SqlRenderer::sort_key(std::string& out, const OrderKey& key, int ctx) const {
    const Expr& e = *key.expr;
    if (is_text(e)) {
        text_operand(out, e, TextUse::Ordering, true, ctx);
    } else if (key.output_index >= 0 && ctx == prec::kLowest) {
        append_int(out, key.output_index + 1);
    } else {
        expr(out, e, ctx);
    }
}

void SqlRenderer::limit_offset(std::string& out, const Query& q) const {
    if ((q.limit && *q.limit < 0) || (q.offset && *q.offset < 0)) {
        throw Error(sqlstate::kInvalidParameterValue, "limit and offset must not be negative");
    }
    if (q.limit) {
        out += " LIMIT ";
        append_int(out, *q.limit);
    }
    if (q.offset && *q.offset > 0) {
        out += " OFFSET ";
        append_int(out, *q.offset);
    }
}

// ---- expressions

void SqlRenderer::expr(std::string& out, const Expr& e, int ctx) const {
    switch (e.kind) {
        case ExprKind::Literal:
            literal(out, e, ctx);
            return;
        case ExprKind::Column:
            column_operand(out, e);
            return;
        case ExprKind::Call:
            call_node(out, e, ctx);
            return;
    }
    internal("unknown expression kind");
}

void SqlRenderer::call(std::string& out, std::string_view name, const Expr& e, size_t from) const {
    out += name;
    out += '(';
    for (size_t i = from; i < e.args.size(); ++i) {
        if (i > from) out += ", ";
        expr(out, arg(e, i));
    }
    out += ')';
}

void SqlRenderer::binary(std::string& out, const Expr& a, std::string_view op, const Expr& b,
                         int level, int ctx) const {
    Parens p(out, level < ctx);
    expr(out, a, level);
    out += ' ';
    out += op;
    out += ' ';
    expr(out, b, level + 1);
}

void SqlRenderer::cast(std::string& out, const Expr& e, Type to) const {
    out += "CAST(";
    expr(out, e);
    out += " AS ";
    out += cast_type(to);
    out += ')';
}

void SqlRenderer::as_double(std::string& out, const Expr& e, int ctx) const {
    if (e.type == Type::Double && !recast_doubles()) {
        expr(out, e, ctx);
    } else {
        cast(out, e, Type::Double);
    }
}

void SqlRenderer::text_side(std::string& out, const Expr& e, const Expr& other, TextUse use,
                            int ctx) const {
    text_operand(out, e, use, is_literal(other), ctx);
}

void SqlRenderer::literal(std::string& out, const Expr& e, int ctx) const {
    const Literal& l = e.literal;
    if (l.is_null) {
        null_literal(out, e.type);
        return;
    }
    switch (e.type) {
        case Type::Unknown:
            internal("a non-NULL literal has no type");
        case Type::Boolean:
            out += l.boolean ? "TRUE" : "FALSE";
            return;
        case Type::Integer: {
            if (l.integer == std::numeric_limits<int64_t>::min()) {
                // The literal 9223372036854775808 would not be a bigint.
                Parens p(out, prec::kAdd < ctx);
                out += "-9223372036854775807 - 1";
                return;
            }
            Parens p(out, l.integer < 0 && prec::kUnary < ctx);
            append_int(out, l.integer);
            return;
        }
        case Type::Numeric:
            numeric_literal(out, l.text, ctx);
            return;
        case Type::Double:
            double_literal(out, l.real, ctx);
            return;
        case Type::Text:
            append_string(out, l.text);
            return;
        case Type::Date:
        case Type::Timestamp:
        case Type::TimestampTz:
            temporal_literal(out, e.type, l.text);
            return;
    }
    internal("unknown literal type");
}

void SqlRenderer::null_literal(std::string& out, Type t) const {
    if (t == Type::Unknown) {
        out += "NULL";
        return;
    }
    // Typed, so that overloaded functions and CASE branches resolve as the model says.
    out += "CAST(NULL AS ";
    out += cast_type(t);
    out += ')';
}

void SqlRenderer::integer_as_decimal(std::string& out, const Expr& x) const {
    out += "CAST(";
    expr(out, x);
    out += " AS ";
    out += integer_decimal_type();
    out += ')';
}

void SqlRenderer::numeric_literal(std::string& out, std::string_view digits, int ctx) const {
    if (!is_numeric_literal_text(digits)) {
        internal("malformed numeric literal \"" + std::string(digits) + "\"");
    }
    if (digits.find('.') == std::string_view::npos) {
        // Without a point the engine would read an integer.
        out += "CAST(";
        out += digits;
        out += " AS ";
        out += integer_decimal_type();
        out += ')';
        return;
    }
    Parens p(out, digits[0] == '-' && prec::kUnary < ctx);
    out += digits;
}

void SqlRenderer::temporal_literal(std::string& out, Type t, std::string_view text) const {
    switch (t) {
        case Type::Date:
            out += "DATE ";
            append_string(out, checked_temporal_text(text));
            return;
        case Type::Timestamp:
            out += "TIMESTAMP ";
            append_string(out, checked_temporal_text(text));
            return;
        case Type::TimestampTz: {
            out += "TIMESTAMPTZ ";
            // The UTC text with its offset, built on the stack (a heap string per bound cost).
            const std::string_view utc = checked_temporal_text(text);
            char buffer[64];
            if (utc.size() + 3 <= sizeof buffer) {
                utc.copy(buffer, utc.size());
                buffer[utc.size()] = '+';
                buffer[utc.size() + 1] = '0';
                buffer[utc.size() + 2] = '0';
                append_string(out, std::string_view(buffer, utc.size() + 3));
            } else {
                append_string(out, std::string(utc) + "+00");
            }
            return;
        }
        case Type::Unknown:
        case Type::Boolean:
        case Type::Integer:
        case Type::Numeric:
        case Type::Double:
        case Type::Text:
            break;
    }
    internal("not a date/time literal");
}

void SqlRenderer::stored_column(std::string& out, const Expr& column) const {
    if (!column.qualifier.empty()) {
        append_identifier(out, column.qualifier);
        out += '.';
    }
    append_identifier(out, column.column);
}

void SqlRenderer::column_operand(std::string& out, const Expr& column) const {
    stored_column(out, column);
}

void SqlRenderer::plain_operand(std::string& out, const Expr& e, int ctx) const {
    if (e.kind == ExprKind::Column) {
        stored_column(out, e);
    } else {
        expr(out, e, ctx);
    }
}

void SqlRenderer::call_node(std::string& out, const Expr& e, int ctx) const {
    if (!supports(e.func)) unsupported(e.func);
    switch (e.func) {
        case Func::Add:
            binary(out, arg(e, 0), "+", arg(e, 1), prec::kAdd, ctx);
            return;
        case Func::Sub:
            binary(out, arg(e, 0), "-", arg(e, 1), prec::kAdd, ctx);
            return;
        case Func::Mul:
            binary(out, arg(e, 0), "*", arg(e, 1), prec::kMul, ctx);
            return;
        case Func::Div:
            divide(out, e, ctx);
            return;
        case Func::Mod:
            modulo(out, e, ctx);
            return;
        case Func::Neg: {
            // The operand binds tighter than unary minus, so "-(-1)" never lexes as "--1", a
            // comment.
            Parens p(out, prec::kUnary < ctx);
            out += '-';
            expr(out, arg(e, 0), prec::kPostfix);
            return;
        }
        case Func::Concat:
            concat_operator(out, e, ctx);
            return;
        case Func::Eq:
            comparison(out, e, "=", ctx);
            return;
        case Func::Ne:
            comparison(out, e, "<>", ctx);
            return;
        case Func::Lt:
            comparison(out, e, "<", ctx);
            return;
        case Func::Le:
            comparison(out, e, "<=", ctx);
            return;
        case Func::Gt:
            comparison(out, e, ">", ctx);
            return;
        case Func::Ge:
            comparison(out, e, ">=", ctx);
            return;
        case Func::And:
        case Func::Or: {
            const bool is_and = e.func == Func::And;
            const int level = is_and ? prec::kAnd : prec::kOr;
            if (e.args.empty()) internal("AND/OR without operands");
            Parens p(out, level < ctx && e.args.size() > 1);
            for (size_t i = 0; i < e.args.size(); ++i) {
                if (i > 0) out += is_and ? " AND " : " OR ";
                expr(out, arg(e, i), e.args.size() > 1 ? level : ctx);
            }
            return;
        }
        case Func::Not: {
            Parens p(out, prec::kNot < ctx);
            out += "NOT ";
            expr(out, arg(e, 0), prec::kNot);
            return;
        }
        case Func::IsNull:
        case Func::IsNotNull: {
            Parens p(out, prec::kCompare < ctx);
            expr(out, arg(e, 0), prec::kCompare + 1);
            out += e.func == Func::IsNull ? " IS NULL" : " IS NOT NULL";
            return;
        }
        case Func::In:
        case Func::NotIn:
            in_list(out, e, ctx);
            return;
        case Func::If:
        case Func::Case:
            conditional(out, e);
            return;
        case Func::Coalesce:
            call(out, "COALESCE", e);
            return;
        case Func::NullIf:
            null_if(out, e);
            return;
        case Func::Abs:
            call(out, "ABS", e);
            return;
        case Func::Round:
            round(out, e, ctx);
            return;
        case Func::Floor:
        case Func::Ceil:
            if (arg(e, 0).type == Type::Integer) {
                // Identity on integers; the engines' FLOOR(bigint) may go through a double.
                expr(out, arg(e, 0), ctx);
            } else {
                call(out, e.func == Func::Floor ? "FLOOR" : "CEIL", e);
            }
            return;
        case Func::Power:
            out += "POWER(";
            as_double(out, arg(e, 0));
            out += ", ";
            expr(out, arg(e, 1));
            out += ')';
            return;
        case Func::Sqrt:
            guarded_math(out, e, "SQRT", " >= 0");
            return;
        case Func::Ln:
            guarded_math(out, e, "LN", " > 0");
            return;
        case Func::Log10:
            guarded_math(out, e, log10_function(), " > 0");
            return;
        case Func::Greatest:
        case Func::Least:
            extreme(out, e, ctx);
            return;
        case Func::Lower:
            call(out, "LOWER", e);
            return;
        case Func::Upper:
            call(out, "UPPER", e);
            return;
        case Func::Trim:
            call(out, "TRIM", e);
            return;
        case Func::Length:
            call(out, "CHAR_LENGTH", e);
            return;
        case Func::Substring:
            substring(out, e, ctx);
            return;
        case Func::Replace:
            call(out, "REPLACE", e);
            return;
        case Func::Contains:
        case Func::StartsWith:
        case Func::EndsWith:
            text_match(out, e, ctx);
            return;
        case Func::ConcatText:
            concat_text(out, e, ctx);
            return;
        case Func::DateTrunc:
            date_trunc(out, e, ctx);
            return;
        case Func::DateAdd:
            date_add(out, e, ctx);
            return;
        case Func::DateDiff:
            date_diff(out, e, ctx);
            return;
        case Func::Year:
        case Func::Quarter:
        case Func::Month:
        case Func::Week:
        case Func::Day:
        case Func::Hour:
        case Func::Minute:
        case Func::Weekday:
            date_part(out, e, ctx);
            return;
        case Func::ToLocalTime:
            to_local_time(out, arg(e, 0), e.text, ctx);
            return;
        case Func::Sum:
        case Func::SumIf:
            sum(out, e);
            return;
        case Func::Avg:
            out += "AVG(";
            as_double(out, arg(e, 0));
            out += ')';
            return;
        case Func::Min:
        case Func::Max:
            extreme(out, e, ctx);
            return;
        case Func::Count:
            call(out, "COUNT", e);
            return;
        case Func::CountAll:
            out += "COUNT(*)";
            return;
        case Func::CountDistinct:
            count_distinct(out, e);
            return;
        case Func::ApproxCountDistinct:
            approx_count_distinct(out, e);
            return;
        case Func::CountIf:
            out += "COUNT(CASE WHEN ";
            expr(out, arg(e, 0));
            out += " THEN 1 END)";
            return;
        case Func::Cast:
            convert(out, e, ctx);
            return;
    }
    internal("unknown function");
}

void SqlRenderer::comparison(std::string& out, const Expr& e, std::string_view op, int ctx) const {
    const Expr& a = arg(e, 0);
    const Expr& b = arg(e, 1);
    const bool equality = e.func == Func::Eq || e.func == Func::Ne;
    const bool text = is_text(a) || is_text(b);
    auto plain = [&](int c) {
        Parens p(out, prec::kCompare < c);
        plain_operand(out, a, prec::kCompare + 1);
        out += ' ';
        out += op;
        out += ' ';
        plain_operand(out, b, prec::kCompare + 1);
    };
    if (!text || (equality && exact_text_equality())) {
        plain(ctx);
        return;
    }
    const TextUse use = equality ? TextUse::Equality : TextUse::Ordering;
    auto exact = [&](int c) {
        Parens p(out, prec::kCompare < c);
        text_side(out, a, b, use, prec::kCompare + 1);
        out += ' ';
        out += op;
        out += ' ';
        text_side(out, b, a, use, prec::kCompare + 1);
    };
    const bool column_vs_value =
        (a.kind == ExprKind::Column && is_literal(b) && !b.literal.is_null) ||
        (b.kind == ExprKind::Column && is_literal(a) && !a.literal.is_null);
    const Expr& column = a.kind == ExprKind::Column ? a : b;
    const Expr& value = a.kind == ExprKind::Column ? b : a;
    if (!equality || !column_vs_value || !compares_as_stored(column, value)) {
        exact(ctx);
        return;
    }
    // `=`: the plain comparison keeps the column's index usable (it matches a superset: equal
    // bytes are equal under any collation); the exact one decides. `<>`: values the collation
    // calls different are different bytes too, so only the rows it calls equal pay for the
    // exact comparison (it is the only one NULL can reach, with the same result).
    const bool eq = e.func == Func::Eq;
    const int level = eq ? prec::kAnd : prec::kOr;
    Parens p(out, level < ctx);
    plain(level);
    out += eq ? " AND " : " OR ";
    if (!exact_beside_plain(out, column, value, op, level)) exact(level);
}

void SqlRenderer::in_list(std::string& out, const Expr& e, int ctx) const {
    const Expr& x = arg(e, 0);
    const bool negated = e.func == Func::NotIn;
    if (e.args.size() == 1) {
        out += negated ? "TRUE" : "FALSE";
        return;
    }
    bool all_literal = true;
    bool as_stored = true;
    for (size_t i = 1; i < e.args.size(); ++i) {
        all_literal = all_literal && is_literal(arg(e, i)) && !arg(e, i).literal.is_null;
        as_stored = as_stored && compares_as_stored(x, arg(e, i));
    }
    auto render = [&](int c, bool exact) {
        Parens p(out, prec::kCompare < c);
        if (exact) {
            text_operand(out, x, TextUse::Equality, all_literal, prec::kCompare + 1);
        } else {
            plain_operand(out, x, prec::kCompare + 1);
        }
        out += negated ? " NOT IN (" : " IN (";
        for (size_t i = 1; i < e.args.size(); ++i) {
            if (i > 1) out += ", ";
            if (exact) {
                text_operand(out, arg(e, i), TextUse::Equality, is_literal(x), prec::kLowest);
            } else {
                expr(out, arg(e, i));
            }
        }
        out += ')';
    };
    if (!(is_text(x) || is_text(arg(e, 1))) || exact_text_equality()) {
        render(ctx, false);
        return;
    }
    if (!negated && x.kind == ExprKind::Column && all_literal && as_stored) {
        // As for `=`: the plain IN keeps the index usable, the exact one decides.
        Parens p(out, prec::kAnd < ctx);
        render(prec::kAnd, false);
        out += " AND ";
        render(prec::kAnd, true);
        return;
    }
    render(ctx, true);
}

void SqlRenderer::conditional(std::string& out, const Expr& e) const {
    size_t pairs = 0;
    bool has_else = false;
    if (e.func == Func::If) {
        if (e.args.size() < 2 || e.args.size() > 3) internal("if() takes 2 or 3 arguments");
        pairs = 1;
        has_else = e.args.size() == 3;
    } else {
        has_else = e.has_else;
        const size_t branches = e.args.size() - (has_else ? 1 : 0);
        if (e.args.size() < (has_else ? 3u : 2u) || branches % 2 != 0) {
            internal("malformed case expression");
        }
        pairs = branches / 2;
    }
    out += "CASE";
    for (size_t i = 0; i < pairs; ++i) {
        out += " WHEN ";
        expr(out, arg(e, 2 * i));
        out += " THEN ";
        expr(out, arg(e, 2 * i + 1));
    }
    if (has_else) {
        out += " ELSE ";
        expr(out, arg(e, 2 * pairs));
    }
    out += " END";
}

void SqlRenderer::null_if(std::string& out, const Expr& e) const {
    const Expr& a = arg(e, 0);
    const Expr& b = arg(e, 1);
    if (!(is_text(a) || is_text(b)) || exact_text_equality()) {
        call(out, "NULLIF", e);
        return;
    }
    // NULLIF compares under the collation: spelled out with the exact equality.
    out += "CASE WHEN ";
    text_side(out, a, b, TextUse::Equality, prec::kCompare + 1);
    out += " = ";
    text_side(out, b, a, TextUse::Equality, prec::kCompare + 1);
    out += " THEN NULL ELSE ";
    expr(out, a);
    out += " END";
}

void SqlRenderer::divide(std::string& out, const Expr& e, int ctx) const {
    // True division in double precision (no integer or 4-digit decimal division); x / 0 is NULL.
    Parens p(out, prec::kMul < ctx);
    as_double(out, arg(e, 0), prec::kMul);
    out += " / NULLIF(";
    expr(out, arg(e, 1));
    out += ", 0)";
}

void SqlRenderer::modulo(std::string& out, const Expr& e, int ctx) const {
    const Expr& a = arg(e, 0);
    const Expr& b = arg(e, 1);
    if (e.type != Type::Double && a.type != Type::Double && b.type != Type::Double) {
        out += "MOD(";
        expr(out, a);
        out += ", NULLIF(";
        expr(out, b);
        out += ", 0))";
        return;
    }
    // No engine-independent MOD on doubles (PostgreSQL has none): a - b * TRUNC(a / b), the
    // dividend's sign, the same IEEE operations on every dialect.
    std::string quotient;
    as_double(quotient, a, prec::kMul);
    quotient += " / NULLIF(";
    expr(quotient, b);
    quotient += ", 0)";
    Parens p(out, prec::kAdd < ctx);
    as_double(out, a, prec::kAdd);
    out += " - ";
    expr(out, b, prec::kMul);
    out += " * ";
    truncate(out, quotient);
}

void SqlRenderer::truncate(std::string& out, std::string_view inner) const {
    out += "TRUNC(";
    out += inner;
    out += ')';
}

void SqlRenderer::round(std::string& out, const Expr& e, int ctx) const {
    const Expr& x = arg(e, 0);
    const Expr* digits = e.args.size() > 1 ? &arg(e, 1) : nullptr;
    if (x.type == Type::Double) {
        round_double(out, x, digits, ctx);
        return;
    }
    if (x.type == Type::Integer) {
        if (digits == nullptr) {
            expr(out, x, ctx);
            return;
        }
        // ROUND on an exact decimal rounds half away from zero on every engine.
        const bool back_to_integer = e.type == Type::Integer;
        if (back_to_integer) out += "CAST(";
        out += "ROUND(";
        integer_as_decimal(out, x);
        out += ", ";
        int_argument(out, *digits);
        out += ')';
        if (back_to_integer) {
            out += " AS ";
            out += cast_type(Type::Integer);
            out += ')';
        }
        return;
    }
    out += "ROUND(";
    expr(out, x);
    if (digits != nullptr) {
        out += ", ";
        int_argument(out, *digits);
    }
    out += ')';
}

void SqlRenderer::round_double(std::string& out, const Expr& x, const Expr* digits, int ctx) const {
    // Half away from zero on a double: SIGN(x) * FLOOR(ABS(x) * 10^n + 0.5) / 10^n. Written out
    // so every engine performs the same IEEE operations (their own ROUND(double) differ).
    int64_t n = 0;
    const bool literal_digits =
        digits == nullptr ||
        (is_literal(*digits) && !digits->literal.is_null && digits->type == Type::Integer &&
         digits->literal.integer >= -18 && digits->literal.integer <= 18);
    if (digits != nullptr && literal_digits) n = digits->literal.integer;
    std::string scale;
    if (literal_digits) {
        // A double literal on MySQL (an integer divisor would give the quotient 4 fixed display
        // decimals); an exact numeric that converts exactly on PostgreSQL.
        scale = "1e";
        append_int(scale, n < 0 ? -n : n);
    } else {
        scale = "POWER(10, ";
        expr(scale, *digits);
        scale += ')';
    }
    const bool divide_first = literal_digits && n < 0;
    Parens p(out, prec::kMul < ctx);
    out += "SIGN(";
    expr(out, x);
    out += ") * FLOOR(ABS(";
    expr(out, x);
    out += ')';
    if (n != 0 || !literal_digits) {
        out += divide_first ? " / " : " * ";
        out += scale;
    }
    out += " + 0.5)";
    if (n != 0 || !literal_digits) {
        out += divide_first ? " * " : " / ";
        out += scale;
    }
}

void SqlRenderer::guarded_math(std::string& out, const Expr& e, std::string_view name,
                               std::string_view guard) const {
    // NULL outside the domain instead of the engines' errors (PostgreSQL) or NULL-with-warning
    // (MySQL).
    const Expr& x = arg(e, 0);
    out += "CASE WHEN ";
    expr(out, x, prec::kCompare + 1);
    out += guard;
    out += " THEN ";
    out += name;
    out += '(';
    as_double(out, x);
    out += ") END";
}

void SqlRenderer::int_argument(std::string& out, const Expr& e) const {
    if (is_literal(e) && !e.literal.is_null && e.type == Type::Integer &&
        e.literal.integer >= std::numeric_limits<int32_t>::min() &&
        e.literal.integer <= std::numeric_limits<int32_t>::max()) {
        expr(out, e);
        return;
    }
    out += "CAST(";
    expr(out, e);
    out += " AS integer)";
}

void SqlRenderer::extreme(std::string& out, const Expr& e, int ctx) const {
    if (is_text(e)) {
        text_extreme(out, e, ctx);
        return;
    }
    if (e.func == Func::Greatest || e.func == Func::Least) {
        greatest_least(out, e, ctx);
    } else if (e.type == Type::Boolean) {
        boolean_extreme(out, e);
    } else {
        call(out, extreme_name(e.func), e);
    }
}

void SqlRenderer::greatest_least(std::string& out, const Expr& e, int) const {
    call(out, e.func == Func::Greatest ? "GREATEST" : "LEAST", e);
}

void SqlRenderer::boolean_extreme(std::string& out, const Expr& e) const {
    call(out, e.func == Func::Min ? "BOOL_AND" : "BOOL_OR", e);
}

void SqlRenderer::concat_operator(std::string& out, const Expr& e, int ctx) const {
    binary(out, arg(e, 0), "||", arg(e, 1), prec::kConcat, ctx);
}

void SqlRenderer::concat_text(std::string& out, const Expr& e, int) const {
    call(out, "CONCAT", e);
}

void SqlRenderer::substring(std::string& out, const Expr& e, int) const {
    // The engine's own semantics for start < 1 (PostgreSQL's, which the contract adopts); a
    // negative length gives '' on every dialect instead of PostgreSQL's error.
    out += "SUBSTRING(";
    expr(out, arg(e, 0));
    out += ", ";
    int_argument(out, arg(e, 1));
    if (e.args.size() > 2) {
        const Expr& len = arg(e, 2);
        out += ", ";
        if (is_literal(len) && !len.literal.is_null && len.type == Type::Integer) {
            append_int(out, len.literal.integer < 0 ? 0 : len.literal.integer);
        } else {
            // Not GREATEST(len, 0): it ignores a NULL length and would give '' instead of NULL.
            const ExprPtr& n = e.args[2];
            const ExprPtr clamped = make_case(
                {make_call(Func::Lt, {n, make_integer(0)}, Type::Boolean), make_integer(0), n},
                true, Type::Integer);
            int_argument(out, *clamped);
        }
    }
    out += ')';
}

void SqlRenderer::wall_clock(std::string& out, const Expr& e, int ctx) const {
    if (e.type == Type::TimestampTz) {
        to_local_time(out, e, "UTC", ctx);
    } else {
        expr(out, e, ctx);
    }
}

void SqlRenderer::sum(std::string& out, const Expr& e) const {
    out += "SUM(";
    if (e.func == Func::SumIf) {
        // NULL over no matching row, like SUM over no row.
        out += "CASE WHEN ";
        expr(out, arg(e, 1));
        out += " THEN ";
        summed_value(out, arg(e, 0));
        out += " END";
    } else {
        summed_value(out, arg(e, 0));
    }
    out += ')';
}

void SqlRenderer::convert(std::string& out, const Expr& e, int ctx) const {
    // Only the conversions that are exact on every engine.
    const Expr& x = arg(e, 0);
    if (x.type == e.type) {
        expr(out, x, ctx);
        return;
    }
    switch (e.type) {
        case Type::Numeric:
            if (x.type == Type::Integer) {
                // Scale 0: a value read back keeps the integer's digits (DECIMAL(65,30) would
                // add 30 zeros on MySQL).
                integer_as_decimal(out, x);
                return;
            }
            break;
        case Type::Double:
            // Round to nearest on every engine (MySQL reads a DECIMAL through its exact text).
            if (x.type == Type::Integer || x.type == Type::Numeric) {
                cast(out, x, Type::Double);
                return;
            }
            break;
        case Type::Timestamp:
            if (x.type == Type::Date) {
                cast(out, x, Type::Timestamp);
                return;
            }
            break;
        case Type::Date:
            if (x.type == Type::Timestamp) {
                cast(out, x, Type::Date);
                return;
            }
            break;
        case Type::Unknown:
        case Type::Boolean:
        case Type::Integer:
        case Type::Text:
        case Type::TimestampTz:
            break;
    }
    internal("no exact conversion from " + std::string(type_name(x.type)) + " to " +
             std::string(type_name(e.type)));
}

void SqlRenderer::summed_value(std::string& out, const Expr& x) const { expr(out, x); }

void SqlRenderer::count_distinct(std::string& out, const Expr& e) const {
    const Expr& x = arg(e, 0);
    out += "COUNT(DISTINCT ";
    if (is_text(x) && !exact_text_equality()) {
        text_operand(out, x, TextUse::Equality, true, prec::kLowest);
    } else {
        expr(out, x);
    }
    out += ')';
}

void SqlRenderer::approx_count_distinct(std::string& out, const Expr& e) const {
    // An exact count is an honest answer to an approximate question.
    count_distinct(out, e);
}

}  // namespace quarry
