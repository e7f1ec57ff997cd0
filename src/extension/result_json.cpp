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

// The executor hands every result row to this receiver, which pushes it onto the jsonb being
// built. Everything below runs inside the executor, under the pg_call around SPI: plain C, no
// C++ objects.
struct JsonbRowReceiver {
    DestReceiver pub;  // first member: the executor sees a DestReceiver
    JsonbParseState** state;
    MemoryContext keep;         // the jsonb being built and the column formats (the caller's)
    MemoryContext row_context;  // a row's temporaries (detoasted values, output text); reset
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

// The JsonbValues below point at memory of the context current when they are made, which must
// live until JsonbValueToJsonb copies them into the result.

void set_null(JsonbValue* out) { out->type = jbvNull; }

void set_string(JsonbValue* out, const char* text, size_t length) {
    out->type = jbvString;
    out->val.string.val = pnstrdup(text, length);
    out->val.string.len = static_cast<int>(length);
}

void set_numeric(JsonbValue* out, Numeric number) {
    out->type = jbvNumeric;
    out->val.numeric = number;
}

// A number written as text, read as jsonb_in reads a JSON number (so the digits are the same).
void set_number_text(JsonbValue* out, const char* text) {
    set_numeric(
        out, DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(text),
                                                 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1))));
}

void set_double(JsonbValue* out, double value) {
    if (std::isnan(value) || std::isinf(value)) return set_null(out);
    char buffer[DOUBLE_SHORTEST_DECIMAL_LEN];
    double_to_shortest_decimal_buf(value, buffer);
    set_number_text(out, buffer);
}

void set_float(JsonbValue* out, float value) {
    if (std::isnan(value) || std::isinf(value)) return set_null(out);
    char buffer[FLOAT_SHORTEST_DECIMAL_LEN];
    float_to_shortest_decimal_buf(value, buffer);
    set_number_text(out, buffer);
}

void set_numeric_value(JsonbValue* out, Datum value) {
    Numeric number = DatumGetNumericCopy(value);  // detoasted into the current context
    if (numeric_is_nan(number) || numeric_is_inf(number)) return set_null(out);
    set_numeric(out, number);
}

// ISO 8601 years: astronomical numbering (PostgreSQL's internal one), a sign below year 0.
int format_year(char* buffer, size_t size, int year) {
    return year < 0 ? snprintf(buffer, size, "-%04d", -year) : snprintf(buffer, size, "%04d", year);
}

void set_date(JsonbValue* out, DateADT date) {
    if (DATE_NOT_FINITE(date)) return set_null(out);
    int year, month, day;
    j2date(date + POSTGRES_EPOCH_JDATE, &year, &month, &day);
    char buffer[32];
    int length = format_year(buffer, sizeof buffer, year);
    length += snprintf(buffer + length, sizeof buffer - length, "-%02d-%02d", month, day);
    set_string(out, buffer, length);
}

// A timestamp's fields as they are stored: wall-clock for timestamp, UTC for timestamptz.
void set_timestamp(JsonbValue* out, Timestamp value, bool utc_suffix) {
    if (TIMESTAMP_NOT_FINITE(value)) return set_null(out);
    struct pg_tm tm;
    fsec_t fsec;
    if (timestamp2tm(value, nullptr, &tm, &fsec, nullptr, nullptr) != 0) {
        ereport(ERROR,
                (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("timestamp out of range")));
    }
    char buffer[64];
    int length = format_year(buffer, sizeof buffer, tm.tm_year);
    length += snprintf(buffer + length, sizeof buffer - length, "-%02d-%02dT%02d:%02d:%02d",
                       tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (fsec != 0) {
        int fraction =
            snprintf(buffer + length, sizeof buffer - length, ".%06d", static_cast<int>(fsec));
        while (buffer[length + fraction - 1] == '0') --fraction;
        length += fraction;
    }
    if (utc_suffix) buffer[length++] = 'Z';
    set_string(out, buffer, length);
}

// `value` as the JsonbValue the text form of the contract (header comment) reads back as; what
// it points at is allocated in the current context, temporaries in `scratch`.
void set_value(JsonbValue* out, Datum value, ColumnFormat* format, MemoryContext scratch) {
    switch (format->kind) {
        case ValueKind::Boolean:
            out->type = jbvBool;
            out->val.boolean = DatumGetBool(value);
            return;
        case ValueKind::Int2:
            return set_numeric(out, int64_to_numeric(DatumGetInt16(value)));
        case ValueKind::Int4:
            return set_numeric(out, int64_to_numeric(DatumGetInt32(value)));
        case ValueKind::Int8:
            return set_numeric(out, int64_to_numeric(DatumGetInt64(value)));
        case ValueKind::ObjectId:
            return set_numeric(out, int64_to_numeric(DatumGetObjectId(value)));
        case ValueKind::Float4:
            return set_float(out, DatumGetFloat4(value));
        case ValueKind::Float8:
            return set_double(out, DatumGetFloat8(value));
        case ValueKind::Numeric:
            return set_numeric_value(out, value);
        case ValueKind::Text: {
            MemoryContext keep = MemoryContextSwitchTo(scratch);
            text* t = DatumGetTextPP(value);  // detoasted in scratch, if it has to be
            MemoryContextSwitchTo(keep);
            return set_string(out, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
        }
        case ValueKind::Name: {
            const char* name = NameStr(*DatumGetName(value));
            return set_string(out, name, std::strlen(name));
        }
        case ValueKind::Date:
            return set_date(out, DatumGetDateADT(value));
        case ValueKind::Timestamp:
            return set_timestamp(out, DatumGetTimestamp(value), false);
        case ValueKind::TimestampTz:
            return set_timestamp(out, DatumGetTimestampTz(value), true);
        case ValueKind::Other: {
            MemoryContext keep = MemoryContextSwitchTo(scratch);
            const char* text = OutputFunctionCall(&format->output, value);
            MemoryContextSwitchTo(keep);
            return set_string(out, text, std::strlen(text));
        }
    }
}

void receiver_startup(DestReceiver* self, int operation, TupleDesc desc) {
    auto* receiver = reinterpret_cast<JsonbRowReceiver*>(self);
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
    auto* receiver = reinterpret_cast<JsonbRowReceiver*>(self);
    // The values are made in the jsonb's context (they live until the end), temporaries in the
    // row context.
    MemoryContext previous = MemoryContextSwitchTo(receiver->keep);
    slot_getallattrs(slot);
    pushJsonbValue(receiver->state, WJB_BEGIN_ARRAY, nullptr);
    for (int i = 0; i < slot->tts_tupleDescriptor->natts; ++i) {
        JsonbValue value;
        if (slot->tts_isnull[i]) {
            set_null(&value);
        } else {
            set_value(&value, slot->tts_values[i], &receiver->formats[i], receiver->row_context);
        }
        pushJsonbValue(receiver->state, WJB_ELEM, &value);
    }
    pushJsonbValue(receiver->state, WJB_END_ARRAY, nullptr);
    ++receiver->rows;
    MemoryContextSwitchTo(previous);
    MemoryContextReset(receiver->row_context);
    return true;
}

void receiver_shutdown(DestReceiver*) {}
void receiver_destroy(DestReceiver*) {}

JsonbRowReceiver* make_receiver(JsonbParseState** state, int expected_columns) {
    auto* receiver = static_cast<JsonbRowReceiver*>(palloc0(sizeof(JsonbRowReceiver)));
    receiver->pub.receiveSlot = receiver_receive;
    receiver->pub.rStartup = receiver_startup;
    receiver->pub.rShutdown = receiver_shutdown;
    receiver->pub.rDestroy = receiver_destroy;
    receiver->pub.mydest = DestNone;
    receiver->state = state;
    receiver->keep = CurrentMemoryContext;
    // AllocSetContextCreate's static assertion is a statement expression, which C++ lacks.
    receiver->row_context =
        AllocSetContextCreateInternal(CurrentMemoryContext, "quarry.run row", ALLOCSET_SMALL_SIZES);
    receiver->expected_columns = expected_columns;
    receiver->operation = -1;
    return receiver;
}

void push_key(JsonbParseState** state, const char* key) {
    JsonbValue v;
    set_string(&v, key, std::strlen(key));
    pushJsonbValue(state, WJB_KEY, &v);
}

void push_string_member(JsonbParseState** state, const char* key, const std::string& value) {
    push_key(state, key);
    JsonbValue v;
    set_string(&v, value.data(), value.size());
    pushJsonbValue(state, WJB_VALUE, &v);
}

// {"columns": [...], "rows": [   (the rows follow)
void push_header(JsonbParseState** state, const std::vector<ResultColumn>& columns) {
    pushJsonbValue(state, WJB_BEGIN_OBJECT, nullptr);
    push_key(state, "columns");
    pushJsonbValue(state, WJB_BEGIN_ARRAY, nullptr);
    for (const ResultColumn& column : columns) {
        pushJsonbValue(state, WJB_BEGIN_OBJECT, nullptr);
        push_string_member(state, "name", column.name);
        push_string_member(state, "type", column.type);
        pushJsonbValue(state, WJB_END_OBJECT, nullptr);
    }
    pushJsonbValue(state, WJB_END_ARRAY, nullptr);
    push_key(state, "rows");
    pushJsonbValue(state, WJB_BEGIN_ARRAY, nullptr);
}

// meta.extra's members ("\"key\":value,...", JSON text) pushed into the open object.
void push_extra_members(JsonbParseState** state, const std::string& extra) {
    StringInfoData text;
    initStringInfo(&text);
    appendStringInfoChar(&text, '{');
    appendBinaryStringInfo(&text, extra.data(), static_cast<int>(extra.size()));
    appendStringInfoChar(&text, '}');
    Jsonb* members = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text.data)));
    JsonbIterator* it = JsonbIteratorInit(&members->root);
    JsonbValue v;
    JsonbIteratorToken token;
    while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE) {
        if (token == WJB_KEY || token == WJB_VALUE) pushJsonbValue(state, token, &v);
    }
}

//    ], "meta": {...}}   and the jsonb of the whole
Datum finish_jsonb(JsonbParseState** state, const ResultMeta& meta, double elapsed_ms,
                   uint64 rows) {
    pushJsonbValue(state, WJB_END_ARRAY, nullptr);
    push_key(state, "meta");
    pushJsonbValue(state, WJB_BEGIN_OBJECT, nullptr);
    push_key(state, "cached");
    JsonbValue v;
    v.type = jbvBool;
    v.val.boolean = false;
    pushJsonbValue(state, WJB_VALUE, &v);
    push_string_member(state, "sql", meta.sql);
    push_string_member(state, "dialect", meta.dialect);
    push_string_member(state, "hash", meta.hash);
    if (!meta.extra.empty()) push_extra_members(state, meta.extra);
    char number[64];
    snprintf(number, sizeof number, "%.3f", elapsed_ms);
    push_key(state, "elapsed_ms");
    set_number_text(&v, number);
    pushJsonbValue(state, WJB_VALUE, &v);
    snprintf(number, sizeof number, UINT64_FORMAT, rows);
    push_key(state, "row_count");
    set_number_text(&v, number);
    pushJsonbValue(state, WJB_VALUE, &v);
    pushJsonbValue(state, WJB_END_OBJECT, nullptr);
    JsonbValue* root = pushJsonbValue(state, WJB_END_OBJECT, nullptr);
    return JsonbPGetDatum(JsonbValueToJsonb(root));
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
    // Palloc'd, so that a longjmp from PostgreSQL leaves nothing behind in C++ frames.
    JsonbParseState** state = pg_call([&] {
        auto** parse_state = static_cast<JsonbParseState**>(palloc0(sizeof(JsonbParseState*)));
        push_header(parse_state, columns);
        return parse_state;
    });
    JsonbRowReceiver* receiver = pg_call([&] { return make_receiver(state, expected); });

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
        MemoryContextDelete(receiver->row_context);
        return finish_jsonb(state, meta, elapsed_ms, rows);
    });
}

}  // namespace quarry::pg
