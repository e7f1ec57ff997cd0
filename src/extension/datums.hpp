// Conversions between PostgreSQL Datums and C++ values at the edge of the SQL functions. Each
// one runs its PostgreSQL part under pg_call.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "pg.hpp"

namespace quarry::pg {

// Argument `n` of a SQL function, which must not be NULL.
std::string text_argument(FunctionCallInfo fcinfo, int n);
Oid oid_argument(FunctionCallInfo fcinfo, int n);
// A jsonb argument as JSON; its text goes through the core's parser (22023 on what it refuses).
nlohmann::json jsonb_argument(FunctionCallInfo fcinfo, int n);

// Raises 22004 `<what> must not be null` when argument `n` is NULL.
void require_argument(FunctionCallInfo fcinfo, int n, const char* what);

// Results: palloc'd in the current memory context.
Datum text_datum(const std::string& text);
Datum jsonb_datum(const std::string& json_text);  // through jsonb_in: numbers keep their digits

}  // namespace quarry::pg
