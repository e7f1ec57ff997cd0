// Structured filters on every engine: each op of the contract, exact and literal on text under
// MariaDB's folding collation, != / not_in / not_contains keeping NULL rows, between inclusive,
// instant columns compared with wall-clock values of the spec's zone. Each case lists the ids
// of the rows kept (see fixture.cpp).
#include "harness.hpp"

namespace quarry::diff {

namespace {

using json = nlohmann::json;

json where(const char* column, const char* op, json value) {
    const char* key = value.is_array() ? "values" : "value";
    return json::array({{{"column", column}, {"op", op}, {key, std::move(value)}}});
}

json where(const char* column, const char* op) {
    return json::array({{{"column", column}, {"op", op}}});
}

}  // namespace

std::vector<DiffCase> filter_cases() {
    return {
        kept_ids("eq_text", where("s", "=", "abc"), {1}),
        kept_ids("eq_text_folded_value_matches_nothing", where("s", "=", "fr "), {}),
        kept_ids("ne_text_keeps_nulls", where("s", "!=", "abc"),
                 {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}),
        kept_ids("lt_text_code_points", where("s", "<", "B"), {2, 5, 10}),
        kept_ids("le_integer", where("i", "<=", 0), {2, 3, 10}),
        kept_ids("gt_double", where("d", ">", 2.5), {8, 12}),
        kept_ids("ge_date", where("day", ">=", "2024-01-01"), {5, 6, 12}),
        kept_ids("eq_double", where("d", "=", 0.1), {9}),
        kept_ids("eq_double_inexact_decimal", where("d", "=", 1.005), {5}),
        kept_ids("in_dates", where("day", "in", {"2021-01-03", "2024-02-29"}), {2, 5}),
        kept_ids("eq_boolean", where("flag", "=", true), {1, 5, 7, 9, 11}),
        kept_ids("ne_boolean_keeps_nulls", where("flag", "!=", true), {2, 3, 4, 6, 8, 10, 12}),
        kept_ids("ne_integer_keeps_nulls", where("i", "!=", 7),
                 {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}),
        kept_ids("in_text", where("s", "in", {"abc", "FR"}), {1, 12}),
        kept_ids("eq_text_backslash", where("s", "=", "it's \\ back"), {11}),
        kept_ids("in_text_backslash", where("s", "in", {"it's \\ back", "100%_off"}), {10, 11}),
        kept_ids("in_text_folded_values", where("s", "in", {"fr", "ABC ", "ecole"}), {}),
        kept_ids("in_numeric_decimals", where("n", "in", {2.5, 0.005}), {1, 10}),
        kept_ids("not_in_text_keeps_nulls", where("s", "not_in", {"abc", "FR"}),
                 {2, 3, 4, 5, 6, 7, 8, 9, 10, 11}),
        kept_ids("not_in_integer_keeps_nulls", where("i", "not_in", {7, 0}),
                 {2, 4, 5, 6, 7, 8, 9, 10, 11, 12}),
        kept_ids("between_integers_inclusive", where("i", "between", {0, 5}), {3, 5, 6, 8, 9, 12}),
        kept_ids("between_text", where("s", "between", {"a", "b"}), {1, 3}),
        kept_ids("between_dates", where("day", "between", {"2021-01-01", "2021-12-31"}),
                 {2, 3, 7, 8, 11}),
        kept_ids("contains_text", where("s", "contains", "b"), {1, 3, 11}),
        kept_ids("contains_percent", where("s", "contains", "%"), {10}),
        kept_ids("contains_underscore", where("s", "contains", "_"), {10}),
        kept_ids("contains_backslash_value", where("s", "contains", "\\"), {11}),
        kept_ids("contains_is_case_sensitive", where("s", "contains", "C"), {2, 7}),
        kept_ids("not_contains_keeps_nulls", where("s", "not_contains", "b"),
                 {2, 4, 5, 6, 7, 8, 9, 10, 12}),
        kept_ids("contains_is_accent_sensitive", where("s", "contains", "é"), {8}),
        kept_ids("starts_with_is_case_sensitive", where("s", "starts_with", "str"), {}),
        kept_ids("ends_with_exact", where("s", "ends_with", "abc"), {1}),
        kept_ids("starts_with_text", where("s", "starts_with", "ab"), {1, 3}),
        kept_ids("starts_with_quote", where("s", "starts_with", "it's"), {11}),
        kept_ids("ends_with_text", where("s", "ends_with", "E"), {7}),
        kept_ids("ends_with_space", where("s", "ends_with", " "), {3}),
        kept_ids("is_null_op", where("s", "is_null"), {4}),
        kept_ids("not_null_op", where("s", "not_null"), {1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12}),
        kept_ids("formula_filter", json::array({{{"formula", "length(s) > 4"}}}),
                 {6, 7, 8, 10, 11}),
        kept_ids("or_filter",
                 json::array({{{"or",
                                {{{"column", "s"}, {"op", "="}, {"value", "abc"}},
                                 {{"column", "i"}, {"op", ">"}, {"value", 9}}}}}}),
                 {1, 7, 11}),
        kept_ids("ge_instant_utc", where("at_tz", ">=", "2021-01-04"),
                 {3, 5, 6, 7, 8, 9, 10, 11, 12}),
        // The value is wall-clock time in the spec's zone: midnight in Berlin is 23:00 UTC.
        spec_case("ge_instant_berlin",
                  {{"groupby", {"id"}},
                   {"filters", where("at_utc", ">=", "2021-01-04")},
                   {"time", {{"timezone", "Europe/Berlin"}}},
                   {"order", {"id"}}},
                  {{"2"}, {"3"}, {"5"}, {"6"}, {"7"}, {"8"}, {"9"}, {"10"}, {"11"}, {"12"}}),
    };
}

INSTANTIATE_TEST_SUITE_P(Filters, Differential, ::testing::ValuesIn(filter_cases()), case_name);

}  // namespace quarry::diff
