// The one module that puts user text into SQL. Each function appends one complete,
// self-delimiting token for a given lexer; dialects pick the ones their engine speaks. Text with
// a NUL byte cannot be passed safely to any of them (C client libraries cut strings there) and is
// rejected with Error 22023, as is an empty identifier (no engine has one).
#pragma once

#include <string>
#include <string_view>

#include "common/firewall.hpp"

namespace quarry::quote {

// "a""b": standard SQL delimited identifier (PostgreSQL, Redshift).
void standard_identifier(std::string& out, std::string_view ident);
// 'it''s': standard SQL string with standard_conforming_strings on (backslash is literal).
void standard_string(std::string& out, std::string_view text);
// 'it''s' with '\' doubled: for lexers that always treat backslash as an escape (Redshift, which
// forked before standard_conforming_strings existed).
void backslash_escaped_string(std::string& out, std::string_view text);
// `a``b`: MySQL/MariaDB identifier (valid with or without ANSI_QUOTES).
void mysql_identifier(std::string& out, std::string_view ident);
// A MySQL/MariaDB string that means the same whether or not NO_BACKSLASH_ESCAPES is set: quotes
// doubled, and text holding a backslash rendered as a hexadecimal literal with a utf8mb4
// introducer (_utf8mb4 X'...': coercible like a plain literal, so it compares with columns of any
// utf8mb4 collation).
void mysql_string(std::string& out, std::string_view text);

// The LIKE pattern that matches `text` literally with '\' as the escape character.
std::string like_escape(std::string_view text);

}  // namespace quarry::quote
