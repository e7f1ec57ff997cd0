// MariaDB: session settings, and every type of the matrix read back exactly (column
// metadata and text), boundary values included, from a temporary table the test creates.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "remote_env.hpp"

namespace quarry::remote::testing {
namespace {

class MysqlTypes : public ::testing::Test {
protected:
    void SetUp() override { c_ = RemoteConnection::connect(mysql_options()); }

    // The columns and the single row of `sql`.
    struct Result {
        std::vector<Column> columns;
        std::vector<Row> rows;
    };
    Result select(const std::string& sql) {
        Result r;
        auto cursor = c_->execute_streaming(sql);
        r.columns = cursor->columns();
        while (cursor->next()) {
            Row row;
            for (size_t i = 0; i < r.columns.size(); ++i) {
                const Value v = cursor->value(i);
                row.push_back(v.is_null() ? std::nullopt
                                          : std::optional<std::string>(std::string(v.text())));
            }
            r.rows.push_back(std::move(row));
        }
        return r;
    }

    // Creates a temporary table with one column of `type`, inserts `literals` (in permissive
    // mode when `legacy`, as old data was written), and checks the column's metadata and that
    // each row reads back as `expected` (nullopt: NULL).
    void check_type(const std::string& type, ValueKind kind, const std::string& type_name,
                    const std::vector<std::string>& literals,
                    const std::vector<std::optional<std::string>>& expected, bool legacy = false) {
        SCOPED_TRACE(type);
        c_->execute("DROP TEMPORARY TABLE IF EXISTS remote_types");
        c_->execute("CREATE TEMPORARY TABLE remote_types (id INT PRIMARY KEY, v " + type + ")");
        for (size_t i = 0; i < literals.size(); ++i) {
            const std::string insert =
                "INSERT INTO remote_types VALUES (" + std::to_string(i) + ", " + literals[i] + ")";
            c_->execute(legacy ? "SET STATEMENT sql_mode = '' FOR " + insert : insert);
        }
        const Result r = select("SELECT v FROM remote_types ORDER BY id");
        ASSERT_EQ(r.columns.size(), 1U);
        EXPECT_EQ(value_kind_name(r.columns[0].kind), value_kind_name(kind));
        EXPECT_EQ(r.columns[0].type_name, type_name);
        ASSERT_EQ(r.rows.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            EXPECT_EQ(r.rows[i][0], expected[i]) << "row " << i << ": " << literals[i];
        }
    }

    std::unique_ptr<RemoteConnection> c_;
};

using std::nullopt;

TEST_F(MysqlTypes, SessionSettings) {
    const Result r = select(
        "SELECT @@SESSION.time_zone, @@SESSION.sql_mode, @@character_set_client, "
        "@@character_set_connection, @@character_set_results, @@SESSION.net_write_timeout");
    ASSERT_EQ(r.rows.size(), 1U);
    EXPECT_EQ(r.rows[0][0], "+00:00");
    EXPECT_EQ(r.rows[0][1],
              "STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
              "NO_ENGINE_SUBSTITUTION");
    EXPECT_EQ(r.rows[0][2], "utf8mb4");
    EXPECT_EQ(r.rows[0][3], "utf8mb4");
    EXPECT_EQ(r.rows[0][4], "utf8mb4");
    EXPECT_EQ(r.rows[0][5], "3600");
    // The modes the renderer relies on being off: || is OR, NOT binds loosely.
    EXPECT_EQ(scalar(*c_, "SELECT 0 || 1"), "1");
    EXPECT_EQ(scalar(*c_, "SELECT NOT 1 BETWEEN -1 AND 0"), "1");
}

TEST_F(MysqlTypes, StrictModeRejectsZeroDatesOnWrite) {
    c_->execute("CREATE TEMPORARY TABLE remote_strict (d DATE)");
    try {
        c_->execute("INSERT INTO remote_strict VALUES ('0000-00-00')");
        ADD_FAILURE() << "a zero date was stored";
    } catch (const RemoteError& e) {
        EXPECT_EQ(e.sqlstate(), "22007") << e.what();
    }
    EXPECT_EQ(scalar(*c_, "SELECT COUNT(*) FROM remote_strict"), "0");
}

TEST_F(MysqlTypes, Decimal) {
    const std::string max = "99999999999999999999999999999999999.999999999999999999999999999999";
    check_type("DECIMAL(65,30)", ValueKind::Numeric, "decimal(65,30)",
               {max, "-" + max, "0.000000000000000000000000000001", "0", "NULL"},
               {max, "-" + max, "0.000000000000000000000000000001",
                "0.000000000000000000000000000000", nullopt});
    check_type("DECIMAL(10,0) UNSIGNED", ValueKind::Numeric, "decimal(10,0) unsigned",
               {"9999999999"}, {"9999999999"});
    const Result r = select("SELECT CAST(1 AS DECIMAL(65,30)) AS d");
    EXPECT_EQ(r.columns[0].precision, 65);
    EXPECT_EQ(r.columns[0].scale, 30);
}

TEST_F(MysqlTypes, Integers) {
    check_type("BIGINT UNSIGNED", ValueKind::Unsigned, "bigint unsigned",
               {"18446744073709551615", "0"}, {"18446744073709551615", "0"});
    check_type("BIGINT", ValueKind::Integer, "bigint",
               {"-9223372036854775808", "9223372036854775807"},
               {"-9223372036854775808", "9223372036854775807"});
    check_type("INT UNSIGNED", ValueKind::Integer, "int unsigned", {"4294967295"}, {"4294967295"});
    // TINYINT(1) is MySQL's boolean idiom, but it holds -128..127: an integer, named so that a
    // mapping may choose boolean.
    check_type("TINYINT(1)", ValueKind::Integer, "tinyint(1)", {"0", "1", "-128", "127", "NULL"},
               {"0", "1", "-128", "127", nullopt});
    check_type("YEAR", ValueKind::Integer, "year", {"1901", "2155", "0"}, {"1901", "2155", "0000"});
}

TEST_F(MysqlTypes, Bit) {
    check_type(
        "BIT(64)", ValueKind::Bit, "bit(64)",
        {"b'1111111111111111111111111111111111111111111111111111111111111111'", "b'0'", "NULL"},
        {"18446744073709551615", "0", nullopt});
    check_type("BIT(10)", ValueKind::Bit, "bit(10)", {"b'1000000001'"}, {"513"});
    check_type("BIT(1)", ValueKind::Bit, "bit(1)", {"b'1'", "b'0'"}, {"1", "0"});
}

TEST_F(MysqlTypes, EnumAndSet) {
    check_type("ENUM('small','medium','☃')", ValueKind::Text, "enum", {"'small'", "'☃'", "NULL"},
               {"small", "☃", nullopt});
    check_type("SET('a','b','c')", ValueKind::Text, "set", {"'a,c'", "''", "'c,a,b'"},
               {"a,c", "", "a,b,c"});
}

TEST_F(MysqlTypes, Json) {
    check_type("JSON", ValueKind::Json, "json",
               {"'{\"a\": [1, 2.5, \"é\"], \"b\": null}'", "'[]'", "NULL"},
               {"{\"a\": [1, 2.5, \"é\"], \"b\": null}", "[]", nullopt});
}

TEST_F(MysqlTypes, DatesAndTimes) {
    // Zero dates and dates with a zero part (legacy data written without strict mode) read as
    // NULL: see mysql.cpp.
    check_type("DATE", ValueKind::Date, "date",
               {"'1000-01-01'", "'9999-12-31'", "'0000-00-00'", "'2024-00-15'", "NULL"},
               {"1000-01-01", "9999-12-31", nullopt, nullopt, nullopt}, /*legacy=*/true);
    check_type("DATETIME(6)", ValueKind::Timestamp, "datetime",
               {"'1000-01-01 00:00:00'", "'9999-12-31 23:59:59.999999'", "'0000-00-00 00:00:00'",
                "'2024-03-00 10:00:00'"},
               {"1000-01-01 00:00:00.000000", "9999-12-31 23:59:59.999999", nullopt, nullopt},
               /*legacy=*/true);
    // TIMESTAMP is an instant: its UTC text with the offset.
    check_type(
        "TIMESTAMP(6) NULL", ValueKind::TimestampTz, "timestamp",
        {"'1970-01-01 00:00:01'", "'2038-01-19 03:14:07.999999'", "'0000-00-00 00:00:00'", "NULL"},
        {"1970-01-01 00:00:01.000000+00", "2038-01-19 03:14:07.999999+00", nullopt, nullopt},
        /*legacy=*/true);
    // TIME is a duration beyond a day.
    check_type("TIME(6)", ValueKind::Time, "time",
               {"'-838:59:59'", "'838:59:59'", "'00:00:00.000001'"},
               {"-838:59:59.000000", "838:59:59.000000", "00:00:00.000001"});
    const Result r = select("SELECT CAST('2024-01-02 03:04:05.5' AS DATETIME(3)) AS t");
    EXPECT_EQ(r.columns[0].scale, 3);
    EXPECT_EQ(r.rows[0][0], "2024-01-02 03:04:05.500");
}

TEST_F(MysqlTypes, TimestampsAreReadInUtc) {
    // Stored through a +02:00 session, read as the same instant in UTC.
    c_->execute("CREATE TEMPORARY TABLE remote_tz (t TIMESTAMP NULL)");
    c_->execute("SET time_zone = '+02:00'");
    c_->execute("INSERT INTO remote_tz VALUES ('2024-06-01 12:00:00')");
    c_->execute("SET time_zone = '+00:00'");
    EXPECT_EQ(scalar(*c_, "SELECT t FROM remote_tz"), "2024-06-01 10:00:00+00");
}

TEST_F(MysqlTypes, TextAndBytes) {
    check_type("TEXT", ValueKind::Text, "text",
               {"'😀 ünïcödé 𝄞'", "''", "'it''s a \\\\ backslash'", "NULL"},
               {"😀 ünïcödé 𝄞", "", "it's a \\ backslash", nullopt});
    check_type("VARCHAR(20)", ValueKind::Text, "varchar", {"'🎉x'"}, {"🎉x"});
    check_type("CHAR(5)", ValueKind::Text, "char", {"'ab'"}, {"ab"});
    // Binary strings are raw bytes, NUL included: lengths, not C strings.
    check_type("VARBINARY(8)", ValueKind::Bytes, "varbinary", {"0x00FF00"},
               {std::string("\x00\xff\x00", 3)});
    check_type("BLOB", ValueKind::Bytes, "blob", {"0x41"}, {"A"});
    EXPECT_EQ(scalar(*c_, "SELECT CHAR_LENGTH('😀')"), "1");
}

TEST_F(MysqlTypes, Floats) {
    check_type("DOUBLE", ValueKind::Float, "double",
               {"1.7976931348623157e308", "0.1", "-2.2250738585072014e-308"},
               {"1.7976931348623157e308", "0.1", "-2.2250738585072014e-308"});
}

TEST_F(MysqlTypes, NullLiteralColumn) {
    const Result r = select("SELECT NULL AS n");
    ASSERT_EQ(r.rows.size(), 1U);
    EXPECT_EQ(r.rows[0][0], nullopt);
}

TEST_F(MysqlTypes, PasswordWithSpecialCharacters) {
    // Passed to the library as it is; nothing to quote, nothing to inject.
    const std::string password = "p a'ss\\wo\"rd=;x";
    c_->execute("DROP USER IF EXISTS 'quarry odd'@'127.0.0.1'");
    c_->execute("CREATE USER 'quarry odd'@'127.0.0.1' IDENTIFIED BY 'p a''ss\\\\wo\"rd=;x'");
    RemoteOptions o = mysql_options();
    o.user = "quarry odd";
    o.password = password;
    o.dbname.clear();
    auto odd = RemoteConnection::connect(o);
    EXPECT_EQ(scalar(*odd, "SELECT CURRENT_USER()"), "quarry odd@127.0.0.1");
    odd.reset();
    o.password = "p a'ss";
    try {
        RemoteConnection::connect(o);
        ADD_FAILURE() << "a wrong password was accepted";
    } catch (const RemoteError& e) {
        EXPECT_EQ(e.sqlstate(), "08001");
    }
    c_->execute("DROP USER 'quarry odd'@'127.0.0.1'");
}

TEST_F(MysqlTypes, KillQueryOnAnIdleSessionDoesNotHurtItsNextStatement) {
    // The race a cancel can lose: the statement ended just before KILL QUERY arrived.
    auto admin = RemoteConnection::connect(mysql_options());
    admin->execute("KILL QUERY " + std::to_string(c_->session_id()));
    EXPECT_EQ(scalar(*c_, "SELECT 1"), "1");
}

}  // namespace
}  // namespace quarry::remote::testing
