// compile_spec errors: every fault is an Error with the contract's SQLSTATE whose message names
// the JSON path of the fault.
#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"
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
        {"country", "", Type::Text, true, {}},
        {"quantity", "", Type::Integer, true, {}},
        {"revenue", "", Type::Numeric, true, {}},
        {"cost", "", Type::Numeric, true, {}},
        {"is_gift", "", Type::Boolean, true, {}},
    };
    s.time_column = "ordered_at";
    s.formulas = {{"margin_pct", "sum(revenue - cost) / sum(revenue)"}};
    return s;
}

class FakeCatalog : public Catalog {
public:
    std::shared_ptr<const SourceInfo> find_source(const std::string& name) const override {
        if (name == "orders") return std::make_shared<const SourceInfo>(source);
        throw Error(sqlstate::kUndefinedTable, "unknown source \"" + name + "\"");
    }
    SourceInfo source = orders();
};

struct Failure {
    std::string sqlstate;
    std::string message;
};

Failure failure_of(const std::string& spec, const FakeCatalog& catalog = FakeCatalog()) {
    CompileContext ctx;
    ctx.catalog = &catalog;
    ctx.transaction_now = 1793750400LL * 1000000;
    try {
        compile_spec(parse_spec_text(spec), ctx);
    } catch (const Error& e) {
        return {e.sqlstate(), e.what()};
    }
    return {"none", "no error"};
}

// A spec with `extra` members added to a valid base.
std::string with(const std::string& extra) { return R"~({"source": "orders", )~" + extra + "}"; }

void expect_failure(const std::string& spec, const std::string& sqlstate,
                    const std::string& message) {
    const Failure f = failure_of(spec);
    EXPECT_EQ(f.message, message) << spec;
    EXPECT_EQ(f.sqlstate, sqlstate) << spec;
}

void expect_22023(const std::string& spec, const std::string& message) {
    expect_failure(spec, "22023", message);
}

TEST(SpecErrors, TheSpecAndItsSource) {
    expect_22023("[]", "expected a JSON object, got array");
    expect_22023(R"~({"metrics": ["revenue"]})~",
                 R"~(missing "source" (a source, table or view name))~");
    expect_22023(R"~({"source": 5, "metrics": ["revenue"]})~",
                 "source: expected a string, got number");
    expect_22023(R"~({"source": "", "metrics": ["revenue"]})~",
                 "source: a source name cannot be empty");
    expect_failure(R"~({"source": "nope", "metrics": ["revenue"]})~", "42P01",
                   R"~(unknown source "nope")~");
    expect_22023(with(R"~("metrics": ["revenue"], "metric": [])~"), R"~(unknown key "metric")~");
    expect_22023(with(R"~("limit": 3)~"),
                 R"~(a spec needs at least one of "groupby", "metrics" or "time.grain")~");
    expect_22023(with(R"~("groupby": [], "metrics": [])~"),
                 R"~(a spec needs at least one of "groupby", "metrics" or "time.grain")~");
}

TEST(SpecErrors, Groupby) {
    expect_22023(with(R"~("groupby": "country")~"), "groupby: expected an array, got string");
    expect_22023(with(R"~("groupby": [3])~"),
                 R"~(groupby[0]: expected a column name or {"formula", "as"}, got number)~");
    expect_22023(with(R"~("groupby": [{"formula": "upper(country)"}])~"),
                 R"~(groupby[0]: a formula group key needs "formula" and "as")~");
    expect_22023(with(R"~("groupby": [{"formula": "upper(country)", "as": "c", "x": 1}])~"),
                 R"~(groupby[0]: unknown key "x")~");
    expect_22023(with(R"~("groupby": [{"formula": "upper(country)", "as": ""}])~"),
                 "groupby[0].as: an output name cannot be empty");
    expect_22023(with(R"~("groupby": [{"formula": "upper(country)", "as": ")~" +
                      std::string(64, 'x') + R"~("}])~"),
                 R"~(groupby[0].as: output name ")~" + std::string(64, 'x') +
                     R"~(" is longer than 63 bytes)~");
    expect_failure(
        with(R"~("groupby": ["margin_pct"])~"), "22023",
        R"~(groupby[0]: "margin_pct" is a measure (it aggregates); a group key cannot aggregate)~");
    expect_failure(with(R"~("groupby": [{"formula": "sum(revenue)", "as": "s"}])~"), "22023",
                   "groupby[0].formula: a group key cannot aggregate");
    expect_22023(with(R"~("groupby": ["country", "country"])~"),
                 R"~(groupby[1]: duplicate output name "country")~");
    std::string many = "\"country\"";
    for (int i = 0; i < 1000; ++i) many += ", \"country\"";
    expect_failure(with(R"~("groupby": [)~" + many + "]"), "22023",
                   "groupby: more than 1000 entries");
}

TEST(SpecErrors, GroupbyUnknownNamesAre42703) {
    const Failure f = failure_of(with(R"~("groupby": ["nope"])~"));
    EXPECT_EQ(f.sqlstate, "42703");
    EXPECT_EQ(f.message.rfind("groupby[0]: ", 0), 0u) << f.message;
}

TEST(SpecErrors, Metrics) {
    expect_22023(with(R"~("metrics": ["revenue", "cost", {"column": "revenue", "agg": "total"}])~"),
                 R"~(metrics[2].agg: unknown aggregate "total")~");
    expect_22023(with(R"~("metrics": [{"column": "revenue", "agg": "sum", "alias": "r"}])~"),
                 R"~(metrics[0]: unknown key "alias")~");
    expect_22023(
        with(R"~("metrics": ["country"])~"),
        R"~(metrics[0]: "country" is text, not numeric, so it cannot be summed; count it with {"column": "country", "agg": "count_distinct"})~");
    expect_failure(with(R"~("metrics": ["nope"])~"), "42703",
                   R"~(metrics[0]: unknown column or measure "nope")~");
    expect_failure(with(R"~("metrics": [{"column": "nope", "agg": "count"}])~"), "42703",
                   R"~(metrics[0].column: unknown column "nope")~");
    expect_22023(with(R"~("metrics": [{"column": "country", "agg": "avg"}])~"),
                 R"~(metrics[0].agg: "avg" needs a numeric column; "country" is text)~");
    expect_failure(
        with(R"~("metrics": [{"column": "margin_pct", "agg": "max"}])~"), "22023",
        R"~(metrics[0].column: "margin_pct" is a measure; it cannot be aggregated again)~");
    expect_failure(with(R"~("metrics": [{"formula": "revenue - cost", "as": "m"}])~"), "22023",
                   "metrics[0].formula: a metric must aggregate (sum, avg, count...); this "
                   "formula does not");
    expect_22023(with(R"~("metrics": [{"formula": "sum(revenue)"}])~"),
                 R"~(metrics[0]: a formula metric needs "as")~");
    expect_22023(with(R"~("metrics": [{"formula": "sum(revenue)", "as": "s", "agg": "sum"}])~"),
                 R"~(metrics[0]: unknown key "agg")~");
    expect_22023(with(R"~("metrics": [{"agg": "sum"}])~"),
                 R"~(metrics[0]: a metric object needs "column" (with "agg") or "formula")~");
    expect_22023(
        with(R"~("metrics": [true])~"),
        R"~(metrics[0]: expected a measure or column name, {"column", "agg", "as"} or {"formula", "as"}, got boolean)~");
    expect_22023(with(R"~("metrics": ["revenue", "revenue"])~"),
                 R"~(metrics[1]: duplicate output name "revenue")~");
    expect_22023(
        with(R"~("groupby": ["country"], "metrics": [{"column": "revenue", "as": "country"}])~"),
        R"~(metrics[0].as: duplicate output name "country")~");
    expect_22023(with(R"~("metrics": [{"column": 1}])~"),
                 "metrics[0].column: expected a string, got number");
}

TEST(SpecErrors, FilterShapes) {
    const std::string m = R"~("metrics": ["revenue"], )~";
    expect_22023(with(m + R"~("filters": {"column": "country"})~"),
                 "filters: expected an array, got object");
    expect_22023(
        with(m + R"~("filters": ["country = 'FR'"])~"),
        R"~(filters[0]: expected {"column", "op", "value"}, {"formula"} or {"or"}, got string)~");
    expect_22023(with(m + R"~("filters": [{}])~"),
                 R"~(filters[0]: expected "column", "formula" or "or")~");
    expect_22023(
        with(m + R"~("filters": [{"column": "country", "op": "=", "value": "FR", "x": 1}])~"),
        R"~(filters[0]: unknown key "x")~");
    expect_22023(with(m + R"~("filters": [{"column": "country", "value": "FR"}])~"),
                 R"~(filters[0]: missing "op")~");
    expect_22023(
        with(m + R"~("filters": [{"column": "country", "op": "~", "value": "FR"}])~"),
        R"~(filters[0].op: unknown operator "~" (expected one of =, !=, <, <=, >, >=, in, not_in, between, contains, not_contains, starts_with, ends_with, is_null, not_null))~");
    expect_22023(with(m + R"~("filters": [{"or": []}])~"),
                 R"~(filters[0].or: an "or" needs at least one filter)~");
    expect_22023(
        with(m +
             R"~("filters": [{"or": [{"column": "country", "op": "is_null"}], "column": "x"}])~"),
        R"~(filters[0]: unknown key "column")~");
    expect_22023(with(m + R"~("filters": [{"or": [{"column": "country", "op": "="}]}])~"),
                 R"~(filters[0].or[0]: "=" needs a "value")~");
    expect_22023(with(m + R"~("filters": [{"formula": "country = 'FR'", "op": "="}])~"),
                 R"~(filters[0]: unknown key "op")~");
}

TEST(SpecErrors, OrNestingIsLimited) {
    std::string nested = R"~({"column": "country", "op": "is_null"})~";
    for (int i = 0; i < 33; ++i) nested = R"~({"or": [)~" + nested + "]}";
    const Failure f = failure_of(with(R"~("metrics": ["revenue"], "filters": [)~" + nested + "]"));
    EXPECT_EQ(f.sqlstate, "22023");
    const std::string suffix = R"~(: "or" is nested more than 32 levels deep)~";
    ASSERT_GT(f.message.size(), suffix.size());
    EXPECT_EQ(f.message.substr(f.message.size() - suffix.size()), suffix);
    EXPECT_EQ(f.message.rfind("filters[0].or[0].or[0].", 0), 0u);

    nested = R"~({"column": "country", "op": "is_null"})~";
    for (int i = 0; i < 32; ++i) nested = R"~({"or": [)~" + nested + "]}";
    EXPECT_EQ(failure_of(with(R"~("metrics": ["revenue"], "filters": [)~" + nested + "]")).message,
              "no error");
}

TEST(SpecErrors, FilterValues) {
    const std::string m = R"~("metrics": ["revenue"], )~";
    auto filter = [&](const std::string& f) { return with(m + R"~("filters": [)~" + f + "]"); };
    expect_22023(filter(R"~({"column": "country", "op": "in"})~"),
                 R"~(filters[0]: "in" needs "values")~");
    expect_22023(filter(R"~({"column": "country", "op": "in", "value": "FR"})~"),
                 R"~(filters[0].value: "in" takes a list of "values")~");
    expect_22023(filter(R"~({"column": "country", "op": "not_in", "values": []})~"),
                 R"~(filters[0].values: "not_in" needs at least one value)~");
    expect_22023(filter(R"~({"column": "country", "op": "in", "values": "FR"})~"),
                 "filters[0].values: expected an array, got string");
    expect_22023(
        filter(R"~({"column": "quantity", "op": "between", "values": [1, 2, 3]})~"),
        R"~(filters[0].values: "between" needs exactly 2 values (both bounds are included))~");
    expect_22023(filter(R"~({"column": "country", "op": "is_null", "value": "x"})~"),
                 R"~(filters[0].value: "is_null" takes no value)~");
    expect_22023(filter(R"~({"column": "country", "op": "not_null", "values": ["x"]})~"),
                 R"~(filters[0].values: "not_null" takes no value)~");
    expect_22023(filter(R"~({"column": "country", "op": "=", "values": ["x"]})~"),
                 R"~(filters[0].values: "=" takes one "value")~");
    expect_22023(filter(R"~({"column": "country", "op": "=", "value": null})~"),
                 R"~(filters[0].value: null is not a value; use "is_null" or "not_null")~");
    expect_22023(filter(R"~({"column": "quantity", "op": "contains", "value": "1"})~"),
                 R"~(filters[0].op: "contains" applies to text, not to integer)~");
    expect_22023(filter(R"~({"column": "is_gift", "op": "<", "value": true})~"),
                 R"~(filters[0].op: "<" does not apply to boolean)~");
    expect_22023(filter(R"~({"column": "quantity", "op": "=", "value": "3"})~"),
                 "filters[0].value: expected a number, got string");
    expect_22023(filter(R"~({"column": "country", "op": "=", "value": 3})~"),
                 "filters[0].value: expected a string, got number");
    expect_22023(filter(R"~({"column": "is_gift", "op": "=", "value": "yes"})~"),
                 "filters[0].value: expected a boolean, got string");
    expect_22023(filter(R"~({"column": "country", "op": "in", "values": ["FR", 3]})~"),
                 "filters[0].values[1]: expected a string, got number");
    expect_22023(filter(R"~({"column": "order_date", "op": "=", "value": "2024-01-01 10:00"})~"),
                 R"~(filters[0].value: invalid date "2024-01-01 10:00" (expected YYYY-MM-DD))~");
    expect_22023(
        filter(R"~({"column": "ordered_at", "op": ">", "value": "yesterday"})~"),
        R"~(filters[0].value: invalid date/time "yesterday" (expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS))~");
    expect_22023(filter(R"~({"column": "country", "op": "=", "value": "F\u0000R"})~"),
                 "filters[0].value: text must not contain NUL bytes");
    std::string values = "1";
    for (int i = 0; i < 10000; ++i) values += ", 1";
    expect_failure(filter(R"~({"column": "quantity", "op": "in", "values": [)~" + values + "]}"),
                   "22023", "filters[0].values: more than 10000 values");
}

TEST(SpecErrors, FilterOperandsAndFormulas) {
    const std::string m = R"~("metrics": ["revenue"], )~";
    auto filter = [&](const std::string& f) { return with(m + R"~("filters": [)~" + f + "]"); };
    expect_failure(filter(R"~({"column": "nope", "op": "is_null"})~"), "42703",
                   R"~(filters[0].column: unknown column "nope")~");
    expect_failure(
        filter(R"~({"column": "margin_pct", "op": ">", "value": 1})~"), "22023",
        R"~(filters[0].column: "margin_pct" is a measure (it aggregates); filter it in "having")~");
    expect_failure(filter(R"~({"formula": "quantity + 1"})~"), "22023",
                   "filters[0].formula: a filter formula must be boolean, not integer");
    expect_failure(
        filter(R"~({"formula": "sum(quantity) > 1"})~"), "22023",
        R"~(filters[0].formula: a filter formula cannot aggregate; conditions on aggregates go in "having")~");
    expect_22023(filter(R"~({"formula": 1})~"),
                 "filters[0].formula: expected a string, got number");
}

TEST(SpecErrors, Having) {
    const std::string m = R"~("groupby": ["country"], "metrics": ["revenue"], )~";
    expect_failure(with(m + R"~("having": [{"metric": "nope", "op": ">", "value": 1}])~"), "42703",
                   R"~(having[0].metric: unknown column or measure "nope")~");
    expect_failure(
        with(m + R"~("having": [{"formula": "country = 'FR'"}])~"), "22023",
        R"~(having[0].formula: a "having" formula must aggregate; row conditions go in "filters")~");
    expect_22023(with(m + R"~("having": [{"column": "revenue", "op": ">", "value": 1}])~"),
                 R"~(having[0]: expected "metric", "formula" or "or")~");
    expect_22023(with(m + R"~("having": [{"metric": "revenue", "op": ">", "value": "1"}])~"),
                 "having[0].value: expected a number, got string");
    expect_22023(
        with(m + R"~("having": [{"or": [{"metric": "revenue", "op": "?", "value": 1}]}])~"),
        R"~(having[0].or[0].op: unknown operator "?" (expected one of =, !=, <, <=, >, >=, in, not_in, between, contains, not_contains, starts_with, ends_with, is_null, not_null))~");
}

TEST(SpecErrors, Time) {
    const std::string m = R"~("metrics": ["revenue"], )~";
    auto time = [&](const std::string& t) { return with(m + R"~("time": )~" + t); };
    expect_22023(time(R"~("month")~"), "time: expected an object, got string");
    expect_22023(time(R"~({"grain": "month", "bucket": "m"})~"), R"~(time: unknown key "bucket")~");
    expect_22023(
        time(R"~({"grain": "fortnight"})~"),
        R"~(time.grain: unknown grain "fortnight" (expected minute, hour, day, week, month, quarter or year))~");
    expect_22023(time(R"~({"range": "last fortnight"})~"),
                 R"~(time.range: unknown range "last fortnight")~");
    expect_22023(time(R"~({"range": 7})~"),
                 "time.range: expected a range text or [start, end], got number");
    expect_22023(time(R"~({"range": ["2024-01-01"]})~"),
                 "time.range: an explicit range is [start, end]");
    expect_22023(time(R"~({"range": ["2024-01-01", 5]})~"),
                 "time.range[1]: expected a string, got number");
    expect_22023(time(R"~({"range": ["2024-02-01", "2024-01-01"]})~"),
                 R"~(time.range: the start "2024-02-01" is not before the end "2024-01-01")~");
    expect_22023(
        time(R"~({"range": ["2024-02-30", "2024-03-01"]})~"),
        R"~(time.range[0]: invalid date/time "2024-02-30" (expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS))~");
    expect_22023(time(R"~({"range": {"from": "2024-01-01"}})~"),
                 R"~(time.range: an explicit range needs "from" and "to")~");
    expect_22023(time(R"~({"timezone": "Mars/Base"})~"),
                 R"~(time.timezone: unknown time zone "Mars/Base")~");
    expect_22023(time(R"~({"timezone": "../../etc/passwd"})~"),
                 R"~(time.timezone: unknown time zone "../../etc/passwd")~");
    expect_22023(time(R"~({"timezone": ")~" + std::string(100000, 'z') + R"~("})~"),
                 R"~(time.timezone: unknown time zone ")~" + std::string(64, 'z') + R"~("...)~");
    expect_22023(time(R"~({"range": "today", "as": "d"})~"),
                 R"~(time.as: "as" names the grain's bucket; there is no "grain")~");
    expect_22023(time(R"~({"column": "country", "grain": "day"})~"),
                 R"~(time.column: "country" is text, not a date or timestamp column)~");
    expect_22023(time(R"~({"column": "country", "range": "today"})~"),
                 R"~(time.column: "country" is text, not a date or timestamp column)~");
    expect_failure(time(R"~({"column": "nope", "range": "today"})~"), "42703",
                   R"~(time.column: unknown column "nope")~");
    expect_22023(with(R"~("groupby": ["country"], "time": {"grain": "day", "as": "country"})~"),
                 R"~(groupby[0]: duplicate output name "country")~");

    FakeCatalog no_time_column;
    no_time_column.source.time_column.clear();
    EXPECT_EQ(failure_of(time(R"~({"grain": "day"})~"), no_time_column).message,
              R"~(time.column: missing, and source "orders" has no time_column)~");
    // Without range or grain, the time block only sets the zone: no column needed.
    EXPECT_EQ(failure_of(time(R"~({"timezone": "Europe/Paris"})~"), no_time_column).message,
              "no error");
}

TEST(SpecErrors, OrderLimitOffset) {
    const std::string m = R"~("groupby": ["country"], "metrics": ["revenue"], )~";
    expect_22023(with(m + R"~("order": ["-nope"])~"),
                 R"~(order[0]: unknown output column "nope" (the outputs are: country, revenue))~");
    expect_22023(
        with(m + R"~("order": [{"by": "cost"}])~"),
        R"~(order[0].by: unknown output column "cost" (the outputs are: country, revenue))~");
    expect_22023(with(m + R"~("order": [{"by": "revenue", "dir": "up"}])~"),
                 R"~(order[0].dir: unknown direction "up" (expected asc or desc))~");
    expect_22023(with(m + R"~("order": [{"dir": "asc"}])~"),
                 R"~(order[0]: an order key needs "by")~");
    expect_22023(with(m + R"~("order": [{"by": "revenue", "nulls": "first"}])~"),
                 R"~(order[0]: unknown key "nulls")~");
    expect_22023(with(m + R"~("order": [1])~"),
                 R"~(order[0]: expected "name", "-name" or {"by", "dir"}, got number)~");
    expect_22023(with(m + R"~("limit": -1)~"), "limit: must be between 0 and 1000000000");
    expect_22023(with(m + R"~("limit": 1000000001)~"), "limit: must be between 0 and 1000000000");
    expect_22023(with(m + R"~("limit": 1.5)~"), "limit: expected an integer, got number");
    expect_22023(with(m + R"~("limit": "10")~"), "limit: expected an integer, got string");
    expect_22023(with(m + R"~("offset": -5)~"),
                 "offset: must be between 0 and 9223372036854775807");
    expect_22023(with(m + R"~("offset": 18446744073709551615)~"),
                 "offset: must be between 0 and 9223372036854775807");
}

TEST(SpecErrors, Options) {
    const std::string m = R"~("metrics": ["revenue"], )~";
    auto options = [&](const std::string& o) { return with(m + R"~("options": )~" + o); };
    expect_22023(options(R"~([])~"), "options: expected an object, got array");
    expect_22023(options(R"~({"ttl": 5})~"), R"~(options: unknown key "ttl")~");
    expect_22023(
        options(R"~({"cache": "sometimes"})~"),
        R"~(options.cache: unknown cache mode "sometimes" (expected use, refresh or bypass))~");
    expect_22023(
        options(R"~({"max_age": "5 lightyears"})~"),
        R"~(options.max_age: invalid interval "5 lightyears" (expected e.g. "30 seconds", "5 minutes", "1 hour", "2 days"))~");
    expect_22023(
        options(R"~({"max_age": "minutes"})~"),
        R"~(options.max_age: invalid interval "minutes" (expected e.g. "30 seconds", "5 minutes", "1 hour", "2 days"))~");
    expect_22023(options(R"~({"max_age": -1})~"),
                 "options.max_age: must be between 0 and 3162240000");
    expect_22023(options(R"~({"max_age": true})~"),
                 "options.max_age: expected a string, got boolean");
    expect_22023(
        options(R"~({"now": "2026-11-01"})~"),
        R"~(options.now: invalid instant "2026-11-01" (expected ISO-8601 with Z or an offset, e.g. "2026-11-01T00:00:00Z"))~");
    expect_22023(options(R"~({"now": 1793491200})~"), "options.now: expected a string, got number");
}

TEST(SpecErrors, ParseSpecText) {
    try {
        parse_spec_text(R"~({"source": )~");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.sqlstate(), "22023");
        EXPECT_EQ(std::string(e.what()).rfind("invalid JSON: ", 0), 0u) << e.what();
    }
    try {
        parse_spec_text(std::string(100000, '[') + std::string(100000, ']'));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.sqlstate(), "22023");
        EXPECT_STREQ(e.what(), "the spec is nested more than 256 levels deep");
    }
    // Brackets inside strings are not nesting.
    EXPECT_EQ(parse_spec_text("[\"" + std::string(1000, '[') + "\"]").size(), 1u);
}

}  // namespace
}  // namespace quarry
