#include "fixture.hpp"

#include <optional>
#include <stdexcept>
#include <vector>

#include "common/error.hpp"

namespace quarry::diff {

namespace {

using Value = std::optional<std::string>;
const Value N = std::nullopt;

struct FixtureRow {
    int id;
    Value i;     // bigint
    Value j;     // integer (0 on rows 3 and 5: zero denominators)
    Value n;     // numeric(20,3): .5 and .005 values
    Value d;     // double precision: .5 values, 0.125 (exact in binary), 1.005 (below .005)
    Value s;     // text: case, trailing space, empty, multibyte, emoji, % _ ' backslash
    Value t;     // text: the second operand of two-column text formulas
    Value at;    // the instant, UTC, of both at_tz and at_utc
    Value day;   // date
    Value flag;  // boolean
};

// Dates and instants sit on ISO-week and year boundaries and around both 2021 DST changes of
// Europe/Berlin (2021-03-28 01:00 UTC: 02:00 CET -> 03:00 CEST; 2021-10-31 01:00 UTC: 03:00
// CEST -> 02:00 CET, so rows 9 and 10 share the wall-clock time 02:30).
const std::vector<FixtureRow> kRows = {
    // Thursday 2020-12-31 23:30 UTC is Friday 2021-01-01 00:30 in Berlin (another year).
    {1, "7", "2", "2.5", "2.5", "abc", "b", "2020-12-31 23:30:00", "2020-12-31", "true"},
    // Sunday 23:30 UTC (ISO week 53 of 2020) is Monday 00:30 in Berlin (week 1 of 2021).
    {2, "-7", "-2", "-2.5", "-2.5", "ABC", "B", "2021-01-03 23:30:00", "2021-01-03", "false"},
    {3, "0", "0", "0.5", "0.125", "abc ", "abc", "2021-01-04 00:00:00", "2021-01-04", N},
    {4, N, N, N, N, N, N, N, N, N},
    {5, "5", "0", "1.005", "1.005", "", "", "2024-02-29 12:00:00", "2024-02-29", "true"},
    // Monday 2024-12-30 is in ISO week 1 of 2025.
    {6, "3", "3", "-0.5", "-0.125", "Straße", "ß", "2024-12-30 08:00:00", "2024-12-30", "false"},
    // 2^53 + 1: exact only if integer arithmetic never goes through a double.
    {7, "9007199254740993", "1", "0.125", "-7.5", "ÉCOLE", "é", "2021-03-28 00:30:00", "2021-01-31",
     "true"},
    {8, "1", "-3", "12.345", "7.5", "école", "É", "2021-03-28 01:30:00", "2021-03-28", N},
    {9, "2", N, "-0.005", "0.1", "😀", "😀", "2021-10-31 00:30:00", "2023-01-31", "true"},
    {10, "-1", "4", "0.005", "-0.5", "100%_off", "%_", "2021-10-31 01:30:00", "2020-01-01",
     "false"},
    {11, "10", "5", "1", "0.5", "it's \\ back", " \\ ", "2021-12-31 23:59:59.5", "2021-12-31",
     "true"},
    // Row 11's instant has a fraction of a second (half a second before 2022 in UTC).
    // Friday 2027-01-01 is in ISO week 53 of 2026; MySQL's collation says 'FR' = 'fr '.
    {12, "4", "-4", "3", "3", "FR", "fr ", "2027-01-01 00:00:00", "2027-01-03", "false"},
};

std::string create_statement(Engine engine) {
    switch (engine) {
        case Engine::Postgres:
            return "CREATE TABLE diff_fixture (id integer NOT NULL PRIMARY KEY, i bigint, "
                   "j integer, n numeric(20,3), d double precision, s text, t text, "
                   "at_tz timestamptz, at_utc timestamp, day date, flag boolean)";
        case Engine::RedshiftStandIn:
            // Redshift has no unbounded text type: VARCHAR as a Redshift table would have.
            return "CREATE TABLE diff_fixture (id integer NOT NULL PRIMARY KEY, i bigint, "
                   "j integer, n numeric(20,3), d double precision, s varchar(256), "
                   "t varchar(256), at_tz timestamptz, at_utc timestamp, day date, "
                   "flag boolean)";
        case Engine::Mariadb:
            // No COLLATE: the server's default utf8mb4 collation (utf8mb4_general_ci). s is
            // longer than 128 characters: MySQL groups it by its binary collation and byte
            // length, t by its binary form (see fixture_source).
            return "CREATE TABLE diff_fixture (id INT NOT NULL PRIMARY KEY, i BIGINT, j INT, "
                   "n DECIMAL(20,3), d DOUBLE, s VARCHAR(200), t VARCHAR(64), at_tz DATETIME(6), "
                   "at_utc TIMESTAMP(6) NULL DEFAULT NULL, day DATE, flag BOOLEAN) "
                   "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
    }
    throw std::logic_error("unknown engine");
}

std::string insert_statement(Connection& c, const FixtureRow& r) {
    const bool pg = c.engine() != Engine::Mariadb;
    auto raw = [](const Value& v) { return v ? *v : std::string("NULL"); };
    auto text = [&](const Value& v) { return v ? c.string_literal(*v) : std::string("NULL"); };
    auto instant = [&](const Value& v, bool with_zone) {
        if (!v) return std::string("NULL");
        return c.string_literal(*v + (pg && with_zone ? "+00" : ""));
    };
    return "INSERT INTO diff_fixture VALUES (" + std::to_string(r.id) + ", " + raw(r.i) + ", " +
           raw(r.j) + ", " + raw(r.n) + ", " + raw(r.d) + ", " + text(r.s) + ", " + text(r.t) +
           ", " + instant(r.at, true) + ", " + instant(r.at, false) + ", " + text(r.day) + ", " +
           raw(r.flag) + ")";
}

void load_far_instants(Connection& c) {
    const bool pg = c.engine() != Engine::Mariadb;
    c.exec("DROP TABLE IF EXISTS diff_far_instants");
    c.exec(pg ? "CREATE TABLE diff_far_instants (id integer NOT NULL PRIMARY KEY, at timestamptz)"
              : "CREATE TABLE diff_far_instants (id INT NOT NULL PRIMARY KEY, at DATETIME(6)) "
                "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    const std::string zone = pg ? "+00" : "";
    c.exec("INSERT INTO diff_far_instants VALUES (1, " +
           c.string_literal("1965-07-01 12:00:00" + zone) + "), (2, " +
           c.string_literal("2040-07-01 12:00:00" + zone) + ")");
}

// The point of the MariaDB table is its folding collation: make sure it has one.
void check_mariadb_collation(Connection& c) {
    const ResultRows rows = c.query(
        "SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
        "AND TABLE_NAME = 'diff_fixture' AND COLUMN_NAME = 's'");
    const std::string collation = rows.empty() || !rows[0][0] ? "" : *rows[0][0];
    if (collation.find("_ci") == std::string::npos) {
        throw std::runtime_error("diff_fixture.s on MariaDB has collation \"" + collation +
                                 "\", not the server's case-insensitive default");
    }
}

}  // namespace

void load_fixture(Connection& c) {
    c.exec("DROP TABLE IF EXISTS diff_fixture");
    c.exec(create_statement(c.engine()));
    for (const FixtureRow& r : kRows) c.exec(insert_statement(c, r));
    if (c.engine() == Engine::Mariadb) check_mariadb_collation(c);
    load_far_instants(c);
    const ResultRows count = c.query("SELECT COUNT(*) FROM diff_fixture");
    if (count.size() != 1 || count[0][0] != std::to_string(kRows.size())) {
        throw std::runtime_error("diff_fixture did not load all its rows");
    }
}

SourceInfo fixture_source() {
    SourceInfo s;
    s.name = kFixtureTable;
    s.relation.name = {kFixtureTable};
    // The bounds of the MariaDB table's declared types (the renderers' choice of forms
    // depends on them; on the other engines they hold too, or only make s look shorter).
    ColumnBounds int32;
    int32.int32_values = true;
    ColumnBounds varchar200;
    varchar200.max_chars = 200;
    ColumnBounds varchar64;
    varchar64.max_chars = 64;
    s.columns = {
        {"id", "", Type::Integer, false, int32},   {"i", "", Type::Integer, true, {}},
        {"j", "", Type::Integer, true, int32},     {"n", "", Type::Numeric, true, {}},
        {"d", "", Type::Double, true, {}},         {"s", "", Type::Text, true, varchar200},
        {"t", "", Type::Text, true, varchar64},    {"at_tz", "", Type::TimestampTz, true, {}},
        {"at_utc", "", Type::Timestamp, true, {}}, {"day", "", Type::Date, true, {}},
        {"flag", "", Type::Boolean, true, {}},
    };
    s.time_column = "at_tz";
    return s;
}

std::shared_ptr<const SourceInfo> FixtureCatalog::find_source(const std::string& name) const {
    if (name == kFarInstantsTable) {
        SourceInfo s;
        s.name = name;
        s.relation.name = {name};
        s.columns = {{"id", "", Type::Integer, false, {}}, {"at", "", Type::TimestampTz, true, {}}};
        return std::make_shared<const SourceInfo>(std::move(s));
    }
    if (name != kFixtureTable) {
        throw Error(sqlstate::kUndefinedTable, "unknown source \"" + name + "\"");
    }
    return std::make_shared<const SourceInfo>(fixture_source());
}

}  // namespace quarry::diff
