// The formula language: text -> typed model expression, resolved against a source's columns
// and stored formulas. See docs/formulas.md for the language.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/firewall.hpp"
#include "model/expr.hpp"
#include "model/source.hpp"
#include "time/time.hpp"

namespace quarry {

// Hard limits that keep hostile input from exhausting the backend (errors are 54000).
inline constexpr size_t kMaxFormulaLength = size_t{64} * 1024;  // bytes
inline constexpr int kMaxFormulaDepth = 200;      // nesting of parentheses/calls/operators
inline constexpr size_t kMaxInListItems = 10000;  // IN / in-filter values

struct FormulaContext {
    const SourceInfo* source = nullptr;
    std::shared_ptr<const TimeZone> zone;  // date parts, now(), today() are taken here
    Instant now = 0;                       // options.now, else the transaction time
};

// What a name means where a spec uses one: a source column, a stored formula, or nothing.
enum class NameKind { Column, StoredFormula, Unknown };
NameKind classify_name(const SourceInfo& source, std::string_view name);
// The column `name` resolves to with the same rules (exact, else the unique case-insensitive
// match); nullptr when it names a stored formula or nothing.
const ColumnInfo* resolve_column(const SourceInfo& source, std::string_view name);

// Compiles `text`. `json_path` prefixes every error message (`metrics[2].formula: ...`).
// Errors: 42601 syntax, 42703 unknown column, 42883 unknown function or wrong arity,
// 42804 type mismatch, 42803 nested aggregates / a bare column in a measure that aggregates
// elsewhere, 42P19 cycle through stored formulas, 54000 limits.
// When `normalized` is given, it receives normalize_formula(text) from the same parse.
ExprPtr compile_formula(std::string_view text, const FormulaContext& ctx,
                        const ErrorPath& json_path, std::string* normalized = nullptr);

// The expression a stored formula or a column stands for, by name (used for plain names in
// groupby/metrics/order): a column is wrapped as formulas see it (instants to wall-clock).
ExprPtr compile_name(std::string_view name, const FormulaContext& ctx, const ErrorPath& json_path);

// A normalized text of a formula (canonical spacing, keywords, quoting) for cache keys:
// two formulas that differ only in spelling normalize equal. Throws like compile_formula.
std::string normalize_formula(std::string_view text, const ErrorPath& json_path);

}  // namespace quarry
