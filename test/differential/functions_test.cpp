// Math and text functions on every engine: rounding half away from zero on every numeric type,
// NULL outside sqrt/ln/log10's domains, greatest/least ignoring NULLs and ordering text by code
// point, character (not byte) lengths and positions, literal case-sensitive matching with % _ '
// and backslashes in the data and the patterns. Rows are referred to by id: see fixture.cpp.
#include "harness.hpp"

namespace quarry::diff {

namespace {

std::vector<DiffCase> math_cases() {
    const std::string& N = kNull;
    return {
        per_row("abs_integer", "abs(i)", {{2, "7"}, {4, N}, {7, "9007199254740993"}, {10, "1"}}),
        per_row("abs_numeric", "abs(n)", {{2, "2.5"}, {9, "0.005"}}),
        per_row("abs_double", "abs(d)", {{6, "0.125"}, {7, "7.5"}}),
        per_row("round_numeric", "round(n)",
                {{1, "3"}, {2, "-3"}, {3, "1"}, {4, N}, {5, "1"}, {6, "-1"}, {8, "12"}, {9, "0"}}),
        per_row("round_numeric_digits", "round(n, 2)",
                {{5, "1.01"}, {7, "0.13"}, {8, "12.35"}, {9, "-0.01"}, {10, "0.01"}}),
        per_row("round_numeric_column_digits", "round(n, j)",
                {{1, "2.5"}, {2, "0"}, {7, "0.1"}, {9, N}, {10, "0.005"}}),
        // Half away from zero on doubles too (the engines' own ROUND(double) rounds half to even
        // on PostgreSQL). 1.005 is stored as 1.00499999999999989...: it rounds down.
        per_row(
            "round_double", "round(d)",
            {{1, "3"}, {2, "-3"}, {3, "0"}, {4, N}, {7, "-8"}, {8, "8"}, {10, "-1"}, {11, "1"}}),
        per_row("round_double_digits", "round(d, 2)",
                {{3, "0.13"}, {5, "1"}, {6, "-0.13"}, {9, "0.1"}}),
        per_row("round_double_negative_digits", "round(d, -1)",
                {{1, "0"}, {7, "-10"}, {8, "10"}, {11, "0"}}),
        per_row("round_double_column_digits", "round(d, j)",
                {{1, "2.5"}, {3, "0"}, {6, "-0.125"}, {9, N}, {12, "0"}}),
        per_row("round_integer", "round(i)", {{1, "7"}, {7, "9007199254740993"}}),
        // Never through a double: 2^53 + 1 rounds exactly.
        per_row("round_integer_negative_digits", "round(i, -1)",
                {{1, "10"},
                 {2, "-10"},
                 {4, N},
                 {5, "10"},
                 {6, "0"},
                 {7, "9007199254740990"},
                 {11, "10"}}),
        per_row("floor_double", "floor(d)", {{1, "2"}, {2, "-3"}, {3, "0"}, {4, N}, {7, "-8"}}),
        per_row("ceil_double", "ceil(d)", {{1, "3"}, {2, "-2"}, {6, "0"}, {7, "-7"}}),
        per_row("floor_numeric", "floor(n)", {{2, "-3"}, {8, "12"}, {9, "-1"}}),
        per_row("ceiling_numeric", "ceiling(n)", {{2, "-2"}, {9, "0"}, {10, "1"}}),
        per_row("floor_integer", "floor(i)", {{2, "-7"}, {7, "9007199254740993"}}),
        per_row("power_integer_base", "power(i, 2)", {{1, "49"}, {2, "49"}, {3, "0"}, {4, N}}),
        per_row("power_negative_exponent", "power(2, j)",
                {{2, "0.25"}, {3, "1"}, {9, N}, {12, "0.0625"}}),
        per_row("power_double", "power(d, 2)", {{7, "56.25"}, {9, "0.010000000000000002"}}),
        per_row("sqrt_double", "sqrt(d)",
                {{1, "1.5811388300841898"},
                 {2, N},
                 {3, "0.3535533905932738"},
                 {4, N},
                 {8, "2.7386127875258306"}}),
        per_row("sqrt_integer", "sqrt(i)", {{2, N}, {3, "0"}, {12, "2"}}),
        per_row("ln_integer", "ln(i)",
                {{1, "1.9459101490553132"}, {2, N}, {3, N}, {4, N}, {8, "0"}}),
        per_row("ln_numeric", "ln(n)",
                {{1, "0.9162907318741551"}, {3, "-0.6931471805599453"}, {6, N}}),
        per_row("log10_integer", "log10(i)",
                {{1, "0.8450980400142568"}, {2, N}, {3, N}, {8, "0"}, {11, "1"}}),
        per_row("greatest_ignores_nulls", "greatest(i, j)",
                {{1, "7"}, {2, "-2"}, {4, N}, {9, "2"}}),
        per_row("least_ignores_nulls", "least(i, j, 0)", {{1, "0"}, {2, "-7"}, {4, "0"}, {9, "0"}}),
        per_row("greatest_numeric_and_double", "greatest(n, d)",
                {{3, "0.5"}, {4, N}, {6, "-0.125"}}),
        per_row("greatest_text_by_code_point", "greatest(s, t)",
                {{1, "b"}, {2, "B"}, {3, "abc "}, {4, N}, {7, "é"}, {9, "😀"}, {12, "fr "}}),
        per_row("least_text_by_code_point", "least(s, t)",
                {{4, N}, {6, "Straße"}, {7, "ÉCOLE"}, {8, "É"}, {10, "%_"}, {11, " \\ "}}),
        per_row("greatest_text_and_literal", "greatest(s, 'b')",
                {{1, "b"}, {2, "b"}, {4, "b"}, {8, "école"}, {12, "b"}}),
        // The result is ordinary text again: upper() maps non-ASCII letters.
        per_row("upper_of_greatest_text", "upper(greatest(s, t))", {{7, "É"}, {8, "ÉCOLE"}}),
        per_row("greatest_instant_and_date", "greatest(at_tz, day)",
                {{1, "2020-12-31 23:30:00"}, {4, N}, {12, "2027-01-03 00:00:00"}}),
        per_row(
            "least_instant_and_date_berlin", "least(at_tz, day)",
            {{1, "2020-12-31 00:00:00"}, {2, "2021-01-03 00:00:00"}, {12, "2027-01-01 01:00:00"}},
            "Europe/Berlin"),
        per_row("coalesce_instant_and_date", "coalesce(at_utc, day)",
                {{1, "2020-12-31 23:30:00"}, {4, N}}),
        per_row("greatest_dates", "greatest(day, '2021-01-04')",
                {{1, "2021-01-04"}, {4, "2021-01-04"}, {5, "2024-02-29"}}),
    };
}

std::vector<DiffCase> text_cases() {
    const std::string& N = kNull;
    return {
        per_row("lower", "lower(s)",
                {{2, "abc"}, {4, N}, {6, "straße"}, {7, "école"}, {9, "😀"}, {11, "it's \\ back"}}),
        // Simple case mapping: ß has no one-letter upper case.
        per_row("upper", "upper(s)", {{1, "ABC"}, {4, N}, {6, "STRAßE"}, {8, "ÉCOLE"}, {9, "😀"}}),
        // Beyond Latin-1, within what every engine's tables map alike (see docs/dialects.md,
        // Known limits, for the letters MariaDB's utf8mb4_general_ci leaves alone).
        per_row("lower_beyond_latin1", "lower('ΣΑΣ İ ǅ Ω Ж')", {{1, "σασ i ǆ ω ж"}}),
        per_row("upper_beyond_latin1", "upper('ǆ ı ſ ß ж')", {{1, "Ǆ I S ß Ж"}}),
        per_row("trim", "trim(t)", {{4, N}, {5, ""}, {11, "\\"}, {12, "fr"}}),
        per_row("trim_trailing_space", "trim(s)", {{1, "abc"}, {3, "abc"}}),
        // Characters, not bytes; the trailing space counts.
        per_row("length_counts_characters", "length(s)",
                {{1, "3"}, {3, "4"}, {4, N}, {5, "0"}, {6, "6"}, {7, "5"}, {9, "1"}, {11, "11"}}),
        per_row("substring_from", "substring(s, 2)",
                {{1, "bc"}, {4, N}, {5, ""}, {6, "traße"}, {9, ""}}),
        per_row("substring_from_for", "substring(s, 2, 3)", {{1, "bc"}, {6, "tra"}, {7, "COL"}}),
        // PostgreSQL's semantics for a start before 1: the characters before 1 count.
        per_row("substring_start_zero", "substring(s, 0, 3)", {{1, "ab"}, {6, "St"}}),
        per_row("substring_start_negative", "substring(s, -1, 3)", {{1, "a"}, {7, "É"}}),
        per_row("substring_negative_length", "substring(s, 3, -1)", {{1, ""}, {6, ""}}),
        per_row(
            "substring_column_start", "substring(s, j)",
            {{1, "bc"}, {2, "ABC"}, {3, "abc "}, {6, "raße"}, {9, N}, {10, "%_off"}, {12, "FR"}}),
        per_row("substring_column_start_and_length", "substring(s, i, j)",
                {{1, ""},
                 {2, ""},
                 {3, ""},
                 {5, ""},
                 {6, "raß"},
                 {8, ""},
                 {9, N},
                 {10, "10"},
                 {11, "ck"},
                 {12, ""}}),
        per_row("replace_is_case_sensitive", "replace(s, 'b', 'X')",
                {{1, "aXc"}, {2, "ABC"}, {4, N}, {11, "it's \\ Xack"}}),
        per_row("replace_backslash", "replace(s, '\\', '/')", {{1, "abc"}, {11, "it's / back"}}),
        per_row("replace_multibyte", "replace(s, 'ß', 'ss')", {{6, "Strasse"}}),
        per_row("replace_is_accent_sensitive", "replace(s, 'é', 'e')",
                {{7, "ÉCOLE"}, {8, "ecole"}}),
        per_row("contains_literal", "contains(s, 'b')",
                {{1, "true"}, {2, "false"}, {4, N}, {5, "false"}, {11, "true"}}),
        per_row("contains_percent_is_literal", "contains(s, '%')",
                {{1, "false"}, {5, "false"}, {10, "true"}}),
        per_row("contains_underscore_is_literal", "contains(s, '_')", {{1, "false"}, {10, "true"}}),
        per_row("contains_is_accent_and_case_sensitive", "contains(s, 'É')",
                {{7, "true"}, {8, "false"}}),
        per_row("contains_trailing_space", "contains(s, 'c ')", {{1, "false"}, {3, "true"}}),
        per_row("contains_backslash", "contains(s, '\\')", {{10, "false"}, {11, "true"}}),
        per_row("contains_quote", "contains(s, '''')", {{1, "false"}, {11, "true"}}),
        per_row("contains_column", "contains(s, t)",
                {{1, "true"},
                 {2, "true"},
                 {3, "true"},
                 {4, N},
                 {5, "true"},
                 {6, "true"},
                 {7, "false"},
                 {8, "false"},
                 {9, "true"},
                 {10, "true"},
                 {11, "true"},
                 {12, "false"}}),
        per_row("starts_with_literal", "starts_with(s, 'ab')",
                {{1, "true"}, {2, "false"}, {3, "true"}, {4, N}}),
        per_row("starts_with_percent", "starts_with(s, '100%')", {{1, "false"}, {10, "true"}}),
        per_row("starts_with_multibyte", "starts_with(s, 'é')", {{7, "false"}, {8, "true"}}),
        per_row("starts_with_quote_and_backslash", "starts_with(s, 'it''s \\')",
                {{1, "false"}, {11, "true"}}),
        per_row("starts_with_column", "starts_with(s, t)",
                {{1, "false"},
                 {3, "true"},
                 {4, N},
                 {5, "true"},
                 {9, "true"},
                 {10, "false"},
                 {12, "false"}}),
        per_row("ends_with_literal", "ends_with(s, 'c')",
                {{1, "true"}, {2, "false"}, {3, "false"}}),
        per_row("ends_with_underscore", "ends_with(s, '_off')", {{1, "false"}, {10, "true"}}),
        per_row("ends_with_column", "ends_with(s, t)",
                {{1, "false"},
                 {3, "false"},
                 {4, N},
                 {5, "true"},
                 {6, "false"},
                 {7, "false"},
                 {9, "true"},
                 {12, "false"}}),
        // NULL counts as ''.
        per_row("concat_function", "concat(s, '-', t)",
                {{1, "abc-b"}, {4, "-"}, {5, "-"}, {9, "😀-😀"}}),
        per_row("concat_function_integer", "concat(s, i)", {{1, "abc7"}, {2, "ABC-7"}, {4, ""}}),
        per_row("concat_function_one_argument", "concat(t)", {{1, "b"}, {4, ""}}),
    };
}

}  // namespace

std::vector<DiffCase> function_cases() {
    std::vector<DiffCase> all = math_cases();
    for (DiffCase& c : text_cases()) all.push_back(std::move(c));
    return all;
}

INSTANTIATE_TEST_SUITE_P(Functions, Differential, ::testing::ValuesIn(function_cases()), case_name);

}  // namespace quarry::diff
