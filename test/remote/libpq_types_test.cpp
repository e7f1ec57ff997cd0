// PostgreSQL and the Redshift stand-in: session settings, and the types of the matrix
// read back exactly (column metadata and text), from a temporary table the test creates.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "remote_env.hpp"

namespace quarry::remote::testing {
namespace {

using std::nullopt;

struct LibpqTarget {
    std::string name;
    RemoteOptions (*options)();
};

class LibpqTypes : public ::testing::TestWithParam<LibpqTarget> {
protected:
    void SetUp() override { c_ = RemoteConnection::connect(GetParam().options()); }
    bool redshift() const { return GetParam().name == "redshift"; }

    // Creates a temporary table with one column of `type`, inserts `literals`, and checks the
    // column's metadata and that each row reads back as `expected` (nullopt: NULL).
    void check_type(const std::string& type, ValueKind kind, const std::string& type_name,
                    const std::vector<std::string>& literals,
                    const std::vector<std::optional<std::string>>& expected) {
        SCOPED_TRACE(type);
        c_->execute("DROP TABLE IF EXISTS pg_temp.remote_types");
        c_->execute("CREATE TEMPORARY TABLE remote_types (id int PRIMARY KEY, v " + type + ")");
        for (size_t i = 0; i < literals.size(); ++i) {
            c_->execute("INSERT INTO remote_types VALUES (" + std::to_string(i) + ", " +
                        literals[i] + ")");
        }
        auto cursor = c_->execute_streaming("SELECT v FROM remote_types ORDER BY id");
        ASSERT_EQ(cursor->columns().size(), 1U);
        const Column& column = cursor->columns()[0];
        EXPECT_EQ(value_kind_name(column.kind), value_kind_name(kind));
        EXPECT_EQ(column.type_name, type_name);
        std::vector<std::optional<std::string>> got;
        while (cursor->next()) {
            const Value v = cursor->value(0);
            got.push_back(v.is_null() ? std::nullopt
                                      : std::optional<std::string>(std::string(v.text())));
        }
        ASSERT_EQ(got.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            EXPECT_EQ(got[i], expected[i]) << "row " << i << ": " << literals[i];
        }
    }

    std::unique_ptr<RemoteConnection> c_;
};

TEST_P(LibpqTypes, SessionSettings) {
    EXPECT_EQ(scalar(*c_, "SELECT current_setting('TimeZone')"), "UTC");
    EXPECT_EQ(scalar(*c_, "SELECT current_setting('DateStyle')"), "ISO, MDY");
    EXPECT_EQ(scalar(*c_, "SELECT current_setting('client_encoding')"), "UTF8");
    EXPECT_EQ(scalar(*c_, "SELECT current_setting('extra_float_digits')"), redshift() ? "2" : "3");
    EXPECT_EQ(scalar(*c_, "SELECT current_setting('application_name')"), "quarry");
    if (redshift()) {
        // Backslashes escape in string literals, as on Redshift (the redshift renderer doubles
        // them).
        EXPECT_EQ(scalar(*c_, "SELECT current_setting('standard_conforming_strings')"), "off");
        EXPECT_EQ(scalar(*c_, "SELECT 'a\\\\b'"), "a\\b");
    } else {
        EXPECT_EQ(scalar(*c_, "SELECT current_setting('IntervalStyle')"), "postgres");
        EXPECT_EQ(scalar(*c_, "SELECT current_setting('standard_conforming_strings')"), "on");
        EXPECT_EQ(scalar(*c_, "SELECT 'a\\b'"), "a\\b");
    }
}

TEST_P(LibpqTypes, Numeric) {
    const std::string big = "-99999999999999999999999999999999999999.99999999999999999999999999999";
    check_type("numeric", ValueKind::Numeric, "numeric",
               {big, "0.000000000000000000000000000001", "'NaN'", "NULL"},
               {big, "0.000000000000000000000000000001", "NaN", nullopt});
    check_type("numeric(38,10)", ValueKind::Numeric, "numeric",
               {"1234567890123456789012345678.0123456789", "0"},
               {"1234567890123456789012345678.0123456789", "0.0000000000"});
    auto cursor = c_->execute_streaming("SELECT v FROM remote_types");
    EXPECT_EQ(cursor->columns()[0].precision, 38);
    EXPECT_EQ(cursor->columns()[0].scale, 10);
}

TEST_P(LibpqTypes, TimestampTz) {
    check_type("timestamptz", ValueKind::TimestampTz, "timestamptz",
               {"'2024-02-29 14:34:56.123456+02'", "'1970-01-01 00:00:00+00'", "'infinity'",
                "'4713-01-01 00:00:00+00 BC'", "NULL"},
               {"2024-02-29 12:34:56.123456+00", "1970-01-01 00:00:00+00", "infinity",
                "4713-01-01 00:00:00+00 BC", nullopt});
    check_type("timestamp(3)", ValueKind::Timestamp, "timestamp", {"'2024-01-02 03:04:05.6789'"},
               {"2024-01-02 03:04:05.679"});
    check_type("date", ValueKind::Date, "date", {"'0001-01-01'", "'5874897-12-31'"},
               {"0001-01-01", "5874897-12-31"});
}

TEST_P(LibpqTypes, BooleanTextIntegersFloats) {
    check_type("boolean", ValueKind::Boolean, "boolean", {"true", "false", "NULL"},
               {"t", "f", nullopt});
    check_type("text", ValueKind::Text, "text", {"'😀 ünïcödé 𝄞'", "''"}, {"😀 ünïcödé 𝄞", ""});
    check_type("varchar(10)", ValueKind::Text, "character varying", {"'🎉x'"}, {"🎉x"});
    check_type("smallint", ValueKind::Integer, "smallint", {"-32768", "32767"},
               {"-32768", "32767"});
    check_type("int", ValueKind::Integer, "integer", {"-2147483648", "2147483647"},
               {"-2147483648", "2147483647"});
    check_type("bigint", ValueKind::Integer, "bigint",
               {"-9223372036854775808", "9223372036854775807"},
               {"-9223372036854775808", "9223372036854775807"});
    check_type("double precision", ValueKind::Float, "double precision",
               {"1.7976931348623157e308", "0.1", "'-Infinity'"},
               {"1.7976931348623157e+308", "0.1", "-Infinity"});
    check_type("real", ValueKind::Float, "real", {"3.4028235e38", "0.1"}, {"3.4028235e+38", "0.1"});
}

TEST_P(LibpqTypes, JsonIntervalBytea) {
    check_type("jsonb", ValueKind::Json, "jsonb", {"'{\"b\": null, \"a\": [1, 2.5, \"é\"]}'"},
               {"{\"a\": [1, 2.5, \"é\"], \"b\": null}"});
    check_type("json", ValueKind::Json, "json", {"'{\"b\": 1,  \"a\": 2}'"},
               {"{\"b\": 1,  \"a\": 2}"});
    check_type("interval", ValueKind::Interval, "interval",
               {"'1 year 2 months 3 days 04:05:06.789'"}, {"1 year 2 mons 3 days 04:05:06.789"});
    // decode(): independent of how the session lexes backslashes.
    check_type("bytea", ValueKind::Bytes, "bytea", {"decode('00ff', 'hex')"}, {"\\x00ff"});
}

TEST_P(LibpqTypes, SpecialCharactersInPasswordAndDbname) {
    // Values go to libpq as keyword/value arrays (expand_dbname = 0): spaces, quotes,
    // backslashes and "=" are passed as they are and can add no keyword.
    RemoteOptions admin_options = GetParam().options();
    admin_options.kind = RemoteKind::Postgres;
    admin_options.user = "postgres";  // trusted superuser on both servers
    admin_options.password.clear();
    admin_options.dbname = "postgres";
    auto admin = RemoteConnection::connect(admin_options);
    const std::string role = "quarry odd " + GetParam().name;
    const std::string db = "odd db '" + GetParam().name + "' \\ x=1";
    admin->execute("DROP DATABASE IF EXISTS \"" + db + "\"");
    admin->execute("DROP ROLE IF EXISTS \"" + role + "\"");
    admin->execute("CREATE ROLE \"" + role + "\" LOGIN PASSWORD 'p a''ss\\wo\"rd host=evil'");
    admin->execute("CREATE DATABASE \"" + db + "\" OWNER \"" + role + "\"");
    RemoteOptions o = GetParam().options();
    o.user = role;
    o.password = "p a'ss\\wo\"rd host=evil";
    o.dbname = db;
    {
        auto odd = RemoteConnection::connect(o);
        EXPECT_EQ(scalar(*odd, "SELECT current_user"), role);
        EXPECT_EQ(scalar(*odd, "SELECT current_database()"), db);
    }
    o.password = "p a'ss";
    try {
        RemoteConnection::connect(o);
        ADD_FAILURE() << "a wrong password was accepted";
    } catch (const RemoteError& e) {
        EXPECT_EQ(e.sqlstate(), "08001");
        EXPECT_EQ(std::string(e.what()).find("p a'ss"), std::string::npos) << e.what();
    }
    admin->execute("DROP DATABASE \"" + db + "\"");
    admin->execute("DROP ROLE \"" + role + "\"");
}

INSTANTIATE_TEST_SUITE_P(Servers, LibpqTypes,
                         ::testing::Values(LibpqTarget{"postgres", postgres_options},
                                           LibpqTarget{"redshift", redshift_options}),
                         [](const ::testing::TestParamInfo<LibpqTarget>& info) {
                             return info.param.name;
                         });

}  // namespace
}  // namespace quarry::remote::testing
