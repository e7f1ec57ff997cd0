// The canonical form of a resolved spec and its hash: the identity of a result for caching and
// for running identical specs once. Equal specs written differently canonicalize equal.
#include <algorithm>
#include <unordered_set>

#include "spec/compiler.hpp"

namespace quarry::spec_detail {

namespace {

bool is_identifier_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_identifier_char(char c) { return is_identifier_start(c) || (c >= '0' && c <= '9'); }

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    return out;
}

// Scans a formula's names (bare identifiers and [bracketed names], outside string literals).
// Reports a call of now() or today(), and collects the other names, lower-cased.
bool scan_formula(std::string_view text, std::vector<std::string>& names) {
    size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '\'' || c == '"') {
            // A literal; a doubled quote stays inside it.
            for (++i; i < text.size(); ++i) {
                if (text[i] == c) {
                    if (i + 1 < text.size() && text[i + 1] == c) {
                        ++i;
                    } else {
                        break;
                    }
                }
            }
            ++i;
        } else if (c == '[') {
            const size_t close = text.find(']', i);
            const size_t end = close == std::string_view::npos ? text.size() : close;
            names.push_back(lower(text.substr(i + 1, end - i - 1)));
            i = end + 1;
        } else if (is_identifier_start(c)) {
            const size_t start = i;
            while (i < text.size() && is_identifier_char(text[i])) ++i;
            std::string name = lower(text.substr(start, i - start));
            size_t j = i;
            while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n')) ++j;
            const bool call = j < text.size() && text[j] == '(';
            if (call && (name == "now" || name == "today")) return true;
            if (!call) names.push_back(std::move(name));
        } else {
            ++i;
        }
    }
    return false;
}

void append_entry(std::string& out, std::string_view key, const std::string& value) {
    out += out.size() > 1 ? "," : "";
    out += json(key).dump();
    out += ':';
    out += value;
}

// The time block without the range's original text: a relative range and the same explicit
// bounds mean the same.
std::string canonical_time(const json& time) {
    std::string out = "{";
    for (auto it = time.begin(); it != time.end(); ++it) {
        if (it.key() == "range") {
            const json& r = it.value();
            append_entry(out, "range",
                         "{\"from\":" + r.at("from").dump() + ",\"to\":" + r.at("to").dump() + "}");
        } else {
            append_entry(out, it.key(), it.value().dump());
        }
    }
    return out + "}";
}

// AND-ed filters in a canonical order.
std::string canonical_filters(const json& filters) {
    std::vector<std::string> items;
    items.reserve(filters.size());
    for (const json& f : filters) items.push_back(f.dump());
    std::sort(items.begin(), items.end());
    std::string out = "[";
    for (const std::string& item : items) {
        if (out.size() > 1) out += ',';
        out += item;
    }
    return out + "]";
}

}  // namespace

bool uses_now(const std::vector<std::string_view>& formulas,
              const std::vector<std::string_view>& names, const SourceInfo& source) {
    std::vector<std::string> pending;
    for (std::string_view n : names) pending.push_back(lower(n));
    for (std::string_view f : formulas) {
        if (scan_formula(f, pending)) return true;
    }
    // Follow the stored formulas the spec reaches, each once.
    std::unordered_set<std::string> seen;
    while (!pending.empty()) {
        std::string name = std::move(pending.back());
        pending.pop_back();
        if (!seen.insert(name).second) continue;
        for (const auto& [stored_name, text] : source.formulas) {
            if (lower(stored_name) == name && scan_formula(text, pending)) return true;
        }
    }
    return false;
}

std::string canonical_text(const json& resolved, const Instant* now) {
    std::string out = "{";
    bool now_written = now == nullptr;
    auto write_now = [&] {
        append_entry(out, "now", json(format_instant(*now)).dump());
        now_written = true;
    };
    for (auto it = resolved.begin(); it != resolved.end(); ++it) {
        const std::string& key = it.key();
        if (!now_written && key > "now") write_now();
        // Options say how to serve a result, not what it is (now is written above when the
        // result depends on it).
        if (key == "options") continue;
        if (key == "filters") {
            append_entry(out, key, canonical_filters(it.value()));
        } else if (key == "time") {
            append_entry(out, key, canonical_time(it.value()));
        } else {
            append_entry(out, key, it.value().dump());
        }
    }
    if (!now_written) write_now();
    return out + "}";
}

std::string fnv1a_hex(std::string_view text) {
    uint64_t h = 14695981039346656037ULL;
    for (char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4) out[i] = kHex[h & 0xf];
    return out;
}

void SpecCompiler::finish_canonical() {
    const bool depends_on_now = uses_now(formulas_used_, names_used_, out_.source);
    out_.canonical = canonical_text(out_.resolved, depends_on_now ? &out_.now : nullptr);
    out_.hash = fnv1a_hex(out_.canonical);
}

}  // namespace quarry::spec_detail
