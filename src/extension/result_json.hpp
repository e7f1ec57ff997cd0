// Runs a query locally and returns quarry.run's JSON:
//
//   {"columns": [{"name": ..., "type": ...}, ...],
//    "rows": [[v, ...], ...],
//    "meta": {"cached": false, "sql": ..., "dialect": ..., "elapsed_ms": ..., "row_count": N,
//             "hash": ...}}
//
// The statement runs through SPI (with its kept plan, statement_plans.hpp), read-only, with the
// caller's privileges, and its rows stream into one growing text buffer (no per-row JSON
// objects); the text becomes jsonb through jsonb_in, so numeric digits stay exact. Values, by
// the PostgreSQL type of the result column:
//
//   integers, oid                 JSON numbers
//   numeric                       JSON numbers with the exact digits; NaN and ±Infinity: null
//   float4, float8                JSON numbers (shortest exact decimal); NaN and ±Infinity: null
//   boolean                       true / false
//   text, varchar, char(n), name  JSON strings (char(n) keeps its padding)
//   date                          "YYYY-MM-DD"; ±infinity: null
//   timestamp                     "YYYY-MM-DDTHH:MM:SS[.ffffff]" (wall-clock); ±infinity: null
//   timestamptz                   "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (UTC); ±infinity: null
//   anything else                 its text output as a JSON string
//
// Years before 1 are written the ISO 8601 way (year 0 is 1 BC, -0001 is 2 BC).
#pragma once

#include <string>
#include <vector>

#include "pg.hpp"

namespace quarry::pg {

struct ResultColumn {
    std::string name;
    std::string type;  // the model's type name
};

struct ResultMeta {
    std::string sql;
    std::string dialect;
    std::string hash;
    // More members of "meta", serialized without braces: "\"served_from\":\"daily\",...".
    std::string extra;
};

// Runs `meta.sql` and returns the jsonb above. `columns` must match the statement's columns.
Datum run_to_jsonb(const std::vector<ResultColumn>& columns, const ResultMeta& meta);

// For rows read elsewhere (a remote statement, src/fdw/run.cpp): the JSON up to the first row,
// and from after the last row to the end, as jsonb. Rows go between, comma-separated arrays.
StringInfo begin_result_json(const std::vector<ResultColumn>& columns);
Datum finish_result_json(StringInfo out, const ResultMeta& meta, double elapsed_ms, uint64 rows);

// Appends `text` as a JSON string (quotes, backslashes and control characters escaped; every
// other byte, UTF-8 included, as it is). Plain C: safe inside pg_call bodies.
void append_json_string(StringInfo out, const char* text, size_t length);

}  // namespace quarry::pg
