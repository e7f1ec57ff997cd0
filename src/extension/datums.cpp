#include "datums.hpp"

#include <optional>
#include <string>
#include <vector>

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

namespace {

// One step of PostgreSQL's jsonb iterator, as plain C data (see jsonb_argument).
struct JsonbToken {
    JsonbIteratorToken token;
    enum jbvType type;  // of a key or scalar
    const char* text;   // string: its bytes (not terminated); numeric: numeric_out's text
    int length;         // of a string
    bool boolean;
    bool raw_scalar;  // WJB_BEGIN_ARRAY of a top-level scalar (written without brackets)
};

struct JsonbTokens {
    JsonbToken* items;
    int count;
};

// The tokens of `value`, palloc'd in the current memory context.
JsonbTokens jsonb_tokens(Jsonb* value) {
    int capacity = 32;
    JsonbTokens out{static_cast<JsonbToken*>(palloc(sizeof(JsonbToken) * capacity)), 0};
    JsonbIterator* it = JsonbIteratorInit(&value->root);
    JsonbValue v;
    JsonbIteratorToken r;
    while ((r = JsonbIteratorNext(&it, &v, false)) != WJB_DONE) {
        if (out.count == capacity) {
            capacity *= 2;
            out.items =
                static_cast<JsonbToken*>(repalloc(out.items, sizeof(JsonbToken) * capacity));
        }
        JsonbToken& t = out.items[out.count++];
        t = JsonbToken{r, jbvNull, nullptr, 0, false, false};
        if (r == WJB_BEGIN_ARRAY) t.raw_scalar = v.val.array.rawScalar;
        if (r != WJB_KEY && r != WJB_VALUE && r != WJB_ELEM) continue;
        t.type = v.type;
        if (v.type == jbvString) {
            t.text = v.val.string.val;
            t.length = v.val.string.len;
        } else if (v.type == jbvNumeric) {
            t.text =
                DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v.val.numeric)));
        } else if (v.type == jbvBool) {
            t.boolean = v.val.boolean;
        }
    }
    return out;
}

bool valid_utf8(const char* s, int length) {
    const auto* p = reinterpret_cast<const unsigned char*>(s);
    int i = 0;
    while (i < length) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int more = 0;
        uint32_t cp = 0;
        if ((c & 0xE0) == 0xC0) {
            more = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            more = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            more = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + more >= length) return false;
        for (int k = 1; k <= more; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[more] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += more + 1;
    }
    return true;
}

// The tokens as JSON, as parse_spec_text would have read the value's text; nullopt when that
// parser might have judged differently (nesting beyond its limit, bytes that are not UTF-8):
// the caller then takes the text path, for the same errors.
std::optional<nlohmann::json> json_of_tokens(const JsonbTokens& tokens) {
    constexpr size_t kMaxDepth = 256;  // parse_spec_text's limit
    std::vector<nlohmann::json> stack;
    std::vector<std::string> keys;  // the pending key of each open object
    std::optional<nlohmann::json> result;
    auto place = [&](nlohmann::json value) {
        if (stack.empty()) {
            result = std::move(value);
        } else if (stack.back().is_object()) {
            stack.back()[keys.back()] = std::move(value);
        } else {
            stack.back().push_back(std::move(value));
        }
    };
    for (int i = 0; i < tokens.count; ++i) {
        const JsonbToken& t = tokens.items[i];
        switch (t.token) {
            case WJB_BEGIN_ARRAY:
                if (t.raw_scalar) continue;
                if (stack.size() >= kMaxDepth) return std::nullopt;
                stack.emplace_back(nlohmann::json::array());
                keys.emplace_back();
                continue;
            case WJB_BEGIN_OBJECT:
                if (stack.size() >= kMaxDepth) return std::nullopt;
                stack.emplace_back(nlohmann::json::object());
                keys.emplace_back();
                continue;
            case WJB_END_ARRAY:
            case WJB_END_OBJECT: {
                if (t.token == WJB_END_ARRAY && stack.empty()) continue;  // a raw scalar's end
                nlohmann::json done = std::move(stack.back());
                stack.pop_back();
                keys.pop_back();
                place(std::move(done));
                continue;
            }
            case WJB_KEY:
                if (!valid_utf8(t.text, t.length)) return std::nullopt;
                keys.back().assign(t.text, static_cast<size_t>(t.length));
                continue;
            case WJB_VALUE:
            case WJB_ELEM:
                switch (t.type) {
                    case jbvString:
                        if (!valid_utf8(t.text, t.length)) return std::nullopt;
                        place(nlohmann::json(std::string(t.text, static_cast<size_t>(t.length))));
                        continue;
                    case jbvNumeric:
                        // nlohmann's own reading of the digits: integer, unsigned or double
                        // exactly as from the text.
                        place(nlohmann::json::parse(t.text));
                        continue;
                    case jbvBool:
                        place(nlohmann::json(t.boolean));
                        continue;
                    default:
                        place(nlohmann::json(nullptr));
                        continue;
                }
            case WJB_DONE:
                break;
        }
    }
    return result;
}

}  // namespace

nlohmann::json jsonb_argument(FunctionCallInfo fcinfo, int n) {
    // Read through jsonb's iterator, not printed as text and parsed again.
    JsonbTokens tokens = pg_call([&] { return jsonb_tokens(PG_GETARG_JSONB_P(n)); });
    std::optional<nlohmann::json> json = json_of_tokens(tokens);
    pg_call([&] {
        pfree(tokens.items);
        return 0;
    });
    if (json) return std::move(*json);
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
