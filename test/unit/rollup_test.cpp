// Materializations in the core: what a definition stores (materialized_shape, storage_query),
// which specs roll up from it (rollup) and why the others do not, and the window of an
// incremental refresh. Results over real rows are compared in sql/materialize.sql.
#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"
#include "dialects/dialect.hpp"
#include "model/expr_print.hpp"
#include "rollup/rollup.hpp"
#include "spec/spec.hpp"

namespace quarry {
namespace {

SourceInfo views() {
    SourceInfo s;
    s.name = "views";
    s.relation.name = {"public", "views"};
    s.columns = {
        {"visited_at", "", Type::TimestampTz, false, {}},
        {"day", "", Type::Date, true, {}},
        {"country", "", Type::Text, true, {}},
        {"device", "", Type::Text, true, {}},
        {"visitor", "", Type::Integer, true, {}},
        {"duration", "", Type::Integer, true, {}},
        {"price", "", Type::Numeric, true, {}},
    };
    s.time_column = "visited_at";
    s.formulas = {{"long_visits", "count_if(duration > 60)"}};
    s.version = 3;
    return s;
}

class Views : public Catalog {
public:
    std::shared_ptr<const SourceInfo> find_source(const std::string& name) const override {
        if (name == "views") return std::make_shared<const SourceInfo>(views());
        throw Error(sqlstate::kUndefinedTable, "unknown source \"" + name + "\"");
    }
};

constexpr Instant kNow = 1793750400LL * 1000000;  // 2026-11-04T00:00:00Z

CompiledSpec compile(const std::string& text) {
    static const Views catalog;
    CompileContext ctx;
    ctx.catalog = &catalog;
    ctx.transaction_now = kNow;
    return compile_spec(parse_spec_text(text), ctx);
}

MaterializedShape shape_of(const std::string& text) {
    return materialized_shape(parse_spec_text(text), compile(text));
}

const TableRef kTable{{"quarry_materialized", "by_day"}, ""};

// The definition most tests use: per day (Paris), country and device.
const char* const kDaily = R"J({"source": "views", "groupby": ["country", "device"],
    "metrics": [{"column": "duration", "agg": "sum"}, {"column": "duration", "agg": "avg"},
                {"formula": "count(*)", "as": "n"}, {"column": "price", "agg": "max"},
                {"column": "visitor", "agg": "count_distinct", "as": "visitors"}, "long_visits"],
    "filters": [{"column": "device", "op": "!=", "value": "bot"}],
    "time": {"column": "visited_at", "grain": "day", "timezone": "Europe/Paris", "as": "d"}})J";

Rollup roll(const std::string& spec, const char* definition = kDaily) {
    return rollup(compile(spec), shape_of(definition), kTable);
}

std::string sql(const Rollup& r) {
    EXPECT_TRUE(r.ok) << r.reason;
    return r.ok ? dialect_by_name("postgres").render_query(r.query) : std::string();
}

TEST(MaterializedShape, KeysComponentsAndFilters) {
    MaterializedShape s = shape_of(kDaily);
    ASSERT_EQ(s.keys.size(), 3u);
    EXPECT_EQ(s.keys[0].name, "d");
    ASSERT_TRUE(s.bucket.has_value());
    EXPECT_EQ(*s.bucket, 0u);
    EXPECT_EQ(s.grain, TimeUnit::Day);
    EXPECT_EQ(s.zone, "Europe/Paris");
    EXPECT_EQ(s.time_column, "visited_at");
    std::string components;
    for (const StoredColumn& c : s.components) components += c.name + "=" + to_sexpr(*c.expr) + " ";
    // sum(duration) is stored once although sum and avg both need it... as a double for avg.
    EXPECT_NE(components.find("agg_1="), std::string::npos);
    EXPECT_NE(components.find("(count duration)"), std::string::npos);
    EXPECT_NE(components.find("(count_distinct visitor)"), std::string::npos);
    EXPECT_NE(components.find("count_if"), std::string::npos);
    EXPECT_EQ(s.where.size(), 1u);
}

TEST(MaterializedShape, StorageQueryGroupsByTheKeys) {
    MaterializedShape s = shape_of(kDaily);
    std::string text = dialect_by_name("postgres")
                           .render_query(storage_query(s, TableRef{{"public", "views"}, ""}));
    EXPECT_NE(text.find("GROUP BY"), std::string::npos) << text;
    EXPECT_NE(text.find("\"agg_1\""), std::string::npos) << text;
    EXPECT_NE(text.find("bot"), std::string::npos) << text;
}

TEST(MaterializedShape, ComponentNamesAvoidKeyNames) {
    MaterializedShape s = shape_of(
        R"J({"source": "views", "groupby": [{"formula": "country", "as": "agg_1"}],
            "metrics": [{"column": "duration", "agg": "sum"}]})J");
    ASSERT_EQ(s.components.size(), 1u);
    EXPECT_EQ(s.components[0].name, "_agg_1");
}

TEST(MaterializedShape, RefusesWhatBelongsToServedSpecs) {
    const char* bad[] = {
        R"J({"source": "views", "groupby": ["country"], "metrics": ["duration"], "limit": 3})J",
        R"J({"source": "views", "groupby": ["country"], "metrics": ["duration"], "order": ["country"]})J",
        R"J({"source": "views", "metrics": ["duration"],
            "having": [{"metric": "duration", "op": ">", "value": 1}]})J",
        R"J({"source": "views", "metrics": ["duration"], "options": {"cache": "bypass"}})J",
        R"J({"source": "views", "metrics": ["duration"], "time": {"range": "last 7 days"}})J",
    };
    const char* paths[] = {"limit: ", "order: ", "having: ", "options: ", "time.range: "};
    for (size_t i = 0; i < std::size(bad); ++i) {
        try {
            shape_of(bad[i]);
            ADD_FAILURE() << bad[i];
        } catch (const Error& e) {
            EXPECT_EQ(e.sqlstate(), "22023");
            EXPECT_EQ(std::string(e.what()).rfind(paths[i], 0), 0u) << e.what();
        }
    }
}

TEST(Rollup, SameGroupsSameMetrics) {
    std::string text = sql(roll(
        R"J({"source": "views", "groupby": ["country", "device"],
            "metrics": [{"column": "duration", "agg": "sum"}, {"formula": "count(*)", "as": "n"}],
            "filters": [{"column": "device", "op": "!=", "value": "bot"}],
            "time": {"column": "visited_at", "grain": "day", "timezone": "Europe/Paris",
                     "as": "d", "range": "last 7 days"}})J"));
    EXPECT_NE(text.find("FROM \"quarry_materialized\".\"by_day\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"d\" >= TIMESTAMP '2026-10-28 00:00:00'"), std::string::npos) << text;
    EXPECT_EQ(text.find("visited_at"), std::string::npos) << text;
}

TEST(Rollup, FewerKeysCoarserGrainAvgFromSumAndCount) {
    std::string text = sql(roll(
        R"J({"source": "views", "groupby": ["country"],
            "metrics": [{"column": "duration", "agg": "avg", "as": "avg_duration"},
                        {"column": "price", "agg": "max"}, "long_visits"],
            "filters": [{"column": "device", "op": "!=", "value": "bot"},
                        {"column": "country", "op": "in", "values": ["FR", "DE"]}],
            "time": {"column": "visited_at", "grain": "month", "timezone": "Europe/Paris",
                     "range": "last 3 months"}})J"));
    EXPECT_NE(text.find("DATE_TRUNC('month'"), std::string::npos) << text;
    EXPECT_NE(text.find("NULLIF(SUM("), std::string::npos) << text;
    EXPECT_NE(text.find("MAX("), std::string::npos) << text;
    EXPECT_NE(text.find("COALESCE(SUM("), std::string::npos) << text;
}

TEST(Rollup, WeekFromDaysButNotFromMonths) {
    EXPECT_TRUE(roll(R"J({"source": "views", "metrics": ["duration"],
        "filters": [{"column": "device", "op": "!=", "value": "bot"}],
        "time": {"column": "visited_at", "grain": "week", "timezone": "Europe/Paris"}})J")
                    .ok);
    const char* monthly = R"J({"source": "views", "metrics": ["duration"],
        "time": {"column": "visited_at", "grain": "month", "timezone": "UTC"}})J";
    Rollup r = roll(R"J({"source": "views", "metrics": ["duration"],
        "time": {"column": "visited_at", "grain": "week", "timezone": "UTC"}})J",
                    monthly);
    EXPECT_FALSE(r.ok);
    r = roll(R"J({"source": "views", "metrics": ["duration"],
        "time": {"column": "visited_at", "grain": "day", "timezone": "UTC"}})J",
             monthly);
    EXPECT_FALSE(r.ok);
}

TEST(Rollup, Refusals) {
    struct Case {
        const char* spec;
        const char* reason;
    };
    const Case cases[] = {
        // not filtered like the materialization
        {R"J({"source": "views", "metrics": ["duration"]})J", "keeps only the rows where"},
        // a filter on a column that is not a key
        {R"J({"source": "views", "metrics": ["duration"],
             "filters": [{"column": "device", "op": "!=", "value": "bot"},
                         {"column": "visitor", "op": "=", "value": 3}]})J",
         "outside the materialization's keys"},
        // a key that is not stored
        {R"J({"source": "views", "groupby": ["visitor"], "metrics": ["duration"],
             "filters": [{"column": "device", "op": "!=", "value": "bot"}]})J",
         "outside the materialization's keys"},
        // count_distinct over merged groups
        {R"J({"source": "views", "groupby": ["country"],
             "metrics": [{"column": "visitor", "agg": "count_distinct"}],
             "filters": [{"column": "device", "op": "!=", "value": "bot"}]})J",
         "does not roll up"},
        // an aggregate that is not stored
        {R"J({"source": "views", "metrics": [{"column": "price", "agg": "min"}],
             "filters": [{"column": "device", "op": "!=", "value": "bot"}]})J",
         "does not store"},
        // a rolling range: not on day boundaries
        {R"J({"source": "views", "metrics": ["duration"],
             "filters": [{"column": "device", "op": "!=", "value": "bot"}],
             "time": {"column": "visited_at", "timezone": "Europe/Paris",
                      "range": "last 24 hours"}})J",
         "does not start and end on day boundaries"},
        // another zone
        {R"J({"source": "views", "metrics": ["duration"],
             "filters": [{"column": "device", "op": "!=", "value": "bot"}],
             "time": {"column": "visited_at", "timezone": "UTC", "range": "last 7 days"}})J",
         "in UTC time"},
        // a finer grain
        {R"J({"source": "views", "metrics": ["duration"],
             "filters": [{"column": "device", "op": "!=", "value": "bot"}],
             "time": {"column": "visited_at", "timezone": "Europe/Paris", "grain": "hour"}})J",
         "outside the materialization's keys"},
    };
    for (const Case& c : cases) {
        Rollup r = roll(c.spec);
        EXPECT_FALSE(r.ok) << c.spec;
        EXPECT_NE(r.reason.find(c.reason), std::string::npos) << r.reason;
    }
}

TEST(Rollup, CountDistinctWhenNoGroupsMerge) {
    std::string text = sql(roll(
        R"J({"source": "views", "groupby": ["device", "country"],
            "metrics": [{"column": "visitor", "agg": "count_distinct"}],
            "filters": [{"column": "device", "op": "!=", "value": "bot"},
                        {"column": "country", "op": "=", "value": "FR"}],
            "time": {"column": "visited_at", "grain": "day", "timezone": "Europe/Paris",
                     "range": "last 7 days"}})J"));
    EXPECT_NE(text.find("MAX("), std::string::npos) << text;
}

TEST(Rollup, FunctionsOfKeysHavingOrderLimit) {
    std::string text = sql(roll(
        R"J({"source": "views", "groupby": [{"formula": "lower(country)", "as": "c"}],
            "metrics": [{"formula": "sum(duration) / count(*)", "as": "per_view"}],
            "filters": [{"column": "device", "op": "!=", "value": "bot"}],
            "having": [{"metric": "per_view", "op": ">", "value": 2}],
            "order": ["-per_view"], "limit": 5})J"));
    EXPECT_NE(text.find("LOWER("), std::string::npos) << text;
    EXPECT_NE(text.find("HAVING"), std::string::npos) << text;
    EXPECT_NE(text.find("LIMIT 5"), std::string::npos) << text;
}

TEST(Rollup, DateBucketsOfADateColumn) {
    const char* by_day = R"J({"source": "views", "metrics": ["duration"],
        "time": {"column": "day", "grain": "day"}})J";
    EXPECT_TRUE(roll(R"J({"source": "views", "metrics": ["duration"],
        "time": {"column": "day", "grain": "month", "range": ["2026-01-01", "2026-03-01"]}})J",
                     by_day)
                    .ok);
    EXPECT_TRUE(roll(R"J({"source": "views", "metrics": ["duration"],
        "time": {"column": "day", "range": ["2026-01-03", "2026-03-01"]}})J",
                     by_day)
                    .ok);
}

TEST(RefreshWindow, TrailingBucketsInTheZone) {
    auto paris = TimeZone::load("Europe/Paris");
    // 2026-11-04T00:00Z is 01:00 in Paris: the day holding it started on 2026-11-04.
    EXPECT_EQ(format_timestamp(refresh_window_start(kNow, *paris, TimeUnit::Day, 1)),
              "2026-11-04 00:00:00");
    EXPECT_EQ(format_timestamp(refresh_window_start(kNow, *paris, TimeUnit::Day, 2)),
              "2026-11-03 00:00:00");
    EXPECT_EQ(format_timestamp(refresh_window_start(kNow, *paris, TimeUnit::Month, 2)),
              "2026-10-01 00:00:00");
    EXPECT_EQ(format_timestamp(refresh_window_start(kNow, *paris, TimeUnit::Week, 1)),
              "2026-11-02 00:00:00");
    EXPECT_EQ(format_timestamp(refresh_window_start(kNow, *paris, TimeUnit::Quarter, 2)),
              "2026-07-01 00:00:00");
    EXPECT_EQ(format_timestamp(refresh_window_start(kNow, *paris, TimeUnit::Year, 3)),
              "2024-01-01 00:00:00");
}

TEST(RefreshWindow, NeverStartsInARepeatedHour) {
    auto paris = TimeZone::load("Europe/Paris");
    // 2026-10-25T01:30Z is 02:30 CET, in the hour 02:00-03:00 Paris shows twice.
    const Instant during = 1792891800LL * 1000000;
    EXPECT_EQ(format_timestamp(refresh_window_start(during, *paris, TimeUnit::Hour, 1)),
              "2026-10-25 01:00:00");
}

}  // namespace
}  // namespace quarry
