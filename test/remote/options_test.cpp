// src/remote without a server: options, labels, text conversions, API misuse.
#include <gtest/gtest.h>

#include <string>

#include "src/remote/connection.hpp"
#include "src/remote/text.hpp"

namespace quarry::remote {
namespace {

RemoteOptions valid_options() {
    RemoteOptions o;
    o.kind = RemoteKind::Mysql;
    o.host = "db.example";
    o.port = 3307;
    o.dbname = "shop";
    o.user = "bi";
    o.password = "s3cret-pass";
    return o;
}

// The SQLSTATE and message of what `f` throws (a RemoteError is expected).
template <typename F>
std::pair<std::string, std::string> remote_error_of(F f) {
    try {
        f();
    } catch (const RemoteError& e) {
        return {e.sqlstate(), e.what()};
    }
    ADD_FAILURE() << "no RemoteError thrown";
    return {};
}

TEST(RemoteOptions, ValidOptionsPass) { EXPECT_NO_THROW(validate_options(valid_options())); }

TEST(RemoteOptions, InvalidValuesNameTheirOption) {
    struct Case {
        const char* option;
        void (*spoil)(RemoteOptions&);
    };
    const Case cases[] = {
        {"port", [](RemoteOptions& o) { o.port = 70000; }},
        {"port", [](RemoteOptions& o) { o.port = -1; }},
        {"host", [](RemoteOptions& o) { o.host.clear(); }},
        {"connect_timeout_ms", [](RemoteOptions& o) { o.connect_timeout_ms = -5; }},
        {"query_timeout_ms", [](RemoteOptions& o) { o.query_timeout_ms = -1; }},
        {"fetch_size", [](RemoteOptions& o) { o.fetch_size = 0; }},
        {"ssl_mode", [](RemoteOptions& o) { o.ssl_mode = "sometimes"; }},
        {"dbname", [](RemoteOptions& o) { o.dbname = std::string("a\0b", 3); }},
    };
    for (const Case& c : cases) {
        RemoteOptions o = valid_options();
        c.spoil(o);
        const auto [state, message] = remote_error_of([&] { validate_options(o); });
        EXPECT_EQ(state, "22023") << c.option;
        EXPECT_NE(message.find(std::string("\"") + c.option + "\""), std::string::npos) << message;
    }
}

TEST(RemoteOptions, NulInPasswordIsRejectedWithoutShowingIt) {
    RemoteOptions o = valid_options();
    o.password = std::string("hunter2\0-rest-of-it", 19);
    const auto [state, message] = remote_error_of([&] { validate_options(o); });
    EXPECT_EQ(state, "22023");
    EXPECT_NE(message.find("\"password\""), std::string::npos) << message;
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
}

TEST(RemoteOptions, EverySslModeIsAccepted) {
    for (const char* mode : {"", "disable", "prefer", "require", "verify-ca", "verify-full"}) {
        RemoteOptions o = valid_options();
        o.ssl_mode = mode;
        EXPECT_NO_THROW(validate_options(o)) << mode;
    }
}

TEST(RemoteOptions, DialectNames) {
    EXPECT_EQ(parse_remote_kind("mysql"), RemoteKind::Mysql);
    EXPECT_EQ(parse_remote_kind("postgres"), RemoteKind::Postgres);
    EXPECT_EQ(parse_remote_kind("redshift"), RemoteKind::Redshift);
    for (RemoteKind k : {RemoteKind::Mysql, RemoteKind::Postgres, RemoteKind::Redshift}) {
        EXPECT_EQ(parse_remote_kind(remote_kind_name(k)), k);
    }
    const auto [state, message] = remote_error_of([] { parse_remote_kind("oracle"); });
    EXPECT_EQ(state, "22023");
    EXPECT_NE(message.find("\"oracle\""), std::string::npos) << message;
}

TEST(RemoteOptions, LabelNamesServerWithoutPassword) {
    RemoteOptions o = valid_options();
    EXPECT_EQ(server_label(o), "mysql db.example:3307/shop");
    o.server_name = "shop_db";
    EXPECT_EQ(server_label(o), "server \"shop_db\" (mysql db.example:3307/shop)");
    o.kind = RemoteKind::Redshift;
    o.port = 0;
    EXPECT_EQ(server_label(o), "server \"shop_db\" (redshift db.example:5432/shop)");
    o.kind = RemoteKind::Mysql;
    EXPECT_EQ(server_label(o), "server \"shop_db\" (mysql db.example:3306/shop)");
}

TEST(RemoteText, RedactSecretReplacesEveryOccurrence) {
    EXPECT_EQ(redact_secret("user 's3cret' said s3cret", "s3cret"),
              "user '********' said ********");
    EXPECT_EQ(redact_secret("nothing here", "s3cret"), "nothing here");
    EXPECT_EQ(redact_secret("s3crets3cret", "s3cret"), "****************");
    // Short secrets would turn every message into asterisks: left alone (documented).
    EXPECT_EQ(redact_secret("abc", "a"), "abc");
    EXPECT_EQ(redact_secret("anything", ""), "anything");
}

TEST(RemoteText, BitBytesAsDecimal) {
    EXPECT_EQ(bit_to_decimal(""), "0");
    EXPECT_EQ(bit_to_decimal(std::string("\x00", 1)), "0");
    EXPECT_EQ(bit_to_decimal("\x01"), "1");
    EXPECT_EQ(bit_to_decimal("\x02\x01"), "513");
    EXPECT_EQ(bit_to_decimal(std::string(8, '\xff')), "18446744073709551615");
    EXPECT_EQ(bit_to_decimal(std::string("\x80\x00\x00\x00\x00\x00\x00\x00", 8)),
              "9223372036854775808");
}

TEST(RemoteText, ZeroDateParts) {
    EXPECT_TRUE(has_zero_date_part("0000-00-00"));
    EXPECT_TRUE(has_zero_date_part("0000-00-00 00:00:00"));
    EXPECT_TRUE(has_zero_date_part("2024-00-15"));
    EXPECT_TRUE(has_zero_date_part("2024-03-00 12:00:00.000000"));
    EXPECT_FALSE(has_zero_date_part("0000-01-01"));  // year 0 is a day (MySQL's calendar)
    EXPECT_FALSE(has_zero_date_part("2024-02-29"));
    EXPECT_FALSE(has_zero_date_part("2024-10-10 00:00:00"));
    EXPECT_FALSE(has_zero_date_part("12:00:00"));
    EXPECT_FALSE(has_zero_date_part(""));
}

TEST(RemoteText, TrimMessage) {
    EXPECT_EQ(trim_message("connection refused\n"), "connection refused");
    EXPECT_EQ(trim_message("a\n\tb  \n"), "a\n\tb");
    EXPECT_EQ(trim_message(""), "");
}

TEST(RemoteConnectionApi, OptionsOfAnotherKindAreRefused) {
    auto c = RemoteConnection::create(RemoteKind::Postgres);
    const auto [state, message] = remote_error_of([&] { c->open(valid_options()); });
    EXPECT_EQ(state, "22023");
    EXPECT_FALSE(c->is_open());
}

TEST(RemoteConnectionApi, StatementOnUnopenedConnectionIs55000) {
    for (RemoteKind k : {RemoteKind::Mysql, RemoteKind::Postgres, RemoteKind::Redshift}) {
        auto c = RemoteConnection::create(k);
        EXPECT_FALSE(c->is_alive());
        EXPECT_EQ(c->session_id(), 0U);
        const auto [state, message] = remote_error_of([&] { c->execute("SELECT 1"); });
        EXPECT_EQ(state, "55000") << message;
    }
}

}  // namespace
}  // namespace quarry::remote
