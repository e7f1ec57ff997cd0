// Remote values -> Datums; see datum.hpp for what each conversion does.
//
// Per value, convert() runs one path chosen by the constructor. The fast paths parse the
// remote's text here (pure C++ on the value's bytes, no allocation for the by-value types, a
// palloc_extended(MCXT_ALLOC_NO_OOM) for text and bytea), and hand anything they do not
// recognise to the type's input function, which then accepts it or raises the proper error.
// Every PostgreSQL call that may elog(ERROR) runs in pg::pg_call with an error context callback
// naming the column; nothing here allocates C++ heap memory per value.
#include "datum.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

namespace quarry::fdw {

namespace {

using remote::ValueKind;

// Values shorter than this are NUL-terminated on the stack for the input functions.
constexpr size_t kStackText = 128;
// Digits of a fraction of a second that PostgreSQL keeps (microseconds).
constexpr int kMaxFractionDigits = 6;
// The longest bit string a MySQL BIT(n) holds.
constexpr int kMaxBitWidth = 64;
constexpr int kMinutesPerHour = 60;
constexpr int kSecondsPerMinute = 60;
constexpr int kMonthsPerYear = 12;
constexpr int kMaxYear = 9999;  // 4-digit years only; the rest goes to the input functions
// Hours of a duration this parser takes (MySQL TIME goes to 838).
constexpr int64 kMaxDurationHours = 100000000;

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Exactly `n` digits at data[at..]; -1 otherwise.
int fixed_digits(const char* data, size_t size, size_t at, size_t n) {
    if (at + n > size) return -1;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
        const char c = data[at + i];
        if (!is_digit(c)) return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

enum class IntParse { Ok, Syntax, Overflow };

// [+-]digits, the whole text; out of int64 -> Overflow (the value is then not in *out).
IntParse parse_int64(const char* data, size_t size, int64* out) {
    size_t i = 0;
    bool negative = false;
    if (size > 0 && (data[0] == '-' || data[0] == '+')) {
        negative = data[0] == '-';
        i = 1;
    }
    if (i == size) return IntParse::Syntax;
    uint64 magnitude = 0;
    bool overflow = false;
    constexpr uint64 kLimit = static_cast<uint64>(PG_INT64_MAX) + 1;  // |INT64_MIN|
    for (; i < size; ++i) {
        const char c = data[i];
        if (!is_digit(c)) return IntParse::Syntax;
        const auto digit = static_cast<uint64>(c - '0');
        if (magnitude > (kLimit - digit) / 10) overflow = true;
        if (!overflow) magnitude = magnitude * 10 + digit;
    }
    if (overflow) return IntParse::Overflow;
    if (negative) {
        *out = magnitude == kLimit ? PG_INT64_MIN : -static_cast<int64>(magnitude);
    } else {
        if (magnitude == kLimit) return IntParse::Overflow;
        *out = static_cast<int64>(magnitude);
    }
    return IntParse::Ok;
}

// Unsigned decimal digits, the whole text, into uint64; false on syntax or overflow.
bool parse_uint64(const char* data, size_t size, uint64* out) {
    if (size == 0) return false;
    uint64 v = 0;
    for (size_t i = 0; i < size; ++i) {
        if (!is_digit(data[i])) return false;
        const auto digit = static_cast<uint64>(data[i] - '0');
        if (v > (PG_UINT64_MAX - digit) / 10) return false;
        v = v * 10 + digit;
    }
    *out = v;
    return true;
}

// ".f{1,6}" at data[at..]: microseconds into *usec, digits into *digits; the position after
// it. No fraction: `at` unchanged. More than 6 digits: npos (left to the input function).
size_t parse_fraction(const char* data, size_t size, size_t at, int64* usec, int* digits) {
    *usec = 0;
    *digits = 0;
    if (at >= size || data[at] != '.') return at;
    size_t i = at + 1;
    int64 v = 0;
    int n = 0;
    while (i < size && is_digit(data[i])) {
        if (n == kMaxFractionDigits) return std::string::npos;
        v = v * 10 + (data[i] - '0');
        ++n;
        ++i;
    }
    if (n == 0) return std::string::npos;
    *digits = n;
    for (int k = n; k < kMaxFractionDigits; ++k) v *= 10;
    *usec = v;
    return i;
}

// "YYYY-MM-DD" at the start, a day of years 1..9999: its PostgreSQL date (days from
// 2000-01-01). False for anything else (BC, 5-digit years, year 0, infinity, bad days).
bool parse_date(const char* data, size_t size, int32* date) {
    if (size < 10 || data[4] != '-' || data[7] != '-') return false;
    const int year = fixed_digits(data, size, 0, 4);
    const int month = fixed_digits(data, size, 5, 2);
    const int day = fixed_digits(data, size, 8, 2);
    if (year < 1 || year > kMaxYear || month < 1 || month > kMonthsPerYear || day < 1) return false;
    if (day > day_tab[isleap(year) ? 1 : 0][month - 1]) return false;
    *date = date2j(year, month, day) - POSTGRES_EPOCH_JDATE;
    return true;
}

// "YYYY-MM-DD[ hh:mm:ss[.ffffff]]" followed by exactly `suffix`: microseconds from
// 2000-01-01 00:00:00 and the fraction's digits. False for anything else.
bool parse_timestamp(const char* data, size_t size, std::string_view suffix, int64* result,
                     int* digits) {
    if (size < suffix.size() ||
        std::string_view(data + size - suffix.size(), suffix.size()) != suffix) {
        return false;
    }
    size -= suffix.size();
    int32 date = 0;
    if (!parse_date(data, size, &date)) return false;
    *digits = 0;
    int64 time = 0;
    if (size > 10) {
        if (size < 19 || data[10] != ' ' || data[13] != ':' || data[16] != ':') return false;
        const int hour = fixed_digits(data, size, 11, 2);
        const int minute = fixed_digits(data, size, 14, 2);
        const int second = fixed_digits(data, size, 17, 2);
        if (hour < 0 || hour > 23 || minute < 0 || minute >= kMinutesPerHour || second < 0 ||
            second >= kSecondsPerMinute) {
            return false;
        }
        int64 fraction = 0;
        if (parse_fraction(data, size, 19, &fraction, digits) != size) return false;
        time =
            ((static_cast<int64>(hour) * kMinutesPerHour + minute) * kSecondsPerMinute + second) *
                USECS_PER_SEC +
            fraction;
    }
    *result = static_cast<int64>(date) * USECS_PER_DAY + time;
    return true;
}

// "[-]h+:mm:ss[.ffffff]" (MySQL TIME, PostgreSQL time): the magnitude in microseconds.
bool parse_duration(const char* data, size_t size, bool* negative, int64* usec, int* digits) {
    size_t i = 0;
    *negative = size > 0 && data[0] == '-';
    if (*negative) i = 1;
    int64 hours = 0;
    const size_t hours_start = i;
    while (i < size && is_digit(data[i])) {
        hours = hours * 10 + (data[i] - '0');
        if (hours > kMaxDurationHours) return false;
        ++i;
    }
    if (i == hours_start || i + 6 > size || data[i] != ':' || data[i + 3] != ':') return false;
    const int minute = fixed_digits(data, size, i + 1, 2);
    const int second = fixed_digits(data, size, i + 4, 2);
    if (minute < 0 || minute >= kMinutesPerHour || second < 0 || second >= kSecondsPerMinute) {
        return false;
    }
    int64 fraction = 0;
    if (parse_fraction(data, size, i + 6, &fraction, digits) != size) return false;
    *usec = ((hours * kMinutesPerHour + minute) * kSecondsPerMinute + second) * USECS_PER_SEC +
            fraction;
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A varlena of `payload` bytes in CurrentMemoryContext, without a PostgreSQL error: null when
// the size is not allocatable (the caller raises), std::bad_alloc when memory is short.
bytea* allocate_varlena(size_t payload) {
    if (payload > MaxAllocSize - VARHDRSZ) return nullptr;
    void* p = palloc_extended(payload + VARHDRSZ, MCXT_ALLOC_NO_OOM);
    if (p == nullptr) throw std::bad_alloc();
    auto* v = static_cast<bytea*>(p);
    SET_VARSIZE(v, payload + VARHDRSZ);
    return v;
}

// The remote kinds whose text the remote formats itself: ASCII, no encoding check needed.
bool is_formatted_kind(ValueKind kind) {
    switch (kind) {
        case ValueKind::Boolean:
        case ValueKind::Integer:
        case ValueKind::Unsigned:
        case ValueKind::Numeric:
        case ValueKind::Float:
        case ValueKind::Bit:
        case ValueKind::Date:
        case ValueKind::Time:
        case ValueKind::Timestamp:
        case ValueKind::TimestampTz:
        case ValueKind::Interval:
            return true;
        case ValueKind::Text:
        case ValueKind::Bytes:
        case ValueKind::Json:
        case ValueKind::Other:
            return false;
    }
    return false;
}

// n of a MySQL "bit(n)"; 0 when the name says nothing.
int bit_width_of(const std::string& type_name) {
    if (type_name.rfind("bit(", 0) != 0) return 0;
    int n = 0;
    for (size_t i = 4; i < type_name.size() && is_digit(type_name[i]); ++i) {
        n = n * 10 + (type_name[i] - '0');
        if (n > kMaxBitWidth) return 0;
    }
    return n;
}

}  // namespace

DatumConverter::DatumConverter(const remote::Column& remote, Oid local_type, int32 local_typmod,
                               std::string column_name, std::string table_name)
    : kind_(remote.kind),
      type_(local_type),
      typmod_(local_typmod),
      column_name_(std::move(column_name)),
      table_name_(std::move(table_name)),
      remote_type_(remote.type_name) {
    Oid input = InvalidOid;
    Oid param = InvalidOid;
    pg::pg_call([local_type, &input, &param] { getTypeInputInfo(local_type, &input, &param); });
    input_param_ = param;
    FmgrInfo* info = &input_;
    pg::pg_call([input, info] { fmgr_info(input, info); });
    utf8_database_ = pg::pg_call([] { return GetDatabaseEncoding(); }) == PG_UTF8;

    const ValueKind kind = remote.kind;
    switch (local_type) {
        case INT2OID:
            path_ = kind == ValueKind::Boolean ? Path::IntFromBool : Path::Int2;
            break;
        case INT4OID:
            path_ = kind == ValueKind::Boolean ? Path::IntFromBool : Path::Int4;
            break;
        case INT8OID:
            path_ = kind == ValueKind::Boolean ? Path::IntFromBool : Path::Int8;
            break;
        case FLOAT8OID:
            path_ = Path::Float8;
            break;
        case BOOLOID:
            path_ = Path::Bool;
            break;
        case TEXTOID:
            path_ = Path::Text;
            break;
        case VARCHAROID:
            path_ = local_typmod < 0 ? Path::Text : Path::Varchar;
            break;
        case BYTEAOID:
            // PostgreSQL's bytea arrives as its hex text; MySQL's binary strings as raw bytes.
            // Other remote kinds (text into bytea) go through byteain, as a cast would.
            if (kind == ValueKind::Bytes) {
                path_ = remote.type_name == "bytea" ? Path::ByteaHex : Path::ByteaRaw;
            }
            break;
        case DATEOID:
            path_ = Path::Date;
            break;
        case TIMESTAMPOID:
            path_ = kind == ValueKind::TimestampTz ? Path::TimestampOfInstant : Path::Timestamp;
            if (path_ == Path::TimestampOfInstant) direct_input_ = timestamptz_in;
            break;
        case TIMESTAMPTZOID:
            if (kind == ValueKind::Timestamp || kind == ValueKind::Date) {
                path_ = Path::TimestampUtc;
                direct_input_ = timestamp_in;
            } else {
                path_ = Path::TimestampTz;
            }
            break;
        case TIMEOID:
            path_ = Path::Time;
            break;
        case INTERVALOID:
            if (kind == ValueKind::Time && local_typmod < 0) path_ = Path::IntervalOfTime;
            break;
        case BITOID:
        case VARBITOID:
            if (kind == ValueKind::Bit) {
                path_ = Path::BitString;
                bit_width_ = bit_width_of(remote.type_name);
            }
            break;
        default:
            break;
    }

    // A MySQL BIT value is a number only to the types that read numbers; through any other
    // input function (bytea, json, dates...) it would silently become something else.
    if (kind == ValueKind::Bit && path_ == Path::Input) {
        switch (local_type) {
            case NUMERICOID:
            case FLOAT4OID:
                break;
            default: {
                const std::string message =
                    "cannot read remote column of type " + remote.type_name + " as type " +
                    pg::pg_call([local_type] { return format_type_be(local_type); });
                fail(ERRCODE_DATATYPE_MISMATCH, message.c_str(),
                     "Declare the column as bit(n), bit varying, an integer type, numeric or "
                     "boolean.");
            }
        }
    }
}

Datum DatumConverter::convert(remote::Value value, bool* is_null) const {
    if (value.data == nullptr) {
        *is_null = true;
        return (Datum)0;
    }
    *is_null = false;
    const char* data = value.data;
    const size_t size = value.size;
    switch (path_) {
        case Path::Int2:
            return convert_int(data, size, PG_INT16_MIN, PG_INT16_MAX);
        case Path::Int4:
            return convert_int(data, size, PG_INT32_MIN, PG_INT32_MAX);
        case Path::Int8:
            return convert_int(data, size, PG_INT64_MIN, PG_INT64_MAX);
        case Path::IntFromBool:
            if (size == 1 && (data[0] == 't' || data[0] == 'f')) {
                return data[0] == 't' ? (Datum)1 : (Datum)0;
            }
            return input(data, size);
        case Path::Float8: {
            if (size > 0 && size < kStackText) {
                char text[kStackText];
                memcpy(text, data, size);
                text[size] = '\0';
                char* end = nullptr;
                errno = 0;
                const double v = strtod(text, &end);
                // Hex floats and "inf"-like spellings strtod takes but float8in may not, and
                // values out of range, are left to float8in.
                if (errno == 0 && end == text + size && !std::isinf(v) &&
                    is_digit(text[size - 1])) {
                    return Float8GetDatum(v);
                }
            }
            return input(data, size);
        }
        case Path::Bool:
            if (size == 1) {
                switch (data[0]) {
                    case 't':
                    case '1':
                        return BoolGetDatum(true);
                    case 'f':
                    case '0':
                        return BoolGetDatum(false);
                    default:
                        break;
                }
            }
            return input(data, size);
        case Path::Text:
            return convert_text(data, size);
        case Path::Varchar:
            // Characters never outnumber bytes: short enough in bytes is short enough.
            if (size <= static_cast<size_t>(typmod_ - VARHDRSZ)) return convert_text(data, size);
            return input(data, size);
        case Path::ByteaRaw: {
            bytea* v = allocate_varlena(size);
            if (v == nullptr) fail(ERRCODE_PROGRAM_LIMIT_EXCEEDED, "value too large for bytea");
            if (size > 0) memcpy(VARDATA(v), data, size);
            return PointerGetDatum(v);
        }
        case Path::ByteaHex:
            return convert_bytea_hex(data, size);
        case Path::Date: {
            int32 date = 0;
            if (size == 10 && parse_date(data, size, &date)) return DateADTGetDatum(date);
            return input(data, size);
        }
        case Path::Timestamp:
        case Path::TimestampUtc:
        case Path::TimestampTz:
        case Path::TimestampOfInstant: {
            const bool instant = path_ == Path::TimestampTz || path_ == Path::TimestampOfInstant;
            int64 ts = 0;
            int digits = 0;
            if (parse_timestamp(data, size, instant ? "+00" : "", &ts, &digits) &&
                (typmod_ < 0 || digits <= typmod_)) {
                return Int64GetDatum(ts);
            }
            return input(data, size);
        }
        case Path::Time: {
            bool negative = false;
            int64 usec = 0;
            int digits = 0;
            if (!parse_duration(data, size, &negative, &usec, &digits)) return input(data, size);
            if (negative || usec > USECS_PER_DAY) {
                // A MySQL TIME is a duration; a time of day it is not.
                out_of_range(data, size, "time without time zone");
            }
            TimeADT time = usec;
            AdjustTimeForTypmod(&time, typmod_);
            return TimeADTGetDatum(time);
        }
        case Path::IntervalOfTime: {
            bool negative = false;
            int64 usec = 0;
            int digits = 0;
            if (!parse_duration(data, size, &negative, &usec, &digits)) return input(data, size);
            void* p = palloc_extended(sizeof(Interval), MCXT_ALLOC_NO_OOM);
            if (p == nullptr) throw std::bad_alloc();
            auto* interval = static_cast<Interval*>(p);
            interval->time = negative ? -usec : usec;
            interval->day = 0;
            interval->month = 0;
            return IntervalPGetDatum(interval);
        }
        case Path::BitString:
            return convert_bit_string(data, size);
        case Path::Input:
            return input(data, size);
    }
    return input(data, size);
}

Datum DatumConverter::convert_int(const char* data, size_t size, int64 min, int64 max) const {
    int64 v = 0;
    switch (parse_int64(data, size, &v)) {
        case IntParse::Ok:
            if (v >= min && v <= max) return Int64GetDatum(v);  // the same Datum as Int16/32
            break;
        case IntParse::Overflow:
            break;
        case IntParse::Syntax:
            return input(data, size);  // the input function's error, or its reading
    }
    out_of_range(data, size,
                 max == PG_INT16_MAX   ? "smallint"
                 : max == PG_INT32_MAX ? "integer"
                                       : "bigint");
}

Datum DatumConverter::convert_text(const char* data, size_t size) const {
    if (!utf8_database_) return input(data, size);
    if (size > 0 && !pg_verify_mbstr(PG_UTF8, data, static_cast<int>(size), true)) {
        input(data, size);  // raises the encoding error
    }
    text* v = allocate_varlena(size);
    if (v == nullptr) fail(ERRCODE_PROGRAM_LIMIT_EXCEEDED, "value too large for text");
    if (size > 0) memcpy(VARDATA(v), data, size);
    return PointerGetDatum(v);
}

Datum DatumConverter::convert_bytea_hex(const char* data, size_t size) const {
    if (size < 2 || data[0] != '\\' || data[1] != 'x' || (size - 2) % 2 != 0) {
        return input(data, size);  // the escape format: byteain reads it
    }
    const size_t bytes = (size - 2) / 2;
    bytea* v = allocate_varlena(bytes);
    if (v == nullptr) fail(ERRCODE_PROGRAM_LIMIT_EXCEEDED, "value too large for bytea");
    char* out = VARDATA(v);
    for (size_t i = 0; i < bytes; ++i) {
        const int hi = hex_value(data[2 + 2 * i]);
        const int lo = hex_value(data[3 + 2 * i]);
        if (hi < 0 || lo < 0) {
            pfree(v);
            return input(data, size);
        }
        out[i] = static_cast<char>((hi << 4) | lo);
    }
    return PointerGetDatum(v);
}

Datum DatumConverter::convert_bit_string(const char* data, size_t size) const {
    uint64 v = 0;
    if (!parse_uint64(data, size, &v)) return input(data, size);
    int needed = 1;
    while (needed < kMaxBitWidth && (v >> needed) != 0) ++needed;
    const int width = bit_width_ >= needed ? bit_width_ : needed;
    char bits[kMaxBitWidth + 1];
    for (int i = 0; i < width; ++i) {
        const int shift = width - 1 - i;
        bits[i] = shift < kMaxBitWidth && ((v >> shift) & 1U) != 0 ? '1' : '0';
    }
    bits[width] = '\0';
    // bit_in / varbit_in check the length against bit(n) / varbit(n) (22026).
    return input(bits, static_cast<size_t>(width));
}

const char* DatumConverter::server_cstring(const char* data, size_t size, char* stack,
                                           size_t stack_size) const {
    const bool check = !is_formatted_kind(kind_);
    const DatumConverter* self = this;
    if (check && (!utf8_database_ ||
                  (size > 0 && !pg_verify_mbstr(PG_UTF8, data, static_cast<int>(size), true)))) {
        // Converted (another database encoding) or rejected with the encoding's error.
        char* converted = pg::pg_call([self, data, size] {
            ErrorContextCallback context;
            context.callback = &DatumConverter::error_context;
            context.arg = const_cast<DatumConverter*>(self);
            context.previous = error_context_stack;
            error_context_stack = &context;
            char* out = pg_any_to_server(data, static_cast<int>(size), PG_UTF8);
            error_context_stack = context.previous;
            return out;
        });
        if (converted != data) return converted;  // palloc'd and NUL-terminated
    }
    if (memchr(data, '\0', size) != nullptr) {
        // Formatted kinds never hold one; the check above rejected it for the others.
        fail(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE, "remote value contains a NUL byte");
    }
    if (size < stack_size) {
        memcpy(stack, data, size);
        stack[size] = '\0';
        return stack;
    }
    if (size >= MaxAllocSize) fail(ERRCODE_PROGRAM_LIMIT_EXCEEDED, "remote value too large");
    void* p = palloc_extended(size + 1, MCXT_ALLOC_NO_OOM);
    if (p == nullptr) throw std::bad_alloc();
    auto* copy = static_cast<char*>(p);
    memcpy(copy, data, size);
    copy[size] = '\0';
    return copy;
}

Datum DatumConverter::input(const char* data, size_t size) const {
    char stack[kStackText];
    char* text = const_cast<char*>(server_cstring(data, size, stack, sizeof stack));
    const DatumConverter* self = this;
    // A fresh FmgrInfo per call: the converter may have been made in a context that is reset
    // before the next row (the executor's per-tuple context), so nothing an input function caches
    // in fn_extra (domains, arrays, records) may outlive the call. Builtin input functions cache
    // nothing; fmgr_info's lookup was done once by the constructor.
    FmgrInfo call = input_;
    call.fn_mcxt = CurrentMemoryContext;
    call.fn_extra = nullptr;
    FmgrInfo* info = &call;
    PGFunction direct = direct_input_;
    const Oid param = input_param_;
    const int32 typmod = typmod_;
    return pg::pg_call([self, text, info, direct, param, typmod] {
        ErrorContextCallback context;
        context.callback = &DatumConverter::error_context;
        context.arg = const_cast<DatumConverter*>(self);
        context.previous = error_context_stack;
        error_context_stack = &context;
        const Datum d = direct != nullptr ? DirectFunctionCall3(direct, CStringGetDatum(text),
                                                                ObjectIdGetDatum(InvalidOid),
                                                                Int32GetDatum(typmod))
                                          : InputFunctionCall(info, text, param, typmod);
        error_context_stack = context.previous;
        return d;
    });
}

void DatumConverter::fail(int code, const char* message, const char* hint) const {
    const DatumConverter* self = this;
    pg::pg_call([self, code, message, hint] {
        ErrorContextCallback context;
        context.callback = &DatumConverter::error_context;
        context.arg = const_cast<DatumConverter*>(self);
        context.previous = error_context_stack;
        error_context_stack = &context;
        ereport(ERROR, (errcode(code), errmsg_internal("%s", message),
                        hint != nullptr ? errhint("%s", hint) : 0));
    });
    throw Error(sqlstate::kInternalError, message);  // not reached: ereport raised
}

void DatumConverter::out_of_range(const char* data, size_t size, const char* type_name) const {
    const DatumConverter* self = this;
    const bool time = type_ == TIMEOID;
    pg::pg_call([self, data, size, type_name, time] {
        ErrorContextCallback context;
        context.callback = &DatumConverter::error_context;
        context.arg = const_cast<DatumConverter*>(self);
        context.previous = error_context_stack;
        error_context_stack = &context;
        // The value is the remote's own formatting (digits, signs, colons): safe to show.
        const char* value = pnstrdup(data, size);
        if (time) {
            ereport(ERROR,
                    (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                     errmsg("value \"%s\" is out of range for type %s", value, type_name),
                     errhint("A MySQL TIME is a duration (-838:59:59 .. 838:59:59): declare the "
                             "column as interval.")));
        }
        ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                        errmsg("value \"%s\" is out of range for type %s", value, type_name)));
    });
    throw Error(sqlstate::kInternalError, "value out of range");  // not reached
}

void DatumConverter::error_context(void* arg) {
    const auto* self = static_cast<const DatumConverter*>(arg);
    if (self->table_name_.empty()) {
        errcontext("column \"%s\" of a foreign table (remote type %s)", self->column_name_.c_str(),
                   self->remote_type_.c_str());
    } else {
        errcontext("column \"%s\" of foreign table \"%s\" (remote type %s)",
                   self->column_name_.c_str(), self->table_name_.c_str(),
                   self->remote_type_.c_str());
    }
}

}  // namespace quarry::fdw
