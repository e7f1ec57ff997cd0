#include "text.hpp"

#include <cstdint>

namespace quarry::remote {

std::string redact_secret(std::string_view text, std::string_view secret) {
    std::string out;
    if (secret.size() < kMinRedactedSecret) return std::string(text);
    out.reserve(text.size());
    size_t from = 0;
    for (size_t at = text.find(secret); at != std::string_view::npos;
         at = text.find(secret, from)) {
        out.append(text.substr(from, at - from));
        out += "********";
        from = at + secret.size();
    }
    out.append(text.substr(from));
    return out;
}

std::string bit_to_decimal(std::string_view bytes) {
    uint64_t v = 0;
    for (const char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
    return std::to_string(v);
}

namespace {

bool is_zero_pair(std::string_view text, size_t at) {
    return text.size() >= at + 2 && text[at] == '0' && text[at + 1] == '0';
}

}  // namespace

bool has_zero_date_part(std::string_view text) {
    // YYYY-MM-DD: the month at 5, the day at 8.
    if (text.size() < 10 || text[4] != '-' || text[7] != '-') return false;
    return is_zero_pair(text, 5) || is_zero_pair(text, 8);
}

std::string_view trim_message(std::string_view message) {
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ' ||
                                message.back() == '\r' || message.back() == '\t')) {
        message.remove_suffix(1);
    }
    return message;
}

}  // namespace quarry::remote
