#include "pg_types.hpp"

#include "guard.hpp"

namespace quarry::pg {

namespace {

std::optional<Type> builtin_model_type(Oid base_type) {
    switch (base_type) {
        case INT2OID:
        case INT4OID:
        case INT8OID:
        case OIDOID:
            return Type::Integer;
        case NUMERICOID:
            return Type::Numeric;
        case FLOAT4OID:
        case FLOAT8OID:
            return Type::Double;
        case TEXTOID:
        case VARCHAROID:
        case BPCHAROID:
        case NAMEOID:
            return Type::Text;
        case BOOLOID:
            return Type::Boolean;
        case DATEOID:
            return Type::Date;
        case TIMESTAMPOID:
            return Type::Timestamp;
        case TIMESTAMPTZOID:
            return Type::TimestampTz;
        default:
            return std::nullopt;
    }
}

// A built-in type is never a domain: only other types need the catalog (quarry.run reads a
// source's columns on every call).
bool may_be_domain(Oid type_oid) { return !builtin_model_type(type_oid).has_value(); }

}  // namespace

std::optional<Type> model_type_of(Oid type_oid) {
    if (!may_be_domain(type_oid)) return builtin_model_type(type_oid);
    Oid base = pg_call([&] { return getBaseType(type_oid); });
    return builtin_model_type(base);
}

ColumnBounds column_bounds_of(Oid type_oid, int32 typmod) {
    Oid base = type_oid;
    int32 base_typmod = typmod;
    if (may_be_domain(type_oid)) {
        pg_call([&] { base = getBaseTypeAndTypmod(type_oid, &base_typmod); });
    }
    ColumnBounds bounds;
    switch (base) {
        case INT2OID:
        case INT4OID:
            bounds.int32_values = true;
            break;
        case VARCHAROID:
        case BPCHAROID:
            if (base_typmod > VARHDRSZ) bounds.max_chars = base_typmod - VARHDRSZ;
            bounds.blank_padded = base == BPCHAROID;
            break;
        default:
            break;
    }
    return bounds;
}

std::string sql_type_name(Oid type_oid) {
    return pg_call([&] { return static_cast<const char*>(format_type_be(type_oid)); });
}

}  // namespace quarry::pg
