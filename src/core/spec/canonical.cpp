// The canonical form of a resolved spec and its hash: the identity of a result for caching and
// for running identical specs once. Equal specs written differently canonicalize equal.
#include <algorithm>
#include <charconv>

#include "common/text.hpp"
#include "spec/compiler.hpp"

namespace quarry::spec_detail {

namespace {

bool is_identifier_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_identifier_char(char c) { return is_identifier_start(c) || (c >= '0' && c <= '9'); }

// Scans a formula's names (bare identifiers and [bracketed names], outside string literals).
// Reports a call of now() or today(), and collects the other names.
bool scan_formula(std::string_view text, std::vector<std::string_view>& names) {
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
            names.push_back(text.substr(i + 1, end - i - 1));
            i = end + 1;
        } else if (is_identifier_start(c)) {
            const size_t start = i;
            while (i < text.size() && is_identifier_char(text[i])) ++i;
            const std::string_view name = text.substr(start, i - start);
            size_t j = i;
            while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n')) ++j;
            const bool call = j < text.size() && text[j] == '(';
            if (!call) {
                names.push_back(name);
            } else if (equals_ignoring_ascii_case(name, "now") ||
                       equals_ignoring_ascii_case(name, "today")) {
                return true;
            }
        } else {
            ++i;
        }
    }
    return false;
}

// Compact JSON with object keys in the order nlohmann keeps them (sorted). Written by hand:
// the library's serializer validates UTF-8 byte by byte, which the canonical form does not
// need (the text came from JSON).
void write_json(std::string& out, const json& v);

void write_string(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    // Runs of plain bytes are appended whole; a table says which bytes are not plain.
    static constexpr struct Escaped {
        bool byte[256] = {};
        constexpr Escaped() {
            for (int c = 0; c < 0x20; ++c) byte[c] = true;
            byte[static_cast<unsigned char>('"')] = true;
            byte[static_cast<unsigned char>('\\')] = true;
        }
    } kEscaped;
    size_t run_start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (!kEscaped.byte[static_cast<unsigned char>(c)]) continue;
        out.append(s.data() + run_start, i - run_start);
        run_start = i + 1;
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else {
            out += "\\u00";
            out += kHex[(c >> 4) & 0xf];
            out += kHex[c & 0xf];
        }
    }
    out.append(s.data() + run_start, s.size() - run_start);
    out += '"';
}

template <typename T>
void write_number(std::string& out, T v) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

void write_json(std::string& out, const json& v) {
    switch (v.type()) {
        case json::value_t::object: {
            out += '{';
            bool first = true;
            for (auto it = v.begin(); it != v.end(); ++it) {
                if (!first) out += ',';
                first = false;
                write_string(out, it.key());
                out += ':';
                write_json(out, it.value());
            }
            out += '}';
            return;
        }
        case json::value_t::array: {
            out += '[';
            for (size_t i = 0; i < v.size(); ++i) {
                if (i > 0) out += ',';
                write_json(out, v[i]);
            }
            out += ']';
            return;
        }
        case json::value_t::string:
            write_string(out, v.get_ref<const std::string&>());
            return;
        case json::value_t::boolean:
            out += v.get<bool>() ? "true" : "false";
            return;
        case json::value_t::number_integer:
            write_number(out, v.get<int64_t>());
            return;
        case json::value_t::number_unsigned:
            write_number(out, v.get<uint64_t>());
            return;
        case json::value_t::number_float:
            write_number(out, v.get<double>());
            return;
        case json::value_t::null:
        case json::value_t::binary:
        case json::value_t::discarded:
            out += "null";
            return;
    }
}

void write_key(std::string& out, std::string_view key) {
    if (out.size() > 1) out += ',';
    write_string(out, key);
    out += ':';
}

// The time block without the range's original text: a relative range and the same explicit
// bounds mean the same.
void write_time(std::string& out, const json& time) {
    out += '{';
    bool first = true;
    for (auto it = time.begin(); it != time.end(); ++it) {
        if (!first) out += ',';
        first = false;
        write_string(out, it.key());
        out += ':';
        if (it.key() == "range") {
            out += "{\"from\":";
            write_json(out, it.value().at("from"));
            out += ",\"to\":";
            write_json(out, it.value().at("to"));
            out += '}';
        } else {
            write_json(out, it.value());
        }
    }
    out += '}';
}

// AND-ed filters in a canonical order.
void write_filters(std::string& out, const json& filters) {
    std::vector<std::string> items(filters.size());
    for (size_t i = 0; i < filters.size(); ++i) write_json(items[i], filters[i]);
    std::sort(items.begin(), items.end());
    out += '[';
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ',';
        out += items[i];
    }
    out += ']';
}

}  // namespace

bool uses_now(const std::vector<std::string_view>& formulas,
              const std::vector<std::string_view>& names, const SourceInfo& source) {
    std::vector<std::string_view> pending(names);
    for (std::string_view f : formulas) {
        if (scan_formula(f, pending)) return true;
    }
    // Follow the stored formulas the spec reaches, each once.
    std::vector<const std::string*> seen;
    while (!pending.empty()) {
        const std::string_view name = pending.back();
        pending.pop_back();
        for (const auto& [stored_name, text] : source.formulas) {
            if (!equals_ignoring_ascii_case(stored_name, name)) continue;
            if (std::find(seen.begin(), seen.end(), &text) != seen.end()) continue;
            seen.push_back(&text);
            if (scan_formula(text, pending)) return true;
        }
    }
    return false;
}

std::string canonical_text(const json& resolved, const Instant* now) {
    std::string out = "{";
    out.reserve(1024);
    bool now_written = now == nullptr;
    auto write_now = [&] {
        write_key(out, "now");
        write_string(out, format_instant(*now));
        now_written = true;
    };
    for (auto it = resolved.begin(); it != resolved.end(); ++it) {
        const std::string& key = it.key();
        if (!now_written && key > "now") write_now();
        // Options say how to serve a result, not what it is (now is written above when the
        // result depends on it).
        if (key == "options") continue;
        write_key(out, key);
        if (key == "filters") {
            write_filters(out, it.value());
        } else if (key == "time") {
            write_time(out, it.value());
        } else {
            write_json(out, it.value());
        }
    }
    if (!now_written) write_now();
    out += '}';
    return out;
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
    if (!ctx_.describe) return;
    const bool depends_on_now = uses_now(formulas_used_, names_used_, *out_.source);
    out_.canonical = canonical_text(out_.resolved, depends_on_now ? &out_.now : nullptr);
    out_.hash = fnv1a_hex(out_.canonical);
}

}  // namespace quarry::spec_detail
