// Remote values -> Datums of the local column types.
//
// The remote hands every value as exact text (remote/connection.hpp, ValueKind); a converter,
// made once per result column, turns it into a Datum of the local column's type and typmod in
// CurrentMemoryContext. Fast paths for the common types (integers, float8, numeric, text,
// date, timestamp, timestamptz, boolean); the type's input function otherwise. Conversions that
// need more than the input function: MySQL BIT (an unsigned integer) into bit(n)/varbit or
// integers, MySQL TINYINT(1) into boolean, binary strings into bytea. A value the local type
// cannot hold is an ERROR naming the column (22P02 / 22003 from the input function, with the
// foreign table and column in its context), never a silently different value.
#pragma once

#include "fdw.hpp"

namespace quarry::fdw {

class DatumConverter {
public:
    // `column_name`: the local name, for messages.
    DatumConverter(const remote::Column& remote, Oid local_type, int32 local_typmod,
                   std::string column_name);
    // The Datum for `value` (palloc'd in CurrentMemoryContext when by reference); *is_null set.
    Datum convert(remote::Value value, bool* is_null) const;

private:
    remote::ValueKind kind_;
    Oid type_;
    int32 typmod_;
    Oid input_function_ = InvalidOid;
    Oid input_param_ = InvalidOid;
    std::string column_name_;
    // Filled once by the constructor (fmgr_info in the current memory context).
    FmgrInfo* input_ = nullptr;
};

}  // namespace quarry::fdw
