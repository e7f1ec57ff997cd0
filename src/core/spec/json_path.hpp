// Reading a spec's JSON with the path of every value at hand, so each error names the fault
// (`metrics[2].agg: unknown aggregate "total"`). Paths are chains of stack frames, turned into
// text only when an error is raised or a formula is compiled.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/firewall.hpp"

namespace quarry::spec_detail {

using json = nlohmann::json;

class Path {
public:
    Path() = default;  // the spec itself
    // A child points to its parent: children of temporaries would dangle.
    Path key(std::string_view k) const& { return Path(this, k, kNoIndex); }
    Path index(size_t i) const& { return Path(this, {}, i); }
    Path key(std::string_view k) const&& = delete;
    Path index(size_t i) const&& = delete;
    std::string str() const;
    // The path for the formula compiler's errors, as text only if one is raised; this Path must
    // outlive it.
    ErrorPath lazy() const {
        return ErrorPath([](const void* p) { return static_cast<const Path*>(p)->str(); }, this);
    }
    size_t depth() const { return depth_; }

private:
    static constexpr size_t kNoIndex = static_cast<size_t>(-1);
    Path(const Path* parent, std::string_view k, size_t i)
        : parent_(parent), key_(k), index_(i), depth_(parent->depth_ + 1) {}
    void append(std::string& out) const;

    const Path* parent_ = nullptr;
    std::string_view key_;  // points into the spec or a literal: outlives the Path
    size_t index_ = kNoIndex;
    size_t depth_ = 0;
};

[[noreturn]] void fail(const Path& path, const std::string& message,
                       const char* state = sqlstate::kInvalidParameterValue);
// `<path>: expected <what>, got <JSON type>`.
[[noreturn]] void wrong_type(const Path& path, const json& value, std::string_view what);

// Fails on keys of `object` not in `allowed` (`<path>: unknown key "x"`).
void check_keys(const json& object, const Path& path,
                std::initializer_list<std::string_view> allowed);
const json* find(const json& object, std::string_view key);

const json& expect_object(const json& value, const Path& path);
// An array of at most kMaxSpecItems entries (54000 beyond).
const json& expect_array(const json& value, const Path& path);
// A string without NUL bytes.
const std::string& expect_string(const json& value, const Path& path);
// An integer in [min, max].
int64_t expect_integer(const json& value, const Path& path, int64_t min, int64_t max);

// An output name ("as"): a non-empty string short enough to survive as an identifier.
const std::string& expect_output_name(const json& value, const Path& path);

}  // namespace quarry::spec_detail
