// The dialect registry, the refusal path for functions a dialect cannot honour, and the cost of
// rendering.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "common/error.hpp"
#include "dialects/dialect.hpp"
#include "dialects/postgres.hpp"
#include "model/expr.hpp"
#include "model/query.hpp"

namespace quarry {
namespace {

TEST(RenderRegistry, EveryDialectIsRegisteredByItsFile) {
    EXPECT_EQ(dialect_names(), (std::vector<std::string>{"mysql", "postgres", "redshift"}));
    for (const std::string& name : dialect_names()) {
        EXPECT_EQ(dialect_by_name(name).name(), name);
    }
}

TEST(RenderRegistry, UnknownDialectIs22023) {
    try {
        dialect_by_name("oracle");
        ADD_FAILURE() << "found";
    } catch (const Error& e) {
        EXPECT_EQ(e.sqlstate(), "22023");
        EXPECT_STREQ(e.what(), "unknown dialect \"oracle\"");
        EXPECT_EQ(e.hint(), "known dialects: mysql, postgres, redshift");
    }
}

TEST(RenderRegistry, TheShippedDialectsHonourEveryFunction) {
    for (const std::string& name : dialect_names()) {
        const Dialect& d = dialect_by_name(name);
        for (auto f = static_cast<uint16_t>(Func::Add); f <= static_cast<uint16_t>(Func::Cast);
             ++f) {
            EXPECT_TRUE(d.supports(static_cast<Func>(f))) << name << " " << f;
        }
    }
}

// A dialect that cannot honour sqrt, to exercise the refusal.
class NoSqrt : public PostgresDialect {
public:
    std::string_view name() const override { return "nosqrt"; }
    bool supports(Func f) const override { return f != Func::Sqrt; }
};

TEST(RenderRegistry, AnUnsupportedFunctionIs0A000NamingFunctionAndDialect) {
    const NoSqrt dialect;
    const ExprPtr ok = make_call(Func::Abs, {make_integer(-4)}, Type::Integer);
    EXPECT_EQ(dialect.render_expr(*ok), "ABS(-4)");
    const ExprPtr nested = make_call(
        Func::Add, {make_integer(1), make_call(Func::Sqrt, {make_integer(4)}, Type::Double)},
        Type::Double);
    try {
        dialect.render_expr(*nested);
        ADD_FAILURE() << "rendered";
    } catch (const Error& e) {
        EXPECT_EQ(e.sqlstate(), "0A000");
        EXPECT_EQ(std::string(e.what()), "function \"" + std::string(func_name(Func::Sqrt)) +
                                             "\" is not supported by dialect \"nosqrt\"");
    }
}

Query dashboard_query() {
    const ExprPtr country = make_column("country", Type::Text, true);
    const ExprPtr channel = make_column("channel", Type::Text, true);
    const ExprPtr revenue = make_column("revenue", Type::Double, true);
    const ExprPtr cost = make_column("cost", Type::Numeric, true);
    const ExprPtr qty = make_column("qty", Type::Integer, false);
    const ExprPtr at = make_column("ordered_at", Type::TimestampTz, false);
    const ExprPtr month = make_time_call(Func::DateTrunc, TimeUnit::Month,
                                         {make_to_local(at, "Europe/Paris")}, Type::Timestamp);
    const ExprPtr sum_revenue = make_call(Func::Sum, {revenue}, Type::Double);
    Query q;
    q.from.name = {"public", "orders"};
    q.columns = {
        {"country", country, true},
        {"channel", channel, true},
        {"month", month, true},
        {"revenue", sum_revenue, false},
        {"qty", make_call(Func::Sum, {qty}, Type::Numeric), false},
        {"buyers", make_call(Func::CountDistinct, {country}, Type::Integer), false},
        {"margin",
         make_call(Func::Div,
                   {make_call(Func::Sum, {make_call(Func::Sub, {revenue, cost}, Type::Double)},
                              Type::Double),
                    sum_revenue},
                   Type::Double),
         false}};
    q.group_by = {country, channel, month};
    q.where = {make_call(Func::In, {country, make_text("FR"), make_text("DE")}, Type::Boolean),
               make_call(Func::Ne, {channel, make_text("web")}, Type::Boolean),
               make_call(Func::Gt, {qty, make_integer(0)}, Type::Boolean),
               make_call(Func::IsNotNull, {revenue}, Type::Boolean),
               make_call(Func::Ge, {at, make_timestamptz("2025-10-31 23:00:00")}, Type::Boolean),
               make_call(Func::Lt, {at, make_timestamptz("2026-10-31 23:00:00")}, Type::Boolean)};
    q.order_by = {{sum_revenue, true, 3}};
    q.limit = 100;
    return q;
}

TEST(RenderRegistry, RenderingADashboardQueryTakesMicroseconds) {
    const Query q = dashboard_query();
    constexpr int kRounds = 2000;
    for (const std::string& name : dialect_names()) {
        const Dialect& d = dialect_by_name(name);
        size_t bytes = 0;
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < kRounds; ++i) bytes += d.render_query(q).size();
        const auto elapsed = std::chrono::steady_clock::now() - start;
        const double micros = std::chrono::duration<double, std::micro>(elapsed).count() / kRounds;
        EXPECT_GT(bytes, 0u);
        // A few microseconds in an optimized build; the bound leaves room for sanitizers.
        EXPECT_LT(micros, 200.0) << name;
        RecordProperty(name + "_render_us", std::to_string(micros));
    }
}

}  // namespace
}  // namespace quarry
