// The differential fixture: one table, diff_fixture, created afresh with identical rows on the
// PostgreSQL primary, the Redshift stand-in and MariaDB. Every row is a trap for some formula;
// the table in fixture.cpp lists them. Expected values in the tests refer to rows by id.
#pragma once

#include <string>

#include "model/source.hpp"
#include "servers.hpp"

namespace quarry::diff {

inline constexpr const char* kFixtureTable = "diff_fixture";
// Instants outside MySQL's TIMESTAMP range (1970-01-01 00:00:01 to 2038-01-19 03:14:07 UTC):
// columns id and at (timestamptz / DATETIME(6)); rows 1: 1965-07-01 12:00, 2: 2040-07-01 12:00.
inline constexpr const char* kFarInstantsTable = "diff_far_instants";

// Drops and creates diff_fixture (and diff_far_instants) on the connection's server and inserts
// the rows. On MariaDB the
// table takes the server's default utf8mb4 collation (case- and accent-insensitive, PAD SPACE),
// as real MySQL databases do; the load checks that it did.
void load_fixture(Connection& c);

// The source quarry sees: the columns and their model types. at_tz is an instant column
// (PostgreSQL timestamptz, MariaDB DATETIME(6) holding UTC); at_utc holds the same instants as a
// zone-less UTC timestamp (PostgreSQL timestamp, MariaDB TIMESTAMP(6) read in a UTC session).
SourceInfo fixture_source();

class FixtureCatalog : public Catalog {
public:
    std::shared_ptr<const SourceInfo> find_source(const std::string& name) const override;
};

}  // namespace quarry::diff
