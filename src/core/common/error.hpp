// Errors raised by the core. Every fault carries the SQLSTATE the contract names, so the
// extension's guard can re-raise it unchanged (see src/extension/guard.hpp).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "common/firewall.hpp"

namespace quarry {

namespace sqlstate {
// PRODUCT.md: "A spec that is wrong gets an ERROR with SQLSTATE 22023 (or 42703 for an unknown
// column, 42P01 for an unknown source)". So every other fault of a spec or a formula (syntax,
// unknown function, types, aggregation rules, cycles of stored formulas, size and nesting
// limits) is 22023 too; its message names the kind of fault and the JSON path.
inline constexpr const char* kInvalidParameterValue = "22023";  // a wrong spec or formula
inline constexpr const char* kUndefinedColumn = "42703";
inline constexpr const char* kUndefinedTable = "42P01";       // unknown source
inline constexpr const char* kFeatureNotSupported = "0A000";  // a dialect cannot honour it
inline constexpr const char* kDuplicateObject = "42710";
inline constexpr const char* kInternalError = "XX000";
}  // namespace sqlstate

class Error : public std::runtime_error {
public:
    Error(std::string sqlstate, const std::string& message, std::string detail = {},
          std::string hint = {})
        : std::runtime_error(message),
          sqlstate_(std::move(sqlstate)),
          detail_(std::move(detail)),
          hint_(std::move(hint)) {}

    const std::string& sqlstate() const { return sqlstate_; }
    const std::string& detail() const { return detail_; }
    const std::string& hint() const { return hint_; }

private:
    std::string sqlstate_;
    std::string detail_;
    std::string hint_;
};

// A fault in a spec: the message is prefixed with the JSON path of the fault,
// e.g. `metrics[2].agg: unknown aggregate "total"`.
inline Error spec_error(const std::string& json_path, const std::string& message,
                        const char* state = sqlstate::kInvalidParameterValue) {
    return Error(state, json_path.empty() ? message : json_path + ": " + message);
}

// The JSON path an error is to name, as text or built on demand: compiling a spec's formulas and
// names must not pay for the text of paths that no error will show.
class ErrorPath {
public:
    ErrorPath(const std::string& text) : text_(text) {}
    ErrorPath(const char* text) : text_(text) {}
    // `build(arg)` gives the text; `arg` must outlive the ErrorPath.
    ErrorPath(std::string (*build)(const void*), const void* arg) : build_(build), arg_(arg) {}

    std::string str() const { return build_ != nullptr ? build_(arg_) : std::string(text_); }

private:
    std::string_view text_;
    std::string (*build_)(const void*) = nullptr;
    const void* arg_ = nullptr;
};

// `text` in double quotes for an error message: quotes, backslashes and control bytes escaped,
// cut after about `max_bytes` bytes (marked with "...") so hostile input cannot flood the log.
inline std::string quote_for_message(std::string_view text, size_t max_bytes = 64) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    size_t shown = text.size() < max_bytes ? text.size() : max_bytes;
    // Never cut a UTF-8 sequence: the server rejects messages that are not valid UTF-8.
    while (shown > 0 && shown < text.size() &&
           (static_cast<unsigned char>(text[shown]) & 0xc0) == 0x80) {
        --shown;
    }
    for (size_t i = 0; i < shown; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
    if (shown < text.size()) out += "...";
    return out;
}

}  // namespace quarry
