// The differential harness: a case is a spec over diff_fixture and the rows the contract says it
// returns. run_case compiles the spec with the core, renders it for postgres, mysql and redshift,
// runs each rendering on its server (redshift on the PostgreSQL stand-in), and checks that every
// engine returns exactly the expected rows.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "spec/spec.hpp"

namespace quarry::diff {

// "NULL" stands for SQL NULL (no fixture value or expected text is the string "NULL").
inline const std::string kNull = "NULL";

// options.now of every case: 01:30 UTC on the day Berlin moves to summer time (03:30 CEST).
inline constexpr const char* kNow = "2021-03-28T01:30:00Z";

struct DiffCase {
    std::string name;  // the gtest name: letters, digits, underscores
    nlohmann::json spec;
    std::vector<std::vector<std::string>> expected;
};

std::ostream& operator<<(std::ostream& os, const DiffCase& c);

// A calculated column, one row per listed fixture id: the expected rows are {id, value}.
// `zone` sets time.timezone (empty: none, i.e. UTC).
DiffCase per_row(std::string name, std::string formula,
                 std::vector<std::pair<int, std::string>> by_id, std::string zone = {});

// Any spec; "source" (when absent) and options.now are filled in.
DiffCase spec_case(std::string name, nlohmann::json spec,
                   std::vector<std::vector<std::string>> expected);

// The ids of the rows that a list of structured filters (or a formula filter) keeps.
DiffCase kept_ids(std::string name, nlohmann::json filters, std::vector<int> ids);

// Compiles, renders and runs `c` on every dialect, with gtest failures for every difference.
void run_case(const DiffCase& c);

// The spec of a case as compiled for the fixture (no server needed).
CompiledSpec compile_case(const DiffCase& c);

// Constructs of the Redshift rendering that PostgreSQL lacks, with the golden test that pins
// their SQL instead. A case whose Redshift SQL uses one is not run on the stand-in.
struct RedshiftOnlyConstruct {
    const char* token;        // as it appears in the rendered SQL
    const char* golden_test;  // test/unit/render_golden_test.cpp: TEST(RenderGolden, <name>)
};
const std::vector<RedshiftOnlyConstruct>& redshift_only_constructs();
// The first construct `sql` uses, or nullptr.
const RedshiftOnlyConstruct* redshift_only_construct(const std::string& sql);

// Every case table (for the coverage test).
std::vector<DiffCase> operator_cases();
std::vector<DiffCase> function_cases();
std::vector<DiffCase> time_cases();
std::vector<DiffCase> aggregate_cases();
std::vector<DiffCase> filter_cases();

class Differential : public ::testing::TestWithParam<DiffCase> {};

// The name generator for INSTANTIATE_TEST_SUITE_P.
std::string case_name(const ::testing::TestParamInfo<DiffCase>& info);

}  // namespace quarry::diff
