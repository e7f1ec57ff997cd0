#include "source_definition.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "common/error.hpp"
#include "formula/formula.hpp"

namespace quarry {

namespace {

constexpr size_t kMaxNameBytes = 63;
constexpr int64_t kMaxDurationCount = 999999999;

Error invalid(const std::string& path, const std::string& message) {
    return spec_error(path, message);
}

bool has_control_character(const std::string& text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

void check_name(const std::string& name, const std::string& path, const char* what) {
    if (name.empty()) throw invalid(path, std::string(what) + " name must not be empty");
    if (name.size() > kMaxNameBytes) {
        throw invalid(
            path, std::string(what) + " name is longer than 63 bytes: " + quote_for_message(name));
    }
    if (has_control_character(name)) {
        throw invalid(path, std::string(what) +
                                " name contains a control character: " + quote_for_message(name));
    }
}

const std::string& string_value(const nlohmann::json& value, const std::string& path) {
    if (!value.is_string()) throw invalid(path, "must be a string");
    return value.get_ref<const std::string&>();
}

std::vector<std::pair<std::string, std::string>> parse_formulas(const nlohmann::json& value) {
    if (!value.is_object()) throw invalid("options.formulas", "must be an object");
    std::vector<std::pair<std::string, std::string>> formulas;
    for (const auto& [name, formula] : value.items()) {
        formulas.emplace_back(name, string_value(formula, "options.formulas." + name));
    }
    std::sort(formulas.begin(), formulas.end());  // byte order of UTF-8 = code-point order
    return formulas;
}

nlohmann::json parse_refresh_key(const nlohmann::json& value) {
    if (!value.is_object()) throw invalid("options.refresh_key", "must be an object");
    for (const auto& [key, item] : value.items()) {
        if (key != "sql" && key != "every") {
            throw invalid("options.refresh_key", "unknown key " + quote_for_message(key));
        }
    }
    if (!value.contains("sql")) throw invalid("options.refresh_key", "needs \"sql\"");
    if (!value.contains("every")) throw invalid("options.refresh_key", "needs \"every\"");
    const std::string& sql = string_value(value["sql"], "options.refresh_key.sql");
    if (sql.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw invalid("options.refresh_key.sql", "must not be empty");
    }
    parse_duration_seconds(value["every"], "options.refresh_key.every");
    return value;
}

int64_t seconds_per_unit(std::string unit) {
    if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
    if (unit == "second") return 1;
    if (unit == "minute") return 60;
    if (unit == "hour") return 3600;
    if (unit == "day") return 86400;
    if (unit == "week") return 7 * 86400;
    return 0;
}

FormulaContext formula_context(const SourceInfo& source, Instant now) {
    FormulaContext context;
    context.source = &source;
    context.zone = TimeZone::load("UTC");
    context.now = now;
    return context;
}

}  // namespace

int64_t parse_duration_seconds(const nlohmann::json& value, const std::string& path) {
    const std::string& text = string_value(value, path);
    Error bad = invalid(
        path, "invalid duration " + quote_for_message(text) + " (expected e.g. \"10 minutes\")");
    size_t pos = 0;
    auto skip_spaces = [&] {
        while (pos < text.size() && text[pos] == ' ') ++pos;
    };
    skip_spaces();
    size_t digits_start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    size_t digits = pos - digits_start;
    if (digits == 0 || digits > 9) throw bad;
    int64_t count = std::stoll(text.substr(digits_start, digits));
    skip_spaces();
    size_t unit_start = pos;
    while (pos < text.size() && std::islower(static_cast<unsigned char>(text[pos]))) ++pos;
    int64_t unit = seconds_per_unit(text.substr(unit_start, pos - unit_start));
    skip_spaces();
    if (pos != text.size() || unit == 0 || count < 1 || count > kMaxDurationCount) throw bad;
    return count * unit;
}

int64_t parse_serve_stale_seconds(const nlohmann::json& value, const std::string& path) {
    // false turns it off for this source when quarry.serve_stale is on for the others; a
    // duration of 0 does not parse (as for cache_ttl), so false is the way to say "never".
    if (value.is_boolean()) {
        if (!value.get<bool>()) return 0;
        throw invalid(path, "must be a duration (e.g. \"1 hour\") or false");
    }
    return parse_duration_seconds(value, path);
}

SourceOptions parse_source_options(const nlohmann::json& options) {
    if (!options.is_object()) throw invalid("options", "must be a JSON object");
    SourceOptions parsed;
    for (const auto& [key, value] : options.items()) {
        if (key == "time_column") {
            parsed.time_column = string_value(value, "options.time_column");
            parsed.stored[key] = value;
        } else if (key == "formulas") {
            parsed.formulas = parse_formulas(value);
        } else if (key == "cache_ttl") {
            parse_duration_seconds(value, "options.cache_ttl");
            parsed.stored[key] = value;
        } else if (key == "serve_stale") {
            parse_serve_stale_seconds(value, "options.serve_stale");
            parsed.stored[key] = value;
        } else if (key == "refresh_key") {
            parsed.stored[key] = parse_refresh_key(value);
        } else {
            throw invalid("options", "unknown option " + quote_for_message(key));
        }
    }
    return parsed;
}

void check_source_name(const std::string& name) { check_name(name, "name", "a source"); }

void check_formula_name(const SourceInfo& source, const std::string& name) {
    check_name(name, "formulas", "a formula");
    const std::string path = "formulas." + name;
    if (name.find_first_of("[]") != std::string::npos) {
        throw invalid(path, "a formula name cannot contain [ or ]");
    }
    if (source.find_column(name) != nullptr) {
        throw Error(sqlstate::kDuplicateObject, path + ": " + quote_for_message(source.name) +
                                                    " has a column named " +
                                                    quote_for_message(name));
    }
}

void check_time_column(const SourceInfo& source) {
    const std::string& name = source.time_column;
    const ColumnInfo* column = source.find_column(name);
    if (column == nullptr) {
        throw spec_error("options.time_column", "unknown column " + quote_for_message(name),
                         sqlstate::kUndefinedColumn);
    }
    if (!is_temporal(column->type)) {
        throw invalid("options.time_column", "column " + quote_for_message(name) + " has type " +
                                                 std::string(type_name(column->type)) +
                                                 ", not a date or timestamp");
    }
}

void check_formulas(const SourceInfo& source, Instant now) {
    FormulaContext context = formula_context(source, now);
    for (const auto& [name, formula] : source.formulas) {
        compile_formula(formula, context, "formulas." + name);
    }
}

void put_formula(SourceInfo& source, const std::string& name, const std::string& formula) {
    auto& formulas = source.formulas;
    auto at = std::lower_bound(
        formulas.begin(), formulas.end(), name,
        [](const auto& entry, const std::string& key) { return entry.first < key; });
    if (at != formulas.end() && at->first == name) {
        at->second = formula;
    } else {
        formulas.insert(at, {name, formula});
    }
}

bool remove_formula(SourceInfo& source, const std::string& name) {
    auto& formulas = source.formulas;
    auto at = std::find_if(formulas.begin(), formulas.end(),
                           [&](const auto& entry) { return entry.first == name; });
    if (at == formulas.end()) return false;
    formulas.erase(at);
    return true;
}

std::vector<std::string> broken_formulas(const SourceInfo& source, Instant now) {
    FormulaContext context = formula_context(source, now);
    std::vector<std::string> broken;
    for (const auto& [name, formula] : source.formulas) {
        try {
            compile_formula(formula, context, "formulas." + name);
        } catch (const Error&) {
            broken.push_back(name);
        }
    }
    return broken;
}

}  // namespace quarry
