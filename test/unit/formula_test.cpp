// The formula language: parsing (precedence, forms, limits), name resolution, types, aggregate
// rules, stored formulas, and the SQLSTATE and message of every fault.
#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"
#include "formula/formula.hpp"
#include "model/expr_print.hpp"

namespace quarry {
namespace {

SourceInfo shop() {
    SourceInfo s;
    s.name = "orders";
    s.relation.name = {"public", "orders"};
    s.columns = {
        {"id", "", Type::Integer, false, {}},
        {"revenue", "", Type::Numeric, true, {}},
        {"cost", "", Type::Numeric, true, {}},
        {"quantity", "", Type::Integer, true, {}},
        {"discount", "", Type::Double, true, {}},
        {"country", "", Type::Text, true, {}},
        {"status", "", Type::Text, false, {}},
        {"paid", "", Type::Boolean, true, {}},
        {"ordered_at", "", Type::TimestampTz, false, {}},
        {"shipped_at", "", Type::Timestamp, true, {}},
        {"order_date", "", Type::Date, true, {}},
        {"Item price", "item_price", Type::Numeric, true, {}},
        {"Nb of items", "nb_items", Type::Integer, true, {}},
    };
    s.formulas = {{"margin", "revenue - cost"},
                  {"margin_pct", "sum(margin) / sum(revenue)"},
                  {"loop_a", "loop_b + 1"},
                  {"loop_b", "loop_a + 1"},
                  {"broken", "unknown_col + 1"}};
    return s;
}

constexpr Instant kNow = 1793750400LL * 1000000;  // 2026-11-04T00:00:00Z

struct Fixture {
    SourceInfo source = shop();
    FormulaContext ctx;
    explicit Fixture(const char* zone = "UTC") {
        ctx.source = &source;
        ctx.zone = TimeZone::load(zone);
        ctx.now = kNow;
    }
};

std::string tree(const std::string& formula, const char* zone = "UTC") {
    Fixture f(zone);
    return to_sexpr(*compile_formula(formula, f.ctx, "f"));
}

Type type_of(const std::string& formula) {
    Fixture f;
    return compile_formula(formula, f.ctx, "f")->type;
}

// The SQLSTATE and message of the error a formula raises ("" when it compiles).
std::string fault(const std::string& formula, const std::string& path = "metrics[0].formula") {
    Fixture f;
    try {
        compile_formula(formula, f.ctx, path);
    } catch (const Error& e) {
        return e.sqlstate() + " " + e.what();
    }
    return "";
}

TEST(FormulaParse, ArithmeticPrecedenceAndAssociativity) {
    EXPECT_EQ(tree("quantity + id * 2"), "(+ quantity (* id 2))");
    EXPECT_EQ(tree("(quantity + id) * 2"), "(* (+ quantity id) 2)");
    EXPECT_EQ(tree("quantity - id - 1"), "(- (- quantity id) 1)");
    EXPECT_EQ(tree("quantity / id % 3"), "(% (/ quantity id) 3)");
    EXPECT_EQ(tree("-quantity * 2"), "(* (unary - quantity) 2)");
    EXPECT_EQ(tree("- -quantity"), "(unary - (unary - quantity))");
    EXPECT_EQ(tree("-2"), "-2");
    EXPECT_EQ(tree("-2.50"), "num:-2.50");
}

TEST(FormulaParse, LogicComparisonAndConcatPrecedence) {
    EXPECT_EQ(tree("not paid and quantity > 1 or id = 2"),
              "(or (and (not paid) (> quantity 1)) (= id 2))");
    EXPECT_EQ(tree("not quantity > 1"), "(not (> quantity 1))");
    EXPECT_EQ(tree("country || 'x' = 'FRx'"), "(= (|| country 'x') 'FRx')");
    EXPECT_EQ(tree("quantity <> 1"), "(!= quantity 1)");
    EXPECT_EQ(tree("country IS NOT NULL AND country is null"),
              "(and (is not null country) (is null country))");
}

TEST(FormulaParse, InListsBothForms) {
    EXPECT_EQ(tree("country in ('FR', 'DE')"), "(in country 'FR' 'DE')");
    EXPECT_EQ(tree("quantity not in (1, 2, 3)"), "(not in quantity 1 2 3)");
    EXPECT_EQ(tree("not country in ('FR')"), "(not (in country 'FR'))");
}

TEST(FormulaParse, CaseBothForms) {
    EXPECT_EQ(tree("case when quantity > 10 then 'bulk' when quantity > 1 then 'some' "
                   "else 'one' end"),
              "(case:else (> quantity 10) 'bulk' (> quantity 1) 'some' 'one')");
    EXPECT_EQ(tree("CASE WHEN paid THEN 1 END"), "(case paid 1)");
    EXPECT_EQ(tree("case(quantity > 10, 'bulk', 'retail')"),
              "(case:else (> quantity 10) 'bulk' 'retail')");
    EXPECT_EQ(tree("case(quantity > 10, 'bulk', quantity > 5, 'mid')"),
              "(case (> quantity 10) 'bulk' (> quantity 5) 'mid')");
}

TEST(FormulaParse, NamesStringsAndNumbers) {
    EXPECT_EQ(tree("[Item price] * [Nb of items]"), "(* item_price nb_items)");
    EXPECT_EQ(tree("'it''s' || \"say \"\"hi\"\"\""), "(|| 'it's' 'say \"hi\"')");
    EXPECT_EQ(tree("2.5 + 1e3 + 7"), "(+ (+ num:2.5 dbl:1000.000000) 7)");
    EXPECT_EQ(tree("99999999999999999999 + 1"), "(+ num:99999999999999999999 1)");
    EXPECT_EQ(tree("TRUE and false or null"), "(or (and true false) null)");
    EXPECT_EQ(tree("REVENUE"), "revenue");  // unique case-insensitive match
}

TEST(FormulaParse, SyntaxErrorsNamePathAndPosition) {
    EXPECT_EQ(fault("sum(revenue"),
              "22023 metrics[0].formula: syntax error at position 12: expected \")\", got end "
              "of formula");
    EXPECT_EQ(fault("revenue +"),
              "22023 metrics[0].formula: syntax error at position 10: unexpected end of formula");
    EXPECT_EQ(fault("'open"),
              "22023 metrics[0].formula: syntax error at position 1: "
              "unterminated string");
    EXPECT_EQ(fault("[open"),
              "22023 metrics[0].formula: syntax error at position 1: "
              "unterminated [name]");
    EXPECT_EQ(fault("revenue ; drop table x"),
              "22023 metrics[0].formula: syntax error at position 9: unexpected character \";\"");
    // `--` is not a comment: it is two minus signs, and "comment" is no column.
    EXPECT_EQ(fault("revenue -- comment"),
              "42703 metrics[0].formula: unknown column \"comment\" (at position 12)");
    EXPECT_EQ(fault("case when paid then 1"),
              "22023 metrics[0].formula: syntax error at position 22: expected end, got end of "
              "formula");
    EXPECT_EQ(fault("12abc"),
              "22023 metrics[0].formula: syntax error at position 3: "
              "unexpected character after a number");
    EXPECT_EQ(fault("revenue revenue"),
              "22023 metrics[0].formula: syntax error at position 9: unexpected \"revenue\"");
}

TEST(FormulaLimits, DeepNestingIsAnErrorNotACrash) {
    const int n = 10000;
    EXPECT_EQ(fault(std::string(n, '(') + "1" + std::string(n, ')')).substr(0, 6), "22023 ");
    EXPECT_EQ(fault(std::string(n, '-') + "1").substr(0, 6), "22023 ");
    std::string nots;
    for (int i = 0; i < n; ++i) nots += "not ";
    EXPECT_EQ(fault(nots + "paid").substr(0, 6), "22023 ");
    std::string chain = "1";
    for (int i = 0; i < n; ++i) chain += " + 1";
    EXPECT_EQ(fault(chain).substr(0, 6), "22023 ");
    std::string calls;
    for (int i = 0; i < n; ++i) calls += "abs(";
    EXPECT_EQ(fault(calls + "1" + std::string(n, ')')).substr(0, 6), "22023 ");
}

TEST(FormulaLimits, LengthNulAndInListSize) {
    EXPECT_EQ(fault(std::string(kMaxFormulaLength + 1, ' ')),
              "22023 metrics[0].formula: formula longer than 65536 bytes");
    EXPECT_EQ(fault(std::string("revenue\0+1", 10)),
              "22023 metrics[0].formula: formula contains a NUL byte");
    std::string list = "quantity in (0";
    for (size_t i = 1; i <= kMaxInListItems; ++i) list += ", " + std::to_string(i);
    EXPECT_EQ(fault(list + ")"),
              "22023 metrics[0].formula: more than 10000 items in an in (...) list");
    std::string call = "greatest(0";
    for (size_t i = 1; i <= kMaxInListItems; ++i) call += ",1";
    EXPECT_EQ(fault(call + ")"), "22023 metrics[0].formula: more than 10000 arguments in a call");
    EXPECT_EQ(fault(call.substr(0, call.size() - 2) + ")"), "");  // 10,000 arguments are fine
}

TEST(FormulaResolve, UnknownNamesAndFunctions) {
    EXPECT_EQ(fault("price * 2"),
              "42703 metrics[0].formula: unknown column \"price\" (at position 1)");
    EXPECT_EQ(fault("total(revenue)"),
              "22023 metrics[0].formula: unknown function \"total\" (at position 1)");
    EXPECT_EQ(fault("round(revenue, 1, 2)"),
              "22023 metrics[0].formula: function round() takes 1 to 2 arguments, got 3 (at "
              "position 1)");
    EXPECT_EQ(fault("[x\"]; drop table t; --]"),
              "22023 metrics[0].formula: syntax error at position 5: unexpected character \";\"");
    EXPECT_EQ(fault("[x\"]]; drop table t; --]"),
              "42703 metrics[0].formula: unknown column \"x\\\"]; drop table t; --\" (at position "
              "1)");
}

TEST(FormulaResolve, TimestampsAreWallClockInTheZone) {
    EXPECT_EQ(tree("year(ordered_at)", "Europe/Paris"),
              "(year (to_local_time ordered_at Europe/Paris))");
    EXPECT_EQ(tree("year(ordered_at)"), "(year (to_local_time ordered_at UTC))");
    // timestamp columns hold UTC: in UTC they are wall-clock already.
    EXPECT_EQ(tree("hour(shipped_at)"), "(hour shipped_at)");
    EXPECT_EQ(tree("hour(shipped_at)", "Europe/Paris"),
              "(hour (to_local_time shipped_at Europe/Paris))");
    EXPECT_EQ(tree("day(order_date)", "Europe/Paris"), "(day order_date)");
}

TEST(FormulaResolve, NowAndTodayFollowTheContextInTheZone) {
    // 2026-11-04T00:00:00Z is 2026-11-03 19:00 in New York.
    EXPECT_EQ(tree("now()", "America/New_York"), "ts:2026-11-03 19:00:00");
    EXPECT_EQ(tree("today()", "America/New_York"), "date:2026-11-03");
    EXPECT_EQ(tree("today()"), "date:2026-11-04");
}

TEST(FormulaResolve, DateLiteralsAreCoercedAndChecked) {
    EXPECT_EQ(tree("order_date >= '2024-01-01'"), "(>= order_date date:2024-01-01)");
    EXPECT_EQ(tree("shipped_at < '2024-01-01 10:30'"), "(< shipped_at ts:2024-01-01 10:30:00)");
    EXPECT_EQ(tree("date_trunc('month', '2024-03-15')"),
              "(date_trunc:month ts:2024-03-15 00:00:00)");
    EXPECT_EQ(fault("order_date >= '2024-13-01'"),
              "22023 metrics[0].formula: invalid date/time literal \"2024-13-01\" (at position "
              "12)");
}

TEST(FormulaResolve, TimeFunctions) {
    EXPECT_EQ(tree("date_add('months', 1, order_date)"), "(date_add:month 1 order_date)");
    EXPECT_EQ(type_of("date_add('month', 1, order_date)"), Type::Date);
    EXPECT_EQ(type_of("date_add('hour', 1, order_date)"), Type::Timestamp);
    EXPECT_EQ(tree("date_diff('week', order_date, shipped_at)"),
              "(date_diff:week order_date shipped_at)");
    EXPECT_EQ(type_of("date_diff('day', order_date, shipped_at)"), Type::Integer);
    EXPECT_EQ(fault("date_trunc(country, order_date)"),
              "22023 metrics[0].formula: the first argument of date_trunc() must be a unit in "
              "quotes: 'minute', 'hour', 'day', 'week', 'month', 'quarter' or 'year' (at "
              "position 12)");
    EXPECT_EQ(fault("date_trunc('fortnight', order_date)").substr(0, 6), "22023 ");
    EXPECT_EQ(fault("year(country)"),
              "22023 metrics[0].formula: function year() needs a date or timestamp, got text (at "
              "position 1)");
}

TEST(FormulaTypes, ArithmeticAndFunctions) {
    EXPECT_EQ(type_of("quantity + id"), Type::Integer);
    EXPECT_EQ(type_of("quantity + revenue"), Type::Numeric);
    EXPECT_EQ(type_of("revenue * discount"), Type::Double);
    EXPECT_EQ(type_of("quantity / id"), Type::Double);
    EXPECT_EQ(type_of("quantity % 2"), Type::Integer);
    EXPECT_EQ(type_of("round(revenue, 2)"), Type::Numeric);
    EXPECT_EQ(type_of("round(discount)"), Type::Double);
    EXPECT_EQ(type_of("floor(quantity)"), Type::Integer);
    EXPECT_EQ(type_of("sqrt(quantity)"), Type::Double);
    EXPECT_EQ(type_of("power(quantity, 2)"), Type::Double);
    EXPECT_EQ(type_of("length(country)"), Type::Integer);
    EXPECT_EQ(type_of("substring(country, 1, 2)"), Type::Text);
    EXPECT_EQ(type_of("contains(country, 'F')"), Type::Boolean);
    EXPECT_EQ(type_of("concat(country, quantity, paid)"), Type::Text);
    EXPECT_EQ(type_of("quantity || country"), Type::Text);
    EXPECT_EQ(type_of("if(paid, quantity, revenue)"), Type::Numeric);
    EXPECT_EQ(type_of("if(paid, quantity)"), Type::Integer);
    EXPECT_EQ(type_of("coalesce(null, discount, quantity)"), Type::Double);
    EXPECT_EQ(type_of("greatest(order_date, shipped_at)"), Type::Timestamp);
    // A text literal among dates is a date literal (found by the differential tests).
    EXPECT_EQ(type_of("greatest(order_date, '2024-01-01')"), Type::Date);
    EXPECT_EQ(type_of("coalesce('2024-01-01', order_date)"), Type::Date);
    EXPECT_EQ(type_of("least(shipped_at, '2024-01-01 10:00:00')"), Type::Timestamp);
    EXPECT_EQ(type_of("nullif(quantity, 0)"), Type::Integer);
}

TEST(FormulaTypes, MismatchesAreErrors) {
    EXPECT_EQ(fault("country + 1"),
              "22023 metrics[0].formula: operator + needs a number, got text (at position 9)");
    EXPECT_EQ(fault("country = 1"),
              "22023 metrics[0].formula: cannot compare text = integer (at position 9)");
    EXPECT_EQ(fault("if(quantity, 1, 2)"),
              "22023 metrics[0].formula: the condition of if() needs a boolean, got integer (at "
              "position 1)");
    EXPECT_EQ(fault("if(paid, 1, 'x')"),
              "22023 metrics[0].formula: if() mixes integer and text (at position 1)");
    EXPECT_EQ(fault("upper(quantity)"),
              "22023 metrics[0].formula: upper() needs text, got integer (at position 1)");
    EXPECT_EQ(fault("paid and quantity"),
              "22023 metrics[0].formula: and needs a boolean, got integer (at position 6)");
    EXPECT_EQ(fault("-country"),
              "22023 metrics[0].formula: operator - needs a number, got text (at position 1)");
}

TEST(FormulaConditionals, NullableOnlyThroughTheirResults) {
    // A NULL condition is only not taken; a missing else or a nullable result gives NULL.
    Fixture f;
    auto nullable = [&](const char* formula) {
        return compile_formula(formula, f.ctx, "f")->nullable;
    };
    EXPECT_FALSE(nullable("if(quantity > 2, 1, 0)"));
    EXPECT_FALSE(
        nullable("case when quantity > 2 then 'big' when paid then 'paid' else 'other' end"));
    EXPECT_TRUE(nullable("case when quantity > 2 then 'big' end"));
    EXPECT_TRUE(nullable("if(paid, quantity, 0)"));
    EXPECT_TRUE(nullable("if(paid, 0, quantity)"));
}

TEST(FormulaAggregates, TypesAndNullability) {
    Fixture f;
    ExprPtr count = compile_formula("count_distinct(country)", f.ctx, "f");
    EXPECT_EQ(count->type, Type::Integer);
    EXPECT_FALSE(count->nullable);
    EXPECT_TRUE(count->contains_aggregate);
    EXPECT_EQ(tree("count(*)"), "(count(*))");
    EXPECT_EQ(type_of("sum(quantity)"), Type::Integer);
    EXPECT_EQ(type_of("sum(revenue)"), Type::Numeric);
    EXPECT_EQ(type_of("avg(quantity)"), Type::Double);
    EXPECT_EQ(type_of("max(country)"), Type::Text);
    EXPECT_EQ(tree("sum_if(revenue, country = 'FR')"), "(sum_if revenue (= country 'FR'))");
    EXPECT_EQ(tree("count_if(paid)"), "(count_if paid)");
    EXPECT_FALSE(compile_formula("count_if(paid)", f.ctx, "f")->nullable);
    EXPECT_TRUE(compile_formula("sum_if(revenue, paid)", f.ctx, "f")->nullable);
    EXPECT_EQ(tree("sum(revenue) / count_distinct(id)"), "(/ (sum revenue) (count_distinct id))");
}

TEST(FormulaAggregates, NestingAndBareColumnsAreGroupingErrors) {
    EXPECT_EQ(fault("sum(count(id))"),
              "22023 metrics[0].formula: aggregate functions cannot be nested: sum() over an "
              "aggregate (at position 1)");
    EXPECT_EQ(fault("sum(revenue) / cost"),
              "22023 metrics[0].formula: column \"cost\" must be inside an aggregate in a formula "
              "that aggregates");
    EXPECT_EQ(fault("if(paid, sum(revenue), 0)"),
              "22023 metrics[0].formula: column \"paid\" must be inside an aggregate in a formula "
              "that aggregates");
    EXPECT_EQ(fault("count(*) + 1"), "");
    EXPECT_EQ(fault("sum_if(revenue, 1)"),
              "22023 metrics[0].formula: the condition of sum_if() needs a boolean, got integer "
              "(at position 1)");
    EXPECT_EQ(fault("avg(*)"), "22023 metrics[0].formula: avg(*) is not allowed (at position 1)");
}

TEST(FormulaStored, ReferencesCyclesAndErrorsInside) {
    EXPECT_EQ(tree("margin * 2"), "(* (- revenue cost) 2)");
    EXPECT_EQ(tree("margin_pct"), "(/ (sum (- revenue cost)) (sum revenue))");
    EXPECT_EQ(fault("loop_a"),
              "22023 metrics[0].formula: formula cycle: loop_a -> loop_b -> loop_a");
    EXPECT_EQ(fault("broken * 2"),
              "42703 metrics[0].formula: in stored formula \"broken\": unknown column "
              "\"unknown_col\" (at position 1)");
    Fixture f;
    EXPECT_EQ(classify_name(f.source, "margin"), NameKind::StoredFormula);
    EXPECT_EQ(classify_name(f.source, "revenue"), NameKind::Column);
    EXPECT_EQ(classify_name(f.source, "nothing"), NameKind::Unknown);
    EXPECT_EQ(to_sexpr(*compile_name("Item price", f.ctx, "groupby[0]")), "item_price");
    try {
        compile_name("nothing", f.ctx, "groupby[0]");
        FAIL() << "compile_name accepted an unknown name";
    } catch (const Error& e) {
        EXPECT_EQ(e.sqlstate(), "42703");
        EXPECT_STREQ(e.what(), "groupby[0]: unknown column \"nothing\"");
    }
}

TEST(FormulaStored, ChainsOfStoredFormulasAreBounded) {
    Fixture f;
    // Each formula doubles the height of the previous: the compiler stops at its height bound.
    f.source.formulas.clear();
    std::string prev = "quantity";
    for (int i = 0; i < 60; ++i) {
        std::string body = prev;
        for (int k = 0; k < 30; ++k) body = "abs(" + body + ")";
        f.source.formulas.emplace_back("f" + std::to_string(i), body);
        prev = "f" + std::to_string(i);
    }
    try {
        compile_formula(prev, f.ctx, "f");
        FAIL() << "a 1,800-deep expression was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.sqlstate(), "22023");
    }
}

TEST(FormulaNormalize, SpellingDoesNotMatterMeaningDoes) {
    EXPECT_EQ(normalize_formula("SUM( revenue )", "f"), normalize_formula("sum(revenue)", "f"));
    EXPECT_EQ(normalize_formula("a+b*c", "f"), normalize_formula("a + (b * c)", "f"));
    EXPECT_EQ(normalize_formula("[revenue] <> 1", "f"), normalize_formula("revenue != 1", "f"));
    EXPECT_EQ(normalize_formula("\"x\"", "f"), normalize_formula("'x'", "f"));
    EXPECT_NE(normalize_formula("(a + b) * c", "f"), normalize_formula("a + b * c", "f"));
    EXPECT_EQ(normalize_formula("[Item price] * 2", "f"), "([Item price] * 2)");
    EXPECT_EQ(normalize_formula("CASE WHEN x THEN 'it''s' END", "f"),
              "case when x then 'it''s' end");
}

}  // namespace
TEST(FormulaParse, BareNamesAreAsciiWhateverTheLocale) {
    // A backend runs under its database's LC_CTYPE; a Latin-1 locale would call é a letter.
    // Bare names are ASCII everywhere, other names go in brackets.
    EXPECT_EQ(
        fault("quantit\xc3\xa9 + 1"),
        "22023 metrics[0].formula: syntax error at position 8: unexpected character \"\xc3\xa9\"");
    EXPECT_EQ(fault("[quantit\xc3\xa9] + 1"),
              "42703 metrics[0].formula: unknown column \"quantit\xc3\xa9\" (at position 1)");
}

}  // namespace quarry
