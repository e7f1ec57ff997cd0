// The query spec: JSON -> validated, typed query model (PRODUCT.md, "The query spec").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/firewall.hpp"
#include "model/query.hpp"
#include "model/source.hpp"
#include "time/time.hpp"

namespace quarry {

inline constexpr size_t kMaxSpecItems = 1000;  // groupby/metrics/filters/order entries each

enum class CacheMode { Use, Refresh, Bypass };

struct SpecOptions {
    CacheMode cache = CacheMode::Use;
    std::optional<int64_t> max_age_seconds;
    std::optional<Instant> now;  // options.now
};

// The spec's `time` block as compiled (what a materialization's rollup needs to know).
struct SpecTime {
    std::string column;  // the time column's name (as the spec or source names it); empty: none
    // The bucket: index into Query::columns of date_trunc(grain, column), when there is a grain.
    std::optional<size_t> bucket_output;
    TimeUnit grain = TimeUnit::Day;
    // The range: Query::where[range_where] is `column >= from`, the next entry `column < to`.
    std::optional<size_t> range_where;
    TimeRange range;
};

// tidy's exception-escape check sees a throw in the release of the shared SourceInfo; moving or
// dropping a shared_ptr does not throw.
struct CompiledSpec {                          // NOLINT(bugprone-exception-escape)
    std::shared_ptr<const SourceInfo> source;  // never null once compiled
    Query query;
    SpecOptions options;
    std::shared_ptr<const TimeZone> zone;
    SpecTime time;
    Instant now = 0;  // the instant relative ranges resolved against
    // The resolved spec: defaults filled in, shorthands expanded, formulas normalized,
    // relative time ranges replaced by their bounds. Shown by quarry.explain.
    nlohmann::json resolved;
    // Canonical text of `resolved` without `options` (sorted keys, AND-ed filters sorted,
    // source version included, a range's original text dropped, so a relative range equals its
    // explicit bounds): equal specs written differently give equal text. `now` is included only
    // when a formula the spec reaches calls now() or today(). See docs/spec.md.
    std::string canonical;
    std::string hash;  // 16 hex digits of a 64-bit hash of `canonical`
};

struct CompileContext {
    const Catalog* catalog = nullptr;
    Instant transaction_now = 0;  // used when options.now is absent
    // Whether to fill `resolved`, `canonical` and `hash` (what explain shows, the cache key).
    // Translation alone needs only the query; they are left empty when false.
    bool describe = true;
};

// Validates and compiles. Throws Error with the contract's SQLSTATE and the JSON path of the
// fault; unknown keys are errors.
CompiledSpec compile_spec(const nlohmann::json& spec, const CompileContext& ctx);

// Parses text into JSON for the core's own callers (tests, benchmarks); 22023 on bad JSON.
nlohmann::json parse_spec_text(const std::string& text);

}  // namespace quarry
