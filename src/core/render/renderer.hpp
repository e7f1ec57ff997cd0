// The shared renderer: a Query clause by clause and every Expr node, appending into one string.
// A dialect derives from SqlRenderer and overrides only what its engine does differently (the
// pure virtual hooks, plus the defaulted ones where it departs from the common rendering). See
// docs/dialects.md for the per-dialect renderings and the reasons behind them.
#pragma once

#include <string>
#include <string_view>

#include "common/firewall.hpp"
#include "dialects/dialect.hpp"
#include "model/expr.hpp"
#include "model/query.hpp"

namespace quarry {

// Binding strength of rendered forms, loosest first. An operand rendered in a context that needs
// a tighter binding is wrapped in parentheses. The levels are the ones PostgreSQL and MySQL agree
// on; comparisons, IS, IN and LIKE share one non-associative level so mixing them always gets
// parentheses.
namespace prec {
inline constexpr int kLowest = 0;
inline constexpr int kOr = 1;
inline constexpr int kAnd = 2;
inline constexpr int kNot = 3;
inline constexpr int kCompare = 4;
inline constexpr int kConcat = 5;  // PostgreSQL's "any other operator" level: ||
inline constexpr int kAdd = 6;
inline constexpr int kMul = 7;
inline constexpr int kUnary = 8;
inline constexpr int kPostfix = 9;  // COLLATE
inline constexpr int kAtom = 10;    // literals, columns, calls, CAST, CASE, parenthesized forms
}  // namespace prec

// Appends '(' now and ')' when it goes out of scope, if `on`.
class Parens {
public:
    Parens(std::string& out, bool on) : out_(out), on_(on) {
        if (on_) out_ += '(';
    }
    ~Parens() {
        if (on_) out_ += ')';
    }
    Parens(const Parens&) = delete;
    Parens& operator=(const Parens&) = delete;

private:
    std::string& out_;
    bool on_;
};

class SqlRenderer : public Dialect {
public:
    std::string quote_identifier(std::string_view ident) const final;
    std::string quote_string(std::string_view text) const final;
    std::string render_query(const Query& q) const final;
    std::string render_expr(const Expr& e) const final;
    // Every function by default; a dialect that cannot honour one overrides this, and rendering
    // that function then throws 0A000.
    bool supports(Func f) const override;
    std::string_view sql_type(Type t) const final { return cast_type(t); }

protected:
    // Text compared for equality (=, <>, IN, GROUP BY, DISTINCT) or for order (<, ORDER BY, min).
    enum class TextUse { Equality, Ordering };

    // ---- the walk: dialect hooks call back into these
    // Appends `e`, in parentheses when it binds looser than `ctx` (a prec:: level).
    void expr(std::string& out, const Expr& e, int ctx = prec::kLowest) const;
    // NAME(arg, arg, ...) over e.args[from..].
    void call(std::string& out, std::string_view name, const Expr& e, size_t from = 0) const;
    void binary(std::string& out, const Expr& a, std::string_view op, const Expr& b, int level,
                int ctx) const;
    void cast(std::string& out, const Expr& e, Type to) const;
    // `e` as a double: as is when it already is one.
    void as_double(std::string& out, const Expr& e, int ctx = prec::kLowest) const;
    void string_literal(std::string& out, std::string_view text) const { append_string(out, text); }
    // `e` compared with `other` under code-point semantics (see text_operand).
    void text_side(std::string& out, const Expr& e, const Expr& other, TextUse use, int ctx) const;
    // A column as the remote stores it: [qualifier.]name.
    void stored_column(std::string& out, const Expr& column) const;

    // ---- quoting: the dialect's lexer (implemented with render/quote.hpp)
    virtual void append_identifier(std::string& out, std::string_view ident) const = 0;
    virtual void append_string(std::string& out, std::string_view text) const = 0;

    // A column wherever it is an operand (by default as stored). The plain comparison written
    // beside an exact one keeps the stored column, so that its index serves.
    virtual void column_operand(std::string& out, const Expr& column) const;

    // ---- literals and types
    virtual std::string_view cast_type(Type t) const = 0;
    // An exact decimal wide enough for any 64-bit integer sum, with scale 0.
    virtual std::string_view integer_decimal_type() const = 0;
    // CAST(x AS <integer_decimal_type>).
    void integer_as_decimal(std::string& out, const Expr& x) const;
    virtual void null_literal(std::string& out, Type t) const;
    virtual void double_literal(std::string& out, double v, int ctx) const = 0;
    virtual void numeric_literal(std::string& out, std::string_view digits, int ctx) const;
    virtual void temporal_literal(std::string& out, Type t, std::string_view text) const;
    // Whether as_double casts even doubles (MySQL: a DOUBLE(M,D) column carries D fixed display
    // decimals into quotients and averages, and the text protocol rounds to them).
    virtual bool recast_doubles() const { return false; }

    // ---- text semantics (code-point order, exact equality)
    // Whether the engine's own `=` on text is already exact (no case folding, no PAD SPACE).
    virtual bool exact_text_equality() const { return false; }
    // Appends text operand `e` transformed so that the engine's comparison of transformed values
    // is exact for `use`. `alone`: the other operand is not transformed (it is a literal too), so
    // `e` must carry the semantics even if it is a literal.
    virtual void text_operand(std::string& out, const Expr& e, TextUse use, bool alone,
                              int ctx) const = 0;
    // min/max/greatest/least over text: the code-point extreme, returned as ordinary text.
    virtual void text_extreme(std::string& out, const Expr& e, int ctx) const = 0;

    // ---- operators and functions that differ
    virtual void concat_operator(std::string& out, const Expr& e, int ctx) const;
    virtual void concat_text(std::string& out, const Expr& e, int ctx) const;
    virtual void greatest_least(std::string& out, const Expr& e, int ctx) const;
    virtual void substring(std::string& out, const Expr& e, int ctx) const;
    virtual void text_match(std::string& out, const Expr& e, int ctx) const = 0;
    // TRUNC(inner): the integer part of a double, toward zero.
    virtual void truncate(std::string& out, std::string_view inner) const;
    virtual std::string_view log10_function() const { return "LOG10"; }
    // An integer argument where the engine wants a 32-bit int (PostgreSQL resolves functions
    // by exact signature: substring(text, bigint) does not exist).
    virtual void int_argument(std::string& out, const Expr& e) const;

    // ---- time (arguments are wall-clock Date/Timestamp; see wall_clock)
    virtual void date_trunc(std::string& out, const Expr& e, int ctx) const = 0;
    // A selected value where Query::read_by_quarry (by default the expression itself).
    virtual void output_value(std::string& out, const Expr& e) const;
    virtual void date_add(std::string& out, const Expr& e, int ctx) const = 0;
    virtual void date_diff(std::string& out, const Expr& e, int ctx) const = 0;
    virtual void date_part(std::string& out, const Expr& e, int ctx) const = 0;
    // `instant` (a TimestampTz, or a Timestamp column holding UTC) as wall-clock time in `zone`.
    virtual void to_local_time(std::string& out, const Expr& instant, std::string_view zone,
                               int ctx) const = 0;
    // A time-function argument as wall-clock time: instants are read in UTC.
    void wall_clock(std::string& out, const Expr& e, int ctx) const;

    // ---- aggregates
    // What SUM adds up (the engine's own SUM must be exact on it).
    virtual void summed_value(std::string& out, const Expr& x) const;
    virtual void approx_count_distinct(std::string& out, const Expr& e) const;
    void count_distinct(std::string& out, const Expr& e) const;
    // min/max of booleans (FALSE < TRUE).
    virtual void boolean_extreme(std::string& out, const Expr& e) const;

    // The exact part of `column op value` (op `=` or `<>`, value a non-NULL text literal),
    // written after the plain comparison, which has already held (`=`) or failed (`<>`) under
    // the engine's folding equality. False: not written, the generic exact comparison is.
    virtual bool exact_beside_plain(std::string& out, const Expr& column, const Expr& value,
                                    std::string_view op, int ctx) const;

    // ---- grouping text keys
    // The GROUP BY key(s) that make the groups of a text key exact when the engine's `=` folds:
    // beside the key itself, or alone where group_text_by_exact_form_alone() (by default the
    // key's exact form, text_operand).
    virtual void exact_group_key(std::string& out, const Expr& key) const;
    // Where group_text_by_exact_form_alone(): whether `key` has a text value equal to it that,
    // with its complement beside it, groups exactly (else the key is selected as MIN(key)).
    // Selecting that value spares an aggregate per row.
    virtual bool has_exact_group_value(const Expr& key) const;
    virtual void exact_group_value(std::string& out, const Expr& key) const;
    virtual void exact_group_value_complement(std::string& out, const Expr& key) const;
    // Whether text keys are grouped by their exact form alone and selected as MIN(key), instead
    // of grouped by the key and its exact form: for engines where grouping by one exact form
    // costs less than by the pair (MySQL compares bytes faster than its folding collations).
    // Used only where the query reads such keys whole (see groups_text_by_exact_form_alone).
    virtual bool group_text_by_exact_form_alone() const { return false; }

    // ---- clauses
    // Whether ORDER BY needs an extra key to put NULLs where PostgreSQL does (last ascending,
    // first descending).
    virtual bool emulate_null_order() const { return false; }
    virtual void limit_offset(std::string& out, const Query& q) const;

    [[noreturn]] void unsupported(Func f) const;

private:
    void literal(std::string& out, const Expr& e, int ctx) const;
    void call_node(std::string& out, const Expr& e, int ctx) const;
    // `e` in a plain comparison: a column as stored.
    void plain_operand(std::string& out, const Expr& e, int ctx) const;
    void comparison(std::string& out, const Expr& e, std::string_view op, int ctx) const;
    void in_list(std::string& out, const Expr& e, int ctx) const;
    void conditional(std::string& out, const Expr& e) const;
    void null_if(std::string& out, const Expr& e) const;
    void divide(std::string& out, const Expr& e, int ctx) const;
    void modulo(std::string& out, const Expr& e, int ctx) const;
    void round(std::string& out, const Expr& e, int ctx) const;
    void round_double(std::string& out, const Expr& x, const Expr* digits, int ctx) const;
    void guarded_math(std::string& out, const Expr& e, std::string_view name,
                      std::string_view guard) const;
    void extreme(std::string& out, const Expr& e, int ctx) const;
    void sum(std::string& out, const Expr& e) const;
    void convert(std::string& out, const Expr& e, int ctx) const;

    bool groups_text_by_exact_form_alone(const Query& q) const;
    void select_list(std::string& out, const Query& q, bool keys_alone) const;
    void from(std::string& out, const TableRef& t) const;
    void joined(std::string& out, const Join& join) const;
    void conjunction(std::string& out, std::string_view keyword,
                     const std::vector<ExprPtr>& terms) const;
    void group_by(std::string& out, const Query& q, bool keys_alone) const;
    void order_by(std::string& out, const Query& q) const;
    void sort_key(std::string& out, const OrderKey& key, int ctx) const;
};

// Helpers shared by dialect files.
bool is_text(const Expr& e);
bool is_literal(const Expr& e);
bool is_text_literal(const Expr& e);  // a non-NULL text literal
void append_int(std::string& out, int64_t v);
// "YYYY-MM-DD..." literal text checked to hold only date/time characters (it is model data, but
// it still goes into SQL).
std::string_view checked_temporal_text(std::string_view text);
// The shortest text that reads back as exactly `v` ("0.1", "1e+20"); `v` must be finite.
std::string shortest_double(double v);
// Lower-case SQL spelling of a unit ("minute" ... "year").
std::string_view sql_unit(TimeUnit u);
// Whether a zone name is UTC itself: UTC wall-clock values then need no conversion.
bool is_utc_zone(std::string_view zone);
// MIN, MAX, GREATEST or LEAST.
std::string_view extreme_name(Func f);
// The LIKE pattern (escape character '\') for contains/starts_with/ends_with of `text`.
std::string like_pattern(Func f, std::string_view text);

}  // namespace quarry
