// Name resolution and type checking: formula syntax tree -> typed model expression.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <map>
#include <unordered_map>

#include "common/error.hpp"
#include "common/text.hpp"
#include "formula/ast.hpp"
#include "formula/formula.hpp"

namespace quarry {

namespace {

using formula::Ast;
using formula::Node;
using formula::NodeKind;

// Bounds the model trees built through chains of stored formulas (each formula alone is bounded
// by the parser), so that renderers can recurse over any tree the compiler accepts.
constexpr int kMaxExprHeight = 256;

// A name as the source knows it: the column or stored formula it resolves to.
struct NameMatch {
    const ColumnInfo* column = nullptr;
    const std::pair<std::string, std::string>* formula = nullptr;
};

NameMatch match_name(const SourceInfo& source, std::string_view name) {
    NameMatch m;
    if ((m.column = source.find_column(name)) != nullptr) return m;
    for (const auto& f : source.formulas) {
        if (f.first == name) {
            m.formula = &f;
            return m;
        }
    }
    // Case-insensitive, only when it is unambiguous.
    int hits = 0;
    NameMatch ci;
    for (const ColumnInfo& c : source.columns) {
        if (equals_ignoring_ascii_case(c.name, name)) {
            ci.column = &c;
            ++hits;
        }
    }
    for (const auto& f : source.formulas) {
        if (equals_ignoring_ascii_case(f.first, name)) {
            ci.formula = &f;
            ci.column = nullptr;
            ++hits;
        }
    }
    return hits == 1 ? ci : NameMatch{};
}

int numeric_rank(Type t) {
    switch (t) {
        case Type::Integer:
            return 1;
        case Type::Numeric:
            return 2;
        case Type::Double:
            return 3;
        default:
            return 0;
    }
}

bool comparable(Type a, Type b) {
    if (a == Type::Unknown || b == Type::Unknown) return true;
    if (is_numeric(a) && is_numeric(b)) return true;
    if (is_temporal(a) && is_temporal(b)) return true;
    return a == b;
}

class Resolver {
public:
    Resolver(const FormulaContext& ctx, const ErrorPath& path) : ctx_(ctx), path_(path) {
        zone_name_ = ctx.zone ? ctx.zone->name() : std::string("UTC");
        zone_is_utc_ = !ctx.zone || ctx.zone->is_utc();
    }

    ExprPtr compile_text(std::string_view text, std::string* normalized) {
        Ast ast = formula::parse(text, here());
        if (normalized != nullptr) *normalized = formula::print(ast, ast.root);
        ExprPtr e = resolve(ast, ast.root);
        check_bare_columns(*e);
        return e;
    }

    ExprPtr compile_named(std::string_view name) {
        NameMatch m = match_name(*ctx_.source, name);
        if (m.column != nullptr) return column(*m.column);
        if (m.formula != nullptr) {
            ExprPtr e = stored(*m.formula);
            check_bare_columns(*e);
            return e;
        }
        throw spec_error(current_path(), "unknown column " + quote_for_message(name),
                         sqlstate::kUndefinedColumn);
    }

private:
    // The path as errors name it now, built when one is raised.
    ErrorPath here() const {
        return ErrorPath(
            [](const void* r) { return static_cast<const Resolver*>(r)->current_path(); }, this);
    }

    std::string current_path() const {
        std::string p = path_.str();
        for (const std::string& f : stack_) p += ": in stored formula " + quote_for_message(f);
        return p;
    }

    [[noreturn]] void fail(const Node& n, const std::string& what,
                           const char* state = sqlstate::kInvalidParameterValue) const {
        throw spec_error(current_path(), what + " (at position " + std::to_string(n.position) + ")",
                         state);
    }

    ExprPtr column(const ColumnInfo& c) {
        const std::string& physical = c.physical_name.empty() ? c.name : c.physical_name;
        ExprPtr col = make_column(physical, c.type, c.nullable, {}, c.bounds);
        // Formulas compute on wall-clock time in the spec's zone (docs/architecture.md).
        if (c.type == Type::TimestampTz || (c.type == Type::Timestamp && !zone_is_utc_)) {
            return make_to_local(col, zone_name_);
        }
        return col;
    }

    ExprPtr stored(const std::pair<std::string, std::string>& f) {
        auto done = memo_.find(f.first);
        if (done != memo_.end()) return done->second;
        if (std::find(stack_.begin(), stack_.end(), f.first) != stack_.end()) {
            std::string chain;
            for (const std::string& s : stack_) chain += s + " -> ";
            throw spec_error(path_.str(), "formula cycle: " + chain + f.first,
                             sqlstate::kInvalidParameterValue);
        }
        stack_.push_back(f.first);
        Ast ast = formula::parse(f.second, here());
        ExprPtr e = resolve(ast, ast.root);
        stack_.pop_back();
        memo_.emplace(f.first, e);
        return e;
    }

    ExprPtr resolve(const Ast& ast, uint32_t index) {
        const Node& n = ast.at(index);
        // Chains of stored formulas nest parse trees into each other: bound the recursion here,
        // before the stack is spent, not only the height of what it builds.
        if (depth_ >= kMaxExprHeight) {
            fail(n, "expression nested deeper than " + std::to_string(kMaxExprHeight) + " levels",
                 sqlstate::kInvalidParameterValue);
        }
        ++depth_;
        struct Leave {
            int& depth;
            ~Leave() { --depth; }
        } leave{depth_};
        ExprPtr e = resolve_node(ast, n);
        if (e->height > kMaxExprHeight) {
            fail(n, "expression nested deeper than " + std::to_string(kMaxExprHeight) + " levels",
                 sqlstate::kInvalidParameterValue);
        }
        return e;
    }

    std::vector<ExprPtr> resolve_kids(const Ast& ast, const Node& n, size_t from = 0) {
        std::vector<ExprPtr> out;
        out.reserve(n.kids.size() - std::min(from, n.kids.size()));
        for (size_t i = from; i < n.kids.size(); ++i) out.push_back(resolve(ast, n.kids[i]));
        return out;
    }

    ExprPtr resolve_node(const Ast& ast, const Node& n) {
        switch (n.kind) {
            case NodeKind::Integer:
                return integer_literal(n);
            case NodeKind::Decimal:
                return make_numeric(canonical_decimal(n.text));
            case NodeKind::Real:
                return make_double(std::strtod(n.text.c_str(), nullptr));
            case NodeKind::String:
                return make_text(n.text);
            case NodeKind::Boolean:
                return make_bool(std::string_view(n.text) == "true");
            case NodeKind::Null:
                return make_null();
            case NodeKind::Name:
                return name(n);
            case NodeKind::Unary:
                return unary(ast, n);
            case NodeKind::Binary:
                return binary(ast, n);
            case NodeKind::IsNull: {
                std::vector<ExprPtr> args = resolve_kids(ast, n);
                return make_call(n.negated ? Func::IsNotNull : Func::IsNull, std::move(args),
                                 Type::Boolean);
            }
            case NodeKind::InList:
                return in_list(ast, n);
            case NodeKind::Case:
                return case_when(ast, n);
            case NodeKind::Call:
                return call(ast, n);
        }
        fail(n, "unsupported expression");
    }

    ExprPtr integer_literal(const Node& n) {
        errno = 0;
        char* end = nullptr;
        long long v = std::strtoll(n.text.c_str(), &end, 10);
        if (errno == ERANGE) return make_numeric(canonical_decimal(n.text));
        return make_integer(v);
    }

    static std::string canonical_decimal(const std::string& digits) {
        std::string out = digits;
        if (!out.empty() && out[0] == '.') out.insert(out.begin(), '0');
        size_t first = out.find_first_not_of('0');
        if (first != std::string::npos && first > 0 && out[first] != '.') out.erase(0, first);
        if (out.back() == '.') out.pop_back();
        return out;
    }

    ExprPtr name(const Node& n) {
        NameMatch m = match_name(*ctx_.source, n.text);
        if (m.column != nullptr) return column(*m.column);
        if (m.formula != nullptr) return stored(*m.formula);
        fail(n, "unknown column " + quote_for_message(n.text), sqlstate::kUndefinedColumn);
    }

    ExprPtr unary(const Ast& ast, const Node& n) {
        ExprPtr operand = resolve(ast, n.kids[0]);
        if (n.text == "not") {
            require_boolean(n, operand, "not");
            return make_call(Func::Not, {operand}, Type::Boolean);
        }
        if (!is_numeric(operand->type) && operand->type != Type::Unknown) {
            fail(n, "operator " + n.text + " needs a number, got " +
                        std::string(type_name(operand->type)));
        }
        if (n.text == "+") return operand;
        if (ExprPtr folded = negate_literal(operand)) return folded;
        return make_call(Func::Neg, {operand},
                         operand->type == Type::Unknown ? Type::Integer : operand->type);
    }

    // -5 is the literal -5 (renderers treat literal arguments specially, e.g. round's digits).
    static ExprPtr negate_literal(const ExprPtr& e) {
        if (e->kind != ExprKind::Literal || e->literal.is_null) return nullptr;
        switch (e->type) {
            case Type::Integer:
                if (e->literal.integer == INT64_MIN) return nullptr;
                return make_integer(-e->literal.integer);
            case Type::Numeric:
                return make_numeric(e->literal.text[0] == '-' ? e->literal.text.substr(1)
                                                              : "-" + e->literal.text);
            case Type::Double:
                return make_double(-e->literal.real);
            default:
                return nullptr;
        }
    }

    void require_boolean(const Node& n, const ExprPtr& e, std::string_view what) const {
        if (e->type != Type::Boolean && e->type != Type::Unknown) {
            fail(n, std::string(what) + " needs a boolean, got " + std::string(type_name(e->type)));
        }
    }

    // A text literal next to a date or timestamp is a date or timestamp literal.
    ExprPtr coerce_to(const Node& n, const ExprPtr& e, Type target) {
        if (e->kind != ExprKind::Literal || e->type != Type::Text || !is_temporal(target)) return e;
        CivilTime t;
        bool has_offset = false;
        int offset = 0;
        if (!parse_civil(e->literal.text, t, has_offset, offset)) {
            fail(n, "invalid date/time literal " + quote_for_message(e->literal.text),
                 sqlstate::kInvalidParameterValue);
        }
        if (has_offset) {
            Instant utc = micros_from_civil(t) - static_cast<int64_t>(offset) * kMicrosPerSecond;
            t = ctx_.zone ? ctx_.zone->to_local(utc) : civil_from_micros(utc);
        }
        bool date_only = e->literal.text.size() == 10 && !has_offset;
        if (target == Type::Date && date_only) return make_date(format_date(t));
        return make_timestamp(format_timestamp(t));
    }

    std::pair<ExprPtr, ExprPtr> comparable_pair(const Node& n, ExprPtr a, ExprPtr b,
                                                std::string_view op) {
        a = coerce_to(n, a, b->type);
        b = coerce_to(n, b, a->type);
        if (!comparable(a->type, b->type)) {
            fail(n, "cannot compare " + std::string(type_name(a->type)) + " " + std::string(op) +
                        " " + std::string(type_name(b->type)));
        }
        return {a, b};
    }

    Type unify(const Node& n, Type a, Type b, std::string_view what) const {
        if (a == Type::Unknown) return b;
        if (b == Type::Unknown || a == b) return a;
        if (is_numeric(a) && is_numeric(b)) return numeric_rank(a) > numeric_rank(b) ? a : b;
        if (is_temporal(a) && is_temporal(b)) return Type::Timestamp;
        fail(n, std::string(what) + " mixes " + std::string(type_name(a)) + " and " +
                    std::string(type_name(b)));
    }

    Type require_numeric(const Node& n, const ExprPtr& e, std::string_view what) const {
        if (e->type == Type::Unknown) return Type::Integer;
        if (!is_numeric(e->type)) {
            fail(n, std::string(what) + " needs a number, got " + std::string(type_name(e->type)));
        }
        return e->type;
    }

    // require_numeric for an operand of `op`, with the message built only on a fault.
    Type numeric_operand(const Node& n, const ExprPtr& e, const std::string& op) const {
        if (e->type == Type::Unknown) return Type::Integer;
        if (is_numeric(e->type)) return e->type;
        return require_numeric(n, e, "operator " + op);
    }

    void require_type(const Node& n, const ExprPtr& e, Type t, std::string_view what) const {
        if (e->type != t && e->type != Type::Unknown) {
            fail(n, std::string(what) + " needs " + std::string(type_name(t)) + ", got " +
                        std::string(type_name(e->type)));
        }
    }

    // The function of a binary operator as the parser writes it ("and", "||", "+", "!=", ...).
    static Func binary_func(std::string_view op) {
        const char c = op.empty() ? '\0' : op[0];
        const char d = op.size() > 1 ? op[1] : '\0';
        switch (c) {
            case 'a':
                return Func::And;
            case 'o':
                return Func::Or;
            case '|':
                return Func::Concat;
            case '+':
                return Func::Add;
            case '-':
                return Func::Sub;
            case '*':
                return Func::Mul;
            case '/':
                return Func::Div;
            case '%':
                return Func::Mod;
            case '=':
                return Func::Eq;
            case '!':
                return Func::Ne;
            case '<':
                return d == '=' ? Func::Le : Func::Lt;
            default:
                return d == '=' ? Func::Ge : Func::Gt;
        }
    }

    ExprPtr binary(const Ast& ast, const Node& n) {
        ExprPtr a = resolve(ast, n.kids[0]);
        ExprPtr b = resolve(ast, n.kids[1]);
        const std::string& op = n.text;
        const Func f = binary_func(op);
        switch (f) {
            case Func::And:
            case Func::Or:
                require_boolean(n, a, op);
                require_boolean(n, b, op);
                return make_call(f, {a, b}, Type::Boolean);
            case Func::Concat:
                return make_call(Func::Concat, {a, b}, Type::Text);
            case Func::Add:
            case Func::Sub:
            case Func::Mul:
            case Func::Div:
            case Func::Mod: {
                Type ta = numeric_operand(n, a, op);
                Type tb = numeric_operand(n, b, op);
                Type t = numeric_rank(ta) > numeric_rank(tb) ? ta : tb;
                return make_call(f, {a, b}, f == Func::Div ? Type::Double : t);
            }
            default:
                break;
        }
        auto [x, y] = comparable_pair(n, a, b, op);
        return make_call(f, {x, y}, Type::Boolean);
    }

    ExprPtr in_list(const Ast& ast, const Node& n) {
        std::vector<ExprPtr> args = resolve_kids(ast, n);
        Type lhs = args[0]->type;
        for (size_t i = 1; i < args.size(); ++i) {
            args[i] = comparable_pair(n, args[0], args[i], "in").second;
            if (lhs == Type::Unknown) lhs = args[i]->type;
        }
        return make_call(n.negated ? Func::NotIn : Func::In, std::move(args), Type::Boolean);
    }

    ExprPtr case_when(const Ast& ast, const Node& n) {
        std::vector<ExprPtr> args = resolve_kids(ast, n);
        size_t pairs = (args.size() - (n.has_else ? 1 : 0)) / 2;
        Type t = Type::Unknown;
        for (size_t i = 0; i < pairs; ++i) {
            require_boolean(n, args[2 * i], "case when");
            t = unify(n, t, args[2 * i + 1]->type, "case");
        }
        if (n.has_else) t = unify(n, t, args.back()->type, "case");
        return make_case(std::move(args), n.has_else, t);
    }

    void arity(const Node& n, size_t min, size_t max) const {
        size_t got = n.kids.size();
        if (got >= min && got <= max) return;
        std::string want = min == max        ? std::to_string(min)
                           : max == SIZE_MAX ? "at least " + std::to_string(min)
                                             : std::to_string(min) + " to " + std::to_string(max);
        fail(n,
             "function " + n.text + "() takes " + want + " argument" + (max == 1 ? "" : "s") +
                 ", got " + std::to_string(got),
             sqlstate::kInvalidParameterValue);
    }

    TimeUnit unit_argument(const Ast& ast, const Node& n) const {
        const Node& u = ast.at(n.kids[0]);
        TimeUnit unit = TimeUnit::Day;
        if (u.kind != NodeKind::String || !parse_time_unit(u.text, unit)) {
            fail(u,
                 "the first argument of " + n.text +
                     "() must be a unit in quotes: 'minute', 'hour', 'day', 'week', 'month', "
                     "'quarter' or 'year'",
                 sqlstate::kInvalidParameterValue);
        }
        return unit;
    }

    ExprPtr require_temporal(const Node& n, const ExprPtr& e) {
        ExprPtr c = coerce_to(n, e, Type::Timestamp);
        if (!is_temporal(c->type) && c->type != Type::Unknown) {
            fail(n, "function " + n.text + "() needs a date or timestamp, got " +
                        std::string(type_name(c->type)));
        }
        return c;
    }

    ExprPtr aggregate(const Ast& ast, const Node& n, Func f) {
        if (f == Func::Count && n.star) return make_call(Func::CountAll, {}, Type::Integer);
        std::vector<ExprPtr> args = resolve_kids(ast, n);
        for (const ExprPtr& a : args) {
            if (a->contains_aggregate) {
                fail(n, "aggregate functions cannot be nested: " + n.text + "() over an aggregate",
                     sqlstate::kInvalidParameterValue);
            }
        }
        switch (f) {
            case Func::Sum:
                arity(n, 1, 1);
                return make_call(f, args, require_numeric(n, args[0], "sum()"));
            case Func::Avg:
                arity(n, 1, 1);
                require_numeric(n, args[0], "avg()");
                return make_call(f, args, Type::Double);
            case Func::Min:
            case Func::Max:
                arity(n, 1, 1);
                if (args[0]->type == Type::Boolean) fail(n, n.text + "() of a boolean");
                return make_call(f, args, args[0]->type);
            case Func::Count:
            case Func::CountDistinct:
            case Func::ApproxCountDistinct:
                arity(n, 1, 1);
                return make_call(f, args, Type::Integer);
            case Func::CountIf:
                arity(n, 1, 1);
                require_boolean(n, args[0], "count_if()");
                return make_call(f, args, Type::Integer);
            case Func::SumIf: {
                arity(n, 2, 2);
                Type t = require_numeric(n, args[0], "sum_if()");
                require_boolean(n, args[1], "the condition of sum_if()");
                return make_call(f, args, t);
            }
            default:
                break;
        }
        fail(n, "unknown aggregate " + n.text, sqlstate::kInvalidParameterValue);
    }

    ExprPtr call(const Ast& ast, const Node& n);

    // In a formula that aggregates, every column must be inside an aggregate.
    void check_bare_columns(const Expr& root) const {
        if (!root.contains_aggregate) return;
        find_bare_column(root);
    }
    void find_bare_column(const Expr& e) const {
        if (e.kind == ExprKind::Column) {
            throw spec_error(path_.str(),
                             "column " + quote_for_message(e.column) +
                                 " must be inside an aggregate in a formula that aggregates",
                             sqlstate::kInvalidParameterValue);
        }
        if (e.kind != ExprKind::Call || is_aggregate(e.func)) return;
        for (const ExprPtr& a : e.args) find_bare_column(*a);
    }

    const FormulaContext& ctx_;
    const ErrorPath& path_;
    std::string zone_name_;
    bool zone_is_utc_ = true;
    std::vector<std::string> stack_;
    std::unordered_map<std::string, ExprPtr> memo_;
    int depth_ = 0;
};

struct FunctionEntry {
    std::string_view name;  // compared length first: the lookup is on every call node
    Func func;
};

constexpr FunctionEntry kFunctions[] = {
    {"if", Func::If},
    {"case", Func::Case},
    {"coalesce", Func::Coalesce},
    {"nullif", Func::NullIf},
    {"abs", Func::Abs},
    {"round", Func::Round},
    {"floor", Func::Floor},
    {"ceil", Func::Ceil},
    {"ceiling", Func::Ceil},
    {"power", Func::Power},
    {"sqrt", Func::Sqrt},
    {"ln", Func::Ln},
    {"log10", Func::Log10},
    {"greatest", Func::Greatest},
    {"least", Func::Least},
    {"lower", Func::Lower},
    {"upper", Func::Upper},
    {"trim", Func::Trim},
    {"length", Func::Length},
    {"substring", Func::Substring},
    {"replace", Func::Replace},
    {"contains", Func::Contains},
    {"starts_with", Func::StartsWith},
    {"ends_with", Func::EndsWith},
    {"concat", Func::ConcatText},
    {"date_trunc", Func::DateTrunc},
    {"date_add", Func::DateAdd},
    {"date_diff", Func::DateDiff},
    {"year", Func::Year},
    {"quarter", Func::Quarter},
    {"month", Func::Month},
    {"week", Func::Week},
    {"day", Func::Day},
    {"hour", Func::Hour},
    {"minute", Func::Minute},
    {"weekday", Func::Weekday},
    {"sum", Func::Sum},
    {"avg", Func::Avg},
    {"min", Func::Min},
    {"max", Func::Max},
    {"count", Func::Count},
    {"count_distinct", Func::CountDistinct},
    {"approx_count_distinct", Func::ApproxCountDistinct},
    {"count_if", Func::CountIf},
    {"sum_if", Func::SumIf},
};

ExprPtr Resolver::call(const Ast& ast, const Node& n) {
    const std::string_view called = n.text;
    if (called == "now" || called == "today") {
        arity(n, 0, 0);
        CivilTime local = ctx_.zone ? ctx_.zone->to_local(ctx_.now) : civil_from_micros(ctx_.now);
        if (called == "today") return make_date(format_date(local));
        return make_timestamp(format_timestamp(local));
    }
    const FunctionEntry* entry = nullptr;
    for (const FunctionEntry& f : kFunctions) {
        if (called == f.name) {
            entry = &f;
            break;
        }
    }
    if (entry == nullptr) {
        fail(n, "unknown function " + quote_for_message(n.text), sqlstate::kInvalidParameterValue);
    }
    if (n.star && entry->func != Func::Count)
        fail(n, n.text + "(*) is not allowed", sqlstate::kInvalidParameterValue);
    const Func f = entry->func;
    if (is_aggregate(f)) return aggregate(ast, n, f);

    switch (f) {
        case Func::DateTrunc: {
            arity(n, 2, 2);
            TimeUnit unit = unit_argument(ast, n);
            ExprPtr t = require_temporal(n, resolve(ast, n.kids[1]));
            return make_time_call(f, unit, {t}, Type::Timestamp);
        }
        case Func::DateAdd: {
            arity(n, 3, 3);
            TimeUnit unit = unit_argument(ast, n);
            ExprPtr amount = resolve(ast, n.kids[1]);
            require_type(n, amount, Type::Integer, "the amount of date_add()");
            ExprPtr t = require_temporal(n, resolve(ast, n.kids[2]));
            bool stays_date =
                t->type == Type::Date && unit != TimeUnit::Minute && unit != TimeUnit::Hour;
            return make_time_call(f, unit, {amount, t}, stays_date ? Type::Date : Type::Timestamp);
        }
        case Func::DateDiff: {
            arity(n, 3, 3);
            TimeUnit unit = unit_argument(ast, n);
            ExprPtr a = require_temporal(n, resolve(ast, n.kids[1]));
            ExprPtr b = require_temporal(n, resolve(ast, n.kids[2]));
            return make_time_call(f, unit, {a, b}, Type::Integer);
        }
        default:
            break;
    }

    std::vector<ExprPtr> args = resolve_kids(ast, n);
    switch (f) {
        case Func::If: {
            arity(n, 2, 3);
            require_boolean(n, args[0], "the condition of if()");
            Type t =
                unify(n, args[1]->type, args.size() == 3 ? args[2]->type : Type::Unknown, "if()");
            return make_call(f, std::move(args), t);
        }
        case Func::Case: {
            // case(c1, v1, ..., [default])
            arity(n, 2, SIZE_MAX);
            bool has_else = args.size() % 2 == 1;
            size_t pairs = args.size() / 2;
            Type t = Type::Unknown;
            for (size_t i = 0; i < pairs; ++i) {
                require_boolean(n, args[2 * i], "the conditions of case()");
                t = unify(n, t, args[2 * i + 1]->type, "case()");
            }
            if (has_else) t = unify(n, t, args.back()->type, "case()");
            return make_case(std::move(args), has_else, t);
        }
        case Func::Coalesce:
        case Func::Greatest:
        case Func::Least: {
            arity(n, 1, SIZE_MAX);
            // A text literal among dates or timestamps is one of them, as in comparisons:
            // coalesce(day, '2024-01-01').
            for (const ExprPtr& a : args) {
                if (!is_temporal(a->type)) continue;
                for (ExprPtr& other : args) other = coerce_to(n, other, a->type);
                break;
            }
            Type t = Type::Unknown;
            for (const ExprPtr& a : args) t = unify(n, t, a->type, n.text + "()");
            if (is_temporal(t)) {
                for (ExprPtr& a : args) a = coerce_to(n, a, t);
            }
            if (f != Func::Coalesce && t == Type::Boolean) fail(n, n.text + "() of booleans");
            return make_call(f, std::move(args), t);
        }
        case Func::NullIf: {
            arity(n, 2, 2);
            auto [a, b] = comparable_pair(n, args[0], args[1], "nullif");
            return make_call(f, {a, b}, a->type);
        }
        case Func::Abs:
        case Func::Floor:
        case Func::Ceil: {
            arity(n, 1, 1);
            Type t = require_numeric(n, args[0], n.text + "()");
            return make_call(f, std::move(args), t);
        }
        case Func::Round: {
            arity(n, 1, 2);
            Type t = require_numeric(n, args[0], "round()");
            if (args.size() == 2) require_type(n, args[1], Type::Integer, "the digits of round()");
            return make_call(f, std::move(args), t);
        }
        case Func::Power: {
            arity(n, 2, 2);
            require_numeric(n, args[0], "power()");
            require_numeric(n, args[1], "power()");
            return make_call(f, std::move(args), Type::Double);
        }
        case Func::Sqrt:
        case Func::Ln:
        case Func::Log10: {
            arity(n, 1, 1);
            require_numeric(n, args[0], n.text + "()");
            return make_call(f, std::move(args), Type::Double);
        }
        case Func::Lower:
        case Func::Upper:
        case Func::Trim: {
            arity(n, 1, 1);
            require_type(n, args[0], Type::Text, n.text + "()");
            return make_call(f, std::move(args), Type::Text);
        }
        case Func::Length: {
            arity(n, 1, 1);
            require_type(n, args[0], Type::Text, "length()");
            return make_call(f, std::move(args), Type::Integer);
        }
        case Func::Substring: {
            arity(n, 2, 3);
            require_type(n, args[0], Type::Text, "substring()");
            for (size_t i = 1; i < args.size(); ++i) {
                require_type(n, args[i], Type::Integer, "the positions of substring()");
            }
            return make_call(f, std::move(args), Type::Text);
        }
        case Func::Replace: {
            arity(n, 3, 3);
            for (const ExprPtr& a : args) require_type(n, a, Type::Text, "replace()");
            return make_call(f, std::move(args), Type::Text);
        }
        case Func::Contains:
        case Func::StartsWith:
        case Func::EndsWith: {
            arity(n, 2, 2);
            for (const ExprPtr& a : args) require_type(n, a, Type::Text, n.text + "()");
            return make_call(f, std::move(args), Type::Boolean);
        }
        case Func::ConcatText: {
            arity(n, 1, SIZE_MAX);
            return make_call(f, std::move(args), Type::Text);
        }
        case Func::Year:
        case Func::Quarter:
        case Func::Month:
        case Func::Week:
        case Func::Day:
        case Func::Hour:
        case Func::Minute:
        case Func::Weekday: {
            arity(n, 1, 1);
            ExprPtr t = require_temporal(n, args[0]);
            return make_call(f, {t}, Type::Integer);
        }
        default:
            break;
    }
    fail(n, "unknown function " + quote_for_message(n.text), sqlstate::kInvalidParameterValue);
}

}  // namespace

const ColumnInfo* resolve_column(const SourceInfo& source, std::string_view name) {
    return match_name(source, name).column;
}

NameKind classify_name(const SourceInfo& source, std::string_view name) {
    NameMatch m = match_name(source, name);
    if (m.column != nullptr) return NameKind::Column;
    if (m.formula != nullptr) return NameKind::StoredFormula;
    return NameKind::Unknown;
}

ExprPtr compile_formula(std::string_view text, const FormulaContext& ctx,
                        const ErrorPath& json_path, std::string* normalized) {
    return Resolver(ctx, json_path).compile_text(text, normalized);
}

ExprPtr compile_name(std::string_view name, const FormulaContext& ctx, const ErrorPath& json_path) {
    return Resolver(ctx, json_path).compile_named(name);
}

std::string normalize_formula(std::string_view text, const ErrorPath& json_path) {
    formula::Ast ast = formula::parse(text, json_path);
    return formula::print(ast, ast.root);
}

}  // namespace quarry
