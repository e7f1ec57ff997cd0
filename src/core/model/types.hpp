// The value types of the query model. Sources map their column types onto these
// (the extension from pg_type, the FDW from the remote catalog).
#pragma once

#include <cstdint>
#include <string_view>

#include "common/firewall.hpp"

namespace quarry {

enum class Type : uint8_t {
    Unknown,  // a NULL literal before coercion
    Boolean,
    Integer,  // 64-bit; sums of integers are exact (rendered wide enough per dialect)
    Numeric,  // exact decimal
    Double,   // IEEE double
    Text,
    Date,
    Timestamp,    // wall-clock timestamp without zone: what formulas compute with
    TimestampTz,  // an instant (PostgreSQL timestamptz; timestamp/DATETIME columns hold UTC)
};

// What a column's declaration tells the renderers, where its source knows it: the bounds of its
// declared (local) type, and how the remote stores it. Renderers pick cheaper forms that are
// exact for values within the bounds (a remote value outside them could not be read into the
// local column anyway), and the forms that keep stored bytes exact.
struct ColumnBounds {
    int32_t max_chars = 0;      // text: n of varchar(n)/char(n); 0: unbounded or unknown
    bool blank_padded = false;  // text: char(n), whose values are padded with spaces to n
    bool int32_values = false;  // integer: smallint/integer, every value fits in 32 bits
    // text: the remote stores the column in a character set whose bytes are not UTF-8 (a MySQL
    // latin1 column; quarry_fdw's column option charset), so its bytes are not code points
    bool other_charset = false;
};

std::string_view type_name(Type t);  // "integer", "text", ... (the names of quarry.run's "type")

inline bool is_numeric(Type t) {
    return t == Type::Integer || t == Type::Numeric || t == Type::Double;
}
inline bool is_temporal(Type t) {
    return t == Type::Date || t == Type::Timestamp || t == Type::TimestampTz;
}

// Units of date_trunc / date_add / date_diff and of time grains.
enum class TimeUnit : uint8_t { Minute, Hour, Day, Week, Month, Quarter, Year };

std::string_view time_unit_name(TimeUnit u);  // "minute" ... "year"
// Accepts singular and plural, case-insensitive ("months" -> Month). Returns false if unknown.
bool parse_time_unit(std::string_view text, TimeUnit& out);

}  // namespace quarry
