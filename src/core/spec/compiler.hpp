// The spec compiler's internals, shared by its translation units (not part of the core's API).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/firewall.hpp"
#include "formula/formula.hpp"
#include "spec/json_path.hpp"
#include "spec/spec.hpp"

namespace quarry::spec_detail {

inline constexpr int kMaxOrDepth = 32;

// A JSON object of (key, value) pairs, built in place: nlohmann's initializer lists copy every
// value and first test whether the list could be an object. For the resolved spec.
inline void add_members(json::object_t&) {}
template <typename Value, typename... Rest>
void add_members(json::object_t& object, const char* key, Value&& value, Rest&&... rest) {
    object.emplace(key, json(std::forward<Value>(value)));
    add_members(object, std::forward<Rest>(rest)...);
}
template <typename... Members>
json object_of(Members&&... members) {
    json out(json::value_t::object);
    add_members(*out.get_ptr<json::object_t*>(), std::forward<Members>(members)...);
    return out;
}

// How the values a spec writes next to an operand (filters, having) are read.
enum class ValueKind {
    Plain,         // by the operand's type (numbers, strings, booleans)
    Date,          // "YYYY-MM-DD"
    Instant,       // a raw timestamptz column: wall-clock text in the zone (or with an offset)
    UtcTimestamp,  // a raw timestamp column holding UTC: as Instant, rendered as UTC wall-clock
    WallClock,     // a computed wall-clock timestamp: the text as written (offsets converted)
};

struct Operand {
    ExprPtr expr;
    ValueKind kind = ValueKind::Plain;
};

// One compile_spec call.
class SpecCompiler {
public:
    SpecCompiler(const CompileContext& ctx, CompiledSpec& out)
        : ctx_(ctx), out_(out), describe_(ctx.describe) {}
    void compile(const json& spec);

private:
    // spec.cpp
    void compile_source(const json& spec);
    void compile_options(const json* options);
    void compile_groupby(const json& list, const Path& path);
    void compile_metrics(const json& list, const Path& path);
    // A stored measure, or a numeric column / calculated column summed (`summed` says which).
    ExprPtr metric_by_name(const std::string& name, const Path& path, bool* summed = nullptr);
    ExprPtr aggregate_column(const std::string& column, std::string_view agg, const Path& path,
                             const Path& agg_path);
    void compile_order(const json& list, const Path& path);
    void default_order();
    void compile_limits(const json& spec);
    void add_output(std::string name, ExprPtr expr, bool group_key, const Path& path);
    // Compiles a formula; `normalized` receives its normalized text (for `resolved`).
    ExprPtr formula(const std::string& text, const Path& path, std::string* normalized);
    ExprPtr name_expr(const std::string& name, const Path& path);

    // time_block.cpp
    void compile_zone(const json* time);
    void compile_time(const json& time, const Path& path);
    void restrict_to_range(const std::string& column, const TimeRange& range, const Path& path);

    // filters.cpp
    void compile_filters(const json& list, const Path& path);
    void compile_having(const json& list, const Path& path);
    ExprPtr filter(const json& f, const Path& path, json& resolved, int depth, bool having);
    ExprPtr filter_or(const json& list, const Path& path, json& resolved, int depth, bool having);
    Operand filter_operand(const std::string& column, const Path& path);
    ExprPtr predicate(const Operand& operand, const json& f, const Path& path, json& resolved);
    ExprPtr literal(const Operand& operand, const json& value, const Path& path,
                    json& resolved_value);

    // canonical.cpp (after everything else)
    void finish_canonical();

    const CompileContext& ctx_;
    CompiledSpec& out_;
    const bool describe_;  // fill out_.resolved (see CompileContext::describe)
    FormulaContext fctx_;
    bool has_grain_ = false;
    // Names and formula texts the spec uses, for the now()-dependence of its cache key: kept
    // only when describing (the key is not computed otherwise).
    std::vector<std::string_view> names_used_;
    std::vector<std::string_view> formulas_used_;
    void used_name(std::string_view name) {
        if (describe_) names_used_.push_back(name);
    }
    void used_formula(std::string_view text) {
        if (describe_) formulas_used_.push_back(text);
    }
    // Output names of metrics (the leading entries of query.columns are group keys).
    size_t first_metric_ = 0;
};

// canonical.cpp
// Whether any of `formulas`, or a stored formula they or `names` reach, calls now() or today():
// such a result depends on the instant it was computed at.
bool uses_now(const std::vector<std::string_view>& formulas,
              const std::vector<std::string_view>& names, const SourceInfo& source);
std::string canonical_text(const json& resolved, const Instant* now);
std::string fnv1a_hex(std::string_view text);

}  // namespace quarry::spec_detail
