// PostgreSQL: the shared renderer plus what PostgreSQL spells its own way. Text equality is
// already exact (deterministic collations); ordering needs COLLATE "C" (UTF-8 byte order is
// code-point order); dates need explicit timestamp promotion.
#include "dialects/postgres.hpp"

#include <cmath>
#include <memory>

#include "common/error.hpp"
#include "render/quote.hpp"

namespace quarry {

namespace {

struct PartField {
    Func func;
    std::string_view field;
};
constexpr PartField kPartFields[] = {
    {Func::Year, "YEAR"},     {Func::Quarter, "QUARTER"},
    {Func::Month, "MONTH"},   {Func::Week, "WEEK"},  // ISO 8601 week number
    {Func::Day, "DAY"},       {Func::Hour, "HOUR"},
    {Func::Minute, "MINUTE"}, {Func::Weekday, "ISODOW"},  // Monday = 1
};

std::string_view part_field(Func f) {
    for (const PartField& p : kPartFields) {
        if (p.func == f) return p.field;
    }
    throw Error(sqlstate::kInternalError, "not a date part function");
}

// An interval step: weeks are 7 days and quarters 3 months (month arithmetic clamps to the
// month's last day: Jan 31 + 1 month = Feb 28/29).
struct Step {
    int64_t count;
    std::string_view unit;
};
Step interval_step(TimeUnit u) {
    if (u == TimeUnit::Week) return {7, "day"};
    if (u == TimeUnit::Quarter) return {3, "month"};
    return {1, sql_unit(u)};
}

DialectRegistration registration{"postgres", [] { return std::make_unique<PostgresDialect>(); }};

}  // namespace

void PostgresDialect::append_identifier(std::string& out, std::string_view ident) const {
    quote::standard_identifier(out, ident);
}

void PostgresDialect::append_string(std::string& out, std::string_view text) const {
    quote::standard_string(out, text);
}

std::string_view PostgresDialect::cast_type(Type t) const {
    switch (t) {
        case Type::Boolean:
            return "boolean";
        case Type::Integer:
            return "bigint";
        case Type::Numeric:
            return "numeric";
        case Type::Double:
            return "double precision";
        case Type::Unknown:
        case Type::Text:
            return "text";
        case Type::Date:
            return "date";
        case Type::Timestamp:
            return "timestamp";
        case Type::TimestampTz:
            return "timestamptz";
    }
    throw Error(sqlstate::kInternalError, "unknown type");
}

void PostgresDialect::double_literal(std::string& out, double v, int) const {
    // A bare 0.1 would be numeric.
    out += "CAST(";
    if (std::isnan(v)) {
        append_string(out, "NaN");
    } else if (std::isinf(v)) {
        append_string(out, v > 0 ? "Infinity" : "-Infinity");
    } else {
        out += shortest_double(v);
    }
    out += " AS double precision)";
}

void PostgresDialect::text_operand(std::string& out, const Expr& e, TextUse use, bool alone,
                                   int ctx) const {
    // A literal takes the other operand's explicit collation.
    if (use == TextUse::Equality || (is_literal(e) && !alone)) {
        expr(out, e, ctx);
        return;
    }
    Parens p(out, prec::kPostfix < ctx);
    expr(out, e, prec::kAtom);
    out += " COLLATE \"C\"";
}

void PostgresDialect::text_extreme(std::string& out, const Expr& e, int ctx) const {
    // The result is relabelled to the default collation: left as "C", a later upper()/lower()
    // would only map ASCII letters.
    Parens p(out, prec::kPostfix < ctx);
    out += extreme_name(e.func);
    out += '(';
    for (size_t i = 0; i < e.args.size(); ++i) {
        if (i == 0) {
            text_operand(out, *e.args[0], TextUse::Ordering, true, prec::kLowest);
        } else {
            out += ", ";
            expr(out, *e.args[i]);
        }
    }
    out += ") COLLATE \"default\"";
}

void PostgresDialect::text_match(std::string& out, const Expr& e, int ctx) const {
    const Expr& s = *e.args.at(0);
    const Expr& t = *e.args.at(1);
    if (is_text_literal(t)) {
        // A literal pattern becomes LIKE with %, _ and \ escaped (LIKE 'abc%' can use an index).
        Parens p(out, prec::kCompare < ctx);
        expr(out, s, prec::kCompare + 1);
        out += " LIKE ";
        append_string(out, like_pattern(e.func, t.literal.text));
        return;
    }
    if (e.func == Func::StartsWith) {
        out += "STARTS_WITH(";
        expr(out, s);
        out += ", ";
        expr(out, t);
        out += ')';
        return;
    }
    Parens p(out, prec::kCompare < ctx);
    if (e.func == Func::Contains) {
        out += "STRPOS(";
        expr(out, s);
        out += ", ";
        expr(out, t);
        out += ") > 0";
        return;
    }
    out += "RIGHT(";
    expr(out, s);
    out += ", CHAR_LENGTH(";
    expr(out, t);
    out += ")) = ";
    expr(out, t, prec::kCompare + 1);
}

void PostgresDialect::timestamp_argument(std::string& out, const Expr& e, int ctx) const {
    if (e.type == Type::Date) {
        cast(out, e, Type::Timestamp);
    } else {
        wall_clock(out, e, ctx);
    }
}

void PostgresDialect::date_argument(std::string& out, const Expr& e, int ctx) const {
    if (e.type == Type::Date) {
        expr(out, e, ctx);
        return;
    }
    out += "CAST(";
    wall_clock(out, e, prec::kLowest);
    out += " AS date)";
}

void PostgresDialect::extract(std::string& out, std::string_view field, const Expr& e) const {
    out += "EXTRACT(";
    out += field;
    out += " FROM ";
    if (field == "HOUR" || field == "MINUTE") {
        timestamp_argument(out, e);  // a date has no time fields (hour of a date is 0)
    } else {
        wall_clock(out, e, prec::kLowest);
    }
    out += ')';
}

void PostgresDialect::truncated(std::string& out, TimeUnit unit, const Expr& e) const {
    out += "DATE_TRUNC('";
    out += sql_unit(unit);
    out += "', ";
    timestamp_argument(out, e);
    out += ')';
}

void PostgresDialect::date_trunc(std::string& out, const Expr& e, int) const {
    const Expr& x = *e.args.at(0);
    if (e.type == Type::Date) {
        out += "CAST(";
        truncated(out, e.unit, x);
        out += " AS date)";
        return;
    }
    truncated(out, e.unit, x);
}

void PostgresDialect::date_add(std::string& out, const Expr& e, int ctx) const {
    const Expr& n = *e.args.at(0);
    const Expr& x = *e.args.at(1);
    const bool to_date = e.type == Type::Date;  // date + interval is a timestamp
    if (to_date) out += "CAST(";
    {
        Parens p(out, !to_date && prec::kAdd < ctx);
        timestamp_argument(out, x, prec::kAdd);
        out += " + ";
        const Step step = interval_step(e.unit);
        int64_t count = 0;
        if (is_literal(n) && !n.literal.is_null && n.type == Type::Integer &&
            !__builtin_mul_overflow(n.literal.integer, step.count, &count)) {
            std::string text;
            append_int(text, count);
            text += ' ';
            text += step.unit;
            out += "INTERVAL ";
            append_string(out, text);
        } else {
            expr(out, n, prec::kMul);
            out += " * INTERVAL ";
            std::string text;
            append_int(text, step.count);
            text += ' ';
            text += step.unit;
            append_string(out, text);
        }
    }
    if (to_date) out += " AS date)";
}

void PostgresDialect::date_diff(std::string& out, const Expr& e, int ctx) const {
    // Unit boundaries crossed from a to b: the difference of both values truncated to the unit.
    const Expr& a = *e.args.at(0);
    const Expr& b = *e.args.at(1);
    auto epoch_units = [&](std::string_view seconds) {
        out += "CAST(FLOOR(";
        extract(out, "EPOCH", b);
        out += " / ";
        out += seconds;
        out += ") - FLOOR(";
        extract(out, "EPOCH", a);
        out += " / ";
        out += seconds;
        out += ") AS bigint)";
    };
    auto calendar_units = [&](std::string_view field, std::string_view per_year) {
        out += "CAST((";
        extract(out, "YEAR", b);
        out += " - ";
        extract(out, "YEAR", a);
        out += ") * ";
        out += per_year;
        out += " + ";
        extract(out, field, b);
        out += " - ";
        extract(out, field, a);
        out += " AS bigint)";
    };
    switch (e.unit) {
        case TimeUnit::Minute:
            epoch_units("60");
            return;
        case TimeUnit::Hour:
            epoch_units("3600");
            return;
        case TimeUnit::Day: {
            Parens p(out, prec::kAdd < ctx);
            date_argument(out, b, prec::kAdd);
            out += " - ";
            date_argument(out, a, prec::kAdd + 1);
            return;
        }
        case TimeUnit::Week: {
            // Between the Mondays (ISO weeks) of both dates, in whole weeks.
            Parens p(out, prec::kMul < ctx);
            out += "(CAST(";
            truncated(out, TimeUnit::Week, b);
            out += " AS date) - CAST(";
            truncated(out, TimeUnit::Week, a);
            out += " AS date)) / 7";
            return;
        }
        case TimeUnit::Month:
            calendar_units("MONTH", "12");
            return;
        case TimeUnit::Quarter:
            calendar_units("QUARTER", "4");
            return;
        case TimeUnit::Year:
            out += "CAST(";
            extract(out, "YEAR", b);
            out += " - ";
            extract(out, "YEAR", a);
            out += " AS bigint)";
            return;
    }
}

void PostgresDialect::date_part(std::string& out, const Expr& e, int) const {
    out += "CAST(";
    extract(out, part_field(e.func), *e.args.at(0));
    out += " AS integer)";
}

void PostgresDialect::to_local_time(std::string& out, const Expr& instant, std::string_view zone,
                                    int ctx) const {
    if (instant.type == Type::TimestampTz) {
        out += '(';
        expr(out, instant, prec::kAtom);
        out += " AT TIME ZONE ";
        append_string(out, zone);
        out += ')';
        return;
    }
    if (instant.type != Type::Timestamp) {
        throw Error(sqlstate::kInternalError, "to_local_time needs an instant");
    }
    // A timestamp column holds UTC: read it as UTC, then as wall-clock time in the zone.
    if (is_utc_zone(zone)) {
        expr(out, instant, ctx);
        return;
    }
    out += "((";
    expr(out, instant, prec::kAtom);
    out += " AT TIME ZONE 'UTC') AT TIME ZONE ";
    append_string(out, zone);
    out += ')';
}

}  // namespace quarry
