// compile_spec: the Query a spec produces (printed as S-expressions), the resolved spec, and the
// canonical form and hash.
#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"
#include "model/expr_print.hpp"
#include "spec/spec.hpp"

namespace quarry {
namespace {

SourceInfo orders() {
    SourceInfo s;
    s.name = "orders";
    s.relation.name = {"public", "orders"};
    s.columns = {
        {"order_id", "", Type::Integer, false, {}},
        {"ordered_at", "", Type::TimestampTz, false, {}},
        {"order_date", "", Type::Date, true, {}},
        {"shipped_at", "", Type::Timestamp, true, {}},
        {"customer_id", "", Type::Integer, true, {}},
        {"country", "", Type::Text, true, {}},
        {"product_category", "", Type::Text, true, {}},
        {"quantity", "", Type::Integer, true, {}},
        {"revenue", "", Type::Numeric, true, {}},
        {"cost", "", Type::Numeric, true, {}},
        {"discount", "", Type::Double, true, {}},
        {"status", "", Type::Text, false, {}},
        {"is_gift", "", Type::Boolean, true, {}},
        {"Item price", "item_price", Type::Numeric, true, {}},
    };
    s.time_column = "ordered_at";
    s.formulas = {{"margin", "revenue - cost"},
                  {"margin_pct", "sum(revenue - cost) / sum(revenue)"},
                  {"label", "upper(country)"},
                  {"is_recent", "order_date >= today()"},
                  {"recent_revenue", "sum_if(revenue, is_recent)"}};
    s.version = 7;
    return s;
}

class FakeCatalog : public Catalog {
public:
    std::shared_ptr<const SourceInfo> find_source(const std::string& name) const override {
        if (name == "orders" || name == "public.orders")
            return std::make_shared<const SourceInfo>(source);
        throw Error(sqlstate::kUndefinedTable, "unknown source \"" + name + "\"");
    }
    SourceInfo source = orders();
};

constexpr Instant kTransactionNow = 1793750400LL * 1000000;  // 2026-11-04T00:00:00Z

CompiledSpec compile(const std::string& text, const FakeCatalog& catalog = FakeCatalog()) {
    CompileContext ctx;
    ctx.catalog = &catalog;
    ctx.transaction_now = kTransactionNow;
    return compile_spec(parse_spec_text(text), ctx);
}

// The query, clause by clause, one line each.
std::string show(const Query& q) {
    std::string out = "select";
    for (const OutputColumn& c : q.columns) {
        out += " " + c.name + (c.is_group_key ? "*" : "") + "=" + to_sexpr(*c.expr);
    }
    if (!q.where.empty()) out += "\nwhere";
    for (const ExprPtr& w : q.where) out += " " + to_sexpr(*w);
    if (!q.group_by.empty()) out += "\ngroup";
    for (const ExprPtr& g : q.group_by) out += " " + to_sexpr(*g);
    if (!q.having.empty()) out += "\nhaving";
    for (const ExprPtr& h : q.having) out += " " + to_sexpr(*h);
    if (!q.order_by.empty()) out += "\norder";
    for (const OrderKey& k : q.order_by) {
        out += " #" + std::to_string(k.output_index) + (k.descending ? " desc" : " asc");
    }
    if (q.limit) out += "\nlimit " + std::to_string(*q.limit);
    if (q.offset) out += "\noffset " + std::to_string(*q.offset);
    return out;
}

std::string show(const std::string& spec) { return show(compile(spec).query); }

// --- the select list -------------------------------------------------------------------------

TEST(SpecCompile, GroupbyAndMetricNames) {
    const CompiledSpec c =
        compile(R"~({"source": "orders", "groupby": ["country"], "metrics": ["revenue"]})~");
    EXPECT_EQ(show(c.query), "select country*=country revenue=(sum revenue)\ngroup country");
    EXPECT_EQ(c.query.from.name, (std::vector<std::string>{"public", "orders"}));
    EXPECT_EQ(c.query.columns[1].expr->type, Type::Numeric);
    EXPECT_EQ(c.source->name, "orders");
    EXPECT_EQ(c.zone->name(), "UTC");
    EXPECT_EQ(c.now, kTransactionNow);
    EXPECT_FALSE(c.options.now.has_value());
    EXPECT_EQ(c.options.cache, CacheMode::Use);
}

TEST(SpecCompile, GroupbyForms) {
    EXPECT_EQ(show(R"~({"source": "orders",
        "groupby": ["label", {"formula": "upper(product_category)", "as": "cat"}, "Item price"]})~"),
              "select label*=(upper country) cat*=(upper product_category) Item price*=item_price\n"
              "group (upper country) (upper product_category) item_price");
}

TEST(SpecCompile, MetricForms) {
    EXPECT_EQ(show(R"~({"source": "orders", "metrics": [
        "margin_pct", "margin", "quantity",
        {"column": "customer_id", "agg": "count_distinct", "as": "buyers"},
        {"column": "discount", "agg": "avg"},
        {"column": "country", "agg": "min"},
        {"column": "order_id", "agg": "count"},
        {"column": "status", "agg": "approx_count_distinct", "as": "statuses"},
        {"column": "cost"},
        {"formula": "sum(revenue) / count(order_id)", "as": "aov"}]})~"),
              "select margin_pct=(/ (sum (- revenue cost)) (sum revenue)) "
              "margin=(sum (- revenue cost)) quantity=(sum quantity) "
              "buyers=(count_distinct customer_id) avg_discount=(avg discount) "
              "min_country=(min country) count_order_id=(count order_id) "
              "statuses=(approx_count_distinct status) sum_cost=(sum cost) "
              "aov=(/ (sum revenue) (count order_id))");
}

TEST(SpecCompile, AggregateTypes) {
    const CompiledSpec c = compile(R"~({"source": "orders", "metrics": [
        "quantity", {"column": "discount", "agg": "sum"}, {"column": "revenue", "agg": "avg"},
        {"column": "country", "agg": "max"}, {"column": "country", "agg": "count"}]})~");
    EXPECT_EQ(c.query.columns[0].expr->type, Type::Integer);  // as the formula sum() types it
    EXPECT_EQ(c.query.columns[1].expr->type, Type::Double);
    EXPECT_EQ(c.query.columns[2].expr->type, Type::Double);
    EXPECT_EQ(c.query.columns[3].expr->type, Type::Text);
    EXPECT_EQ(c.query.columns[4].expr->type, Type::Integer);
    EXPECT_FALSE(c.query.columns[4].expr->nullable);
}

// --- time ------------------------------------------------------------------------------------

TEST(SpecCompile, TimeGrainComesFirstAndOrdersTheResult) {
    const CompiledSpec c = compile(R"~({"source": "orders", "groupby": ["country"],
        "metrics": ["revenue"],
        "time": {"range": "last 12 months", "grain": "month", "timezone": "Europe/Paris"},
        "options": {"now": "2026-11-01T00:00:00Z"}})~");
    EXPECT_EQ(show(c.query),
              "select month*=(date_trunc:month (to_local_time ordered_at Europe/Paris)) "
              "country*=country revenue=(sum revenue)\n"
              "where (>= ordered_at tstz:2025-10-31 23:00:00) (< ordered_at tstz:2026-10-31 "
              "23:00:00)\n"
              "group (date_trunc:month (to_local_time ordered_at Europe/Paris)) country\n"
              "order #0 asc");
    EXPECT_EQ(c.zone->name(), "Europe/Paris");
    EXPECT_EQ(c.now, 1793491200LL * 1000000);
    EXPECT_EQ(c.query.columns[0].expr->type, Type::Timestamp);
}

TEST(SpecCompile, TimeRangeOnEachColumnType) {
    // A date column compares with local dates.
    EXPECT_EQ(show(R"~({"source": "orders", "metrics": ["revenue"],
        "time": {"column": "order_date", "range": "last 7 days", "timezone": "Europe/Paris"}})~"),
              "select revenue=(sum revenue)\n"
              "where (>= order_date date:2026-10-28) (< order_date date:2026-11-04)");
    // A timestamp column holds UTC: UTC wall-clock bounds.
    EXPECT_EQ(show(R"~({"source": "orders", "metrics": ["revenue"],
        "time": {"column": "shipped_at", "range": "today", "timezone": "Europe/Paris"}})~"),
              "select revenue=(sum revenue)\n"
              "where (>= shipped_at ts:2026-11-03 23:00:00) (< shipped_at ts:2026-11-04 "
              "23:00:00)");
    // A stored formula is wall-clock: local bounds.
    FakeCatalog catalog;
    catalog.source.formulas.push_back({"day_of_order", "ordered_at"});
    EXPECT_EQ(show(compile(R"~({"source": "orders", "metrics": ["revenue"],
        "time": {"column": "day_of_order", "range": "today", "timezone": "Europe/Paris"}})~",
                           catalog)
                       .query),
              "select revenue=(sum revenue)\n"
              "where (>= (to_local_time ordered_at Europe/Paris) ts:2026-11-04 00:00:00) "
              "(< (to_local_time ordered_at Europe/Paris) ts:2026-11-05 00:00:00)");
}

TEST(SpecCompile, DateColumnsTakeTheDatesWhoseMidnightIsInARollingRange) {
    // now is 2026-11-04 00:00 UTC: the last 36 hours start at 2026-11-02 12:00.
    EXPECT_EQ(show(R"~({"source": "orders", "metrics": ["revenue"],
        "time": {"column": "order_date", "range": "last 36 hours"}})~"),
              "select revenue=(sum revenue)\n"
              "where (>= order_date date:2026-11-03) (< order_date date:2026-11-04)");
}

TEST(SpecCompile, ExplicitRangeAndGrainOnADateColumn) {
    EXPECT_EQ(show(R"~({"source": "orders", "metrics": ["revenue"],
        "time": {"column": "order_date", "range": ["2024-01-01", "2024-02-01"], "grain": "week",
                 "as": "wk"}})~"),
              "select wk*=(date_trunc:week order_date) revenue=(sum revenue)\n"
              "where (>= order_date date:2024-01-01) (< order_date date:2024-02-01)\n"
              "group (date_trunc:week order_date)\norder #0 asc");
    const CompiledSpec hourly = compile(R"~({"source": "orders", "metrics": ["revenue"],
        "time": {"column": "order_date", "grain": "hour"}})~");
    EXPECT_EQ(hourly.query.columns[0].expr->type, Type::Timestamp);
    const CompiledSpec daily = compile(R"~({"source": "orders", "metrics": ["revenue"],
        "time": {"column": "order_date", "grain": "day"}})~");
    EXPECT_EQ(daily.query.columns[0].expr->type, Type::Date);
}

TEST(SpecCompile, TimeGrainAloneIsEnough) {
    EXPECT_EQ(show(R"~({"source": "orders", "time": {"grain": "year"}})~"),
              "select year*=(date_trunc:year (to_local_time ordered_at UTC))\n"
              "group (date_trunc:year (to_local_time ordered_at UTC))\norder #0 asc");
}

// --- filters ---------------------------------------------------------------------------------

std::string where_of(const std::string& filters) {
    const Query q =
        compile(R"~({"source": "orders", "metrics": ["revenue"], "filters": )~" + filters + "}")
            .query;
    std::string out;
    for (const ExprPtr& w : q.where) out += (out.empty() ? "" : " ") + to_sexpr(*w);
    return out;
}

TEST(SpecCompile, FilterOperators) {
    EXPECT_EQ(where_of(R"~([{"column": "country", "op": "=", "value": "FR"}])~"),
              "(= country 'FR')");
    EXPECT_EQ(where_of(R"~([{"column": "quantity", "op": "<", "value": 3}])~"), "(< quantity 3)");
    EXPECT_EQ(where_of(R"~([{"column": "quantity", "op": "<=", "value": 3}])~"), "(<= quantity 3)");
    EXPECT_EQ(where_of(R"~([{"column": "quantity", "op": ">", "value": 3}])~"), "(> quantity 3)");
    EXPECT_EQ(where_of(R"~([{"column": "quantity", "op": ">=", "value": 3}])~"), "(>= quantity 3)");
    EXPECT_EQ(where_of(R"~([{"column": "country", "op": "in", "values": ["FR", "DE"]}])~"),
              "(in country 'FR' 'DE')");
    EXPECT_EQ(where_of(R"~([{"column": "quantity", "op": "between", "values": [1, 5]}])~"),
              "(and (>= quantity 1) (<= quantity 5))");
    EXPECT_EQ(where_of(R"~([{"column": "country", "op": "contains", "value": "5%_"}])~"),
              "(contains country '5%_')");
    EXPECT_EQ(where_of(R"~([{"column": "country", "op": "starts_with", "value": "F"}])~"),
              "(starts_with country 'F')");
    EXPECT_EQ(where_of(R"~([{"column": "country", "op": "ends_with", "value": "R"}])~"),
              "(ends_with country 'R')");
    EXPECT_EQ(where_of(R"~([{"column": "country", "op": "is_null"}])~"), "(is null country)");
    EXPECT_EQ(where_of(R"~([{"column": "country", "op": "not_null"}])~"), "(is not null country)");
    EXPECT_EQ(where_of(R"~([{"column": "is_gift", "op": "=", "value": true}])~"),
              "(= is_gift true)");
}

TEST(SpecCompile, NegativeFiltersKeepNullRows) {
    EXPECT_EQ(where_of(R"~([{"column": "country", "op": "!=", "value": "FR"}])~"),
              "(or (!= country 'FR') (is null country))");
    EXPECT_EQ(where_of(R"~([{"column": "country", "op": "not_in", "values": ["FR"]}])~"),
              "(or (not in country 'FR') (is null country))");
    EXPECT_EQ(where_of(R"~([{"column": "country", "op": "not_contains", "value": "x"}])~"),
              "(or (not (contains country 'x')) (is null country))");
    // A column that cannot be NULL needs no extra test.
    EXPECT_EQ(where_of(R"~([{"column": "status", "op": "!=", "value": "cancelled"}])~"),
              "(!= status 'cancelled')");
}

TEST(SpecCompile, FilterValuesFollowTheColumnType) {
    EXPECT_EQ(where_of(R"~([{"column": "revenue", "op": ">", "value": 10.5}])~"),
              "(> revenue num:10.5)");
    EXPECT_EQ(where_of(R"~([{"column": "revenue", "op": ">", "value": 1e-7}])~"),
              "(> revenue num:0.0000001)");
    EXPECT_EQ(where_of(R"~([{"column": "revenue", "op": ">", "value": 1.5e20}])~"),
              "(> revenue num:150000000000000000000)");
    EXPECT_EQ(where_of(R"~([{"column": "quantity", "op": "=", "value": 18446744073709551615}])~"),
              "(= quantity num:18446744073709551615)");
    EXPECT_EQ(where_of(R"~([{"column": "discount", "op": ">", "value": 0.25}])~"),
              "(> discount dbl:0.250000)");
    EXPECT_EQ(where_of(R"~([{"column": "Item price", "op": ">", "value": 3}])~"),
              "(> item_price 3)");
}

TEST(SpecCompile, TemporalFilterValues) {
    // An instant column compares raw with the instant the wall-clock text means in the zone.
    const auto where_in_paris = [](const std::string& filter) {
        const Query q = compile(R"~({"source": "orders", "metrics": ["revenue"],
            "time": {"timezone": "Europe/Paris"}, "filters": [)~" +
                                filter + "]}")
                            .query;
        return to_sexpr(*q.where.at(0));
    };
    EXPECT_EQ(where_in_paris(R"~({"column": "ordered_at", "op": ">=", "value": "2024-07-01"})~"),
              "(>= ordered_at tstz:2024-06-30 22:00:00)");
    EXPECT_EQ(where_in_paris(R"~({"column": "ordered_at", "op": "<",
                                 "value": "2024-07-01T10:00:00Z"})~"),
              "(< ordered_at tstz:2024-07-01 10:00:00)");
    EXPECT_EQ(
        where_in_paris(R"~({"column": "shipped_at", "op": ">=", "value": "2024-01-01 12:30"})~"),
        "(>= shipped_at ts:2024-01-01 11:30:00)");
    EXPECT_EQ(where_in_paris(R"~({"column": "order_date", "op": "between",
                                 "values": ["2024-01-01", "2024-01-31"]})~"),
              "(and (>= order_date date:2024-01-01) (<= order_date date:2024-01-31))");
}

TEST(SpecCompile, FormulaAndOrFilters) {
    EXPECT_EQ(where_of(R"~([{"formula": "status != 'cancelled'"},
                           {"or": [{"column": "country", "op": "=", "value": "FR"},
                                   {"or": [{"column": "quantity", "op": ">", "value": 10},
                                           {"formula": "is_gift"}]}]}])~"),
              "(!= status 'cancelled') "
              "(or (= country 'FR') (or (> quantity 10) is_gift))");
    EXPECT_EQ(where_of(R"~([{"or": [{"column": "country", "op": "=", "value": "FR"}]}])~"),
              "(= country 'FR')");
    EXPECT_EQ(where_of(R"~([{"column": "label", "op": "=", "value": "FR"}])~"),
              "(= (upper country) 'FR')");
}

// --- having, order, limits ------------------------------------------------------------------

TEST(SpecCompile, Having) {
    const Query q = compile(R"~({"source": "orders", "groupby": ["country"],
        "metrics": ["revenue", {"column": "country", "agg": "max", "as": "top"}],
        "having": [{"metric": "revenue", "op": ">", "value": 1000},
                   {"metric": "margin_pct", "op": "!=", "value": 0},
                   {"metric": "top", "op": "not_contains", "value": "x"},
                   {"formula": "count(order_id) > 2"},
                   {"or": [{"metric": "quantity", "op": "<", "value": 5},
                           {"metric": "revenue", "op": "=", "value": 0}]}]})~")
                        .query;
    ASSERT_EQ(q.having.size(), 5u);
    EXPECT_EQ(to_sexpr(*q.having[0]), "(> (sum revenue) 1000)");
    EXPECT_EQ(to_sexpr(*q.having[1]),
              "(or (!= (/ (sum (- revenue cost)) (sum revenue)) 0) "
              "(is null (/ (sum (- revenue cost)) (sum revenue))))");
    EXPECT_EQ(to_sexpr(*q.having[2]),
              "(or (not (contains (max country) 'x')) (is null (max country)))");
    EXPECT_EQ(to_sexpr(*q.having[3]), "(> (count order_id) 2)");
    EXPECT_EQ(to_sexpr(*q.having[4]), "(or (< (sum quantity) 5) (= (sum revenue) 0))");
    // The metric in having is the selected expression itself.
    EXPECT_EQ(q.having[0]->args[0].get(), q.columns[1].expr.get());
}

TEST(SpecCompile, OrderForms) {
    EXPECT_EQ(show(R"~({"source": "orders", "groupby": ["country"], "metrics": ["revenue"],
                       "order": ["-revenue", {"by": "country"}]})~"),
              "select country*=country revenue=(sum revenue)\ngroup country\n"
              "order #1 desc #0 asc");
    EXPECT_EQ(show(R"~({"source": "orders", "groupby": ["country"], "metrics": ["revenue"],
                       "order": {"by": "revenue", "dir": "desc"}})~"),
              "select country*=country revenue=(sum revenue)\ngroup country\norder #1 desc");
    // An explicit order replaces the time order.
    EXPECT_EQ(show(R"~({"source": "orders", "metrics": ["revenue"], "time": {"grain": "day"},
                       "order": "revenue"})~"),
              "select day*=(date_trunc:day (to_local_time ordered_at UTC)) revenue=(sum revenue)\n"
              "group (date_trunc:day (to_local_time ordered_at UTC))\norder #1 asc");
}

TEST(SpecCompile, LimitOffsetAndOptions) {
    const CompiledSpec c = compile(R"~({"source": "orders", "metrics": ["revenue"],
        "limit": 100, "offset": 20,
        "options": {"cache": "refresh", "max_age": "1 hour 30 minutes",
                    "now": "2026-11-01T01:00:00+01:00"}})~");
    EXPECT_EQ(show(c.query), "select revenue=(sum revenue)\nlimit 100\noffset 20");
    EXPECT_EQ(c.options.cache, CacheMode::Refresh);
    EXPECT_EQ(c.options.max_age_seconds, 5400);
    EXPECT_EQ(c.options.now, 1793491200LL * 1000000);
    EXPECT_EQ(c.now, 1793491200LL * 1000000);
    EXPECT_EQ(compile(R"~({"source": "orders", "metrics": ["revenue"], "limit": 0,
                          "options": {"cache": "bypass", "max_age": 30}})~")
                  .options.max_age_seconds,
              30);
    for (const auto& [text, seconds] :
         std::vector<std::pair<std::string, int64_t>>{{"5 minutes", 300},
                                                      {"30 seconds", 30},
                                                      {"1 hour", 3600},
                                                      {"2 days", 172800},
                                                      {"1 week", 604800},
                                                      {"10 min", 600},
                                                      {" 0 seconds ", 0},
                                                      {"1 Hour", 3600}}) {
        EXPECT_EQ(compile(R"~({"source": "orders", "metrics": ["revenue"],
                              "options": {"max_age": ")~" +
                          text + "\"}}")
                      .options.max_age_seconds,
                  seconds)
            << text;
    }
    // No offset clause for offset 0.
    EXPECT_FALSE(compile(R"~({"source": "orders", "metrics": ["revenue"], "offset": 0})~")
                     .query.offset.has_value());
}

TEST(SpecCompile, SchemaQualifiedSourceResolvesToTheSourceName) {
    const CompiledSpec c = compile(R"~({"source": "public.orders", "metrics": ["revenue"]})~");
    EXPECT_EQ(c.resolved["source"], "orders");
}

// --- resolved, canonical, hash ---------------------------------------------------------------

TEST(SpecCompile, ResolvedSpecFillsDefaultsAndExpandsShorthands) {
    const CompiledSpec c = compile(R"~({"source": "orders",
        "groupby": ["country", {"formula": "upper( product_category )", "as": "cat"}],
        "metrics": ["revenue", "margin_pct", {"column": "customer_id", "agg": "count_distinct"}],
        "filters": [{"column": "ordered_at", "op": ">=", "value": "2026-01-01"}],
        "time": {"range": "last 7 days", "grain": "day", "timezone": "Europe/Paris"},
        "order": ["-revenue"],
        "options": {"now": "2026-11-04T12:00:00Z", "max_age": "5 minutes"}})~");
    EXPECT_EQ(
        c.resolved.dump(),
        R"~({"filters":[{"column":"ordered_at","op":">=","value":"2025-12-31T23:00:00Z"}],)~"
        R"~("groupby":["country",{"as":"cat","formula":"upper(product_category)"}],)~"
        R"~("metrics":[{"agg":"sum","as":"revenue","column":"revenue"},"margin_pct",)~"
        R"~({"agg":"count_distinct","as":"count_distinct_customer_id","column":"customer_id"}],)~"
        R"~("offset":0,"options":{"cache":"use","max_age":300,"now":"2026-11-04T12:00:00Z"},)~"
        R"~("order":[{"by":"revenue","dir":"desc"}],"source":"orders","source_version":7,)~"
        R"~("time":{"as":"day","column":"ordered_at","grain":"day","range":{)~"
        R"~("from":"2026-10-27T23:00:00Z","text":"last 7 days","to":"2026-11-03T23:00:00Z"},)~"
        R"~("timezone":"Europe/Paris"}})~");
    EXPECT_EQ(
        c.canonical,
        R"~({"filters":[{"column":"ordered_at","op":">=","value":"2025-12-31T23:00:00Z"}],)~"
        R"~("groupby":["country",{"as":"cat","formula":"upper(product_category)"}],)~"
        R"~("metrics":[{"agg":"sum","as":"revenue","column":"revenue"},"margin_pct",)~"
        R"~({"agg":"count_distinct","as":"count_distinct_customer_id","column":"customer_id"}],)~"
        R"~("offset":0,"order":[{"by":"revenue","dir":"desc"}],"source":"orders",)~"
        R"~("source_version":7,"time":{"as":"day","column":"ordered_at","grain":"day",)~"
        R"~("range":{"from":"2026-10-27T23:00:00Z","to":"2026-11-03T23:00:00Z"},)~"
        R"~("timezone":"Europe/Paris"}})~");
    ASSERT_EQ(c.hash.size(), 16u);
    EXPECT_EQ(c.hash.find_first_not_of("0123456789abcdef"), std::string::npos);
}

std::string hash_of(const std::string& spec, const FakeCatalog& catalog = FakeCatalog()) {
    return compile(spec, catalog).hash;
}

TEST(SpecCompile, EqualSpecsWrittenDifferentlyHashEqual) {
    // Key order, whitespace in formulas, order shorthand, metric shorthand, default time zone,
    // and the order of AND-ed filters.
    EXPECT_EQ(hash_of(R"~({"source": "orders", "groupby": ["country"],
        "metrics": ["revenue", {"formula": "sum(revenue)/count(order_id)", "as": "aov"}],
        "filters": [{"column": "country", "op": "=", "value": "FR"}, {"formula": "quantity>1"}],
        "order": ["-revenue"]})~"),
              hash_of(R"~({"order": [{"dir": "desc", "by": "revenue"}],
        "filters": [{"formula": "quantity > 1"}, {"value": "FR", "op": "=", "column": "country"}],
        "metrics": [{"column": "revenue", "agg": "sum", "as": "revenue"},
                    {"as": "aov", "formula": "sum( revenue ) / count( order_id )"}],
        "groupby": ["country"], "source": "public.orders", "time": {"timezone": "UTC"}})~"));
}

TEST(SpecCompile, RelativeAndExplicitRangesWithTheSameBoundsHashEqual) {
    const std::string relative = hash_of(R"~({"source": "orders", "metrics": ["revenue"],
        "time": {"range": "last 7 days", "timezone": "Europe/Paris"},
        "options": {"now": "2026-11-04T12:00:00Z"}})~");
    EXPECT_EQ(relative, hash_of(R"~({"source": "orders", "metrics": ["revenue"],
        "time": {"range": ["2026-10-28", "2026-11-04"], "timezone": "Europe/Paris"},
        "options": {"now": "2026-11-04T12:00:00Z"}})~"));
    // The bounds decide, not `now`: another hour of the same day is the same result...
    EXPECT_EQ(relative, hash_of(R"~({"source": "orders", "metrics": ["revenue"],
        "time": {"range": "last 7 days", "timezone": "Europe/Paris"},
        "options": {"now": "2026-11-04T18:00:00Z"}})~"));
    // ... and so is the transaction's now on that day.
    EXPECT_EQ(relative, hash_of(R"~({"source": "orders", "metrics": ["revenue"],
        "time": {"range": "last 7 days", "timezone": "Europe/Paris"}})~"));
    // Another day is another result.
    EXPECT_NE(relative, hash_of(R"~({"source": "orders", "metrics": ["revenue"],
        "time": {"range": "last 7 days", "timezone": "Europe/Paris"},
        "options": {"now": "2026-11-05T12:00:00Z"}})~"));
}

TEST(SpecCompile, ServingOptionsDoNotChangeTheHash) {
    const std::string base = hash_of(R"~({"source": "orders", "metrics": ["revenue"]})~");
    EXPECT_EQ(base, hash_of(R"~({"source": "orders", "metrics": ["revenue"],
        "options": {"cache": "refresh", "max_age": "1 minute"}})~"));
    EXPECT_EQ(base, hash_of(R"~({"source": "orders", "metrics": ["revenue"],
        "options": {"now": "2020-01-01T00:00:00Z"}})~"));
}

TEST(SpecCompile, DifferentResultsHashDifferently) {
    const std::string base = hash_of(R"~({"source": "orders", "metrics": ["revenue"]})~");
    EXPECT_NE(base, hash_of(R"~({"source": "orders", "metrics": ["cost"]})~"));
    EXPECT_NE(base, hash_of(R"~({"source": "orders", "metrics": ["revenue"], "limit": 10})~"));
    EXPECT_NE(base, hash_of(R"~({"source": "orders", "metrics": ["revenue"],
                                "time": {"timezone": "Europe/Paris"}})~"));
    FakeCatalog newer;
    newer.source.version = 8;
    EXPECT_NE(base, hash_of(R"~({"source": "orders", "metrics": ["revenue"]})~", newer));
    // The order of metrics shapes the result.
    EXPECT_NE(hash_of(R"~({"source": "orders", "metrics": ["revenue", "cost"]})~"),
              hash_of(R"~({"source": "orders", "metrics": ["cost", "revenue"]})~"));
}

TEST(SpecCompile, ResultsThatDependOnNowIncludeItInTheCanonicalForm) {
    // is_recent calls today(), reached through recent_revenue.
    const CompiledSpec a = compile(R"~({"source": "orders", "metrics": ["recent_revenue"],
        "options": {"now": "2026-11-04T12:00:00Z"}})~");
    EXPECT_NE(a.canonical.find(R"~("now":"2026-11-04T12:00:00Z")~"), std::string::npos);
    EXPECT_NE(a.hash, hash_of(R"~({"source": "orders", "metrics": ["recent_revenue"],
        "options": {"now": "2026-11-05T12:00:00Z"}})~"));
    EXPECT_NE(hash_of(R"~({"source": "orders", "metrics": ["revenue"],
                          "filters": [{"formula": "ordered_at < NOW ()"}],
                          "options": {"now": "2026-11-04T12:00:00Z"}})~"),
              hash_of(R"~({"source": "orders", "metrics": ["revenue"],
                          "filters": [{"formula": "ordered_at < now()"}],
                          "options": {"now": "2026-11-04T12:00:01Z"}})~"));
    // A name or a string that merely reads "now" is not a call.
    const CompiledSpec b = compile(R"~({"source": "orders", "metrics": ["revenue"],
        "filters": [{"formula": "status != 'now()'"}]})~");
    EXPECT_EQ(b.canonical.find("\"now\":"), std::string::npos);
}

TEST(SpecCompile, DefaultTimeBlockInTheResolvedSpec) {
    const CompiledSpec c = compile(R"~({"source": "orders", "metrics": ["revenue"]})~");
    EXPECT_EQ(c.resolved["time"].dump(), R"~({"timezone":"UTC"})~");
    EXPECT_EQ(c.resolved["options"].dump(), R"~({"cache":"use","now":"2026-11-04T00:00:00Z"})~");
    EXPECT_EQ(c.resolved["order"].dump(), "[]");
}

TEST(SpecCompile, WithoutDescriptionTheQueryIsTheSame) {
    const char* specs[] = {
        R"json({"source": "orders", "groupby": ["country", {"formula": "upper(status)", "as": "s"}],
            "metrics": ["revenue", "margin_pct", {"column": "customer_id", "agg": "count_distinct",
            "as": "buyers"}], "filters": [{"column": "country", "op": "in", "values": ["FR", "DE"]},
            {"or": [{"formula": "quantity > 2"}, {"column": "ordered_at", "op": ">=",
            "value": "2026-01-01"}]}], "having": [{"metric": "revenue", "op": ">", "value": 10}],
            "time": {"range": "last 7 days", "grain": "day", "timezone": "Europe/Paris"},
            "order": ["-revenue"], "limit": 10, "offset": 5})json",
        R"json({"source": "orders", "metrics": ["recent_revenue"], "filters": [{"column": "order_date",
            "op": "between", "values": ["2026-01-01", "2026-02-01"]}]})json",
    };
    FakeCatalog catalog;
    for (const char* text : specs) {
        CompileContext ctx;
        ctx.catalog = &catalog;
        ctx.transaction_now = kTransactionNow;
        const CompiledSpec described = compile_spec(parse_spec_text(text), ctx);
        ctx.describe = false;
        const CompiledSpec bare = compile_spec(parse_spec_text(text), ctx);
        EXPECT_EQ(show(bare.query), show(described.query)) << text;
        EXPECT_TRUE(bare.resolved.is_null() || bare.resolved.empty()) << bare.resolved.dump();
        EXPECT_TRUE(bare.canonical.empty());
        EXPECT_TRUE(bare.hash.empty());
        EXPECT_FALSE(described.hash.empty());
    }
}

TEST(SpecCompile, CaseInsensitiveNamesInFiltersAndTimeColumns) {
    // A unique case-insensitive match means the same column everywhere a name is accepted.
    EXPECT_EQ(show(R"({"source": "orders", "metrics": ["revenue"],
                       "filters": [{"column": "Country", "op": "=", "value": "FR"}]})"),
              show(R"({"source": "orders", "metrics": ["revenue"],
                       "filters": [{"column": "country", "op": "=", "value": "FR"}]})"));
    EXPECT_EQ(show(R"({"source": "orders", "metrics": ["revenue"],
                       "time": {"column": "Ordered_At", "range": "last 7 days"}})"),
              show(R"({"source": "orders", "metrics": ["revenue"],
                       "time": {"column": "ordered_at", "range": "last 7 days"}})"));
    EXPECT_EQ(show(R"({"source": "orders", "metrics": ["revenue"],
                       "filters": [{"column": "ORDERED_AT", "op": ">=", "value": "2026-01-01"}]})"),
              show(R"({"source": "orders", "metrics": ["revenue"],
                       "filters": [{"column": "ordered_at", "op": ">=", "value": "2026-01-01"}]})"));
}

}  // namespace
}  // namespace quarry
