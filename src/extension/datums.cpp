#include "datums.hpp"

#include "common/error.hpp"
#include "guard.hpp"
#include "spec/spec.hpp"

namespace quarry::pg {

std::string text_argument(FunctionCallInfo fcinfo, int n) {
    struct Span {
        const char* data;
        size_t size;
    };
    Span span = pg_call([&] {
        text* value = PG_GETARG_TEXT_PP(n);
        return Span{VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)};
    });
    return std::string(span.data, span.size);
}

Oid oid_argument(FunctionCallInfo fcinfo, int n) { return PG_GETARG_OID(n); }

nlohmann::json jsonb_argument(FunctionCallInfo fcinfo, int n) {
    const char* text = pg_call([&] {
        Jsonb* value = PG_GETARG_JSONB_P(n);
        return JsonbToCString(nullptr, &value->root, VARSIZE(value));
    });
    return parse_spec_text(text);
}

void require_argument(FunctionCallInfo fcinfo, int n, const char* what) {
    if (PG_ARGISNULL(n)) throw Error("22004", std::string(what) + " must not be null");
}

Datum text_datum(const std::string& text) {
    return pg_call([&] {
        return PointerGetDatum(
            cstring_to_text_with_len(text.data(), static_cast<int>(text.size())));
    });
}

Datum jsonb_datum(const std::string& json_text) {
    return pg_call(
        [&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(json_text.c_str())); });
}

}  // namespace quarry::pg
