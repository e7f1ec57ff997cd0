#include "result_json.hpp"

#include <chrono>
#include <cmath>
#include <cstring>

#include "common/error.hpp"
#include "guard.hpp"
#include "spi.hpp"

namespace quarry::pg {

namespace {

// How a result column's values are written, decided once per column from its type.
enum class ValueKind : uint8_t {
    Boolean,
    Int2,
    Int4,
    Int8,
    ObjectId,
    Float4,
    Float8,
    Numeric,
    Text,
    Name,
    Date,
    Timestamp,
    TimestampTz,
    Other,  // through the type's output function
};

struct ColumnFormat {
    ValueKind kind;
    FmgrInfo output;  // for Other
};

// The executor hands every result row to this receiver, which appends it to `out`. Everything
// below runs inside the executor, under the pg_call around SPI: plain C, no C++ objects.
struct JsonRowReceiver {
    DestReceiver pub;  // first member: the executor sees a DestReceiver
    StringInfo out;
    MemoryContext keep;         // where per-column formats live (the function's context)
    MemoryContext row_context;  // reset after every row
    int expected_columns;
    int operation;  // the statement's CmdType, once the executor started; -1 before
    ColumnFormat* formats;
    uint64 rows;
};

ValueKind value_kind(Oid base_type) {
    switch (base_type) {
        case BOOLOID:
            return ValueKind::Boolean;
        case INT2OID:
            return ValueKind::Int2;
        case INT4OID:
            return ValueKind::Int4;
        case INT8OID:
            return ValueKind::Int8;
        case OIDOID:
            return ValueKind::ObjectId;
        case FLOAT4OID:
            return ValueKind::Float4;
        case FLOAT8OID:
            return ValueKind::Float8;
        case NUMERICOID:
            return ValueKind::Numeric;
        case TEXTOID:
        case VARCHAROID:
        case BPCHAROID:
            return ValueKind::Text;
        case NAMEOID:
            return ValueKind::Name;
        case DATEOID:
            return ValueKind::Date;
        case TIMESTAMPOID:
            return ValueKind::Timestamp;
        case TIMESTAMPTZOID:
            return ValueKind::TimestampTz;
        default:
            return ValueKind::Other;
    }
}

void append_integer(StringInfo out, int64 value) {
    char buffer[MAXINT8LEN + 1];
    int length = pg_lltoa(value, buffer);
    appendBinaryStringInfo(out, buffer, length);
}

void append_double(StringInfo out, double value) {
    if (std::isnan(value) || std::isinf(value)) {
        appendStringInfoString(out, "null");
        return;
    }
    char buffer[DOUBLE_SHORTEST_DECIMAL_LEN];
    int length = double_to_shortest_decimal_bufn(value, buffer);
    appendBinaryStringInfo(out, buffer, length);
}

void append_float(StringInfo out, float value) {
    if (std::isnan(value) || std::isinf(value)) {
        appendStringInfoString(out, "null");
        return;
    }
    char buffer[FLOAT_SHORTEST_DECIMAL_LEN];
    int length = float_to_shortest_decimal_bufn(value, buffer);
    appendBinaryStringInfo(out, buffer, length);
}

void append_numeric(StringInfo out, Datum value) {
    Numeric number = DatumGetNumeric(value);
    if (numeric_is_nan(number) || numeric_is_inf(number)) {
        appendStringInfoString(out, "null");
        return;
    }
    appendStringInfoString(out, DatumGetCString(DirectFunctionCall1(numeric_out, value)));
}

// ISO 8601 years: astronomical numbering (PostgreSQL's internal one), a sign below year 0.
void append_year(StringInfo out, int year) {
    if (year < 0) {
        appendStringInfo(out, "-%04d", -year);
    } else {
        appendStringInfo(out, "%04d", year);
    }
}

void append_date(StringInfo out, DateADT date) {
    if (DATE_NOT_FINITE(date)) {
        appendStringInfoString(out, "null");
        return;
    }
    int year, month, day;
    j2date(date + POSTGRES_EPOCH_JDATE, &year, &month, &day);
    appendStringInfoChar(out, '"');
    append_year(out, year);
    appendStringInfo(out, "-%02d-%02d\"", month, day);
}

// A timestamp's fields as they are stored: wall-clock for timestamp, UTC for timestamptz.
void append_timestamp(StringInfo out, Timestamp value, bool utc_suffix) {
    if (TIMESTAMP_NOT_FINITE(value)) {
        appendStringInfoString(out, "null");
        return;
    }
    struct pg_tm tm;
    fsec_t fsec;
    if (timestamp2tm(value, nullptr, &tm, &fsec, nullptr, nullptr) != 0) {
        ereport(ERROR,
                (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("timestamp out of range")));
    }
    appendStringInfoChar(out, '"');
    append_year(out, tm.tm_year);
    appendStringInfo(out, "-%02d-%02dT%02d:%02d:%02d", tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec);
    if (fsec != 0) {
        char fraction[8];
        int length = snprintf(fraction, sizeof fraction, ".%06d", static_cast<int>(fsec));
        while (fraction[length - 1] == '0') --length;
        appendBinaryStringInfo(out, fraction, length);
    }
    appendStringInfoString(out, utc_suffix ? "Z\"" : "\"");
}

void append_value(StringInfo out, Datum value, ColumnFormat* format) {
    switch (format->kind) {
        case ValueKind::Boolean:
            appendStringInfoString(out, DatumGetBool(value) ? "true" : "false");
            return;
        case ValueKind::Int2:
            append_integer(out, DatumGetInt16(value));
            return;
        case ValueKind::Int4:
            append_integer(out, DatumGetInt32(value));
            return;
        case ValueKind::Int8:
            append_integer(out, DatumGetInt64(value));
            return;
        case ValueKind::ObjectId:
            append_integer(out, DatumGetObjectId(value));
            return;
        case ValueKind::Float4:
            append_float(out, DatumGetFloat4(value));
            return;
        case ValueKind::Float8:
            append_double(out, DatumGetFloat8(value));
            return;
        case ValueKind::Numeric:
            append_numeric(out, value);
            return;
        case ValueKind::Text: {
            text* t = DatumGetTextPP(value);
            append_json_string(out, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
            return;
        }
        case ValueKind::Name: {
            const char* name = NameStr(*DatumGetName(value));
            append_json_string(out, name, std::strlen(name));
            return;
        }
        case ValueKind::Date:
            append_date(out, DatumGetDateADT(value));
            return;
        case ValueKind::Timestamp:
            append_timestamp(out, DatumGetTimestamp(value), false);
            return;
        case ValueKind::TimestampTz:
            append_timestamp(out, DatumGetTimestampTz(value), true);
            return;
        case ValueKind::Other: {
            const char* text = OutputFunctionCall(&format->output, value);
            append_json_string(out, text, std::strlen(text));
            return;
        }
    }
}

void receiver_startup(DestReceiver* self, int operation, TupleDesc desc) {
    auto* receiver = reinterpret_cast<JsonRowReceiver*>(self);
    receiver->operation = operation;
    if (desc->natts != receiver->expected_columns) {
        elog(ERROR, "quarry: the statement returns %d columns, the query model has %d", desc->natts,
             receiver->expected_columns);
    }
    receiver->formats = static_cast<ColumnFormat*>(
        MemoryContextAllocZero(receiver->keep, sizeof(ColumnFormat) * desc->natts));
    for (int i = 0; i < desc->natts; ++i) {
        Oid type = TupleDescAttr(desc, i)->atttypid;
        ColumnFormat* format = &receiver->formats[i];
        format->kind = value_kind(getBaseType(type));
        if (format->kind == ValueKind::Other) {
            Oid output_function;
            bool is_varlena;
            getTypeOutputInfo(type, &output_function, &is_varlena);
            fmgr_info_cxt(output_function, &format->output, receiver->keep);
        }
    }
}

bool receiver_receive(TupleTableSlot* slot, DestReceiver* self) {
    auto* receiver = reinterpret_cast<JsonRowReceiver*>(self);
    StringInfo out = receiver->out;
    MemoryContext previous = MemoryContextSwitchTo(receiver->row_context);
    slot_getallattrs(slot);
    appendStringInfoString(out, receiver->rows == 0 ? "[" : ",[");
    for (int i = 0; i < slot->tts_tupleDescriptor->natts; ++i) {
        if (i > 0) appendStringInfoChar(out, ',');
        if (slot->tts_isnull[i]) {
            appendStringInfoString(out, "null");
        } else {
            append_value(out, slot->tts_values[i], &receiver->formats[i]);
        }
    }
    appendStringInfoChar(out, ']');
    ++receiver->rows;
    MemoryContextSwitchTo(previous);
    MemoryContextReset(receiver->row_context);
    return true;
}

void receiver_shutdown(DestReceiver*) {}
void receiver_destroy(DestReceiver*) {}

JsonRowReceiver* make_receiver(StringInfo out, int expected_columns) {
    auto* receiver = static_cast<JsonRowReceiver*>(palloc0(sizeof(JsonRowReceiver)));
    receiver->pub.receiveSlot = receiver_receive;
    receiver->pub.rStartup = receiver_startup;
    receiver->pub.rShutdown = receiver_shutdown;
    receiver->pub.rDestroy = receiver_destroy;
    receiver->pub.mydest = DestNone;
    receiver->out = out;
    receiver->keep = CurrentMemoryContext;
    // AllocSetContextCreate's static assertion is a statement expression, which C++ lacks.
    receiver->row_context = AllocSetContextCreateInternal(CurrentMemoryContext, "quarry.run row",
                                                          ALLOCSET_DEFAULT_SIZES);
    receiver->expected_columns = expected_columns;
    receiver->operation = -1;
    return receiver;
}

void append_key_string(StringInfo out, const char* key, const std::string& value) {
    appendStringInfo(out, "\"%s\":", key);
    append_json_string(out, value.data(), value.size());
}

void append_header(StringInfo out, const std::vector<ResultColumn>& columns) {
    appendStringInfoString(out, "{\"columns\":[");
    for (size_t i = 0; i < columns.size(); ++i) {
        appendStringInfoString(out, i == 0 ? "{" : ",{");
        append_key_string(out, "name", columns[i].name);
        appendStringInfoChar(out, ',');
        append_key_string(out, "type", columns[i].type);
        appendStringInfoChar(out, '}');
    }
    appendStringInfoString(out, "],\"rows\":[");
}

void append_meta(StringInfo out, const ResultMeta& meta, double elapsed_ms, uint64 rows) {
    appendStringInfoString(out, "],\"meta\":{\"cached\":false,");
    append_key_string(out, "sql", meta.sql);
    appendStringInfoChar(out, ',');
    append_key_string(out, "dialect", meta.dialect);
    appendStringInfoChar(out, ',');
    append_key_string(out, "hash", meta.hash);
    if (!meta.extra.empty()) {
        appendStringInfoChar(out, ',');
        appendBinaryStringInfo(out, meta.extra.data(), static_cast<int>(meta.extra.size()));
    }
    appendStringInfo(out, ",\"elapsed_ms\":%.3f,\"row_count\":" UINT64_FORMAT "}}", elapsed_ms,
                     rows);
}

}  // namespace

void append_json_string(StringInfo out, const char* text, size_t length) {
    appendStringInfoCharMacro(out, '"');
    size_t run_start = 0;
    for (size_t i = 0; i < length; ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        appendBinaryStringInfo(out, text + run_start, static_cast<int>(i - run_start));
        run_start = i + 1;
        switch (c) {
            case '"':
                appendStringInfoString(out, "\\\"");
                break;
            case '\\':
                appendStringInfoString(out, "\\\\");
                break;
            case '\n':
                appendStringInfoString(out, "\\n");
                break;
            case '\r':
                appendStringInfoString(out, "\\r");
                break;
            case '\t':
                appendStringInfoString(out, "\\t");
                break;
            case '\b':
                appendStringInfoString(out, "\\b");
                break;
            case '\f':
                appendStringInfoString(out, "\\f");
                break;
            default:
                appendStringInfo(out, "\\u%04x", c);
                break;
        }
    }
    appendBinaryStringInfo(out, text + run_start, static_cast<int>(length - run_start));
    appendStringInfoCharMacro(out, '"');
}

StringInfo begin_result_json(const std::vector<ResultColumn>& columns) {
    return pg_call([&] {
        StringInfo buffer = makeStringInfo();
        append_header(buffer, columns);
        return buffer;
    });
}

Datum finish_result_json(StringInfo out, const ResultMeta& meta, double elapsed_ms, uint64 rows) {
    return pg_call([&] {
        append_meta(out, meta, elapsed_ms, rows);
        return DirectFunctionCall1(jsonb_in, CStringGetDatum(out->data));
    });
}

Datum run_to_jsonb(const std::vector<ResultColumn>& columns, const ResultMeta& meta) {
    const int expected = static_cast<int>(columns.size());
    StringInfo out = pg_call([&] {
        StringInfo buffer = makeStringInfo();
        append_header(buffer, columns);
        return buffer;
    });
    JsonRowReceiver* receiver = pg_call([&] { return make_receiver(out, expected); });

    auto started = std::chrono::steady_clock::now();
    {
        SpiSession spi;
        spi.run_into(meta.sql, &receiver->pub);
    }
    std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - started;
    // SPI reports SPI_OK_UTILITY for a SELECT into a receiver of its own; ask the executor.
    if (receiver->operation != CMD_SELECT) {
        throw Error(sqlstate::kInternalError, "quarry: the statement of a spec is not a SELECT");
    }

    const uint64 rows = receiver->rows;
    const double elapsed_ms = elapsed.count();
    return pg_call([&] {
        append_meta(out, meta, elapsed_ms, rows);
        MemoryContextDelete(receiver->row_context);
        return DirectFunctionCall1(jsonb_in, CStringGetDatum(out->data));
    });
}

}  // namespace quarry::pg
