// Golden renderings: one model input, the SQL each dialect must produce. The expected strings are
// the specification (docs/dialects.md explains each form); they were derived from the engines'
// semantics, and the trickier ones checked by hand on PostgreSQL 15 and MariaDB 10.11.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "common/error.hpp"
#include "dialects/dialect.hpp"
#include "model/expr.hpp"
#include "model/query.hpp"

namespace quarry {
namespace {

using Args = std::vector<ExprPtr>;

// The columns of an "orders" relation.
const ExprPtr kCountry = make_column("country", Type::Text, true);
const ExprPtr kName = make_column("name", Type::Text, true);
const ExprPtr kRevenue = make_column("revenue", Type::Double, true);
const ExprPtr kCost = make_column("cost", Type::Numeric, true);
const ExprPtr kQty = make_column("qty", Type::Integer, false);
const ExprPtr kPaid = make_column("paid", Type::Boolean, true);
const ExprPtr kOrderedAt = make_column("ordered_at", Type::TimestampTz, false);  // timestamptz
const ExprPtr kShippedAt = make_column("shipped_at", Type::Timestamp, true);     // UTC timestamp
const ExprPtr kDay = make_column("day", Type::Date, true);

ExprPtr fn(Func f, Args args, Type t) { return make_call(f, std::move(args), t); }
ExprPtr boolean(Func f, Args args) { return make_call(f, std::move(args), Type::Boolean); }
ExprPtr timefn(Func f, TimeUnit u, Args args, Type t) {
    return make_time_call(f, u, std::move(args), t);
}
ExprPtr lit(int64_t v) { return make_integer(v); }
ExprPtr txt(std::string v) { return make_text(std::move(v)); }

std::string render(const char* dialect, const Expr& e) {
    return dialect_by_name(dialect).render_expr(e);
}
std::string render(const char* dialect, const Query& q) {
    return dialect_by_name(dialect).render_query(q);
}

template <typename Node>
void check(const Node& node, const std::string& postgres, const std::string& mysql,
           const std::string& redshift) {
    EXPECT_EQ(render("postgres", node), postgres);
    EXPECT_EQ(render("mysql", node), mysql);
    EXPECT_EQ(render("redshift", node), redshift);
}
#define CHECK_SQL(node, pg, my, rs) \
    do {                            \
        SCOPED_TRACE(#node);        \
        check(*(node), pg, my, rs); \
    } while (0)

std::string error_state(const char* dialect, const Expr& e) {
    try {
        render(dialect, e);
    } catch (const Error& err) {
        return err.sqlstate();
    }
    return "no error";
}

// ---- operators

TEST(RenderGolden, Arithmetic) {
    CHECK_SQL(fn(Func::Add, {kQty, lit(1)}, Type::Integer), R"("qty" + 1)", "`qty` + 1",
              R"("qty" + 1)");
    CHECK_SQL(fn(Func::Sub, {kQty, fn(Func::Sub, {kQty, lit(1)}, Type::Integer)}, Type::Integer),
              R"("qty" - ("qty" - 1))", "`qty` - (`qty` - 1)", R"("qty" - ("qty" - 1))");
    CHECK_SQL(fn(Func::Mul, {fn(Func::Add, {kQty, lit(1)}, Type::Integer), kRevenue}, Type::Double),
              R"(("qty" + 1) * "revenue")", "(`qty` + 1) * `revenue`",
              R"(("qty" + 1) * "revenue")");
    // Never "--1": that is a comment.
    CHECK_SQL(fn(Func::Neg, {lit(-1)}, Type::Integer), "-(-1)", "-(-1)", "-(-1)");
    CHECK_SQL(fn(Func::Neg, {fn(Func::Neg, {kQty}, Type::Integer)}, Type::Integer), R"(-(-"qty"))",
              "-(-`qty`)", R"(-(-"qty"))");
    CHECK_SQL(fn(Func::Sub, {kQty, lit(-1)}, Type::Integer), R"("qty" - -1)", "`qty` - -1",
              R"("qty" - -1)");
}

TEST(RenderGolden, DivisionIsTrueDivisionWithNullForZero) {
    CHECK_SQL(fn(Func::Div, {kQty, lit(2)}, Type::Double),
              R"(CAST("qty" AS double precision) / NULLIF(2, 0))",
              "CAST(`qty` AS DOUBLE) / NULLIF(2, 0)",
              R"(CAST("qty" AS double precision) / NULLIF(2, 0))");
    // MySQL casts even a DOUBLE: a DOUBLE(M,D) column would give the quotient fixed decimals.
    CHECK_SQL(fn(Func::Div, {kRevenue, kCost}, Type::Double), R"("revenue" / NULLIF("cost", 0))",
              "CAST(`revenue` AS DOUBLE) / NULLIF(`cost`, 0)", R"("revenue" / NULLIF("cost", 0))");
    const ExprPtr half = fn(Func::Div, {kQty, lit(2)}, Type::Double);
    CHECK_SQL(fn(Func::Mul, {half, lit(3)}, Type::Double),
              R"(CAST("qty" AS double precision) / NULLIF(2, 0) * 3)",
              "CAST(`qty` AS DOUBLE) / NULLIF(2, 0) * 3",
              R"(CAST("qty" AS double precision) / NULLIF(2, 0) * 3)");
    CHECK_SQL(fn(Func::Mul, {lit(3), half}, Type::Double),
              R"(3 * (CAST("qty" AS double precision) / NULLIF(2, 0)))",
              "3 * (CAST(`qty` AS DOUBLE) / NULLIF(2, 0))",
              R"(3 * (CAST("qty" AS double precision) / NULLIF(2, 0)))");
}

TEST(RenderGolden, Modulo) {
    CHECK_SQL(fn(Func::Mod, {kQty, lit(3)}, Type::Integer), R"(MOD("qty", NULLIF(3, 0)))",
              "MOD(`qty`, NULLIF(3, 0))", R"(MOD("qty", NULLIF(3, 0)))");
    // Doubles: the dividend's sign, with the same IEEE steps everywhere.
    CHECK_SQL(
        fn(Func::Mod, {kRevenue, lit(2)}, Type::Double),
        R"("revenue" - 2 * TRUNC("revenue" / NULLIF(2, 0)))",
        "CAST(`revenue` AS DOUBLE) - 2 * TRUNCATE(CAST(`revenue` AS DOUBLE) / NULLIF(2, 0), 0)",
        R"("revenue" - 2 * TRUNC("revenue" / NULLIF(2, 0)))");
}

TEST(RenderGolden, ConcatOperatorIsNullWithANull) {
    CHECK_SQL(fn(Func::Concat, {kName, kCountry}, Type::Text), R"("name" || "country")",
              "CONCAT(`name`, `country`)", R"("name" || "country")");
}

// ---- comparisons and text semantics

TEST(RenderGolden, NonTextComparisons) {
    CHECK_SQL(boolean(Func::Gt, {kQty, lit(10)}), R"("qty" > 10)", "`qty` > 10", R"("qty" > 10)");
    CHECK_SQL(boolean(Func::Le, {kDay, make_date("2024-01-01")}), R"("day" <= DATE '2024-01-01')",
              "`day` <= DATE '2024-01-01'", R"("day" <= DATE '2024-01-01')");
}

TEST(RenderGolden, TextEqualityIsExact) {
    // MySQL pairs the plain comparison (index) with the exact one; Redshift likewise (its
    // VARCHAR = ignores trailing spaces).
    CHECK_SQL(boolean(Func::Eq, {kCountry, txt("FR")}), R"("country" = 'FR')",
              "`country` = 'FR' AND CAST(`country` AS BINARY) = 'FR'",
              R"("country" = 'FR' AND OCTET_LENGTH("country") = 2)");
    CHECK_SQL(boolean(Func::Ne, {kCountry, txt("FR")}), R"("country" <> 'FR')",
              "`country` <> 'FR' OR CAST(`country` AS BINARY) <> 'FR'",
              R"("country" <> 'FR' OR OCTET_LENGTH("country") <> 2)");
    // Redshift: the byte length of the literal, in UTF-8; a CHAR column's OCTET_LENGTH counts
    // its padding, so it keeps the concatenated form.
    CHECK_SQL(boolean(Func::Eq, {txt("Zürich"), kCountry}), R"('Zürich' = "country")",
              "'Zürich' = `country` AND 'Zürich' = CAST(`country` AS BINARY)",
              R"('Zürich' = "country" AND OCTET_LENGTH("country") = 7)");
    ColumnBounds char2;
    char2.max_chars = 2;
    char2.blank_padded = true;
    const ExprPtr code = make_column("code", Type::Text, true, {}, char2);
    EXPECT_EQ(render("redshift", *boolean(Func::Eq, {code, txt("FR")})),
              R"("code" = 'FR' AND "code" || CHR(1) = 'FR' || CHR(1))");
    CHECK_SQL(boolean(Func::Eq, {fn(Func::Upper, {kCountry}, Type::Text), txt("FR")}),
              R"(UPPER("country") = 'FR')", "CAST(UPPER(`country`) AS BINARY) = 'FR'",
              R"(UPPER("country") || CHR(1) = 'FR' || CHR(1))");
    CHECK_SQL(boolean(Func::Eq, {txt("FR"), txt("fr")}), "'FR' = 'fr'",
              "CAST('FR' AS BINARY) = CAST('fr' AS BINARY)", "'FR' || CHR(1) = 'fr' || CHR(1)");
    CHECK_SQL(boolean(Func::Eq, {kCountry, make_null(Type::Text)}),
              R"("country" = CAST(NULL AS text))", "CAST(`country` AS BINARY) = NULL",
              R"("country" || CHR(1) = CAST(NULL AS varchar) || CHR(1))");
    CHECK_SQL(boolean(Func::Eq, {fn(Func::Concat, {kName, kCountry}, Type::Text), txt("ab")}),
              R"("name" || "country" = 'ab')", "CAST(CONCAT(`name`, `country`) AS BINARY) = 'ab'",
              R"("name" || "country" || CHR(1) = 'ab' || CHR(1))");
    CHECK_SQL(boolean(Func::Or, {boolean(Func::Eq, {kCountry, txt("FR")}),
                                 boolean(Func::Gt, {kQty, lit(1)})}),
              R"("country" = 'FR' OR "qty" > 1)",
              "`country` = 'FR' AND CAST(`country` AS BINARY) = 'FR' OR `qty` > 1",
              R"("country" = 'FR' AND OCTET_LENGTH("country") = 2 OR "qty" > 1)");
    CHECK_SQL(boolean(Func::And, {boolean(Func::Eq, {kCountry, txt("FR")}),
                                  boolean(Func::Or, {kPaid, boolean(Func::Gt, {kQty, lit(1)})})}),
              R"("country" = 'FR' AND ("paid" OR "qty" > 1))",
              "`country` = 'FR' AND CAST(`country` AS BINARY) = 'FR' AND (`paid` OR `qty` > 1)",
              R"("country" = 'FR' AND OCTET_LENGTH("country") = 2 AND ("paid" OR "qty" > 1))");
}

TEST(RenderGolden, TextOrderingIsCodePointOrder) {
    CHECK_SQL(boolean(Func::Lt, {kCountry, txt("m")}), R"("country" COLLATE "C" < 'm')",
              "CAST(`country` AS BINARY) < 'm'", R"("country" || CHR(1) < 'm' || CHR(1))");
    CHECK_SQL(boolean(Func::Ge, {kName, kCountry}),
              R"("name" COLLATE "C" >= "country" COLLATE "C")",
              "CAST(`name` AS BINARY) >= CAST(`country` AS BINARY)",
              R"("name" || CHR(1) >= "country" || CHR(1))");
    CHECK_SQL(boolean(Func::Gt, {txt("b"), kName}), R"('b' > "name" COLLATE "C")",
              "'b' > CAST(`name` AS BINARY)", R"('b' || CHR(1) > "name" || CHR(1))");
    CHECK_SQL(boolean(Func::Lt, {fn(Func::Concat, {kName, kCountry}, Type::Text), txt("m")}),
              R"(("name" || "country") COLLATE "C" < 'm')",
              "CAST(CONCAT(`name`, `country`) AS BINARY) < 'm'",
              R"("name" || "country" || CHR(1) < 'm' || CHR(1))");
}

TEST(RenderGolden, Logic) {
    const ExprPtr big = boolean(Func::Gt, {kQty, lit(1)});
    const ExprPtr small = boolean(Func::Lt, {kQty, lit(5)});
    CHECK_SQL(boolean(Func::And, {boolean(Func::Or, {big, kPaid}), small}),
              R"(("qty" > 1 OR "paid") AND "qty" < 5)", "(`qty` > 1 OR `paid`) AND `qty` < 5",
              R"(("qty" > 1 OR "paid") AND "qty" < 5)");
    CHECK_SQL(boolean(Func::Or, {boolean(Func::And, {big, kPaid}), small}),
              R"("qty" > 1 AND "paid" OR "qty" < 5)", "`qty` > 1 AND `paid` OR `qty` < 5",
              R"("qty" > 1 AND "paid" OR "qty" < 5)");
    CHECK_SQL(boolean(Func::Not, {boolean(Func::And, {kPaid, big})}),
              R"(NOT ("paid" AND "qty" > 1))", "NOT (`paid` AND `qty` > 1)",
              R"(NOT ("paid" AND "qty" > 1))");
    CHECK_SQL(boolean(Func::Not, {boolean(Func::Eq, {kQty, lit(1)})}), R"(NOT "qty" = 1)",
              "NOT `qty` = 1", R"(NOT "qty" = 1)");
    CHECK_SQL(boolean(Func::IsNull, {kCountry}), R"("country" IS NULL)", "`country` IS NULL",
              R"("country" IS NULL)");
    CHECK_SQL(boolean(Func::IsNotNull, {fn(Func::Add, {kQty, lit(1)}, Type::Integer)}),
              R"("qty" + 1 IS NOT NULL)", "`qty` + 1 IS NOT NULL", R"("qty" + 1 IS NOT NULL)");
    CHECK_SQL(boolean(Func::IsNull, {boolean(Func::Eq, {kQty, lit(1)})}), R"(("qty" = 1) IS NULL)",
              "(`qty` = 1) IS NULL", R"(("qty" = 1) IS NULL)");
}

TEST(RenderGolden, InLists) {
    CHECK_SQL(boolean(Func::In, {kQty, lit(1), lit(2), lit(3)}), R"("qty" IN (1, 2, 3))",
              "`qty` IN (1, 2, 3)", R"("qty" IN (1, 2, 3))");
    CHECK_SQL(
        boolean(Func::In, {kCountry, txt("FR"), txt("DE")}), R"("country" IN ('FR', 'DE'))",
        "`country` IN ('FR', 'DE') AND CAST(`country` AS BINARY) IN ('FR', 'DE')",
        R"("country" IN ('FR', 'DE') AND "country" || CHR(1) IN ('FR' || CHR(1), 'DE' || CHR(1)))");
    CHECK_SQL(boolean(Func::NotIn, {kCountry, txt("FR"), txt("DE")}),
              R"("country" NOT IN ('FR', 'DE'))", "CAST(`country` AS BINARY) NOT IN ('FR', 'DE')",
              R"("country" || CHR(1) NOT IN ('FR' || CHR(1), 'DE' || CHR(1)))");
    CHECK_SQL(boolean(Func::In, {fn(Func::Lower, {kCountry}, Type::Text), kName}),
              R"(LOWER("country") IN ("name"))",
              "CAST(LOWER(`country`) AS BINARY) IN (CAST(`name` AS BINARY))",
              R"(LOWER("country") || CHR(1) IN ("name" || CHR(1)))");
}

// ---- conditionals

TEST(RenderGolden, Conditionals) {
    const ExprPtr bulk = boolean(Func::Gt, {kQty, lit(10)});
    CHECK_SQL(fn(Func::If, {bulk, txt("bulk"), txt("retail")}, Type::Text),
              R"(CASE WHEN "qty" > 10 THEN 'bulk' ELSE 'retail' END)",
              "CASE WHEN `qty` > 10 THEN 'bulk' ELSE 'retail' END",
              R"(CASE WHEN "qty" > 10 THEN 'bulk' ELSE 'retail' END)");
    CHECK_SQL(fn(Func::If, {kPaid, kRevenue}, Type::Double),
              R"(CASE WHEN "paid" THEN "revenue" END)", "CASE WHEN `paid` THEN `revenue` END",
              R"(CASE WHEN "paid" THEN "revenue" END)");
    auto with_else = std::const_pointer_cast<Expr>(fn(
        Func::Case, {bulk, txt("big"), boolean(Func::Gt, {kQty, lit(5)}), txt("mid"), txt("small")},
        Type::Text));
    with_else->has_else = true;
    CHECK_SQL(with_else,
              R"(CASE WHEN "qty" > 10 THEN 'big' WHEN "qty" > 5 THEN 'mid' ELSE 'small' END)",
              "CASE WHEN `qty` > 10 THEN 'big' WHEN `qty` > 5 THEN 'mid' ELSE 'small' END",
              R"(CASE WHEN "qty" > 10 THEN 'big' WHEN "qty" > 5 THEN 'mid' ELSE 'small' END)");
    CHECK_SQL(fn(Func::Case, {bulk, lit(1)}, Type::Integer), R"(CASE WHEN "qty" > 10 THEN 1 END)",
              "CASE WHEN `qty` > 10 THEN 1 END", R"(CASE WHEN "qty" > 10 THEN 1 END)");
    CHECK_SQL(fn(Func::Coalesce, {kCountry, txt("n/a")}, Type::Text),
              R"(COALESCE("country", 'n/a'))", "COALESCE(`country`, 'n/a')",
              R"(COALESCE("country", 'n/a'))");
    CHECK_SQL(fn(Func::NullIf, {kQty, lit(0)}, Type::Integer), R"(NULLIF("qty", 0))",
              "NULLIF(`qty`, 0)", R"(NULLIF("qty", 0))");
    // NULLIF compares under the collation on MySQL ('fr' = 'FR'): spelled out exactly.
    CHECK_SQL(fn(Func::NullIf, {kCountry, txt("FR")}, Type::Text), R"(NULLIF("country", 'FR'))",
              "CASE WHEN CAST(`country` AS BINARY) = 'FR' THEN NULL ELSE `country` END",
              R"(CASE WHEN "country" || CHR(1) = 'FR' || CHR(1) THEN NULL ELSE "country" END)");
}

// ---- math

TEST(RenderGolden, RoundOnDoublesIsHalfAwayFromZero) {
    CHECK_SQL(fn(Func::Round, {kRevenue}, Type::Double),
              R"(SIGN("revenue") * FLOOR(ABS("revenue") + 0.5))",
              "SIGN(`revenue`) * FLOOR(ABS(`revenue`) + 0.5)",
              R"(SIGN("revenue") * FLOOR(ABS("revenue") + 0.5))");
    CHECK_SQL(fn(Func::Round, {kRevenue, lit(2)}, Type::Double),
              R"(SIGN("revenue") * FLOOR(ABS("revenue") * 1e2 + 0.5) / 1e2)",
              "SIGN(`revenue`) * FLOOR(ABS(`revenue`) * 1e2 + 0.5) / 1e2",
              R"(SIGN("revenue") * FLOOR(ABS("revenue") * 1e2 + 0.5) / 1e2)");
    CHECK_SQL(fn(Func::Round, {kRevenue, lit(-2)}, Type::Double),
              R"(SIGN("revenue") * FLOOR(ABS("revenue") / 1e2 + 0.5) * 1e2)",
              "SIGN(`revenue`) * FLOOR(ABS(`revenue`) / 1e2 + 0.5) * 1e2",
              R"(SIGN("revenue") * FLOOR(ABS("revenue") / 1e2 + 0.5) * 1e2)");
    CHECK_SQL(
        fn(Func::Round, {kRevenue, kQty}, Type::Double),
        R"(SIGN("revenue") * FLOOR(ABS("revenue") * POWER(10, "qty") + 0.5) / POWER(10, "qty"))",
        "SIGN(`revenue`) * FLOOR(ABS(`revenue`) * POWER(10, `qty`) + 0.5) / POWER(10, `qty`)",
        R"(SIGN("revenue") * FLOOR(ABS("revenue") * POWER(10, "qty") + 0.5) / POWER(10, "qty"))");
    const ExprPtr twice = fn(Func::Mul, {kRevenue, lit(2)}, Type::Double);
    CHECK_SQL(fn(Func::Round, {twice, lit(1)}, Type::Double),
              R"(SIGN("revenue" * 2) * FLOOR(ABS("revenue" * 2) * 1e1 + 0.5) / 1e1)",
              "SIGN(`revenue` * 2) * FLOOR(ABS(`revenue` * 2) * 1e1 + 0.5) / 1e1",
              R"(SIGN("revenue" * 2) * FLOOR(ABS("revenue" * 2) * 1e1 + 0.5) / 1e1)");
    const ExprPtr rounded = fn(Func::Round, {kRevenue}, Type::Double);
    CHECK_SQL(fn(Func::Mul, {lit(2), rounded}, Type::Double),
              R"(2 * (SIGN("revenue") * FLOOR(ABS("revenue") + 0.5)))",
              "2 * (SIGN(`revenue`) * FLOOR(ABS(`revenue`) + 0.5))",
              R"(2 * (SIGN("revenue") * FLOOR(ABS("revenue") + 0.5)))");
}

TEST(RenderGolden, RoundOnExactTypes) {
    CHECK_SQL(fn(Func::Round, {kCost, lit(2)}, Type::Numeric), R"(ROUND("cost", 2))",
              "ROUND(`cost`, 2)", R"(ROUND("cost", 2))");
    CHECK_SQL(fn(Func::Round, {kCost}, Type::Numeric), R"(ROUND("cost"))", "ROUND(`cost`)",
              R"(ROUND("cost"))");
    CHECK_SQL(fn(Func::Round, {kCost, kQty}, Type::Numeric),
              R"(ROUND("cost", CAST("qty" AS integer)))", "ROUND(`cost`, `qty`)",
              R"(ROUND("cost", CAST("qty" AS integer)))");
    CHECK_SQL(fn(Func::Round, {kQty}, Type::Integer), R"("qty")", "`qty`", R"("qty")");
    CHECK_SQL(fn(Func::Round, {kQty, lit(-2)}, Type::Integer),
              R"(CAST(ROUND(CAST("qty" AS numeric), -2) AS bigint))",
              "CAST(ROUND(CAST(`qty` AS DECIMAL(65,0)), -2) AS SIGNED)",
              R"(CAST(ROUND(CAST("qty" AS DECIMAL(38,0)), -2) AS bigint))");
}

TEST(RenderGolden, OtherMath) {
    CHECK_SQL(fn(Func::Abs, {kRevenue}, Type::Double), R"(ABS("revenue"))", "ABS(`revenue`)",
              R"(ABS("revenue"))");
    CHECK_SQL(fn(Func::Floor, {kRevenue}, Type::Double), R"(FLOOR("revenue"))", "FLOOR(`revenue`)",
              R"(FLOOR("revenue"))");
    CHECK_SQL(fn(Func::Ceil, {kCost}, Type::Numeric), R"(CEIL("cost"))", "CEIL(`cost`)",
              R"(CEIL("cost"))");
    CHECK_SQL(fn(Func::Floor, {kQty}, Type::Integer), R"("qty")", "`qty`", R"("qty")");
    CHECK_SQL(fn(Func::Power, {kQty, lit(2)}, Type::Double),
              R"(POWER(CAST("qty" AS double precision), 2))", "POWER(CAST(`qty` AS DOUBLE), 2)",
              R"(POWER(CAST("qty" AS double precision), 2))");
    CHECK_SQL(fn(Func::Power, {kRevenue, make_double(0.5)}, Type::Double),
              R"(POWER("revenue", CAST(0.5 AS double precision)))",
              "POWER(CAST(`revenue` AS DOUBLE), 0.5e0)",
              R"(POWER("revenue", CAST(0.5 AS double precision)))");
}

TEST(RenderGolden, SqrtAndLogarithmsAreNullOutsideTheirDomain) {
    CHECK_SQL(fn(Func::Sqrt, {kRevenue}, Type::Double),
              R"(CASE WHEN "revenue" >= 0 THEN SQRT("revenue") END)",
              "CASE WHEN `revenue` >= 0 THEN SQRT(CAST(`revenue` AS DOUBLE)) END",
              R"(CASE WHEN "revenue" >= 0 THEN SQRT("revenue") END)");
    CHECK_SQL(fn(Func::Ln, {kQty}, Type::Double),
              R"(CASE WHEN "qty" > 0 THEN LN(CAST("qty" AS double precision)) END)",
              "CASE WHEN `qty` > 0 THEN LN(CAST(`qty` AS DOUBLE)) END",
              R"(CASE WHEN "qty" > 0 THEN LN(CAST("qty" AS double precision)) END)");
    CHECK_SQL(fn(Func::Log10, {kCost}, Type::Double),
              R"(CASE WHEN "cost" > 0 THEN LOG10(CAST("cost" AS double precision)) END)",
              "CASE WHEN `cost` > 0 THEN LOG10(CAST(`cost` AS DOUBLE)) END",
              R"(CASE WHEN "cost" > 0 THEN DLOG10(CAST("cost" AS double precision)) END)");
}

TEST(RenderGolden, GreatestAndLeastIgnoreNulls) {
    CHECK_SQL(fn(Func::Greatest, {kQty, lit(5)}, Type::Integer), R"(GREATEST("qty", 5))",
              "GREATEST(COALESCE(`qty`, 5), COALESCE(5, `qty`))", R"(GREATEST("qty", 5))");
    const ExprPtr next = fn(Func::Add, {kQty, lit(1)}, Type::Integer);
    CHECK_SQL(fn(Func::Least, {kQty, next, lit(7)}, Type::Integer), R"(LEAST("qty", "qty" + 1, 7))",
              "LEAST(COALESCE(`qty`, `qty` + 1, 7), COALESCE(`qty` + 1, 7, `qty`), "
              "COALESCE(7, `qty`, `qty` + 1))",
              R"(LEAST("qty", "qty" + 1, 7))");
    // Text: code-point order, and the result is text again (for UPPER and friends).
    CHECK_SQL(
        fn(Func::Greatest, {kCountry, kName}, Type::Text),
        R"(GREATEST("country" COLLATE "C", "name") COLLATE "default")",
        "CONVERT(GREATEST(COALESCE(CAST(`country` AS BINARY), CAST(`name` AS BINARY)), "
        "COALESCE(CAST(`name` AS BINARY), CAST(`country` AS BINARY))) USING utf8mb4)",
        R"(LEFT(GREATEST("country" || CHR(1), "name" || CHR(1)), CHAR_LENGTH(GREATEST("country" || CHR(1), "name" || CHR(1))) - 1))");
    CHECK_SQL(
        fn(Func::Upper, {fn(Func::Least, {kCountry, txt("m")}, Type::Text)}, Type::Text),
        R"(UPPER(LEAST("country" COLLATE "C", 'm') COLLATE "default"))",
        "UPPER(CONVERT(LEAST(COALESCE(CAST(`country` AS BINARY), CAST('m' AS BINARY)), "
        "COALESCE(CAST('m' AS BINARY), CAST(`country` AS BINARY))) USING utf8mb4))",
        R"(UPPER(LEFT(LEAST("country" || CHR(1), 'm' || CHR(1)), CHAR_LENGTH(LEAST("country" || CHR(1), 'm' || CHR(1))) - 1)))");
}

// ---- text functions

TEST(RenderGolden, TextFunctions) {
    CHECK_SQL(fn(Func::Lower, {kName}, Type::Text), R"(LOWER("name"))", "LOWER(`name`)",
              R"(LOWER("name"))");
    CHECK_SQL(fn(Func::Upper, {kName}, Type::Text), R"(UPPER("name"))", "UPPER(`name`)",
              R"(UPPER("name"))");
    CHECK_SQL(fn(Func::Trim, {kName}, Type::Text), R"(TRIM("name"))", "TRIM(`name`)",
              R"(TRIM("name"))");
    CHECK_SQL(fn(Func::Length, {kName}, Type::Integer), R"(CHAR_LENGTH("name"))",
              "CHAR_LENGTH(`name`)", R"(CHAR_LENGTH("name"))");
    CHECK_SQL(fn(Func::Replace, {kName, txt("a"), txt("b")}, Type::Text),
              R"(REPLACE("name", 'a', 'b'))", "REPLACE(`name`, 'a', 'b')",
              R"(REPLACE("name", 'a', 'b'))");
    CHECK_SQL(fn(Func::ConcatText, {kName, txt(" "), kCountry}, Type::Text),
              R"(CONCAT("name", ' ', "country"))", "CONCAT_WS('', `name`, ' ', `country`)",
              R"(COALESCE("name", '') || ' ' || COALESCE("country", ''))");
    // Redshift: other types as text first (COALESCE(number, '') mixes types and is refused).
    CHECK_SQL(
        fn(Func::ConcatText, {kName, kQty, lit(5)}, Type::Text), R"(CONCAT("name", "qty", 5))",
        "CONCAT_WS('', `name`, `qty`, 5)",
        R"(COALESCE("name", '') || COALESCE(CAST("qty" AS varchar), '') || CAST(5 AS varchar))");
}

TEST(RenderGolden, SubstringFollowsPostgresForStartBelowOne) {
    CHECK_SQL(fn(Func::Substring, {kName, lit(2)}, Type::Text), R"(SUBSTRING("name", 2))",
              "SUBSTRING(`name`, GREATEST(2, 1))", R"(SUBSTRING("name", 2))");
    CHECK_SQL(fn(Func::Substring, {kName, lit(0), lit(3)}, Type::Text),
              R"(SUBSTRING("name", 0, 3))",
              "SUBSTRING(`name`, GREATEST(0, 1), GREATEST(0 + 3 - GREATEST(0, 1), 0))",
              R"(SUBSTRING("name", 0, 3))");
    CHECK_SQL(fn(Func::Substring, {kName, lit(2), lit(-1)}, Type::Text),
              R"(SUBSTRING("name", 2, 0))",
              "SUBSTRING(`name`, GREATEST(2, 1), GREATEST(2 + -1 - GREATEST(2, 1), 0))",
              R"(SUBSTRING("name", 2, 0))");
    // A NULL length gives NULL: GREATEST(len, 0) would ignore it (PostgreSQL) and give ''.
    const ExprPtr less = fn(Func::Sub, {kQty, lit(1)}, Type::Integer);
    CHECK_SQL(
        fn(Func::Substring, {kName, kQty, less}, Type::Text),
        R"(SUBSTRING("name", CAST("qty" AS integer), )"
        R"(CAST(CASE WHEN "qty" - 1 < 0 THEN 0 ELSE "qty" - 1 END AS integer)))",
        "SUBSTRING(`name`, GREATEST(`qty`, 1), GREATEST(`qty` + (`qty` - 1) - GREATEST(`qty`, "
        "1), 0))",
        R"(SUBSTRING("name", CAST("qty" AS integer), )"
        R"(CAST(CASE WHEN "qty" - 1 < 0 THEN 0 ELSE "qty" - 1 END AS integer)))");
}

TEST(RenderGolden, MatchingIsLiteralAndCaseSensitive) {
    CHECK_SQL(boolean(Func::Contains, {kName, txt("50%_off")}), R"("name" LIKE '%50\%\_off%')",
              "LOCATE('50%_off', CAST(`name` AS BINARY)) > 0", R"("name" LIKE '%50\\%\\_off%')");
    CHECK_SQL(boolean(Func::StartsWith, {kName, txt("ab")}), R"("name" LIKE 'ab%')",
              "LEFT(CAST(`name` AS BINARY), LENGTH('ab')) = 'ab'", R"("name" LIKE 'ab%')");
    CHECK_SQL(boolean(Func::EndsWith, {kName, txt(R"(a\b)")}), R"("name" LIKE '%a\\b')",
              "RIGHT(CAST(`name` AS BINARY), LENGTH(_utf8mb4 X'615C62')) = _utf8mb4 X'615C62'",
              R"("name" LIKE '%a\\\\b')");
    CHECK_SQL(
        boolean(Func::Contains, {kName, kCountry}), R"(STRPOS("name", "country") > 0)",
        "LOCATE(CAST(`country` AS BINARY), CAST(`name` AS BINARY)) > 0",
        R"("name" LIKE ('%' || REPLACE(REPLACE(REPLACE("country", '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'))");
    CHECK_SQL(
        boolean(Func::StartsWith, {kName, kCountry}), R"(STARTS_WITH("name", "country"))",
        "LEFT(CAST(`name` AS BINARY), LENGTH(CAST(`country` AS BINARY))) = CAST(`country` AS "
        "BINARY)",
        R"("name" LIKE (REPLACE(REPLACE(REPLACE("country", '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'))");
    CHECK_SQL(
        boolean(Func::EndsWith, {kName, kCountry}),
        R"(RIGHT("name", CHAR_LENGTH("country")) = "country")",
        "RIGHT(CAST(`name` AS BINARY), LENGTH(CAST(`country` AS BINARY))) = CAST(`country` AS "
        "BINARY)",
        R"("name" LIKE ('%' || REPLACE(REPLACE(REPLACE("country", '\\', '\\\\'), '%', '\\%'), '_', '\\_')))");
    CHECK_SQL(boolean(Func::Not, {boolean(Func::Contains, {kName, txt("x")})}),
              R"(NOT "name" LIKE '%x%')", "NOT LOCATE('x', CAST(`name` AS BINARY)) > 0",
              R"(NOT "name" LIKE '%x%')");
}

// ---- time

TEST(RenderGolden, DateTruncEachUnit) {
    struct Case {
        TimeUnit unit;
        const char* postgres;
        const char* mysql;
    };
    const Case cases[] = {
        {TimeUnit::Minute, R"(DATE_TRUNC('minute', "shipped_at"))",
         "CAST(DATE_FORMAT(`shipped_at`, '%Y-%m-%d %H:%i:00') AS DATETIME)"},
        {TimeUnit::Hour, R"(DATE_TRUNC('hour', "shipped_at"))",
         "CAST(DATE_FORMAT(`shipped_at`, '%Y-%m-%d %H:00:00') AS DATETIME)"},
        {TimeUnit::Day, R"(DATE_TRUNC('day', "shipped_at"))",
         "CAST(CAST(`shipped_at` AS DATE) AS DATETIME)"},
        {TimeUnit::Week, R"(DATE_TRUNC('week', "shipped_at"))",
         "CAST(CAST(`shipped_at` AS DATE) - INTERVAL WEEKDAY(`shipped_at`) DAY AS DATETIME)"},
        {TimeUnit::Month, R"(DATE_TRUNC('month', "shipped_at"))",
         "CAST(MAKEDATE(YEAR(`shipped_at`), 1) + INTERVAL (MONTH(`shipped_at`) - 1) MONTH AS "
         "DATETIME)"},
        {TimeUnit::Quarter, R"(DATE_TRUNC('quarter', "shipped_at"))",
         "CAST(MAKEDATE(YEAR(`shipped_at`), 1) + INTERVAL (QUARTER(`shipped_at`) - 1) QUARTER AS "
         "DATETIME)"},
        {TimeUnit::Year, R"(DATE_TRUNC('year', "shipped_at"))",
         "CAST(MAKEDATE(YEAR(`shipped_at`), 1) AS DATETIME)"},
    };
    for (const Case& c : cases) {
        CHECK_SQL(timefn(Func::DateTrunc, c.unit, {kShippedAt}, Type::Timestamp), c.postgres,
                  c.mysql, c.postgres);
    }
}

TEST(RenderGolden, DateTruncOfDatesAndZones) {
    // A date is promoted to timestamp explicitly (PostgreSQL would pick timestamptz).
    CHECK_SQL(timefn(Func::DateTrunc, TimeUnit::Week, {kDay}, Type::Date),
              R"(CAST(DATE_TRUNC('week', CAST("day" AS timestamp)) AS date))",
              "CAST(CAST(`day` AS DATE) - INTERVAL WEEKDAY(`day`) DAY AS DATE)",
              R"(CAST(DATE_TRUNC('week', CAST("day" AS timestamp)) AS date))");
    CHECK_SQL(timefn(Func::DateTrunc, TimeUnit::Month, {kDay}, Type::Timestamp),
              R"(DATE_TRUNC('month', CAST("day" AS timestamp)))",
              "CAST(MAKEDATE(YEAR(`day`), 1) + INTERVAL (MONTH(`day`) - 1) MONTH AS DATETIME)",
              R"(DATE_TRUNC('month', CAST("day" AS timestamp)))");
    CHECK_SQL(timefn(Func::DateTrunc, TimeUnit::Month, {make_to_local(kOrderedAt, "Europe/Paris")},
                     Type::Timestamp),
              R"(DATE_TRUNC('month', ("ordered_at" AT TIME ZONE 'Europe/Paris')))",
              "CAST(MAKEDATE(YEAR(CONVERT_TZ(`ordered_at`, '+00:00', 'Europe/Paris')), 1) + "
              "INTERVAL (MONTH(CONVERT_TZ(`ordered_at`, '+00:00', 'Europe/Paris')) - 1) MONTH AS "
              "DATETIME)",
              R"(DATE_TRUNC('month', ("ordered_at" AT TIME ZONE 'Europe/Paris')))");
}

TEST(RenderGolden, DateAddClampsMonths) {
    CHECK_SQL(timefn(Func::DateAdd, TimeUnit::Month, {lit(1), kDay}, Type::Date),
              R"(CAST(CAST("day" AS timestamp) + INTERVAL '1 month' AS date))",
              "`day` + INTERVAL 1 MONTH", R"(CAST(DATEADD(month, 1, "day") AS date))");
    CHECK_SQL(timefn(Func::DateAdd, TimeUnit::Quarter, {lit(2), kShippedAt}, Type::Timestamp),
              R"("shipped_at" + INTERVAL '6 month')", "`shipped_at` + INTERVAL 2 QUARTER",
              R"(DATEADD(month, 6, "shipped_at"))");
    CHECK_SQL(timefn(Func::DateAdd, TimeUnit::Week, {kQty, kShippedAt}, Type::Timestamp),
              R"("shipped_at" + "qty" * INTERVAL '7 day')", "`shipped_at` + INTERVAL `qty` WEEK",
              R"(DATEADD(day, 7 * "qty", "shipped_at"))");
    CHECK_SQL(timefn(Func::DateAdd, TimeUnit::Hour, {lit(-3), kDay}, Type::Timestamp),
              R"(CAST("day" AS timestamp) + INTERVAL '-3 hour')", "`day` + INTERVAL (-3) HOUR",
              R"(DATEADD(hour, -3, "day"))");
    CHECK_SQL(timefn(Func::DateAdd, TimeUnit::Day, {lit(1), kDay}, Type::Timestamp),
              R"(CAST("day" AS timestamp) + INTERVAL '1 day')",
              "CAST(`day` + INTERVAL 1 DAY AS DATETIME)", R"(DATEADD(day, 1, "day"))");
    CHECK_SQL(timefn(Func::DateAdd, TimeUnit::Year,
                     {fn(Func::Add, {kQty, lit(1)}, Type::Integer), kShippedAt}, Type::Timestamp),
              R"("shipped_at" + ("qty" + 1) * INTERVAL '1 year')",
              "`shipped_at` + INTERVAL (`qty` + 1) YEAR",
              R"(DATEADD(year, "qty" + 1, "shipped_at"))");
}

TEST(RenderGolden, DateDiffCountsBoundariesCrossed) {
    struct Case {
        TimeUnit unit;
        const char* postgres;
        const char* mysql;
        const char* redshift;
    };
    const Case cases[] = {
        {TimeUnit::Minute,
         R"(CAST(FLOOR(EXTRACT(EPOCH FROM "shipped_at") / 60) - FLOOR(EXTRACT(EPOCH FROM "day") / 60) AS bigint))",
         "TO_SECONDS(`shipped_at`) DIV 60 - TO_SECONDS(`day`) DIV 60",
         R"(DATEDIFF(minute, "day", "shipped_at"))"},
        {TimeUnit::Hour,
         R"(CAST(FLOOR(EXTRACT(EPOCH FROM "shipped_at") / 3600) - FLOOR(EXTRACT(EPOCH FROM "day") / 3600) AS bigint))",
         "TO_SECONDS(`shipped_at`) DIV 3600 - TO_SECONDS(`day`) DIV 3600",
         R"(DATEDIFF(hour, "day", "shipped_at"))"},
        {TimeUnit::Day, R"(CAST("shipped_at" AS date) - "day")", "DATEDIFF(`shipped_at`, `day`)",
         R"(DATEDIFF(day, "day", "shipped_at"))"},
        {TimeUnit::Week,
         R"((CAST(DATE_TRUNC('week', "shipped_at") AS date) - CAST(DATE_TRUNC('week', CAST("day" AS timestamp)) AS date)) / 7)",
         "(DATEDIFF(`shipped_at`, `day`) + WEEKDAY(`day`) - WEEKDAY(`shipped_at`)) DIV 7",
         R"(DATEDIFF(day, DATE_TRUNC('week', CAST("day" AS timestamp)), DATE_TRUNC('week', "shipped_at")) / 7)"},
        {TimeUnit::Month,
         R"(CAST((EXTRACT(YEAR FROM "shipped_at") - EXTRACT(YEAR FROM "day")) * 12 + EXTRACT(MONTH FROM "shipped_at") - EXTRACT(MONTH FROM "day") AS bigint))",
         "(YEAR(`shipped_at`) - YEAR(`day`)) * 12 + MONTH(`shipped_at`) - MONTH(`day`)",
         R"(DATEDIFF(month, "day", "shipped_at"))"},
        {TimeUnit::Quarter,
         R"(CAST((EXTRACT(YEAR FROM "shipped_at") - EXTRACT(YEAR FROM "day")) * 4 + EXTRACT(QUARTER FROM "shipped_at") - EXTRACT(QUARTER FROM "day") AS bigint))",
         "(YEAR(`shipped_at`) - YEAR(`day`)) * 4 + QUARTER(`shipped_at`) - QUARTER(`day`)",
         R"(DATEDIFF(quarter, "day", "shipped_at"))"},
        {TimeUnit::Year,
         R"(CAST(EXTRACT(YEAR FROM "shipped_at") - EXTRACT(YEAR FROM "day") AS bigint))",
         "YEAR(`shipped_at`) - YEAR(`day`)", R"(DATEDIFF(year, "day", "shipped_at"))"},
    };
    for (const Case& c : cases) {
        CHECK_SQL(timefn(Func::DateDiff, c.unit, {kDay, kShippedAt}, Type::Integer), c.postgres,
                  c.mysql, c.redshift);
    }
    // As an operand, the forms that are operators get parentheses.
    CHECK_SQL(
        fn(Func::Mul,
           {timefn(Func::DateDiff, TimeUnit::Year, {kDay, kShippedAt}, Type::Integer), lit(2)},
           Type::Integer),
        R"(CAST(EXTRACT(YEAR FROM "shipped_at") - EXTRACT(YEAR FROM "day") AS bigint) * 2)",
        "(YEAR(`shipped_at`) - YEAR(`day`)) * 2", R"(DATEDIFF(year, "day", "shipped_at") * 2)");
}

TEST(RenderGolden, DatePartsAreIsoIntegers) {
    struct Case {
        Func func;
        const char* postgres;
        const char* mysql;
        const char* redshift;
    };
    const Case cases[] = {
        {Func::Year, R"(CAST(EXTRACT(YEAR FROM "shipped_at") AS integer))", "YEAR(`shipped_at`)",
         R"(CAST(EXTRACT(YEAR FROM "shipped_at") AS integer))"},
        {Func::Quarter, R"(CAST(EXTRACT(QUARTER FROM "shipped_at") AS integer))",
         "QUARTER(`shipped_at`)", R"(CAST(EXTRACT(QUARTER FROM "shipped_at") AS integer))"},
        {Func::Month, R"(CAST(EXTRACT(MONTH FROM "shipped_at") AS integer))", "MONTH(`shipped_at`)",
         R"(CAST(EXTRACT(MONTH FROM "shipped_at") AS integer))"},
        {Func::Week, R"(CAST(EXTRACT(WEEK FROM "shipped_at") AS integer))", "WEEK(`shipped_at`, 3)",
         R"(CAST(EXTRACT(WEEK FROM "shipped_at") AS integer))"},
        {Func::Day, R"(CAST(EXTRACT(DAY FROM "shipped_at") AS integer))",
         "DAYOFMONTH(`shipped_at`)", R"(CAST(EXTRACT(DAY FROM "shipped_at") AS integer))"},
        {Func::Hour, R"(CAST(EXTRACT(HOUR FROM "shipped_at") AS integer))", "HOUR(`shipped_at`)",
         R"(CAST(EXTRACT(HOUR FROM "shipped_at") AS integer))"},
        {Func::Minute, R"(CAST(EXTRACT(MINUTE FROM "shipped_at") AS integer))",
         "MINUTE(`shipped_at`)", R"(CAST(EXTRACT(MINUTE FROM "shipped_at") AS integer))"},
        {Func::Weekday, R"(CAST(EXTRACT(ISODOW FROM "shipped_at") AS integer))",
         "WEEKDAY(`shipped_at`) + 1",
         R"((CAST(EXTRACT(DOW FROM "shipped_at") AS integer) + 6) % 7 + 1)"},
    };
    for (const Case& c : cases) {
        CHECK_SQL(fn(c.func, {kShippedAt}, Type::Integer), c.postgres, c.mysql, c.redshift);
    }
    CHECK_SQL(
        fn(Func::Mul, {fn(Func::Weekday, {kShippedAt}, Type::Integer), lit(2)}, Type::Integer),
        R"(CAST(EXTRACT(ISODOW FROM "shipped_at") AS integer) * 2)",
        "(WEEKDAY(`shipped_at`) + 1) * 2",
        R"(((CAST(EXTRACT(DOW FROM "shipped_at") AS integer) + 6) % 7 + 1) * 2)");
    // PostgreSQL has no time fields on a date.
    CHECK_SQL(fn(Func::Hour, {kDay}, Type::Integer),
              R"(CAST(EXTRACT(HOUR FROM CAST("day" AS timestamp)) AS integer))", "HOUR(`day`)",
              R"(CAST(EXTRACT(HOUR FROM CAST("day" AS timestamp)) AS integer))");
    // An instant given to a date part directly is read in UTC.
    CHECK_SQL(fn(Func::Year, {kOrderedAt}, Type::Integer),
              R"(CAST(EXTRACT(YEAR FROM ("ordered_at" AT TIME ZONE 'UTC')) AS integer))",
              "YEAR(`ordered_at`)",
              R"(CAST(EXTRACT(YEAR FROM ("ordered_at" AT TIME ZONE 'UTC')) AS integer))");
}

TEST(RenderGolden, ToLocalTimeForEachColumnTypeAndZone) {
    CHECK_SQL(make_to_local(kOrderedAt, "Europe/Paris"),
              R"(("ordered_at" AT TIME ZONE 'Europe/Paris'))",
              "CONVERT_TZ(`ordered_at`, '+00:00', 'Europe/Paris')",
              R"(("ordered_at" AT TIME ZONE 'Europe/Paris'))");
    CHECK_SQL(make_to_local(kOrderedAt, "UTC"), R"(("ordered_at" AT TIME ZONE 'UTC'))",
              "`ordered_at`", R"(("ordered_at" AT TIME ZONE 'UTC'))");
    // timestamp / DATETIME columns hold UTC.
    CHECK_SQL(make_to_local(kShippedAt, "Europe/Paris"),
              R"((("shipped_at" AT TIME ZONE 'UTC') AT TIME ZONE 'Europe/Paris'))",
              "CONVERT_TZ(`shipped_at`, '+00:00', 'Europe/Paris')",
              R"((("shipped_at" AT TIME ZONE 'UTC') AT TIME ZONE 'Europe/Paris'))");
    CHECK_SQL(make_to_local(kShippedAt, "UTC"), R"("shipped_at")", "`shipped_at`",
              R"("shipped_at")");
    CHECK_SQL(make_to_local(make_timestamptz("2024-03-31 01:30:00"), "America/New_York"),
              R"((TIMESTAMPTZ '2024-03-31 01:30:00+00' AT TIME ZONE 'America/New_York'))",
              "CONVERT_TZ(TIMESTAMP '2024-03-31 01:30:00', '+00:00', 'America/New_York')",
              R"((TIMESTAMPTZ '2024-03-31 01:30:00+00' AT TIME ZONE 'America/New_York'))");
    // The zone goes through the quoting module like any text.
    CHECK_SQL(make_to_local(kOrderedAt, "x'y"), R"(("ordered_at" AT TIME ZONE 'x''y'))",
              "CONVERT_TZ(`ordered_at`, '+00:00', 'x''y')",
              R"(("ordered_at" AT TIME ZONE 'x''y'))");
}

// ---- literals

TEST(RenderGolden, Literals) {
    CHECK_SQL(lit(42), "42", "42", "42");
    CHECK_SQL(lit(-7), "-7", "-7", "-7");
    CHECK_SQL(fn(Func::Mul, {kQty, lit(std::numeric_limits<int64_t>::min())}, Type::Integer),
              R"("qty" * (-9223372036854775807 - 1))", "`qty` * (-9223372036854775807 - 1)",
              R"("qty" * (-9223372036854775807 - 1))");
    CHECK_SQL(make_numeric("12.50"), "12.50", "12.50", "12.50");
    CHECK_SQL(make_numeric("12"), "CAST(12 AS numeric)", "CAST(12 AS DECIMAL(65,0))",
              "CAST(12 AS DECIMAL(38,0))");
    CHECK_SQL(fn(Func::Sub, {kCost, make_numeric("-0.5")}, Type::Numeric), R"("cost" - -0.5)",
              "`cost` - -0.5", R"("cost" - -0.5)");
    CHECK_SQL(make_double(0.1), "CAST(0.1 AS double precision)", "0.1e0",
              "CAST(0.1 AS double precision)");
    CHECK_SQL(make_double(1e20), "CAST(1e+20 AS double precision)", "1e+20",
              "CAST(1e+20 AS double precision)");
    CHECK_SQL(make_double(5.0), "CAST(5 AS double precision)", "5e0",
              "CAST(5 AS double precision)");
    CHECK_SQL(fn(Func::Mul, {kQty, make_double(-2.5)}, Type::Double),
              R"("qty" * CAST(-2.5 AS double precision))", "`qty` * -2.5e0",
              R"("qty" * CAST(-2.5 AS double precision))");
    CHECK_SQL(fn(Func::Neg, {make_double(-2.5)}, Type::Double), "-CAST(-2.5 AS double precision)",
              "-(-2.5e0)", "-CAST(-2.5 AS double precision)");
    CHECK_SQL(txt("it's"), "'it''s'", "'it''s'", "'it''s'");
    CHECK_SQL(make_bool(true), "TRUE", "TRUE", "TRUE");
    CHECK_SQL(make_bool(false), "FALSE", "FALSE", "FALSE");
    CHECK_SQL(make_date("2024-01-01"), "DATE '2024-01-01'", "DATE '2024-01-01'",
              "DATE '2024-01-01'");
    CHECK_SQL(make_timestamp("2024-01-01 10:00:00"), "TIMESTAMP '2024-01-01 10:00:00'",
              "TIMESTAMP '2024-01-01 10:00:00'", "TIMESTAMP '2024-01-01 10:00:00'");
    CHECK_SQL(make_timestamp("2024-01-01 10:00:00.123456"),
              "TIMESTAMP '2024-01-01 10:00:00.123456'", "TIMESTAMP '2024-01-01 10:00:00.123456'",
              "TIMESTAMP '2024-01-01 10:00:00.123456'");
    // Instants are UTC; MySQL compares them with DATETIME columns holding UTC.
    CHECK_SQL(make_timestamptz("2024-01-01 10:00:00"), "TIMESTAMPTZ '2024-01-01 10:00:00+00'",
              "TIMESTAMP '2024-01-01 10:00:00'", "TIMESTAMPTZ '2024-01-01 10:00:00+00'");
}

TEST(RenderGolden, NonFiniteDoubles) {
    const ExprPtr inf = make_double(-std::numeric_limits<double>::infinity());
    EXPECT_EQ(render("postgres", *inf), "CAST('-Infinity' AS double precision)");
    EXPECT_EQ(render("redshift", *inf), "CAST('-Infinity' AS double precision)");
    EXPECT_EQ(render("postgres", *make_double(std::nan(""))), "CAST('NaN' AS double precision)");
    // MySQL has no infinities: an error, not a wrong value.
    EXPECT_EQ(error_state("mysql", *inf), "0A000");
}

TEST(RenderGolden, TypedNulls) {
    CHECK_SQL(make_null(), "NULL", "NULL", "NULL");
    CHECK_SQL(make_null(Type::Integer), "CAST(NULL AS bigint)", "NULL", "CAST(NULL AS bigint)");
    CHECK_SQL(make_null(Type::Numeric), "CAST(NULL AS numeric)", "NULL", "CAST(NULL AS numeric)");
    CHECK_SQL(make_null(Type::Double), "CAST(NULL AS double precision)", "NULL",
              "CAST(NULL AS double precision)");
    CHECK_SQL(make_null(Type::Text), "CAST(NULL AS text)", "NULL", "CAST(NULL AS varchar)");
    CHECK_SQL(make_null(Type::Boolean), "CAST(NULL AS boolean)", "NULL", "CAST(NULL AS boolean)");
    CHECK_SQL(make_null(Type::Date), "CAST(NULL AS date)", "NULL", "CAST(NULL AS date)");
    CHECK_SQL(make_null(Type::Timestamp), "CAST(NULL AS timestamp)", "NULL",
              "CAST(NULL AS timestamp)");
    CHECK_SQL(make_null(Type::TimestampTz), "CAST(NULL AS timestamptz)", "NULL",
              "CAST(NULL AS timestamptz)");
    CHECK_SQL(fn(Func::Abs, {make_null(Type::Integer)}, Type::Integer), "ABS(CAST(NULL AS bigint))",
              "ABS(NULL)", "ABS(CAST(NULL AS bigint))");
}

// ---- aggregates

TEST(RenderGolden, SumsAndAveragesAreExactOrDouble) {
    CHECK_SQL(fn(Func::Sum, {kQty}, Type::Numeric), R"(SUM("qty"))", "SUM(`qty`)",
              R"(SUM(CAST("qty" AS DECIMAL(38,0))))");
    CHECK_SQL(fn(Func::Sum, {kRevenue}, Type::Double), R"(SUM("revenue"))", "SUM(`revenue`)",
              R"(SUM("revenue"))");
    // Redshift: values bounded like an INTEGER cannot overflow SUM's BIGINT; others can.
    const ExprPtr big = boolean(Func::Gt, {kQty, lit(10)});
    CHECK_SQL(fn(Func::Sum, {fn(Func::If, {big, lit(1), lit(0)}, Type::Integer)}, Type::Numeric),
              R"(SUM(CASE WHEN "qty" > 10 THEN 1 ELSE 0 END))",
              "SUM(CASE WHEN `qty` > 10 THEN 1 ELSE 0 END)",
              R"(SUM(CASE WHEN "qty" > 10 THEN 1 ELSE 0 END))");
    CHECK_SQL(fn(Func::Sum, {fn(Func::If, {big, lit(int64_t{1} << 40), lit(0)}, Type::Integer)},
                 Type::Numeric),
              R"(SUM(CASE WHEN "qty" > 10 THEN 1099511627776 ELSE 0 END))",
              "SUM(CASE WHEN `qty` > 10 THEN 1099511627776 ELSE 0 END)",
              R"(SUM(CAST(CASE WHEN "qty" > 10 THEN 1099511627776 ELSE 0 END AS DECIMAL(38,0))))");
    CHECK_SQL(fn(Func::Sum, {fn(Func::If, {big, kQty, lit(0)}, Type::Integer)}, Type::Numeric),
              R"(SUM(CASE WHEN "qty" > 10 THEN "qty" ELSE 0 END))",
              "SUM(CASE WHEN `qty` > 10 THEN `qty` ELSE 0 END)",
              R"(SUM(CAST(CASE WHEN "qty" > 10 THEN "qty" ELSE 0 END AS DECIMAL(38,0))))");
    // A column declared smallint or integer is bounded like an INTEGER too.
    ColumnBounds int32;
    int32.int32_values = true;
    const ExprPtr quantity = make_column("quantity", Type::Integer, false, {}, int32);
    EXPECT_EQ(render("redshift", *fn(Func::Sum, {quantity}, Type::Numeric)), R"(SUM("quantity"))");
    CHECK_SQL(fn(Func::Avg, {kQty}, Type::Double), R"(AVG(CAST("qty" AS double precision)))",
              "AVG(CAST(`qty` AS DOUBLE))", R"(AVG(CAST("qty" AS double precision)))");
    CHECK_SQL(fn(Func::Avg, {kRevenue}, Type::Double), R"(AVG("revenue"))",
              "AVG(CAST(`revenue` AS DOUBLE))", R"(AVG("revenue"))");
    const ExprPtr margin =
        fn(Func::Div,
           {fn(Func::Sum, {fn(Func::Sub, {kRevenue, kCost}, Type::Double)}, Type::Double),
            fn(Func::Sum, {kRevenue}, Type::Double)},
           Type::Double);
    CHECK_SQL(margin, R"(SUM("revenue" - "cost") / NULLIF(SUM("revenue"), 0))",
              "CAST(SUM(`revenue` - `cost`) AS DOUBLE) / NULLIF(SUM(`revenue`), 0)",
              R"(SUM("revenue" - "cost") / NULLIF(SUM("revenue"), 0))");
}

TEST(RenderGolden, MinAndMax) {
    CHECK_SQL(fn(Func::Min, {kQty}, Type::Integer), R"(MIN("qty"))", "MIN(`qty`)", R"(MIN("qty"))");
    CHECK_SQL(fn(Func::Max, {kCountry}, Type::Text),
              R"(MAX("country" COLLATE "C") COLLATE "default")",
              "CONVERT(MAX(CAST(`country` AS BINARY)) USING utf8mb4)",
              R"(LEFT(MAX("country" || CHR(1)), CHAR_LENGTH(MAX("country" || CHR(1))) - 1))");
    CHECK_SQL(fn(Func::Min, {kPaid}, Type::Boolean), R"(BOOL_AND("paid"))", "MIN(`paid`)",
              R"(BOOL_AND("paid"))");
    CHECK_SQL(fn(Func::Max, {kPaid}, Type::Boolean), R"(BOOL_OR("paid"))", "MAX(`paid`)",
              R"(BOOL_OR("paid"))");
}

TEST(RenderGolden, Counts) {
    CHECK_SQL(fn(Func::Count, {kCountry}, Type::Integer), R"(COUNT("country"))", "COUNT(`country`)",
              R"(COUNT("country"))");
    CHECK_SQL(fn(Func::CountAll, {}, Type::Integer), "COUNT(*)", "COUNT(*)", "COUNT(*)");
    CHECK_SQL(fn(Func::CountDistinct, {kCountry}, Type::Integer), R"(COUNT(DISTINCT "country"))",
              "COUNT(DISTINCT CAST(`country` AS BINARY))",
              R"(COUNT(DISTINCT "country" || CHR(1)))");
    CHECK_SQL(fn(Func::CountDistinct, {kQty}, Type::Integer), R"(COUNT(DISTINCT "qty"))",
              "COUNT(DISTINCT `qty`)", R"(COUNT(DISTINCT "qty"))");
    // The exact count everywhere: the same formula gives the same result on every dialect
    // (Redshift's APPROXIMATE COUNT(DISTINCT) would not).
    CHECK_SQL(fn(Func::ApproxCountDistinct, {kCountry}, Type::Integer),
              R"(COUNT(DISTINCT "country"))", "COUNT(DISTINCT CAST(`country` AS BINARY))",
              R"(COUNT(DISTINCT "country" || CHR(1)))");
    CHECK_SQL(fn(Func::ApproxCountDistinct, {kQty}, Type::Integer), R"(COUNT(DISTINCT "qty"))",
              "COUNT(DISTINCT `qty`)", R"(COUNT(DISTINCT "qty"))");
}

TEST(RenderGolden, ConditionalAggregates) {
    CHECK_SQL(fn(Func::CountIf, {boolean(Func::Gt, {kQty, lit(10)})}, Type::Integer),
              R"(COUNT(CASE WHEN "qty" > 10 THEN 1 END))", "COUNT(CASE WHEN `qty` > 10 THEN 1 END)",
              R"(COUNT(CASE WHEN "qty" > 10 THEN 1 END))");
    CHECK_SQL(
        fn(Func::SumIf, {kQty, boolean(Func::Eq, {kCountry, txt("FR")})}, Type::Numeric),
        R"(SUM(CASE WHEN "country" = 'FR' THEN "qty" END))",
        "SUM(CASE WHEN `country` = 'FR' AND CAST(`country` AS BINARY) = 'FR' THEN `qty` END)",
        R"(SUM(CASE WHEN "country" = 'FR' AND OCTET_LENGTH("country") = 2 THEN CAST("qty" AS DECIMAL(38,0)) END))");
}

// Exact conversions: built by the FDW's pushdown walker for PostgreSQL casts (not formulas).
TEST(RenderGolden, ExactConversions) {
    CHECK_SQL(fn(Func::Cast, {kQty}, Type::Numeric), R"(CAST("qty" AS numeric))",
              "CAST(`qty` AS DECIMAL(65,0))", R"(CAST("qty" AS DECIMAL(38,0)))");
    CHECK_SQL(fn(Func::Cast, {kQty}, Type::Double), R"(CAST("qty" AS double precision))",
              "CAST(`qty` AS DOUBLE)", R"(CAST("qty" AS double precision))");
    CHECK_SQL(fn(Func::Cast, {kCost}, Type::Double), R"(CAST("cost" AS double precision))",
              "CAST(`cost` AS DOUBLE)", R"(CAST("cost" AS double precision))");
    CHECK_SQL(fn(Func::Cast, {kDay}, Type::Timestamp), R"(CAST("day" AS timestamp))",
              "CAST(`day` AS DATETIME(6))", R"(CAST("day" AS timestamp))");
    CHECK_SQL(fn(Func::Cast, {kShippedAt}, Type::Date), R"(CAST("shipped_at" AS date))",
              "CAST(`shipped_at` AS DATE)", R"(CAST("shipped_at" AS date))");
    // To its own type: nothing to convert.
    CHECK_SQL(fn(Func::Cast, {kQty}, Type::Integer), R"("qty")", "`qty`", R"("qty")");
    // A cast is an atom: no parentheses needed around it, its operand needs none inside.
    CHECK_SQL(
        fn(Func::Mul,
           {fn(Func::Cast, {fn(Func::Add, {kQty, lit(1)}, Type::Integer)}, Type::Numeric), kCost},
           Type::Numeric),
        R"(CAST("qty" + 1 AS numeric) * "cost")", "CAST(`qty` + 1 AS DECIMAL(65,0)) * `cost`",
        R"(CAST("qty" + 1 AS DECIMAL(38,0)) * "cost")");
    // Anything else is not exact and is refused.
    EXPECT_EQ(error_state("postgres", *fn(Func::Cast, {kRevenue}, Type::Numeric)), "XX000");
    EXPECT_EQ(error_state("mysql", *fn(Func::Cast, {kOrderedAt}, Type::Date)), "XX000");
}

// ---- whole queries

Query orders_query() {
    Query q;
    q.from.name = {"public", "orders"};
    return q;
}

TEST(RenderGolden, MysqlOrdersAGroupsSumOfANotNullValueWithoutNullEmulation) {
    // A group has a row: the sum of a NOT NULL value is never NULL in it, and MySQL's sort can
    // stay a plain one. Without GROUP BY the one group may be empty: the emulation stays.
    const ExprPtr qty_sum = fn(Func::Sum, {kQty}, Type::Integer);
    Query grouped = orders_query();
    grouped.columns = {{"country", kCountry, true}, {"qty", qty_sum, false}};
    grouped.group_by = {kCountry};
    grouped.order_by = {{qty_sum, true, 1}};
    EXPECT_EQ(render("mysql", grouped),
              "SELECT MIN(`country`) AS `country`, SUM(`qty`) AS `qty` FROM `public`.`orders` "
              "GROUP BY CAST(`country` AS BINARY) ORDER BY 2 DESC");
    Query whole = orders_query();
    whole.columns = {{"qty", qty_sum, false}};
    whole.order_by = {{qty_sum, true, 0}};
    EXPECT_EQ(render("mysql", whole),
              "SELECT SUM(`qty`) AS `qty` FROM `public`.`orders` "
              "ORDER BY SUM(`qty`) IS NOT NULL, 1 DESC");
}

TEST(RenderGolden, MysqlGroupsTextKeysByTheirBinaryFormWhereTheQueryReadsThemWhole) {
    // Read whole, a text key is grouped by its binary form alone and selected as MIN(key) (the
    // group's rows hold the same bytes). A query that reads it inside another expression keeps
    // the key next to its binary form, since MySQL only accepts GROUP BY expressions whole.
    const ExprPtr rows = fn(Func::CountAll, {}, Type::Integer);
    Query whole = orders_query();
    whole.columns = {{"country", kCountry, true}, {"n", rows, false}};
    whole.group_by = {kCountry};
    whole.order_by = {{kCountry, false, 0}};
    EXPECT_EQ(render("mysql", whole),
              "SELECT MIN(`country`) AS `country`, COUNT(*) AS `n` FROM `public`.`orders` "
              "GROUP BY CAST(`country` AS BINARY) ORDER BY CAST(`country` AS BINARY) IS NULL, "
              "CAST(`country` AS BINARY)");
    Query inside = orders_query();
    inside.columns = {{"len", fn(Func::Length, {kCountry}, Type::Integer), true},
                      {"n", rows, false}};
    inside.group_by = {kCountry};
    EXPECT_EQ(render("mysql", inside),
              "SELECT CHAR_LENGTH(`country`) AS `len`, COUNT(*) AS `n` FROM `public`.`orders` "
              "GROUP BY `country`, CAST(`country` AS BINARY)");
}

TEST(RenderGolden, MysqlSelectsDayBucketsAsDatesWhenQuarryReadsTheResult) {
    // quarry converts the DATE to the column's timestamp; SQL handed to users keeps DATETIME.
    const ExprPtr day = timefn(Func::DateTrunc, TimeUnit::Day, {kShippedAt}, Type::Timestamp);
    const ExprPtr hour = timefn(Func::DateTrunc, TimeUnit::Hour, {kShippedAt}, Type::Timestamp);
    const ExprPtr rows = fn(Func::CountAll, {}, Type::Integer);
    Query q = orders_query();
    q.columns = {{"d", day, true}, {"h", hour, true}, {"n", rows, false}};
    q.group_by = {day, hour};
    q.order_by = {{day, false, 0}};
    EXPECT_EQ(render("mysql", q),
              "SELECT CAST(CAST(`shipped_at` AS DATE) AS DATETIME) AS `d`, "
              "CAST(DATE_FORMAT(`shipped_at`, '%Y-%m-%d %H:00:00') AS DATETIME) AS `h`, "
              "COUNT(*) AS `n` FROM `public`.`orders` GROUP BY 1, 2 "
              "ORDER BY CAST(CAST(`shipped_at` AS DATE) AS DATETIME) IS NULL, 1");
    q.read_by_quarry = true;
    EXPECT_EQ(render("mysql", q),
              "SELECT CAST(`shipped_at` AS DATE) AS `d`, "
              "CAST(DATE_FORMAT(`shipped_at`, '%Y-%m-%d %H:00:00') AS DATETIME) AS `h`, "
              "COUNT(*) AS `n` FROM `public`.`orders` GROUP BY 1, 2 "
              "ORDER BY CAST(CAST(`shipped_at` AS DATE) AS DATETIME) IS NULL, 1");
    EXPECT_EQ(render("postgres", q),
              R"(SELECT DATE_TRUNC('day', "shipped_at") AS "d", DATE_TRUNC('hour', "shipped_at") )"
              R"(AS "h", COUNT(*) AS "n" FROM "public"."orders" GROUP BY 1, 2 ORDER BY 1)");
}

TEST(RenderGolden, MysqlGroupsLongTextKeysByTheBinaryCollationAndTheByteLength) {
    // CAST AS BINARY would make a VARCHAR(255) key 1020 bytes long, and a binary key over 512
    // bytes sends MariaDB's grouping to an on-disk temporary table.
    ColumnBounds long_text;
    long_text.max_chars = 255;
    const ExprPtr uri = make_column("uri", Type::Text, false, {}, long_text);
    const ExprPtr rows = fn(Func::CountAll, {}, Type::Integer);
    Query top = orders_query();
    top.columns = {{"country", kCountry, true}, {"uri", uri, false}, {"n", rows, false}};
    top.group_by = {kCountry, uri};
    top.order_by = {{rows, true, 2}};
    EXPECT_EQ(render("mysql", top),
              "SELECT MIN(`country`) AS `country`, CONVERT(`uri` USING utf8mb4) COLLATE "
              "utf8mb4_bin AS `uri`, COUNT(*) AS `n` FROM `public`.`orders` GROUP BY "
              "CAST(`country` AS BINARY), 2, LENGTH(`uri`) ORDER BY 3 DESC");
    // Not selected: grouped by both parts.
    Query hidden = orders_query();
    hidden.columns = {{"n", rows, false}};
    hidden.group_by = {uri};
    EXPECT_EQ(render("mysql", hidden),
              "SELECT COUNT(*) AS `n` FROM `public`.`orders` GROUP BY CONVERT(`uri` USING "
              "utf8mb4) COLLATE utf8mb4_bin, LENGTH(`uri`)");
    Query inside = orders_query();
    inside.columns = {{"len", fn(Func::Length, {uri}, Type::Integer), false}, {"n", rows, false}};
    inside.group_by = {uri};
    EXPECT_EQ(render("mysql", inside),
              "SELECT CHAR_LENGTH(`uri`) AS `len`, COUNT(*) AS `n` FROM `public`.`orders` "
              "GROUP BY `uri`, CONVERT(`uri` USING utf8mb4) COLLATE utf8mb4_bin, LENGTH(`uri`)");
}

TEST(RenderGolden, MysqlConvertsColumnsOfAnotherCharsetBeforeComparingBytes) {
    // A latin1 column's bytes are not code points, nor the session's utf8mb4 literals: compared
    // as stored, CAST(city AS BINARY) = 'Zürich' never holds.
    ColumnBounds latin1;
    latin1.other_charset = true;
    latin1.max_chars = 40;
    const ExprPtr city = make_column("city", Type::Text, true, {}, latin1);
    // An ASCII literal: the plain comparison keeps the stored column and its index.
    EXPECT_EQ(render("mysql", *boolean(Func::Eq, {city, txt("Paris")})),
              "`city` = 'Paris' AND CAST(CONVERT(`city` USING utf8mb4) AS BINARY) = 'Paris'");
    EXPECT_EQ(render("mysql", *boolean(Func::Ne, {city, txt("Paris")})),
              "`city` <> 'Paris' OR CAST(CONVERT(`city` USING utf8mb4) AS BINARY) <> 'Paris'");
    // Any other: MySQL would convert it to latin1 (an error, or a lossy '?'), so only the exact
    // comparison is written.
    EXPECT_EQ(render("mysql", *boolean(Func::Eq, {city, txt("Zürich")})),
              "CAST(CONVERT(`city` USING utf8mb4) AS BINARY) = 'Zürich'");
    EXPECT_EQ(render("mysql", *boolean(Func::In, {city, txt("Paris"), txt("Lyon")})),
              "`city` IN ('Paris', 'Lyon') AND CAST(CONVERT(`city` USING utf8mb4) AS BINARY) IN "
              "('Paris', 'Lyon')");
    EXPECT_EQ(render("mysql", *boolean(Func::In, {city, txt("Paris"), txt("Zürich")})),
              "CAST(CONVERT(`city` USING utf8mb4) AS BINARY) IN ('Paris', 'Zürich')");
    EXPECT_EQ(render("mysql", *boolean(Func::Contains, {city, txt("ü")})),
              "LOCATE('ü', CAST(CONVERT(`city` USING utf8mb4) AS BINARY)) > 0");
    EXPECT_EQ(render("mysql", *fn(Func::Upper, {city}, Type::Text)),
              "UPPER(CONVERT(`city` USING utf8mb4))");
    // Grouped and ordered by its UTF-8 bytes.
    const ExprPtr rows = fn(Func::CountAll, {}, Type::Integer);
    Query q = orders_query();
    q.columns = {{"city", city, true}, {"n", rows, false}};
    q.group_by = {city};
    q.order_by = {{city, false, 1}};
    EXPECT_EQ(render("mysql", q),
              "SELECT MIN(CONVERT(`city` USING utf8mb4)) AS `city`, COUNT(*) AS `n` FROM "
              "`public`.`orders` GROUP BY CAST(CONVERT(`city` USING utf8mb4) AS BINARY) ORDER BY "
              "CAST(CONVERT(`city` USING utf8mb4) AS BINARY) IS NULL, CAST(CONVERT(`city` USING "
              "utf8mb4) AS BINARY)");
    // A long key: the binary collation of its utf8mb4 form, and that form's byte length.
    latin1.max_chars = 255;
    const ExprPtr street = make_column("street", Type::Text, false, {}, latin1);
    Query streets = orders_query();
    streets.columns = {{"street", street, false}, {"n", rows, false}};
    streets.group_by = {street};
    EXPECT_EQ(render("mysql", streets),
              "SELECT CONVERT(`street` USING utf8mb4) COLLATE utf8mb4_bin AS `street`, COUNT(*) "
              "AS `n` FROM `public`.`orders` GROUP BY 1, LENGTH(CONVERT(`street` USING utf8mb4))");
    // The other dialects read the flag nowhere (their servers convert to the client encoding).
    EXPECT_EQ(render("postgres", *boolean(Func::Eq, {city, txt("Zürich")})),
              R"("city" = 'Zürich')");
}

TEST(RenderGolden, JoinsAreLeftDeepWithQualifiedColumns) {
    const ExprPtr order_customer = make_column("customer_id", Type::Integer, false, "r1");
    const ExprPtr customer_id = make_column("id", Type::Integer, false, "r2");
    const ExprPtr segment = make_column("segment", Type::Text, true, "r2");
    const ExprPtr note = make_column("note", Type::Text, true, "r3");
    Query q;
    q.from.name = {"shop", "orders"};
    q.from.alias = "r1";
    q.joins.push_back({JoinKind::Inner,
                       {{"shop", "customers"}, "r2"},
                       {boolean(Func::Eq, {order_customer, customer_id})}});
    q.joins.push_back({JoinKind::Left, {{"shop", "notes"}, "r3"}, {}});
    q.columns = {{"segment", segment, true}, {"n", fn(Func::CountAll, {}, Type::Integer), false}};
    q.group_by = {segment};
    q.where = {boolean(Func::IsNotNull, {note})};
    check(q,
          R"(SELECT "r2"."segment" AS "segment", COUNT(*) AS "n" FROM "shop"."orders" AS "r1" )"
          R"(INNER JOIN "shop"."customers" AS "r2" ON "r1"."customer_id" = "r2"."id" )"
          R"(LEFT JOIN "shop"."notes" AS "r3" ON TRUE WHERE "r3"."note" IS NOT NULL GROUP BY 1)",
          "SELECT MIN(`r2`.`segment`) AS `segment`, COUNT(*) AS `n` FROM `shop`.`orders` AS `r1` "
          "INNER JOIN `shop`.`customers` AS `r2` ON `r1`.`customer_id` = `r2`.`id` "
          "LEFT JOIN `shop`.`notes` AS `r3` ON TRUE WHERE `r3`.`note` IS NOT NULL "
          "GROUP BY CAST(`r2`.`segment` AS BINARY)",
          R"(SELECT "r2"."segment" AS "segment", COUNT(*) AS "n" FROM "shop"."orders" AS "r1" )"
          R"(INNER JOIN "shop"."customers" AS "r2" ON "r1"."customer_id" = "r2"."id" )"
          R"(LEFT JOIN "shop"."notes" AS "r3" ON TRUE WHERE "r3"."note" IS NOT NULL )"
          R"(GROUP BY 1, OCTET_LENGTH("r2"."segment"))");
}

TEST(RenderGolden, DashboardQuery) {
    const ExprPtr category = make_column("product_category", Type::Text, true);
    const ExprPtr status = make_column("status", Type::Text, true);
    const ExprPtr order_date = make_column("order_date", Type::TimestampTz, false);
    const ExprPtr customer = make_column("customer_id", Type::Integer, true);
    const ExprPtr cat = fn(Func::Upper, {category}, Type::Text);
    const ExprPtr month = timefn(Func::DateTrunc, TimeUnit::Month,
                                 {make_to_local(order_date, "Europe/Paris")}, Type::Timestamp);
    const ExprPtr revenue = fn(Func::Sum, {kRevenue}, Type::Double);
    const ExprPtr margin =
        fn(Func::Div,
           {fn(Func::Sum, {fn(Func::Sub, {kRevenue, kCost}, Type::Double)}, Type::Double), revenue},
           Type::Double);
    Query q = orders_query();
    q.columns = {{"country", kCountry, true},
                 {"cat", cat, true},
                 {"month", month, true},
                 {"revenue", revenue, false},
                 {"buyers", fn(Func::CountDistinct, {customer}, Type::Integer), false},
                 {"margin_pct", margin, false}};
    q.group_by = {kCountry, cat, month};
    q.where = {boolean(Func::In, {kCountry, txt("FR"), txt("DE")}),
               boolean(Func::Or, {boolean(Func::Ne, {status, txt("cancelled")}),
                                  boolean(Func::IsNull, {status})}),
               boolean(Func::Ge, {order_date, make_timestamptz("2025-10-31 23:00:00")}),
               boolean(Func::Lt, {order_date, make_timestamptz("2026-10-31 23:00:00")})};
    q.having = {boolean(Func::Gt, {revenue, lit(1000)})};
    q.order_by = {{revenue, true, 3}};
    q.limit = 100;
    q.offset = 0;
    check(q,
          R"(SELECT "country" AS "country", UPPER("product_category") AS "cat", )"
          R"(DATE_TRUNC('month', ("order_date" AT TIME ZONE 'Europe/Paris')) AS "month", )"
          R"(SUM("revenue") AS "revenue", COUNT(DISTINCT "customer_id") AS "buyers", )"
          R"(SUM("revenue" - "cost") / NULLIF(SUM("revenue"), 0) AS "margin_pct" )"
          R"(FROM "public"."orders" WHERE "country" IN ('FR', 'DE') AND )"
          R"(("status" <> 'cancelled' OR "status" IS NULL) AND )"
          R"("order_date" >= TIMESTAMPTZ '2025-10-31 23:00:00+00' AND )"
          R"("order_date" < TIMESTAMPTZ '2026-10-31 23:00:00+00' )"
          R"(GROUP BY 1, 2, 3 HAVING SUM("revenue") > 1000 ORDER BY 4 DESC LIMIT 100)",
          "SELECT MIN(`country`) AS `country`, MIN(UPPER(`product_category`)) AS `cat`, "
          "CAST(MAKEDATE(YEAR(CONVERT_TZ(`order_date`, '+00:00', 'Europe/Paris')), 1) + "
          "INTERVAL (MONTH(CONVERT_TZ(`order_date`, '+00:00', 'Europe/Paris')) - 1) MONTH AS "
          "DATETIME) AS `month`, SUM(`revenue`) AS `revenue`, "
          "COUNT(DISTINCT `customer_id`) AS `buyers`, "
          "CAST(SUM(`revenue` - `cost`) AS DOUBLE) / NULLIF(SUM(`revenue`), 0) AS `margin_pct` "
          "FROM `public`.`orders` WHERE `country` IN ('FR', 'DE') AND "
          "CAST(`country` AS BINARY) IN ('FR', 'DE') AND "
          "(`status` <> 'cancelled' OR CAST(`status` AS BINARY) <> 'cancelled' OR "
          "`status` IS NULL) AND "
          "`order_date` >= TIMESTAMP '2025-10-31 23:00:00' AND "
          "`order_date` < TIMESTAMP '2026-10-31 23:00:00' "
          "GROUP BY CAST(`country` AS BINARY), CAST(UPPER(`product_category`) AS BINARY), 3 "
          "HAVING SUM(`revenue`) > 1000 ORDER BY SUM(`revenue`) IS NOT NULL, 4 DESC LIMIT 100",
          R"(SELECT "country" AS "country", UPPER("product_category") AS "cat", )"
          R"(DATE_TRUNC('month', ("order_date" AT TIME ZONE 'Europe/Paris')) AS "month", )"
          R"(SUM("revenue") AS "revenue", COUNT(DISTINCT "customer_id") AS "buyers", )"
          R"(SUM("revenue" - "cost") / NULLIF(SUM("revenue"), 0) AS "margin_pct" )"
          R"(FROM "public"."orders" WHERE "country" IN ('FR', 'DE') AND )"
          R"("country" || CHR(1) IN ('FR' || CHR(1), 'DE' || CHR(1)) AND )"
          R"(("status" <> 'cancelled' OR OCTET_LENGTH("status") <> 9 OR )"
          R"("status" IS NULL) AND )"
          R"("order_date" >= TIMESTAMPTZ '2025-10-31 23:00:00+00' AND )"
          R"("order_date" < TIMESTAMPTZ '2026-10-31 23:00:00+00' )"
          R"(GROUP BY 1, OCTET_LENGTH("country"), 2, OCTET_LENGTH(UPPER("product_category")), 3 )"
          R"(HAVING SUM("revenue") > 1000 ORDER BY 4 DESC LIMIT 100)");
}

TEST(RenderGolden, OrderByNullableAndNotNullKeys) {
    const ExprPtr visited = make_column("visited_at", Type::Timestamp, false);
    const ExprPtr page = make_column("page", Type::Text, true);
    const ExprPtr score = make_column("score", Type::Double, true);
    Query q;
    q.from.name = {"visits"};
    q.columns = {{"visited_at", visited, false}, {"page", page, false}};
    // A NOT NULL key stays a plain key on MySQL, so MariaDB can scan an index backwards.
    q.order_by = {{visited, true, -1}};
    q.limit = 10;
    check(
        q,
        R"(SELECT "visited_at" AS "visited_at", "page" AS "page" FROM "visits" ORDER BY "visited_at" DESC LIMIT 10)",
        "SELECT `visited_at` AS `visited_at`, `page` AS `page` FROM `visits` ORDER BY `visited_at` "
        "DESC LIMIT 10",
        R"(SELECT "visited_at" AS "visited_at", "page" AS "page" FROM "visits" ORDER BY "visited_at" DESC LIMIT 10)");
    q.order_by = {{visited, false, 0}};
    check(
        q,
        R"(SELECT "visited_at" AS "visited_at", "page" AS "page" FROM "visits" ORDER BY 1 LIMIT 10)",
        "SELECT `visited_at` AS `visited_at`, `page` AS `page` FROM `visits` ORDER BY 1 LIMIT 10",
        R"(SELECT "visited_at" AS "visited_at", "page" AS "page" FROM "visits" ORDER BY 1 LIMIT 10)");
    // Nullable keys: NULLs last ascending, first descending, as PostgreSQL does natively.
    q.order_by = {{score, true, -1}, {page, false, 1}};
    q.limit.reset();
    check(
        q,
        R"(SELECT "visited_at" AS "visited_at", "page" AS "page" FROM "visits" ORDER BY "score" DESC, "page" COLLATE "C")",
        "SELECT `visited_at` AS `visited_at`, `page` AS `page` FROM `visits` ORDER BY "
        "`score` IS NOT NULL, `score` DESC, CAST(`page` AS BINARY) IS NULL, CAST(`page` AS BINARY)",
        R"(SELECT "visited_at" AS "visited_at", "page" AS "page" FROM "visits" ORDER BY "score" DESC, "page" || CHR(1))");
}

TEST(RenderGolden, LimitAndOffset) {
    Query q = orders_query();
    q.columns = {{"qty", kQty, false}};
    q.limit = 10;
    q.offset = 20;
    check(q, R"(SELECT "qty" AS "qty" FROM "public"."orders" LIMIT 10 OFFSET 20)",
          "SELECT `qty` AS `qty` FROM `public`.`orders` LIMIT 10 OFFSET 20",
          R"(SELECT "qty" AS "qty" FROM "public"."orders" LIMIT 10 OFFSET 20)");
    q.limit.reset();
    check(q, R"(SELECT "qty" AS "qty" FROM "public"."orders" OFFSET 20)",
          "SELECT `qty` AS `qty` FROM `public`.`orders` LIMIT 9223372036854775807 OFFSET 20",
          R"(SELECT "qty" AS "qty" FROM "public"."orders" OFFSET 20)");
    q.limit = 0;
    q.offset = 0;
    check(q, R"(SELECT "qty" AS "qty" FROM "public"."orders" LIMIT 0)",
          "SELECT `qty` AS `qty` FROM `public`.`orders` LIMIT 0",
          R"(SELECT "qty" AS "qty" FROM "public"."orders" LIMIT 0)");
}

TEST(RenderGolden, AliasesQualifiersAndGroupKeysOutsideTheSelectList) {
    Query q;
    q.from.name = {"shop", "orders"};
    q.from.alias = "o";
    const ExprPtr qty = make_column("qty", Type::Integer, false, "o");
    const ExprPtr city = make_column("city", Type::Text, true, "o");
    q.columns = {{"total", fn(Func::Sum, {qty}, Type::Numeric), false}};
    q.group_by = {city, lit(1)};
    q.where = {
        boolean(Func::Or, {boolean(Func::Gt, {qty, lit(1)}), boolean(Func::Lt, {qty, lit(-1)})})};
    check(
        q,
        R"(SELECT SUM("o"."qty") AS "total" FROM "shop"."orders" AS "o" WHERE "o"."qty" > 1 OR "o"."qty" < -1 GROUP BY "o"."city")",
        "SELECT SUM(`o`.`qty`) AS `total` FROM `shop`.`orders` AS `o` WHERE `o`.`qty` > 1 OR "
        "`o`.`qty` < -1 GROUP BY CAST(`o`.`city` AS BINARY)",
        R"(SELECT SUM(CAST("o"."qty" AS DECIMAL(38,0))) AS "total" FROM "shop"."orders" AS "o" WHERE "o"."qty" > 1 OR "o"."qty" < -1 GROUP BY "o"."city", OCTET_LENGTH("o"."city"))");
}

TEST(RenderGolden, HostileNamesStayInsideTheirQuotes) {
    Query q;
    q.from.name = {R"(we"ird`)"};
    q.columns = {{R"(a"; DROP TABLE x; --)", make_column("c`1", Type::Integer, false), false}};
    check(q, R"(SELECT "c`1" AS "a""; DROP TABLE x; --" FROM "we""ird`")",
          R"(SELECT `c``1` AS `a"; DROP TABLE x; --` FROM `we"ird```)",
          R"(SELECT "c`1" AS "a""; DROP TABLE x; --" FROM "we""ird`")");
}

// ---- faults

TEST(RenderGolden, MalformedModelDataIsRefused) {
    EXPECT_EQ(error_state("postgres", *make_numeric("1; DROP TABLE t")), "XX000");
    EXPECT_EQ(error_state("mysql", *make_date("2024-01-01' OR '1'='1")), "XX000");
    Query q = orders_query();
    q.columns = {{"qty", kQty, false}};
    q.limit = -1;
    try {
        render("postgres", q);
        ADD_FAILURE() << "negative limit accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.sqlstate(), "22023");
    }
}

}  // namespace
}  // namespace quarry
