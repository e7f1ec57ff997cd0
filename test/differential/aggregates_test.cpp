// Aggregates, GROUP BY and ORDER BY on every engine: exact integer sums beyond 2^53, averages as
// doubles, min/max/count_distinct/GROUP BY of text under exact equality and code-point order
// (MariaDB's collation would merge 'abc', 'ABC' and 'abc '), count_if/sum_if over no matching
// row, and NULLs placed as PostgreSQL places them (last ascending, first descending).
#include "harness.hpp"

namespace quarry::diff {

namespace {

using json = nlohmann::json;

// One metric formula over the whole table.
DiffCase total(std::string name, std::string formula, std::string expected, std::string zone = {}) {
    json spec = {{"metrics", {{{"formula", std::move(formula)}, {"as", "m"}}}}};
    if (!zone.empty()) spec["time"] = {{"timezone", zone}};
    return spec_case(std::move(name), std::move(spec), {{std::move(expected)}});
}

json count_metric() { return {{{"formula", "count(*)"}, {"as", "n"}}}; }

std::vector<DiffCase> total_cases() {
    return {
        total("sum_integers_beyond_2_53", "sum(i)", "9007199254741017"),
        total("sum_int4", "sum(j)", "6"),
        total("sum_numeric", "sum(n)", "17.475"),
        total("sum_double", "sum(d)", "4.105"),
        spec_case("sum_column_metric",
                  {{"metrics", {"i", {{"column", "n"}, {"agg", "sum"}, {"as", "sn"}}}}},
                  {{"9007199254741017", "17.475"}}),
        total("avg_integers_is_double", "avg(i)", "818836295885547"),
        total("avg_int4", "avg(j)", "0.6"),
        total("avg_numeric", "avg(n)", "1.5886363636363638"),
        total("avg_double", "avg(d)", "0.3731818181818181"),
        spec_case("avg_column_metric", {{"metrics", {{{"column", "j"}, {"agg", "avg"}}}}},
                  {{"0.6"}}),
        total("min_integer", "min(i)", "-7"),
        total("max_integer", "max(i)", "9007199254740993"),
        total("min_numeric", "min(n)", "-2.5"),
        total("max_numeric", "max(n)", "12.345"),
        total("min_double", "min(d)", "-7.5"),
        total("max_double", "max(d)", "7.5"),
        total("min_text_by_code_point", "min(s)", ""),
        total("max_text_by_code_point", "max(s)", "😀"),
        total("min_text_second_column", "min(t)", ""),
        total("min_date", "min(day)", "2020-01-01"),
        total("max_date", "max(day)", "2027-01-03"),
        total("min_instant_utc", "min(at_tz)", "2020-12-31 23:30:00"),
        total("min_instant_berlin", "min(at_tz)", "2021-01-01 00:30:00", "Europe/Berlin"),
        total("max_utc_timestamp_berlin", "max(at_utc)", "2027-01-01 01:00:00", "Europe/Berlin"),
        spec_case("min_max_column_metrics",
                  {{"metrics",
                    {{{"column", "s"}, {"agg", "min"}, {"as", "lo"}},
                     {{"column", "s"}, {"agg", "max"}, {"as", "hi"}}}}},
                  {{"", "😀"}}),
        total("count_column", "count(s)", "11"),
        total("count_star", "count(*)", "12"),
        spec_case("count_column_metric", {{"metrics", {{{"column", "t"}, {"agg", "count"}}}}},
                  {{"11"}}),
        // Under MariaDB's collation 'abc' = 'ABC' = 'abc ' and 'ÉCOLE' = 'école': 8.
        total("count_distinct_text", "count_distinct(s)", "11"),
        total("count_distinct_second_text", "count_distinct(t)", "11"),
        total("count_distinct_lower_text", "count_distinct(lower(s))", "9"),
        total("count_distinct_concatenation", "count_distinct(s || t)", "11"),
        total("min_of_text_expression", "min(lower(s))", ""),
        total("max_of_text_expression", "max(concat(s, t))", "😀😀"),
        total("sum_of_conditional", "sum(if(s = 'abc', 1, 0))", "1"),
        total("count_distinct_integers", "count_distinct(j)", "9"),
        // Formulas see wall-clock times: rows 9 and 10 are both 02:30 in Berlin.
        total("count_distinct_instants_utc", "count_distinct(at_tz)", "11"),
        total("count_distinct_instants_berlin", "count_distinct(at_tz)", "10", "Europe/Berlin"),
        total("approx_count_distinct_text", "approx_count_distinct(s)", "11"),
        spec_case("count_distinct_column_metrics",
                  {{"metrics",
                    {{{"column", "s"}, {"agg", "count_distinct"}, {"as", "cd"}},
                     {{"column", "s"}, {"agg", "approx_count_distinct"}, {"as", "acd"}}}}},
                  {{"11", "11"}}),
        total("count_if", "count_if(i > 0)", "8"),
        total("count_if_exact_text", "count_if(s = 'abc')", "1"),
        total("count_if_no_row_is_zero", "count_if(s = 'zzz')", "0"),
        total("sum_if", "sum_if(i, not flag)", "-1"),
        total("sum_if_exact_text", "sum_if(n, s = 'abc')", "2.5"),
        total("sum_if_no_row_is_null", "sum_if(j, s = 'zzz')", kNull),
        spec_case("aggregates_over_no_row",
                  {{"metrics",
                    {{{"formula", "avg(i)"}, {"as", "a"}},
                     {{"formula", "sum(i)"}, {"as", "s"}},
                     {{"formula", "count(*)"}, {"as", "c"}},
                     {{"formula", "count_if(flag)"}, {"as", "ci"}},
                     {{"formula", "min(s)"}, {"as", "lo"}},
                     {{"formula", "count_distinct(s)"}, {"as", "cd"}}}},
                   {"filters", {{{"column", "s"}, {"op", "="}, {"value", "zzz"}}}}},
                  {{kNull, kNull, "0", "0", kNull, "0"}}),
        total("ratio_of_aggregates", "sum(i) / count(*)", "750599937895084.8"),
        total("ratio_of_exact_sums", "sum(n) / sum(j)", "2.9125"),
        total("round_of_avg", "round(avg(d), 2)", "0.37"),
        total("difference_of_counts", "count_distinct(s) - count_distinct(t)", "0"),
    };
}

std::vector<DiffCase> grouped_cases() {
    return {
        // Exact groups, in code-point order, NULL last.
        spec_case("group_by_text_exact",
                  {{"groupby", {"s"}}, {"metrics", count_metric()}, {"order", {"s"}}},
                  {{"", "1"},
                   {"100%_off", "1"},
                   {"ABC", "1"},
                   {"FR", "1"},
                   {"Straße", "1"},
                   {"abc", "1"},
                   {"abc ", "1"},
                   {"it's \\ back", "1"},
                   {"ÉCOLE", "1"},
                   {"école", "1"},
                   {"😀", "1"},
                   {kNull, "1"}}),
        spec_case("group_by_text_descending",
                  {{"groupby", {"t"}}, {"metrics", count_metric()}, {"order", {"-t"}}},
                  {{kNull, "1"},
                   {"😀", "1"},
                   {"é", "1"},
                   {"ß", "1"},
                   {"É", "1"},
                   {"fr ", "1"},
                   {"b", "1"},
                   {"abc", "1"},
                   {"B", "1"},
                   {"%_", "1"},
                   {" \\ ", "1"},
                   {"", "1"}}),
        spec_case("group_by_text_formula",
                  {{"groupby", {{{"formula", "lower(s)"}, {"as", "g"}}}},
                   {"metrics", count_metric()},
                   {"order", {"g"}}},
                  {{"", "1"},
                   {"100%_off", "1"},
                   {"abc", "2"},
                   {"abc ", "1"},
                   {"fr", "1"},
                   {"it's \\ back", "1"},
                   {"straße", "1"},
                   {"école", "2"},
                   {"😀", "1"},
                   {kNull, "1"}}),
        spec_case("group_by_integer_nulls_last",
                  {{"groupby", {"j"}}, {"metrics", count_metric()}, {"order", {"j"}}},
                  {{"-4", "1"},
                   {"-3", "1"},
                   {"-2", "1"},
                   {"0", "2"},
                   {"1", "1"},
                   {"2", "1"},
                   {"3", "1"},
                   {"4", "1"},
                   {"5", "1"},
                   {kNull, "2"}}),
        spec_case("group_by_integer_nulls_first_descending",
                  {{"groupby", {"j"}},
                   {"metrics", count_metric()},
                   {"order", {{{"by", "j"}, {"dir", "desc"}}}},
                   {"limit", 3}},
                  {{kNull, "2"}, {"5", "1"}, {"4", "1"}}),
        spec_case("group_by_instant_column_berlin",
                  {{"groupby", {"at_utc"}},
                   {"metrics", count_metric()},
                   {"filters", {{{"column", "id"}, {"op", "between"}, {"values", {8, 10}}}}},
                   {"time", {{"timezone", "Europe/Berlin"}}},
                   {"order", {"at_utc"}}},
                  {{"2021-03-28 03:30:00", "1"}, {"2021-10-31 02:30:00", "2"}}),
        spec_case(
            "group_by_date_descending_limit",
            {{"groupby", {"day"}}, {"metrics", count_metric()}, {"order", {"-day"}}, {"limit", 3}},
            {{kNull, "1"}, {"2027-01-03", "1"}, {"2024-12-30", "1"}}),
        spec_case("group_by_text_limit_offset",
                  {{"groupby", {"s"}}, {"order", {"s"}}, {"limit", 3}, {"offset", 2}},
                  {{"ABC"}, {"FR"}, {"Straße"}}),
        spec_case("group_by_text_offset_only",
                  {{"groupby", {"s"}}, {"order", {"s"}}, {"offset", 10}}, {{"😀"}, {kNull}}),
        // min/max of text per group; upper() of the result maps non-ASCII letters.
        spec_case("text_extremes_per_group",
                  {{"groupby", {"flag"}},
                   {"metrics",
                    {{{"formula", "min(s)"}, {"as", "lo"}},
                     {{"formula", "max(s)"}, {"as", "hi"}},
                     {{"formula", "upper(max(s))"}, {"as", "up"}}}},
                   {"order", {"flag"}}},
                  {{"false", "100%_off", "Straße", "STRAßE"},
                   {"true", "", "😀", "😀"},
                   {kNull, "abc ", "école", "ÉCOLE"}}),
        spec_case("order_by_text_metric",
                  {{"groupby", {"flag"}},
                   {"metrics", {{{"formula", "max(s)"}, {"as", "hi"}}}},
                   {"order", {"hi"}}},
                  {{"false", "Straße"}, {kNull, "école"}, {"true", "😀"}}),
        spec_case("order_by_nullable_metric",
                  {{"groupby", {"flag"}},
                   {"metrics", {{{"formula", "sum_if(i, i > 4)"}, {"as", "m"}}}},
                   {"order", {"m", "flag"}}},
                  {{"true", "9007199254741015"}, {"false", kNull}, {kNull, kNull}}),
        spec_case("order_by_nullable_metric_descending",
                  {{"groupby", {"flag"}},
                   {"metrics", {{{"formula", "sum_if(i, i > 4)"}, {"as", "m"}}}},
                   {"order", {"-m", "flag"}}},
                  {{"false", kNull}, {kNull, kNull}, {"true", "9007199254741015"}}),
        spec_case("order_by_metric",
                  {{"groupby", {"flag"}},
                   {"metrics", {{{"formula", "sum(j)"}, {"as", "m"}}}},
                   {"order", {"-m"}}},
                  {{"true", "8"}, {"false", "1"}, {kNull, "-3"}}),
    };
}

std::vector<DiffCase> having_cases() {
    const json metric = {{{"formula", "sum_if(i, i > 4)"}, {"as", "m"}}};
    return {
        // `!=` keeps the groups whose metric is NULL, in having too.
        spec_case("having_ne_keeps_nulls",
                  {{"groupby", {"flag"}},
                   {"metrics", metric},
                   {"having", {{{"metric", "m"}, {"op", "!="}, {"value", 9007199254741015}}}},
                   {"order", {"flag"}}},
                  {{"false", kNull}, {kNull, kNull}}),
        spec_case(
            "having_not_in_keeps_nulls",
            {{"groupby", {"flag"}},
             {"metrics", metric},
             {"having", {{{"metric", "m"}, {"op", "not_in"}, {"values", {9007199254741015}}}}},
             {"order", {"flag"}}},
            {{"false", kNull}, {kNull, kNull}}),
        spec_case("having_not_contains",
                  {{"groupby", {"flag"}},
                   {"metrics", {{{"formula", "max(t)"}, {"as", "hi"}}}},
                   {"having", {{{"metric", "hi"}, {"op", "not_contains"}, {"value", "É"}}}},
                   {"order", {"flag"}}},
                  {{"false", "ß"}, {"true", "😀"}}),
        spec_case("having_gt",
                  {{"groupby", {"flag"}},
                   {"metrics", metric},
                   {"having", {{{"metric", "m"}, {"op", ">"}, {"value", 0}}}}},
                  {{"true", "9007199254741015"}}),
        spec_case("having_text_equality_is_exact",
                  {{"groupby", {"flag"}},
                   {"metrics", {{{"formula", "max(s)"}, {"as", "hi"}}}},
                   {"having", {{{"metric", "hi"}, {"op", "in"}, {"values", {"école", "straße"}}}}}},
                  {{kNull, "école"}}),
        spec_case("having_text_order_is_code_point",
                  {{"groupby", {"flag"}},
                   {"metrics", {{{"formula", "max(s)"}, {"as", "hi"}}}},
                   {"having", {{{"metric", "hi"}, {"op", "<"}, {"value", "b"}}}}},
                  {{"false", "Straße"}}),
        spec_case("having_formula",
                  {{"groupby", {"flag"}},
                   {"metrics", count_metric()},
                   {"having", {{{"formula", "count(*) > 3"}}}},
                   {"order", {"flag"}}},
                  {{"false", "4"}, {"true", "5"}}),
    };
}

}  // namespace

std::vector<DiffCase> aggregate_cases() {
    std::vector<DiffCase> all;
    for (auto* part : {&total_cases, &grouped_cases, &having_cases}) {
        for (DiffCase& c : (*part)()) all.push_back(std::move(c));
    }
    return all;
}

INSTANTIATE_TEST_SUITE_P(Aggregates, Differential, ::testing::ValuesIn(aggregate_cases()),
                         case_name);

}  // namespace quarry::diff
