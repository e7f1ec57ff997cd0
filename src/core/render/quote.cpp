#include "render/quote.hpp"

#include "common/error.hpp"

namespace quarry::quote {

namespace {

void check_identifier(std::string_view ident) {
    if (ident.empty()) {
        throw Error(sqlstate::kInvalidParameterValue, "an identifier must not be empty");
    }
}

void reject_nul(std::string_view text, const char* what) {
    if (text.find('\0') != std::string_view::npos) {
        throw Error(sqlstate::kInvalidParameterValue,
                    std::string(what) + " must not contain a NUL byte");
    }
}

// Appends `text` between `quote` characters, doubling `quote` and, when `escape` is not 0,
// doubling `escape` too. `what` names the text in the error on a NUL byte.
void delimited(std::string& out, std::string_view text, char quote, char escape, const char* what) {
    // Most text holds none of the bytes that need care: one pass finds out, and it is appended
    // whole.
    size_t clean = 0;
    while (clean < text.size()) {
        const char c = text[clean];
        if (c == quote || c == '\0' || (escape != 0 && c == escape)) break;
        ++clean;
    }
    if (clean == text.size()) {
        out += quote;
        out.append(text.data(), text.size());
        out += quote;
        return;
    }
    reject_nul(text, what);
    // No reserve here: an exact reserve per call would defeat the string's geometric growth.
    out += quote;
    size_t run_start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == quote || (escape != 0 && c == escape)) {
            out.append(text.data() + run_start, i - run_start + 1);
            out += c;
            run_start = i + 1;
        }
    }
    out.append(text.data() + run_start, text.size() - run_start);
    out += quote;
}

}  // namespace

void standard_identifier(std::string& out, std::string_view ident) {
    check_identifier(ident);
    delimited(out, ident, '"', 0, "an identifier");
}

void standard_string(std::string& out, std::string_view text) {
    delimited(out, text, '\'', 0, "a string");
}

void backslash_escaped_string(std::string& out, std::string_view text) {
    delimited(out, text, '\'', '\\', "a string");
}

void mysql_identifier(std::string& out, std::string_view ident) {
    check_identifier(ident);
    delimited(out, ident, '`', 0, "an identifier");
}

void mysql_string(std::string& out, std::string_view text) {
    reject_nul(text, "a string");
    if (text.find('\\') == std::string_view::npos) {
        delimited(out, text, '\'', 0, "a string");
        return;
    }
    static constexpr char kHex[] = "0123456789ABCDEF";
    out += "_utf8mb4 X'";
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        out += kHex[byte >> 4];
        out += kHex[byte & 0x0F];
    }
    out += '\'';
}

std::string like_escape(std::string_view text) {
    std::string pattern;
    pattern.reserve(text.size() + 4);
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
    }
    return pattern;
}

}  // namespace quarry::quote
