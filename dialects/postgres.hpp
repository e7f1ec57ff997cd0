// PostgreSQL (15+). Shared as a class because Redshift derives from it.
#pragma once

#include "common/firewall.hpp"
#include "render/renderer.hpp"

namespace quarry {

class PostgresDialect : public SqlRenderer {
public:
    std::string_view name() const override { return "postgres"; }

protected:
    void append_identifier(std::string& out, std::string_view ident) const override;
    void append_string(std::string& out, std::string_view text) const override;

    std::string_view cast_type(Type t) const override;
    std::string_view integer_decimal_type() const override { return "numeric"; }
    void double_literal(std::string& out, double v, int ctx) const override;

    bool exact_text_equality() const override { return true; }
    void text_operand(std::string& out, const Expr& e, TextUse use, bool alone,
                      int ctx) const override;
    void text_extreme(std::string& out, const Expr& e, int ctx) const override;
    void text_match(std::string& out, const Expr& e, int ctx) const override;

    void date_trunc(std::string& out, const Expr& e, int ctx) const override;
    void date_add(std::string& out, const Expr& e, int ctx) const override;
    void date_diff(std::string& out, const Expr& e, int ctx) const override;
    void date_part(std::string& out, const Expr& e, int ctx) const override;
    void to_local_time(std::string& out, const Expr& instant, std::string_view zone,
                       int ctx) const override;

    // `e` as a timestamp without time zone (a date is promoted explicitly: left to itself,
    // PostgreSQL would pick timestamptz and the session's time zone).
    void timestamp_argument(std::string& out, const Expr& e, int ctx = prec::kLowest) const;
    // `e` as a date.
    void date_argument(std::string& out, const Expr& e, int ctx = prec::kLowest) const;
    // EXTRACT(field FROM e) on wall-clock time.
    void extract(std::string& out, std::string_view field, const Expr& e) const;
    // DATE_TRUNC('unit', ts) on a timestamp argument.
    void truncated(std::string& out, TimeUnit unit, const Expr& e) const;
};

}  // namespace quarry
