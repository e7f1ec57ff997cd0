// Which PostgreSQL types quarry computes with, and as which model type.
//
//   int2 int4 int8 oid          -> integer
//   numeric                     -> numeric
//   float4 float8               -> double
//   text varchar bpchar name    -> text
//   bool                        -> boolean
//   date                        -> date
//   timestamp                   -> timestamp (holds UTC; see docs/architecture.md)
//   timestamptz                 -> timestamptz
//   a domain                    -> what its base type maps to
//
// Every other type (json, uuid, arrays, citext, money, interval, ...) is unsupported: such a
// column is not offered to specs and formulas. citext is left out on purpose: its comparisons
// ignore case, and the contract's text semantics are case-sensitive; a view can expose a
// `column::text` instead.
#pragma once

#include <optional>
#include <string>

#include "model/types.hpp"
#include "pg.hpp"

namespace quarry::pg {

std::optional<Type> model_type_of(Oid type_oid);
// The bounds of a column declared as (type_oid, typmod); a domain's are its base type's.
ColumnBounds column_bounds_of(Oid type_oid, int32 typmod);
std::string sql_type_name(Oid type_oid);  // format_type_be: "character varying", "json"

}  // namespace quarry::pg
