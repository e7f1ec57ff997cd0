// The formula syntax tree: what the parser produces before names and types are resolved.
// Nodes live in one vector (an arena) and refer to their children by index, so a formula of any
// size is a handful of allocations.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/firewall.hpp"

namespace quarry::formula {

enum class NodeKind : uint8_t {
    Integer,  // text: the digits
    Decimal,  // text: digits with a decimal point
    Real,     // text: digits with an exponent
    String,   // text: the unquoted value
    Boolean,  // text: "true" / "false"
    Null,
    Name,    // text: the identifier (brackets removed)
    Unary,   // text: "-", "+" or "not"; kids: operand
    Binary,  // text: the operator ("+", "and", "=", "||", ...); kids: lhs, rhs
    IsNull,  // negated: IS NOT NULL; kids: operand
    InList,  // negated: NOT IN; kids: lhs, items...
    Call,    // text: function name, lowercased; kids: arguments; star: count(*)
    Case,    // kids: when1, then1, when2, then2, ... [, else]; has_else
};

struct Node {
    NodeKind kind = NodeKind::Null;
    bool negated = false;
    bool star = false;
    bool has_else = false;
    uint32_t position = 0;  // 1-based byte offset in the formula, for messages
    uint32_t height = 1;    // 1 + the tallest child: bounds every recursion over the tree
    std::string text;
    std::vector<uint32_t> kids;
};

struct Ast {
    std::vector<Node> nodes;
    uint32_t root = 0;
    const Node& at(uint32_t i) const { return nodes[i]; }
};

// Parses `text`; errors carry `json_path` (42601 syntax, 54000 limits, 22023 NUL bytes).
Ast parse(std::string_view text, const ErrorPath& json_path);

// Prints a tree canonically (see normalize_formula).
std::string print(const Ast& ast, uint32_t node);

bool is_plain_identifier(std::string_view name);

}  // namespace quarry::formula
