#include "spec/json_path.hpp"

#include "spec/spec.hpp"

namespace quarry::spec_detail {

namespace {
constexpr size_t kMaxOutputNameLength = 63;  // PostgreSQL truncates longer identifiers
}  // namespace

void Path::append(std::string& out) const {
    if (parent_ == nullptr) return;
    parent_->append(out);
    if (index_ != kNoIndex) {
        out += '[';
        out += std::to_string(index_);
        out += ']';
        return;
    }
    if (!out.empty()) out += '.';
    out += key_;
}

std::string Path::str() const {
    std::string out;
    out.reserve(48);
    append(out);
    return out;
}

void fail(const Path& path, const std::string& message, const char* state) {
    throw spec_error(path.str(), message, state);
}

void wrong_type(const Path& path, const json& value, std::string_view what) {
    fail(path, "expected " + std::string(what) + ", got " + value.type_name());
}

void check_keys(const json& object, const Path& path,
                std::initializer_list<std::string_view> allowed) {
    for (auto it = object.begin(); it != object.end(); ++it) {
        bool known = false;
        for (std::string_view k : allowed) known = known || it.key() == k;
        if (!known) fail(path, "unknown key " + quote_for_message(it.key()));
    }
}

const json* find(const json& object, std::string_view key) {
    if (!object.is_object()) return nullptr;
    const auto& members = object.get_ref<const json::object_t&>();
    // A spec's objects have a handful of keys: comparing lengths first, in one pass, is cheaper
    // than the tree's string comparisons. Large (hostile) objects take the tree.
    if (members.size() > 16) {
        auto it = members.find(key);
        return it == members.end() ? nullptr : &it->second;
    }
    for (const auto& [name, value] : members) {
        if (name.size() == key.size() && name.compare(0, name.size(), key) == 0) return &value;
    }
    return nullptr;
}

const json& expect_object(const json& value, const Path& path) {
    if (!value.is_object()) wrong_type(path, value, "an object");
    return value;
}

const json& expect_array(const json& value, const Path& path) {
    if (!value.is_array()) wrong_type(path, value, "an array");
    if (value.size() > kMaxSpecItems) {
        fail(path, "more than " + std::to_string(kMaxSpecItems) + " entries",
             sqlstate::kInvalidParameterValue);
    }
    return value;
}

const std::string& expect_string(const json& value, const Path& path) {
    if (!value.is_string()) wrong_type(path, value, "a string");
    const std::string& text = value.get_ref<const std::string&>();
    if (text.find('\0') != std::string::npos) fail(path, "text must not contain NUL bytes");
    return text;
}

int64_t expect_integer(const json& value, const Path& path, int64_t min, int64_t max) {
    const bool in_range =
        (value.is_number_integer() && !value.is_number_unsigned() && value.get<int64_t>() >= min &&
         value.get<int64_t>() <= max) ||
        (value.is_number_unsigned() && value.get<uint64_t>() <= static_cast<uint64_t>(max) &&
         static_cast<int64_t>(value.get<uint64_t>()) >= min);
    if (in_range) return value.get<int64_t>();
    if (!value.is_number_integer()) wrong_type(path, value, "an integer");
    fail(path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
}

const std::string& expect_output_name(const json& value, const Path& path) {
    const std::string& name = expect_string(value, path);
    if (name.empty()) fail(path, "an output name cannot be empty");
    if (name.size() > kMaxOutputNameLength) {
        fail(path, "output name " + quote_for_message(name) + " is longer than " +
                       std::to_string(kMaxOutputNameLength) + " bytes");
    }
    return name;
}

}  // namespace quarry::spec_detail
