// SPI for the extension's own small catalog statements: text parameters in, text values out.
// (quarry.run streams its result through a DestReceiver instead; see result_json.hpp.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pg.hpp"

namespace quarry::pg {

using SpiValue = std::optional<std::string>;  // nullopt is SQL NULL
using SpiRow = std::vector<SpiValue>;

// One SPI connection for the lifetime of a C++ scope.
//
// The destructor calls SPI_finish on the normal path only. When it runs because an exception
// is unwinding, that exception is on its way to the guard, which raises an ERROR; the abort of
// the (sub)transaction releases the connection, which is PostgreSQL's own way of cleaning up
// SPI after an error. So an SpiSession must never be alive across code whose exceptions are
// caught and swallowed.
class SpiSession {
public:
    SpiSession();
    ~SpiSession();
    SpiSession(const SpiSession&) = delete;
    SpiSession& operator=(const SpiSession&) = delete;

    // Runs `sql` with parameters $1..$n of type text (nullopt: NULL) and returns its rows with
    // every value in its text form. Statements must qualify every name with its schema
    // (pg_catalog.now(), OPERATOR(pg_catalog.=)): they run under the caller's search_path.
    std::vector<SpiRow> query(const char* sql, const std::vector<SpiValue>& params = {},
                              bool read_only = true);
    // Like query, for statements without a result; returns the number of rows processed.
    uint64_t execute(const char* sql, const std::vector<SpiValue>& params = {});
    // Runs a read-only statement whose rows go to `dest` as the executor produces them
    // (planned for all its rows, unlike a cursor), with its kept plan (statement_plans.hpp).
    // Returns the SPI result code (SPI_OK_UTILITY for a SELECT: ask the receiver what ran).
    int run_into(const std::string& sql, DestReceiver* dest);

private:
    int run(const char* sql, const std::vector<SpiValue>& params, bool read_only);
    int uncaught_at_start_;
};

}  // namespace quarry::pg
