// The dialect registry: each file in dialects/ registers itself with a static
// DialectRegistration, so adding a dialect is adding a file. Registration happens during static
// initialization (single-threaded); lookups afterwards only read.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "dialects/dialect.hpp"

namespace quarry {

namespace {

struct Entry {
    std::string name;
    std::unique_ptr<Dialect> dialect;
};

// A function-local static: registrations in other translation units may run before this file's
// own static initializers.
std::vector<Entry>& registry() {
    static std::vector<Entry> entries;
    return entries;
}

}  // namespace

DialectRegistration::DialectRegistration(std::string name,
                                         const std::function<std::unique_ptr<Dialect>()>& make) {
    std::vector<Entry>& entries = registry();
    const auto same = [&](const Entry& e) { return e.name == name; };
    if (std::find_if(entries.begin(), entries.end(), same) != entries.end()) {
        throw Error(sqlstate::kDuplicateObject, "dialect \"" + name + "\" is registered twice");
    }
    entries.push_back(Entry{std::move(name), make()});
}

const Dialect& dialect_by_name(std::string_view name) {
    for (const Entry& e : registry()) {
        if (e.name == name) return *e.dialect;
    }
    std::string known;
    for (const std::string& n : dialect_names()) known += (known.empty() ? "" : ", ") + n;
    throw Error(sqlstate::kInvalidParameterValue, "unknown dialect \"" + std::string(name) + "\"",
                {}, "known dialects: " + known);
}

std::vector<std::string> dialect_names() {
    std::vector<std::string> names;
    for (const Entry& e : registry()) names.push_back(e.name);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace quarry
