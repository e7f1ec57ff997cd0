// The quoting module: the only place user text enters SQL. Every expectation is the exact token
// the engine's lexer reads back as the original text.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "common/error.hpp"
#include "dialects/dialect.hpp"
#include "render/quote.hpp"

namespace quarry {
namespace {

std::string ident(const char* dialect, std::string_view text) {
    return dialect_by_name(dialect).quote_identifier(text);
}
std::string str(const char* dialect, std::string_view text) {
    return dialect_by_name(dialect).quote_string(text);
}

void expect_rejected(const std::function<void()>& quote) {
    try {
        quote();
        ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.sqlstate(), "22023");
    }
}

const std::string kNul("a\0b", 3);

TEST(QuotePostgres, Identifiers) {
    EXPECT_EQ(ident("postgres", "orders"), R"("orders")");
    EXPECT_EQ(ident("postgres", "Mixed Case"), R"("Mixed Case")");
    EXPECT_EQ(ident("postgres", R"(a"b)"), R"("a""b")");
    EXPECT_EQ(ident("postgres", R"("")"), R"("""""")");
    EXPECT_EQ(ident("postgres", "`x`"), R"("`x`")");
    EXPECT_EQ(ident("postgres", R"(a\b)"), R"("a\b")");
    EXPECT_EQ(ident("postgres", R"(x"; DROP TABLE t; --)"), R"("x""; DROP TABLE t; --")");
    EXPECT_EQ(ident("postgres", "a /* b */ c"), R"("a /* b */ c")");
    EXPECT_EQ(ident("postgres", "día 🚀"), "\"día 🚀\"");
    EXPECT_EQ(ident("postgres", "x'y"), R"("x'y")");
}

TEST(QuotePostgres, Strings) {
    EXPECT_EQ(str("postgres", "FR"), "'FR'");
    EXPECT_EQ(str("postgres", ""), "''");
    EXPECT_EQ(str("postgres", "it's"), "'it''s'");
    EXPECT_EQ(str("postgres", "''"), "''''''");
    // standard_conforming_strings: a backslash is an ordinary character, no E'' strings.
    EXPECT_EQ(str("postgres", R"(a\b)"), R"('a\b')");
    EXPECT_EQ(str("postgres", R"(\')"), R"('\''')");
    EXPECT_EQ(str("postgres", "'; DROP TABLE orders; --"), "'''; DROP TABLE orders; --'");
    EXPECT_EQ(str("postgres", "x' OR '1'='1"), "'x'' OR ''1''=''1'");
    EXPECT_EQ(str("postgres", "/* c */ -- d ;"), "'/* c */ -- d ;'");
    EXPECT_EQ(str("postgres", "$$ $q$"), "'$$ $q$'");
    EXPECT_EQ(str("postgres", "é🚀日本"), "'é🚀日本'");
    EXPECT_EQ(str("postgres", "line\nbreak\ttab"), "'line\nbreak\ttab'");
}

TEST(QuoteRedshift, BackslashIsAnEscapeInRedshiftStrings) {
    EXPECT_EQ(str("redshift", "it's"), "'it''s'");
    EXPECT_EQ(str("redshift", R"(a\b)"), R"('a\\b')");
    // Without doubling, \' would end the literal's quote escaping and let the rest through.
    EXPECT_EQ(str("redshift", R"(\'; DROP TABLE t; --)"), R"('\\''; DROP TABLE t; --')");
    EXPECT_EQ(str("redshift", R"(\\)"), R"('\\\\')");
    EXPECT_EQ(str("redshift", ""), "''");
    EXPECT_EQ(str("redshift", "é🚀"), "'é🚀'");
    EXPECT_EQ(ident("redshift", R"(a"b\c)"), R"("a""b\c")");
}

TEST(QuoteMysql, Identifiers) {
    EXPECT_EQ(ident("mysql", "orders"), "`orders`");
    EXPECT_EQ(ident("mysql", "a`b"), "`a``b`");
    EXPECT_EQ(ident("mysql", "``"), "``````");
    EXPECT_EQ(ident("mysql", R"(a"b)"), R"(`a"b`)");
    EXPECT_EQ(ident("mysql", R"(a\b)"), R"(`a\b`)");
    EXPECT_EQ(ident("mysql", "x`; DROP TABLE t; -- "), "`x``; DROP TABLE t; -- `");
    EXPECT_EQ(ident("mysql", "día 🚀"), "`día 🚀`");
}

TEST(QuoteMysql, StringsWithoutBackslashAreDoubledQuotes) {
    EXPECT_EQ(str("mysql", "FR"), "'FR'");
    EXPECT_EQ(str("mysql", ""), "''");
    EXPECT_EQ(str("mysql", "it's"), "'it''s'");
    EXPECT_EQ(str("mysql", R"(say "hi")"), R"('say "hi"')");
    EXPECT_EQ(str("mysql", "`tick`"), "'`tick`'");
    EXPECT_EQ(str("mysql", "'; DROP TABLE orders; -- "), "'''; DROP TABLE orders; -- '");
    EXPECT_EQ(str("mysql", "/*! 50000 x */ #"), "'/*! 50000 x */ #'");
    EXPECT_EQ(str("mysql", "é🚀日本"), "'é🚀日本'");
}

TEST(QuoteMysql, StringsWithBackslashAreHexWhateverTheSqlMode) {
    // 'a\b' means a<BS>b without NO_BACKSLASH_ESCAPES and a\b with it: hex means one thing.
    EXPECT_EQ(str("mysql", R"(a\b)"), "_utf8mb4 X'615C62'");
    EXPECT_EQ(str("mysql", R"(\)"), "_utf8mb4 X'5C'");
    EXPECT_EQ(str("mysql", R"(\'; DROP TABLE t; -- )"),
              "_utf8mb4 X'5C273B2044524F50205441424C4520743B202D2D20'");
    EXPECT_EQ(str("mysql", "é\\"), "_utf8mb4 X'C3A95C'");
    EXPECT_EQ(str("mysql", "🚀\\n"), "_utf8mb4 X'F09F9A805C6E'");
}

TEST(Quote, NulBytesAreRejectedEverywhere) {
    for (const char* d : {"postgres", "mysql", "redshift"}) {
        SCOPED_TRACE(d);
        expect_rejected([&] { ident(d, kNul); });
        expect_rejected([&] { str(d, kNul); });
    }
}

TEST(Quote, EmptyIdentifiersAreRejected) {
    // Neither engine has a zero-length name: "" would not read back.
    for (const char* d : {"postgres", "mysql", "redshift"}) {
        SCOPED_TRACE(d);
        expect_rejected([&] { ident(d, ""); });
    }
}

TEST(Quote, LikeEscapeMakesWildcardsLiteral) {
    EXPECT_EQ(quote::like_escape("50%_off"), R"(50\%\_off)");
    EXPECT_EQ(quote::like_escape(R"(a\b)"), R"(a\\b)");
    EXPECT_EQ(quote::like_escape("plain é"), "plain é");
    EXPECT_EQ(quote::like_escape(""), "");
}

}  // namespace
}  // namespace quarry
