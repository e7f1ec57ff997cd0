// Lexer and precedence-climbing parser of the formula language. Recursion is bounded twice: by
// the nesting depth while parsing (kMaxFormulaDepth) and by the height of the tree it builds,
// so neither hostile nesting nor a 10,000-term chain can exhaust the stack later on.
#include <cstring>

#include "common/error.hpp"
#include "common/text.hpp"
#include "formula/ast.hpp"
#include "formula/formula.hpp"

namespace quarry::formula {

namespace {

enum class TokenKind : uint8_t {
    End,
    Number,     // text: digits [. digits] [e [+-] digits]
    String,     // text: unquoted value
    Word,       // bare identifier or keyword
    Bracketed,  // [Name With Spaces]
    Symbol,     // operators and punctuation
};

// Keywords are recognized once, when lexed, so the parser compares small integers.
enum class Keyword : uint8_t {
    None,
    And,
    Or,
    Not,
    In,
    Is,
    Null,
    True,
    False,
    Case,
    When,
    Then,
    Else,
    End
};

struct KeywordName {
    const char* text;
    Keyword keyword;
};

constexpr KeywordName kKeywords[] = {
    {"and", Keyword::And},   {"or", Keyword::Or},       {"not", Keyword::Not},
    {"in", Keyword::In},     {"is", Keyword::Is},       {"null", Keyword::Null},
    {"true", Keyword::True}, {"false", Keyword::False}, {"case", Keyword::Case},
    {"when", Keyword::When}, {"then", Keyword::Then},   {"else", Keyword::Else},
    {"end", Keyword::End},
};

struct Token {
    TokenKind kind = TokenKind::End;
    Keyword keyword = Keyword::None;
    std::string text;
    uint32_t position = 0;
    bool has_dot = false;
    bool has_exponent = false;
};

Keyword keyword_of(std::string_view word) {
    if (word.size() < 2 || word.size() > 5) return Keyword::None;
    // Every keyword starts with one of these letters: most names are rejected here.
    switch (ascii_lower(word[0])) {
        case 'a':
        case 'o':
        case 'n':
        case 'i':
        case 't':
        case 'f':
        case 'c':
        case 'w':
        case 'e':
            break;
        default:
            return Keyword::None;
    }
    for (const KeywordName& k : kKeywords) {
        if (equals_ignoring_ascii_case(word, k.text)) return k.keyword;
    }
    return Keyword::None;
}

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

// ASCII only, whatever the process's locale: other names go in [brackets].
bool is_ident_start(char c) { return is_ascii_letter(c) || c == '_'; }
bool is_ident_char(char c) { return is_ascii_letter(c) || is_ascii_digit(c) || c == '_'; }

class Lexer {
public:
    Lexer(std::string_view text, const ErrorPath& path) : text_(text), path_(path) {}

    // Reads the next token into `t` (reusing its text's buffer).
    void next(Token& t) {
        skip_space();
        t.kind = TokenKind::End;
        t.keyword = Keyword::None;
        t.text.clear();
        t.has_dot = false;
        t.has_exponent = false;
        t.position = static_cast<uint32_t>(pos_ + 1);
        if (pos_ >= text_.size()) return;
        char c = text_[pos_];
        if (is_ascii_digit(c) ||
            (c == '.' && pos_ + 1 < text_.size() && is_ascii_digit(text_[pos_ + 1]))) {
            number(t);
            return;
        }
        if (c == '\'' || c == '"') {
            quoted(t, c);
            return;
        }
        if (c == '[') {
            bracketed(t);
            return;
        }
        if (is_ident_start(c)) {
            size_t start = pos_;
            while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
            t.kind = TokenKind::Word;
            t.text.assign(text_.data() + start, pos_ - start);
            t.keyword = keyword_of(t.text);
            return;
        }
        symbol(t);
    }

    [[noreturn]] void fail(uint32_t position, const std::string& what) const {
        throw spec_error(path_.str(),
                         "syntax error at position " + std::to_string(position) + ": " + what,
                         sqlstate::kInvalidParameterValue);
    }

private:
    void skip_space() {
        while (pos_ < text_.size() && is_ascii_space(text_[pos_])) {
            ++pos_;
        }
    }

    void number(Token& t) {
        size_t start = pos_;
        while (pos_ < text_.size() && is_ascii_digit(text_[pos_])) ++pos_;
        if (pos_ < text_.size() && text_[pos_] == '.') {
            t.has_dot = true;
            ++pos_;
            while (pos_ < text_.size() && is_ascii_digit(text_[pos_])) {
                ++pos_;
            }
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            size_t mark = pos_++;
            if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
            if (pos_ < text_.size() && is_ascii_digit(text_[pos_])) {
                t.has_exponent = true;
                while (pos_ < text_.size() && is_ascii_digit(text_[pos_])) {
                    ++pos_;
                }
            } else {
                pos_ = mark;
            }
        }
        if (pos_ < text_.size() && is_ident_char(text_[pos_])) {
            fail(static_cast<uint32_t>(pos_ + 1), "unexpected character after a number");
        }
        t.kind = TokenKind::Number;
        t.text.assign(text_.data() + start, pos_ - start);
    }

    // 'it''s' and "say ""hi""": a doubled quote stands for itself.
    void quoted(Token& t, char quote) {
        ++pos_;
        t.kind = TokenKind::String;
        while (true) {
            if (pos_ >= text_.size()) fail(t.position, "unterminated string");
            char c = text_[pos_++];
            if (c == quote) {
                if (pos_ < text_.size() && text_[pos_] == quote) {
                    t.text += quote;
                    ++pos_;
                    continue;
                }
                return;
            }
            t.text += c;
        }
    }

    void bracketed(Token& t) {
        ++pos_;
        t.kind = TokenKind::Bracketed;
        while (true) {
            if (pos_ >= text_.size()) fail(t.position, "unterminated [name]");
            char c = text_[pos_++];
            if (c == ']') {
                if (pos_ < text_.size() && text_[pos_] == ']') {
                    t.text += ']';
                    ++pos_;
                    continue;
                }
                break;
            }
            t.text += c;
        }
        if (t.text.empty()) fail(t.position, "empty [name]");
    }

    // The whole UTF-8 sequence starting at `at`: a message must not hold half a character.
    std::string_view character_at(size_t at) const {
        const auto lead = static_cast<unsigned char>(text_[at]);
        const size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return text_.substr(at, length);
    }

    void symbol(Token& t) {
        t.kind = TokenKind::Symbol;
        const char c = text_[pos_];
        const char d = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
        // The two-character operators: != <> <= >= ||
        const bool two = (c == '!' && d == '=') || (c == '<' && (d == '>' || d == '=')) ||
                         (c == '>' && d == '=') || (c == '|' && d == '|');
        if (two) {
            t.text.assign(text_.data() + pos_, 2);
            pos_ += 2;
            return;
        }
        if (c == '\0' || std::strchr("+-*/%=<>(),", c) == nullptr) {
            fail(t.position, "unexpected character " + quote_for_message(character_at(pos_)));
        }
        t.text.assign(1, c);
        ++pos_;
    }

    std::string_view text_;
    const ErrorPath& path_;
    size_t pos_ = 0;
};

// Binding powers, lowest first; a binary operator binds its right side one level tighter
// (left associative).
enum Power : int {
    kOr = 1,
    kAnd = 2,
    kNot = 3,
    kCompare = 4,
    kConcat = 5,
    kAdditive = 6,
    kMultiplicative = 7,
    kUnary = 8,
};

bool is_keyword(std::string_view w) { return keyword_of(w) != Keyword::None; }

class Parser {
public:
    Parser(std::string_view text, const ErrorPath& path) : lexer_(text, path), path_(path) {
        advance();
    }

    Ast run() {
        ast_.nodes.reserve(16);
        ast_.root = expression(0, 1);
        if (current_.kind != TokenKind::End) fail_here("unexpected " + describe(current_));
        return std::move(ast_);
    }

private:
    void advance() { lexer_.next(current_); }

    bool at_symbol(std::string_view s) const {
        return current_.kind == TokenKind::Symbol && std::string_view(current_.text) == s;
    }
    bool at(Keyword k) const { return current_.keyword == k; }

    static std::string describe(const Token& t) {
        switch (t.kind) {
            case TokenKind::End:
                return "end of formula";
            case TokenKind::Number:
                return "number " + t.text;
            case TokenKind::String:
                return "string " + quote_for_message(t.text);
            case TokenKind::Word:
            case TokenKind::Bracketed:
                return quote_for_message(t.text);
            case TokenKind::Symbol:
                return "\"" + t.text + "\"";
        }
        return "token";
    }

    [[noreturn]] void fail_here(const std::string& what) const {
        lexer_.fail(current_.position, what);
    }

    void expect_symbol(const char* s) {
        if (!at_symbol(s))
            fail_here(std::string("expected \"") + s + "\", got " + describe(current_));
        advance();
    }
    void expect(Keyword k, const char* word) {
        if (!at(k)) fail_here(std::string("expected ") + word + ", got " + describe(current_));
        advance();
    }

    void check_depth(int depth) const {
        if (depth > kMaxFormulaDepth) {
            throw spec_error(
                path_.str(),
                "formula nested deeper than " + std::to_string(kMaxFormulaDepth) + " levels",
                sqlstate::kInvalidParameterValue);
        }
    }

    uint32_t add(Node node) {
        for (uint32_t k : node.kids) node.height = std::max(node.height, ast_.nodes[k].height + 1);
        check_depth(static_cast<int>(node.height));
        ast_.nodes.push_back(std::move(node));
        return static_cast<uint32_t>(ast_.nodes.size() - 1);
    }

    uint32_t leaf(NodeKind kind, std::string text, uint32_t position) {
        Node n;
        n.kind = kind;
        n.text = std::move(text);
        n.position = position;
        return add(std::move(n));
    }

    // Precedence climbing over binary and postfix operators.
    uint32_t expression(int min_power, int depth) {
        check_depth(depth);
        uint32_t lhs = prefix(depth);
        while (true) {
            uint32_t position = current_.position;
            if (at(Keyword::Or) && kOr >= min_power) {
                advance();
                lhs = binary("or", lhs, expression(kOr + 1, depth + 1), position);
            } else if (at(Keyword::And) && kAnd >= min_power) {
                advance();
                lhs = binary("and", lhs, expression(kAnd + 1, depth + 1), position);
            } else if (kCompare >= min_power && is_comparison()) {
                std::string op = current_.text == "<>" ? "!=" : current_.text;
                advance();
                lhs = binary(op, lhs, expression(kCompare + 1, depth + 1), position);
            } else if (kCompare >= min_power && at(Keyword::Is)) {
                lhs = is_null(lhs, position);
            } else if (kCompare >= min_power && (at(Keyword::In) || at(Keyword::Not))) {
                lhs = in_list(lhs, position, depth);
            } else if (at_symbol("||") && kConcat >= min_power) {
                advance();
                lhs = binary("||", lhs, expression(kConcat + 1, depth + 1), position);
            } else if ((at_symbol("+") || at_symbol("-")) && kAdditive >= min_power) {
                std::string op = current_.text;
                advance();
                lhs = binary(op, lhs, expression(kAdditive + 1, depth + 1), position);
            } else if ((at_symbol("*") || at_symbol("/") || at_symbol("%")) &&
                       kMultiplicative >= min_power) {
                std::string op = current_.text;
                advance();
                lhs = binary(op, lhs, expression(kMultiplicative + 1, depth + 1), position);
            } else {
                return lhs;
            }
        }
    }

    bool is_comparison() const {
        if (current_.kind != TokenKind::Symbol) return false;
        const std::string_view s = current_.text;
        return s == "=" || s == "!=" || s == "<>" || s == "<" || s == "<=" || s == ">" || s == ">=";
    }

    uint32_t binary(const std::string& op, uint32_t lhs, uint32_t rhs, uint32_t position) {
        Node n;
        n.kind = NodeKind::Binary;
        n.text = op;
        n.position = position;
        n.kids = {lhs, rhs};
        return add(std::move(n));
    }

    uint32_t is_null(uint32_t operand, uint32_t position) {
        advance();  // is
        Node n;
        n.kind = NodeKind::IsNull;
        n.position = position;
        if (at(Keyword::Not)) {
            n.negated = true;
            advance();
        }
        expect(Keyword::Null, "null");
        n.kids = {operand};
        return add(std::move(n));
    }

    uint32_t in_list(uint32_t lhs, uint32_t position, int depth) {
        Node n;
        n.kind = NodeKind::InList;
        n.position = position;
        if (at(Keyword::Not)) {
            n.negated = true;
            advance();
        }
        expect(Keyword::In, "in");
        expect_symbol("(");
        n.kids.push_back(lhs);
        comma_list_until_close(n, depth, "items in an in (...) list");
        return add(std::move(n));
    }

    // The current token's text, taken before advancing past it.
    std::string take_text() { return std::move(current_.text); }

    uint32_t prefix(int depth) {
        const uint32_t position = current_.position;
        switch (current_.kind) {
            case TokenKind::End:
                fail_here("unexpected end of formula");
            case TokenKind::Number: {
                NodeKind kind = current_.has_exponent ? NodeKind::Real
                                : current_.has_dot    ? NodeKind::Decimal
                                                      : NodeKind::Integer;
                std::string text = take_text();
                advance();
                return leaf(kind, std::move(text), position);
            }
            case TokenKind::String:
            case TokenKind::Bracketed: {
                NodeKind kind =
                    current_.kind == TokenKind::String ? NodeKind::String : NodeKind::Name;
                std::string text = take_text();
                advance();
                return leaf(kind, std::move(text), position);
            }
            case TokenKind::Word:
                return word(depth);
            case TokenKind::Symbol:
                break;
        }
        if (at_symbol("(")) {
            advance();
            uint32_t inner = expression(0, depth + 1);
            expect_symbol(")");
            return inner;
        }
        if (at_symbol("-") || at_symbol("+")) {
            std::string op = take_text();
            advance();
            return unary(op, expression(kUnary, depth + 1), position);
        }
        fail_here("unexpected " + describe(current_));
    }

    uint32_t unary(const std::string& op, uint32_t operand, uint32_t position) {
        Node n;
        n.kind = NodeKind::Unary;
        n.text = op;
        n.position = position;
        n.kids = {operand};
        return add(std::move(n));
    }

    uint32_t word(int depth) {
        const uint32_t position = current_.position;
        const Keyword keyword = current_.keyword;
        if (keyword == Keyword::Not) {
            advance();
            return unary("not", expression(kNot, depth + 1), position);
        }
        if (keyword == Keyword::Null) {
            advance();
            return leaf(NodeKind::Null, "null", position);
        }
        if (keyword == Keyword::True || keyword == Keyword::False) {
            std::string text = lowercase(current_.text);
            advance();
            return leaf(NodeKind::Boolean, std::move(text), position);
        }
        std::string text = take_text();
        advance();
        if (keyword == Keyword::Case && !at_symbol("(")) return case_when(position, depth);
        if (at_symbol("(")) return call(text, position, depth);
        if (keyword != Keyword::None)
            lexer_.fail(position, "unexpected keyword " + lowercase(text));
        return leaf(NodeKind::Name, std::move(text), position);
    }

    uint32_t call(const std::string& name, uint32_t position, int depth) {
        advance();  // (
        Node n;
        n.kind = NodeKind::Call;
        n.text = lowercase(name);
        n.position = position;
        if (at_symbol("*")) {
            advance();
            n.star = true;
            expect_symbol(")");
            return add(std::move(n));
        }
        if (at_symbol(")")) {
            advance();
            return add(std::move(n));
        }
        comma_list_until_close(n, depth, "arguments in a call");
        return add(std::move(n));
    }

    // `expr, expr, ... )` appended to n's kids: the items of an in (...) list or the arguments
    // of a call, bounded alike.
    void comma_list_until_close(Node& n, int depth, const char* items) {
        const size_t first = n.kids.size();
        while (true) {
            if (n.kids.size() - first >= kMaxInListItems) {
                throw spec_error(path_.str(),
                                 "more than " + std::to_string(kMaxInListItems) + " " + items,
                                 sqlstate::kInvalidParameterValue);
            }
            n.kids.push_back(expression(0, depth + 1));
            if (at_symbol(",")) {
                advance();
                continue;
            }
            expect_symbol(")");
            break;
        }
    }

    uint32_t case_when(uint32_t position, int depth) {
        Node n;
        n.kind = NodeKind::Case;
        n.position = position;
        if (!at(Keyword::When)) fail_here("expected when, got " + describe(current_));
        while (at(Keyword::When)) {
            advance();
            n.kids.push_back(expression(0, depth + 1));
            expect(Keyword::Then, "then");
            n.kids.push_back(expression(0, depth + 1));
        }
        if (at(Keyword::Else)) {
            advance();
            n.kids.push_back(expression(0, depth + 1));
            n.has_else = true;
        }
        expect(Keyword::End, "end");
        return add(std::move(n));
    }

    Lexer lexer_;
    const ErrorPath& path_;
    Token current_;
    Ast ast_;
};

void print_name(std::string& out, const std::string& name) {
    if (is_plain_identifier(name)) {
        out += name;
        return;
    }
    out += '[';
    for (char c : name) {
        out += c;
        if (c == ']') out += ']';
    }
    out += ']';
}

void print_node(std::string& out, const Ast& ast, uint32_t index) {
    const Node& n = ast.at(index);
    auto kid = [&](size_t i) { print_node(out, ast, n.kids[i]); };
    switch (n.kind) {
        case NodeKind::Integer:
        case NodeKind::Decimal:
        case NodeKind::Real:
            out += lowercase(n.text);
            return;
        case NodeKind::Boolean:
        case NodeKind::Null:
            out += n.text;
            return;
        case NodeKind::String:
            out += '\'';
            for (char c : n.text) {
                out += c;
                if (c == '\'') out += '\'';
            }
            out += '\'';
            return;
        case NodeKind::Name:
            print_name(out, n.text);
            return;
        case NodeKind::Unary:
            out += '(';
            out += n.text;
            out += n.text == "not" ? " " : "";
            kid(0);
            out += ')';
            return;
        case NodeKind::Binary:
            out += '(';
            kid(0);
            out += ' ';
            out += n.text;
            out += ' ';
            kid(1);
            out += ')';
            return;
        case NodeKind::IsNull:
            out += '(';
            kid(0);
            out += n.negated ? " is not null)" : " is null)";
            return;
        case NodeKind::InList:
            out += '(';
            kid(0);
            out += n.negated ? " not in (" : " in (";
            for (size_t i = 1; i < n.kids.size(); ++i) {
                if (i > 1) out += ", ";
                kid(i);
            }
            out += "))";
            return;
        case NodeKind::Call:
            out += n.text;
            out += '(';
            if (n.star) out += '*';
            for (size_t i = 0; i < n.kids.size(); ++i) {
                if (i > 0) out += ", ";
                kid(i);
            }
            out += ')';
            return;
        case NodeKind::Case: {
            out += "case";
            size_t pairs = (n.kids.size() - (n.has_else ? 1 : 0)) / 2;
            for (size_t i = 0; i < pairs; ++i) {
                out += " when ";
                kid(2 * i);
                out += " then ";
                kid(2 * i + 1);
            }
            if (n.has_else) {
                out += " else ";
                kid(n.kids.size() - 1);
            }
            out += " end";
            return;
        }
    }
}

}  // namespace

bool is_plain_identifier(std::string_view name) {
    if (name.empty() || !is_ident_start(name[0]) || is_keyword(name)) return false;
    for (char c : name) {
        if (!is_ident_char(c)) return false;
    }
    return true;
}

Ast parse(std::string_view text, const ErrorPath& json_path) {
    if (text.size() > kMaxFormulaLength) {
        throw spec_error(json_path.str(),
                         "formula longer than " + std::to_string(kMaxFormulaLength) + " bytes",
                         sqlstate::kInvalidParameterValue);
    }
    if (text.find('\0') != std::string_view::npos) {
        throw spec_error(json_path.str(), "formula contains a NUL byte");
    }
    return Parser(text, json_path).run();
}

std::string print(const Ast& ast, uint32_t node) {
    std::string out;
    out.reserve(64);
    print_node(out, ast, node);
    return out;
}

}  // namespace quarry::formula
