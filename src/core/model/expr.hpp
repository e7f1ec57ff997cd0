// Expressions of the query model. Both a spec (through the formula compiler) and, later, the
// FDW planner produce these; the dialect renderers consume them. Nodes are immutable once built
// and shared (a stored formula used twice is one subtree).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/firewall.hpp"
#include "model/types.hpp"

namespace quarry {

enum class ExprKind : uint8_t {
    Literal,  // value in Expr::literal, type in Expr::type
    Column,   // a column of the source: Expr::column (physical name), Expr::qualifier (alias)
    Call,     // an operator, function or aggregate: Expr::func over Expr::args
};

// Every operator, function and aggregate the model knows. Renderers `switch` over this enum
// (no default case), so -Wswitch names any kind a dialect forgot.
enum class Func : uint16_t {
    // arithmetic and text operators
    Add, Sub, Mul,
    Div,        // true division, result Double; x / 0 is NULL
    Mod,        // x % 0 is NULL; on Double takes the dividend's sign
    Neg,
    Concat,     // a || b: NULL if either is NULL
    // comparisons and logic (SQL three-valued)
    Eq, Ne, Lt, Le, Gt, Ge,
    And, Or, Not,
    IsNull, IsNotNull,
    In,         // args[0] IN (args[1..])
    NotIn,      // args[0] NOT IN (args[1..])
    // conditionals
    If,         // if(cond, then[, else])
    Case,       // args: cond1, val1, cond2, val2, ... [, else] (Expr::has_else)
    Coalesce, NullIf,
    // math
    Abs, Round /* half away from zero; args: x[, digits] */, Floor, Ceil, Power,
    Sqrt /* NULL below 0 */, Ln /* NULL at or below 0 */, Log10 /* NULL at or below 0 */,
    Greatest, Least,  // ignore NULLs
    // text (code-point semantics, case-sensitive)
    Lower, Upper, Trim, Length /* characters */, Substring /* 1-based: s, start[, len] */,
    Replace, Contains, StartsWith, EndsWith /* literal, case-sensitive */,
    ConcatText,  // concat(...): NULL counts as ''
    // time (on wall-clock values; Expr::unit holds the unit where there is one)
    DateTrunc /* (ts) */, DateAdd /* (n, ts) */, DateDiff /* (a, b): boundaries crossed */,
    Year, Quarter, Month, Week /* ISO */, Day, Hour, Minute, Weekday /* ISO, Monday = 1 */,
    ToLocalTime,  // args[0] an instant; Expr::text the IANA zone; result Timestamp wall-clock.
                  // The instant is a TimestampTz, or a Timestamp column holding UTC (a PostgreSQL
                  // `timestamp` / MySQL DATETIME column): renderers convert the two differently.
    // aggregates
    Sum, Avg /* Double */, Min, Max, Count /* count(x) */, CountAll /* count(*) */,
    CountDistinct, ApproxCountDistinct,
    CountIf /* (cond): 0 over no row */, SumIf /* (x, cond): NULL over no row */,
    // conversions: not in the formula language (the FDW's pushdown walker builds them)
    Cast,  // args[0] converted exactly to Expr::type: integer -> numeric or double, numeric ->
           // double, date -> timestamp (midnight), timestamp -> date (its day)
};

std::string_view func_name(Func f);  // the formula-language name ("count_distinct", "+", ...)
bool is_aggregate(Func f);

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Literal {
    bool is_null = true;
    bool boolean = false;
    int64_t integer = 0;
    double real = 0.0;
    // Text: the string itself. Numeric: canonical decimal digits ("-12.50").
    // Date: "YYYY-MM-DD". Timestamp: "YYYY-MM-DD HH:MM:SS[.ffffff]" (wall-clock).
    // TimestampTz: "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC.
    std::string text;
};

struct Expr {
    ExprKind kind = ExprKind::Literal;
    Type type = Type::Unknown;
    bool nullable = true;       // false only where NULL is impossible (count, non-null column...)
    bool contains_aggregate = false;
    int height = 1;  // 1 + the tallest argument: compilers bound it, renderers may recurse

    // Literal
    Literal literal;
    // Column
    std::string column;     // physical column name on the relation
    std::string qualifier;  // relation alias; empty for single-relation queries
    ColumnBounds bounds;    // of the column's declared type
    // Call
    Func func = Func::Add;
    TimeUnit unit = TimeUnit::Day;  // DateTrunc, DateAdd, DateDiff
    bool has_else = false;          // Case
    std::string text;               // ToLocalTime: zone name
    std::vector<ExprPtr> args;
};

// Builders that compute `type`, `nullable` and `contains_aggregate` from the arguments.
// Type checking proper (and its error messages) is the formula compiler's job; these trust
// their caller.
ExprPtr make_null(Type t = Type::Unknown);
ExprPtr make_bool(bool v);
ExprPtr make_integer(int64_t v);
ExprPtr make_numeric(std::string digits);
ExprPtr make_double(double v);
ExprPtr make_text(std::string v);
ExprPtr make_date(std::string iso);               // "YYYY-MM-DD"
ExprPtr make_timestamp(std::string iso);          // wall-clock
ExprPtr make_timestamptz(std::string iso_utc);    // instant, UTC
ExprPtr make_column(std::string physical_name, Type t, bool nullable, std::string qualifier = {},
                    ColumnBounds bounds = {});
ExprPtr make_call(Func f, std::vector<ExprPtr> args, Type result_type);
ExprPtr make_time_call(Func f, TimeUnit unit, std::vector<ExprPtr> args, Type result_type);
ExprPtr make_case(std::vector<ExprPtr> args, bool has_else, Type result_type);
ExprPtr make_to_local(ExprPtr instant, std::string zone);

// The call `call` over other arguments (its function, unit, zone and type kept; what depends on
// the arguments computed again).
ExprPtr with_args(const Expr& call, std::vector<ExprPtr> args);

// Structural equality: the same node kinds, functions, units, types, literals and columns.
bool same_expr(const Expr& a, const Expr& b);

}  // namespace quarry
