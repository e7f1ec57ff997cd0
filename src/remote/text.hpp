// Small pure text transformations of src/remote, unit-tested without a server.
#pragma once

#include <string>
#include <string_view>

namespace quarry::remote {

// `text` with every occurrence of `secret` replaced by "********". Secrets shorter than
// kMinRedactedSecret bytes are left alone: replacing every "a" in a message would destroy it
// and still leak the secret's length (validate_options does not reject short passwords; the
// remote does).
inline constexpr size_t kMinRedactedSecret = 4;
std::string redact_secret(std::string_view text, std::string_view secret);

// A MySQL BIT(n) value as the text protocol sends it (ceil(n/8) bytes, most significant first)
// in decimal: "\x02\x01" -> "513". At most 8 bytes (BIT(64)).
std::string bit_to_decimal(std::string_view bytes);

// Whether a MySQL DATE/DATETIME/TIMESTAMP text ("YYYY-MM-DD[ hh:mm:ss[.ffffff]]") has a zero
// month or day: the zero date 0000-00-00 and the partial dates NO_ZERO_IN_DATE forbids, which
// name no day of any calendar. Such values are read as NULL (see mysql.cpp).
bool has_zero_date_part(std::string_view text);

// A client library message without its trailing newlines and spaces (libpq ends its messages
// with "\n").
std::string_view trim_message(std::string_view message);

}  // namespace quarry::remote
