// The rules a registered source's definition obeys, checked on every write (create_source,
// set_formula, drop_formula). Plain C++ over the core: no PostgreSQL here.
//
// Decisions:
//  - Source and formula names are 1 to 63 bytes (PostgreSQL's identifier length: a formula name
//    becomes a result column name) without control characters; formula names also without
//    `[` or `]`, so that `[name]` can always refer to them.
//  - A formula may not have the name of a column of the relation (42710): a name in a spec
//    or formula must mean one thing.
//  - Every formula of the source compiles against the relation's columns and the other
//    formulas, after every write; a cycle is 42P19.
//  - Dropping a formula that another formula uses is 2BP01, naming the dependents.
//  - cache_ttl, serve_stale and refresh_key are checked for shape only here; the result cache
//    and the background worker use them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/source.hpp"
#include "time/time.hpp"

namespace quarry {

struct SourceOptions {
    std::string time_column;                                    // empty: none
    std::vector<std::pair<std::string, std::string>> formulas;  // by name, code-point order
    nlohmann::json stored = nlohmann::json::object();  // quarry.sources.options: all but formulas
};

// Validates create_source's `options` (errors 22023 naming options.<key>).
SourceOptions parse_source_options(const nlohmann::json& options);

// "30 seconds", "10 minutes", "1 hour", "2 days", "1 week" -> seconds; 22023 naming `path`.
int64_t parse_duration_seconds(const nlohmann::json& value, const std::string& path);

// options.serve_stale: a duration, or false (0: never served stale); 22023 naming `path`.
int64_t parse_serve_stale_seconds(const nlohmann::json& value, const std::string& path);

void check_source_name(const std::string& name);
// 22023 for a malformed name, 42710 when a column has the name.
void check_formula_name(const SourceInfo& source, const std::string& name);
// 42703 when there is no such column, 22023 when it is not a date or timestamp.
void check_time_column(const SourceInfo& source);
// Compiles every formula of the source (errors name formulas.<name>).
void check_formulas(const SourceInfo& source, Instant now);

// Adds or replaces a formula, keeping code-point order.
void put_formula(SourceInfo& source, const std::string& name, const std::string& formula);
// Removes a formula; false when there was none.
bool remove_formula(SourceInfo& source, const std::string& name);
// The formulas that no longer compile once `source` lost a formula: those that used it.
std::vector<std::string> broken_formulas(const SourceInfo& source, Instant now);

}  // namespace quarry
