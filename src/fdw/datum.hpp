// Remote values -> Datums of the local column types.
//
// The remote hands every value as exact text (remote/connection.hpp, ValueKind); a converter,
// made once per result column, turns it into a Datum of the local column's type and typmod in
// CurrentMemoryContext. The converter holds no pointer into PostgreSQL memory, so it may be made
// in any memory context (the executor's per-tuple one included). The constructor chooses one
// conversion path for the (remote kind, local type) pair; convert() then only runs that path. The
// common paths (int2/int4/int8, float8, boolean, text/varchar, bytea, date, timestamp, timestamptz,
// MySQL TIME into time or interval) are done here without the type's input function, and without a
// PostgreSQL call at all for the by-value types; numeric, json/jsonb, bit strings and everything
// else go through the type's input function. Conversions that need more than the input function:
//  - MySQL BIT(n) (an unsigned integer in decimal) into bit(n)/varbit: the n-bit string;
//  - MySQL TINYINT(1) and BIT into boolean: 0 and 1 (anything else is an error, as boolin's);
//  - MySQL binary strings into bytea: the raw bytes (never through byteain); PostgreSQL bytea
//    ("\x..." hex) decoded;
//  - a remote wall-clock timestamp (MySQL DATETIME, PostgreSQL timestamp) or date into
//    timestamptz: taken as UTC, as the renderers assume (never the session's time zone); a
//    remote instant into a local timestamp: its UTC wall clock;
//  - MySQL TIME (a duration, -838:59:59 .. 838:59:59) into interval; into time only when it is
//    a time of day (00:00:00 .. 24:00:00), else 22008.
// Text is checked to be valid in the database encoding (UTF-8 from the remote, converted when
// the database has another encoding); a NUL byte is an error, never a cut value.
//
// A value the local type cannot hold is an ERROR with the input function's SQLSTATE (22P02
// syntax, 22003 out of range, 22007/22008 dates and times, 22001 too long, 22021 encoding,
// 22026 bit length), never a silently different value; its context names the column, the
// foreign table when known, and the remote type. The local column's type modifier applies as
// on INSERT (numeric(p,s) rounds to s digits and fails beyond p, timestamp(p) rounds).
#pragma once

#include "fdw.hpp"

namespace quarry::fdw {

class DatumConverter {
public:
    // `column_name`: the local name, for messages; `table_name`: the foreign table, for messages
    // (optional).
    DatumConverter(const remote::Column& remote, Oid local_type, int32 local_typmod,
                   std::string column_name, std::string table_name = {});
    // The Datum for `value` (palloc'd in CurrentMemoryContext when by reference); *is_null set.
    Datum convert(remote::Value value, bool* is_null) const;

private:
    // How values are converted; chosen once by the constructor.
    enum class Path : uint8_t {
        Int2,
        Int4,
        Int8,
        IntFromBool,  // PostgreSQL boolean into an integer type: t = 1, f = 0
        Float8,
        Bool,      // "t"/"f" and "1"/"0"
        Text,      // text, varchar without a length, name-like text
        Varchar,   // varchar(n): fast when the bytes fit, else varchar_in's check
        ByteaRaw,  // MySQL binary string: the bytes
        ByteaHex,  // PostgreSQL bytea text: \x hex
        Date,
        Timestamp,           // a wall clock into timestamp
        TimestampUtc,        // a wall clock into timestamptz, taken as UTC
        TimestampTz,         // an instant ("...+00") into timestamptz
        TimestampOfInstant,  // an instant into timestamp: its UTC wall clock
        Time,                // a time of day or a MySQL TIME into time
        IntervalOfTime,      // a MySQL TIME (duration) into interval
        BitString,           // a MySQL BIT value (decimal) into bit(n)/varbit
        Input,               // the local type's input function
    };

    Datum convert_int(const char* data, size_t size, int64 min, int64 max) const;
    Datum convert_text(const char* data, size_t size) const;
    Datum convert_bytea_hex(const char* data, size_t size) const;
    Datum convert_bit_string(const char* data, size_t size) const;
    // The input function (input_, or direct_input_ when set) on the value's text; errors carry
    // the column's context.
    Datum input(const char* data, size_t size) const;
    // The value as a NUL-terminated string in the database encoding, in `stack` when it fits.
    const char* server_cstring(const char* data, size_t size, char* stack, size_t stack_size) const;
    // Raises `sqlstate` with errmsg `message` (which names the value), in the column's context.
    [[noreturn]] void fail(int code, const char* message, const char* hint = nullptr) const;
    [[noreturn]] void out_of_range(const char* data, size_t size, const char* type_name) const;

    static void error_context(void* arg);

    Path path_ = Path::Input;
    remote::ValueKind kind_;
    Oid type_;
    int32 typmod_;
    int bit_width_ = 0;          // BitString: the remote BIT(n)'s n, 0 when unknown
    bool utf8_database_ = true;  // the database encoding is UTF-8: remote text needs no conversion
    Oid input_param_ = InvalidOid;
    std::string column_name_;
    std::string table_name_;
    std::string remote_type_;
    // The input function, looked up once by the constructor; copied per call (see input()).
    FmgrInfo input_{};
    PGFunction direct_input_ = nullptr;  // overrides input_ (timestamp reinterpretations)
};

}  // namespace quarry::fdw
