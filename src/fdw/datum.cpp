#include "datum.hpp"

#include <string>
#include <utility>

namespace quarry::fdw {

DatumConverter::DatumConverter(const remote::Column& remote, Oid local_type, int32 local_typmod,
                               std::string column_name)
    : kind_(remote.kind),
      type_(local_type),
      typmod_(local_typmod),
      column_name_(std::move(column_name)) {
    Oid input = InvalidOid;
    Oid param = InvalidOid;
    pg::pg_call([local_type, &input, &param] { getTypeInputInfo(local_type, &input, &param); });
    input_function_ = input;
    input_param_ = param;
    input_ = pg::pg_call([input] {
        auto* info = static_cast<FmgrInfo*>(palloc0(sizeof(FmgrInfo)));
        fmgr_info(input, info);
        return info;
    });
}

Datum DatumConverter::convert(remote::Value value, bool* is_null) const {
    *is_null = value.is_null();
    if (value.is_null()) return (Datum)0;
    const char* data = value.data;
    const size_t size = value.size;
    FmgrInfo* input = input_;
    const Oid param = input_param_;
    const int32 typmod = typmod_;
    return pg::pg_call([data, size, input, param, typmod] {
        char* text = pnstrdup(data, size);
        return InputFunctionCall(input, text, param, typmod);
    });
}

}  // namespace quarry::fdw
