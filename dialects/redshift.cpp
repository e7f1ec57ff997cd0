// Amazon Redshift: PostgreSQL 8.0's dialect with its own traps. String literals always treat
// backslash as an escape; VARCHAR comparisons ignore trailing spaces (text is compared with
// CHR(1) appended, which ends no string in a space and sorts below every other character, so
// byte order is kept); no COLLATE clause; integer SUMs overflow BIGINT; no date arithmetic on
// intervals we can rely on (DATEADD/DATEDIFF instead). Assumes a case_sensitive database (the
// default).
#include <cstdint>
#include <limits>
#include <memory>

#include "common/error.hpp"
#include "dialects/postgres.hpp"
#include "render/quote.hpp"

namespace quarry {

namespace {

bool is_int32_literal(const Expr& e) {
    if (e.kind != ExprKind::Literal) return false;
    return e.literal.is_null ||
           (e.type == Type::Integer && e.literal.integer >= std::numeric_limits<int32_t>::min() &&
            e.literal.integer <= std::numeric_limits<int32_t>::max());
}

// Whether every value of integer expression `e` fits in 32 bits: a literal, a column declared
// smallint or integer, or a case/if whose results all are (args: cond, result, cond, result,
// ... [, else]).
bool is_int32_bounded(const Expr& e) {
    if (is_int32_literal(e)) return true;
    if (e.kind == ExprKind::Column) return e.bounds.int32_values;
    if (e.kind != ExprKind::Call || (e.func != Func::Case && e.func != Func::If)) return false;
    const size_t n = e.args.size();
    const bool has_else = e.func == Func::If ? n == 3 : e.has_else;
    for (size_t i = 1; i < n; i += 2) {
        if (!e.args[i] || !is_int32_literal(*e.args[i])) return false;
    }
    return !has_else || (n > 0 && e.args[n - 1] && is_int32_literal(*e.args[n - 1]));
}

class RedshiftDialect : public PostgresDialect {
public:
    std::string_view name() const override { return "redshift"; }

protected:
    void append_string(std::string& out, std::string_view text) const override {
        quote::backslash_escaped_string(out, text);
    }

    std::string_view cast_type(Type t) const override {
        return t == Type::Text || t == Type::Unknown ? "varchar" : PostgresDialect::cast_type(t);
    }
    std::string_view integer_decimal_type() const override { return "DECIMAL(38,0)"; }

    bool exact_text_equality() const override { return false; }

    void text_operand(std::string& out, const Expr& e, TextUse, bool, int ctx) const override {
        Parens p(out, prec::kConcat < ctx);
        expr(out, e, prec::kConcat);
        out += " || CHR(1)";
    }

    void exact_group_key(std::string& out, const Expr& key) const override {
        // VARCHAR equality ignores trailing spaces only, so values equal to Redshift that differ
        // in bytes differ in length (OCTET_LENGTH counts a VARCHAR's trailing spaces), and an
        // integer key is cheaper to group by than a concatenated string.
        octet_length(out, key);
    }

    bool exact_beside_plain(std::string& out, const Expr& column, const Expr& value,
                            std::string_view op, int ctx) const override {
        // Values `=` calls equal differ at most in trailing spaces, hence in byte length: the
        // length decides, without building a string per row. Not for CHAR columns, whose
        // OCTET_LENGTH counts the padding.
        if (column.bounds.blank_padded) return false;
        Parens p(out, prec::kCompare < ctx);
        octet_length(out, column);
        out += ' ';
        out += op;
        out += ' ';
        append_int(out, static_cast<int64_t>(value.literal.text.size()));
        return true;
    }

    void text_extreme(std::string& out, const Expr& e, int) const override {
        // The extreme of the CHR(1)-suffixed values, without its suffix.
        std::string m;
        m += extreme_name(e.func);
        m += '(';
        for (size_t i = 0; i < e.args.size(); ++i) {
            if (i > 0) m += ", ";
            text_operand(m, *e.args[i], TextUse::Ordering, true, prec::kLowest);
        }
        m += ')';
        out += "LEFT(" + m + ", CHAR_LENGTH(" + m + ") - 1)";
    }

    void text_match(std::string& out, const Expr& e, int ctx) const override {
        // LIKE matches patterns exactly (no trailing-space folding). A pattern that is not a
        // literal is escaped in SQL.
        const Expr& s = *e.args.at(0);
        const Expr& t = *e.args.at(1);
        Parens p(out, prec::kCompare < ctx);
        expr(out, s, prec::kCompare + 1);
        out += " LIKE ";
        if (is_text_literal(t)) {
            append_string(out, like_pattern(e.func, t.literal.text));
            return;
        }
        out += '(';
        if (e.func != Func::StartsWith) out += "'%' || ";
        out += "REPLACE(REPLACE(REPLACE(";
        expr(out, t);
        for (std::string_view special : {"\\", "%", "_"}) {
            out += ", ";
            append_string(out, special);
            out += ", ";
            append_string(out, "\\" + std::string(special));
            out += ')';
        }
        if (e.func != Func::EndsWith) out += " || '%'";
        out += ')';
    }

    void concat_text(std::string& out, const Expr& e, int ctx) const override {
        // Redshift's CONCAT takes two arguments and returns NULL with a NULL one. Other types
        // are cast to text first: COALESCE(number, '') mixes types and is refused.
        Parens p(out, prec::kConcat < ctx && e.args.size() > 1);
        for (size_t i = 0; i < e.args.size(); ++i) {
            if (i > 0) out += " || ";
            const Expr& a = *e.args[i];
            if (is_text_literal(a)) {
                expr(out, a, prec::kConcat + 1);
                continue;
            }
            const bool not_null = is_literal(a) && !a.literal.is_null;
            if (!not_null) out += "COALESCE(";
            if (is_text(a)) {
                expr(out, a);
            } else {
                cast(out, a, Type::Text);
            }
            if (!not_null) out += ", '')";
        }
    }

    std::string_view log10_function() const override { return "DLOG10"; }

    void date_add(std::string& out, const Expr& e, int) const override {
        // DATEADD clamps month arithmetic to the month's last day.
        const Expr& n = *e.args.at(0);
        const Expr& x = *e.args.at(1);
        const bool to_date = e.type == Type::Date;  // DATEADD returns a timestamp
        if (to_date) out += "CAST(";
        out += "DATEADD(";
        const int64_t factor = e.unit == TimeUnit::Week ? 7 : e.unit == TimeUnit::Quarter ? 3 : 1;
        out += e.unit == TimeUnit::Week      ? "day"
               : e.unit == TimeUnit::Quarter ? "month"
                                             : sql_unit(e.unit);
        out += ", ";
        int64_t count = 0;
        if (factor == 1) {
            expr(out, n);
        } else if (is_literal(n) && !n.literal.is_null && n.type == Type::Integer &&
                   !__builtin_mul_overflow(n.literal.integer, factor, &count)) {
            append_int(out, count);
        } else {
            append_int(out, factor);
            out += " * ";
            expr(out, n, prec::kMul + 1);
        }
        out += ", ";
        wall_clock(out, x, prec::kLowest);
        out += ')';
        if (to_date) out += " AS date)";
    }

    void date_diff(std::string& out, const Expr& e, int ctx) const override {
        // DATEDIFF counts the unit boundaries crossed; weeks are counted between ISO Mondays.
        const Expr& a = *e.args.at(0);
        const Expr& b = *e.args.at(1);
        if (e.unit == TimeUnit::Week) {
            Parens p(out, prec::kMul < ctx);
            out += "DATEDIFF(day, ";
            truncated(out, TimeUnit::Week, a);
            out += ", ";
            truncated(out, TimeUnit::Week, b);
            out += ") / 7";
            return;
        }
        out += "DATEDIFF(";
        out += sql_unit(e.unit);
        out += ", ";
        wall_clock(out, a, prec::kLowest);
        out += ", ";
        wall_clock(out, b, prec::kLowest);
        out += ')';
    }

    void date_part(std::string& out, const Expr& e, int ctx) const override {
        if (e.func != Func::Weekday) {
            PostgresDialect::date_part(out, e, ctx);
            return;
        }
        // No ISODOW: DOW has Sunday = 0.
        Parens p(out, prec::kAdd < ctx);
        out += "(CAST(";
        extract(out, "DOW", *e.args.at(0));
        out += " AS integer) + 6) % 7 + 1";
    }

    void summed_value(std::string& out, const Expr& x) const override {
        // SUM(BIGINT) is a BIGINT in Redshift and overflows. A value bounded like an INTEGER
        // cannot overflow it (that would take 2^32 rows of the largest value), and summing
        // DECIMALs costs a fifth more per row than BIGINTs: the bounce-rate pattern
        // sum(case when ... then 1 else 0 end) is summed as is.
        if (x.type == Type::Integer && !is_int32_bounded(x)) {
            integer_as_decimal(out, x);
        } else {
            expr(out, x);
        }
    }

private:
    // The value's length in bytes, trailing spaces included.
    void octet_length(std::string& out, const Expr& e) const {
        out += "OCTET_LENGTH(";
        expr(out, e);
        out += ')';
    }
};

DialectRegistration registration{"redshift", [] { return std::make_unique<RedshiftDialect>(); }};

}  // namespace

}  // namespace quarry
