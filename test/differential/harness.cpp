#include "harness.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "common/error.hpp"
#include "dialects/dialect.hpp"
#include "fixture.hpp"
#include "servers.hpp"

namespace quarry::diff {

namespace {

using json = nlohmann::json;

// Where each dialect's rendering runs: redshift on the PostgreSQL stand-in.
Connection* connection(Servers& s, const char* dialect) {
    const std::string d = dialect;
    if (d == "postgres") return s.postgres.get();
    if (d == "mysql") return s.mariadb.get();
    return s.redshift.get();
}

// ---- normalization: each engine's text for a value of the model type, in one form

std::string strip_fraction_zeros(std::string v) {
    const size_t dot = v.find('.');
    if (dot == std::string::npos) return v;
    size_t end = v.size();
    while (end > dot + 1 && v[end - 1] == '0') --end;
    if (end == dot + 1) end = dot;
    v.erase(end);
    return v;
}

// Exact decimals: trailing fraction zeros are scale, not value ("2.500" = "2.5"); no -0.
std::string normal_numeric(const std::string& v) {
    std::string out = strip_fraction_zeros(v);
    if (out == "-0") out = "0";
    return out;
}

std::string normal_boolean(const std::string& v) {
    if (v == "t" || v == "1") return "true";
    if (v == "f" || v == "0") return "false";
    return v;  // anything else is shown as is and fails the comparison
}

std::string normalize(const std::string& v, Type t) {
    switch (t) {
        case Type::Boolean:
            return normal_boolean(v);
        case Type::Numeric:
            return normal_numeric(v);
        case Type::Timestamp:
        case Type::TimestampTz:
            // MariaDB prints DATETIME(6) with six fraction digits, PostgreSQL none when zero.
            return strip_fraction_zeros(v);
        default:
            return v;
    }
}

bool parse_double(const std::string& text, double& out) {
    char* end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return !text.empty() && end == text.c_str() + text.size();
}

// Doubles may differ in their printed digits (and in the last bits of an aggregate whose order
// of additions no engine fixes); every other type must be exact.
bool cell_matches(const Cell& actual, const std::string& expected, Type t) {
    if (expected == kNull || !actual) return expected == kNull && !actual;
    if (t != Type::Double) return normalize(*actual, t) == expected;
    double a = 0;
    double e = 0;
    if (!parse_double(*actual, a) || !parse_double(expected, e)) return false;
    return a == e || std::fabs(a - e) <= 1e-12 * std::max(std::fabs(a), std::fabs(e));
}

std::string show(const std::vector<std::vector<std::string>>& rows) {
    std::ostringstream out;
    for (const auto& row : rows) {
        out << "  (";
        for (size_t i = 0; i < row.size(); ++i) out << (i ? ", " : "") << '[' << row[i] << ']';
        out << ")\n";
    }
    return out.str();
}

std::vector<std::vector<std::string>> as_text(const ResultRows& rows, const std::vector<Type>& t) {
    std::vector<std::vector<std::string>> out;
    for (const auto& row : rows) {
        std::vector<std::string> r;
        for (size_t i = 0; i < row.size(); ++i) {
            r.push_back(row[i] ? normalize(*row[i], i < t.size() ? t[i] : Type::Text) : kNull);
        }
        out.push_back(std::move(r));
    }
    return out;
}

bool rows_match(const ResultRows& actual, const DiffCase& c, const std::vector<Type>& types) {
    if (actual.size() != c.expected.size()) return false;
    for (size_t r = 0; r < actual.size(); ++r) {
        if (actual[r].size() != types.size() || c.expected[r].size() != types.size()) return false;
        for (size_t i = 0; i < types.size(); ++i) {
            if (!cell_matches(actual[r][i], c.expected[r][i], types[i])) return false;
        }
    }
    return true;
}

void run_on(const char* dialect, Connection& conn, const CompiledSpec& compiled, const DiffCase& c,
            const std::vector<Type>& types) {
    std::string sql;
    try {
        sql = dialect_by_name(dialect).render_query(compiled.query);
    } catch (const Error& e) {
        ADD_FAILURE() << dialect << ": rendering failed [" << e.sqlstate() << "]: " << e.what();
        return;
    }
    if (std::string(dialect) == "redshift") {
        if (const RedshiftOnlyConstruct* only = redshift_only_construct(sql)) {
            // PostgreSQL has no such construct: RenderGolden.<golden_test> pins this SQL.
            std::cout << "  [redshift] " << c.name << ": not run on the stand-in (" << only->token
                      << " is Redshift's own; covered by RenderGolden." << only->golden_test
                      << ")\n";
            return;
        }
    }
    ResultRows rows;
    try {
        rows = conn.query(sql);
    } catch (const std::exception& e) {
        ADD_FAILURE() << dialect << ": the server refused the rendering: " << e.what()
                      << "\n  SQL: " << sql;
        return;
    }
    if (!rows_match(rows, c, types)) {
        ADD_FAILURE() << dialect << ": rows differ from the contract's\n  SQL: " << sql
                      << "\n  expected:\n"
                      << show(c.expected) << "  actual (normalized):\n"
                      << show(as_text(rows, types));
    }
}

json with_defaults(json spec) {
    if (!spec.contains("source")) spec["source"] = kFixtureTable;
    if (!spec.contains("options")) spec["options"] = json::object();
    if (!spec["options"].contains("now")) spec["options"]["now"] = kNow;
    return spec;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const DiffCase& c) { return os << c.name; }

std::string case_name(const ::testing::TestParamInfo<DiffCase>& info) { return info.param.name; }

DiffCase per_row(std::string name, std::string formula,
                 std::vector<std::pair<int, std::string>> by_id, std::string zone) {
    json ids = json::array();
    std::vector<std::vector<std::string>> expected;
    for (const auto& [id, value] : by_id) {
        ids.push_back(id);
        expected.push_back({std::to_string(id), value});
    }
    json spec = {{"groupby", {"id", {{"formula", formula}, {"as", "v"}}}},
                 {"filters", {{{"column", "id"}, {"op", "in"}, {"values", ids}}}},
                 {"order", {"id"}}};
    if (!zone.empty()) spec["time"] = {{"timezone", zone}};
    return DiffCase{std::move(name), with_defaults(std::move(spec)), std::move(expected)};
}

DiffCase spec_case(std::string name, json spec, std::vector<std::vector<std::string>> expected) {
    return DiffCase{std::move(name), with_defaults(std::move(spec)), std::move(expected)};
}

DiffCase kept_ids(std::string name, json filters, std::vector<int> ids) {
    std::vector<std::vector<std::string>> expected;
    for (int id : ids) expected.push_back({std::to_string(id)});
    json spec = {{"groupby", {"id"}}, {"filters", std::move(filters)}, {"order", {"id"}}};
    return DiffCase{std::move(name), with_defaults(std::move(spec)), std::move(expected)};
}

CompiledSpec compile_case(const DiffCase& c) {
    static const FixtureCatalog catalog;
    CompileContext ctx;
    ctx.catalog = &catalog;
    ctx.describe = false;
    return compile_spec(c.spec, ctx);
}

void run_case(const DiffCase& c) {
    Servers* servers = servers_or_fail();
    ASSERT_NE(servers, nullptr);
    CompiledSpec compiled;
    try {
        compiled = compile_case(c);
    } catch (const Error& e) {
        FAIL() << "the spec does not compile [" << e.sqlstate() << "]: " << e.what()
               << "\n  spec: " << c.spec.dump();
    }
    std::vector<Type> types;
    for (const OutputColumn& col : compiled.query.columns) types.push_back(col.expr->type);
    for (const char* dialect : {"postgres", "mysql", "redshift"}) {
        SCOPED_TRACE(dialect);
        run_on(dialect, *connection(*servers, dialect), compiled, c, types);
    }
}

const std::vector<RedshiftOnlyConstruct>& redshift_only_constructs() {
    static const std::vector<RedshiftOnlyConstruct> constructs = {
        {"DATEADD(", "DateAddClampsMonths"},
        {"DATEDIFF(", "DateDiffCountsBoundariesCrossed"},
        {"DLOG10(", "SqrtAndLogarithmsAreNullOutsideTheirDomain"},
    };
    return constructs;
}

const RedshiftOnlyConstruct* redshift_only_construct(const std::string& sql) {
    for (const RedshiftOnlyConstruct& c : redshift_only_constructs()) {
        if (sql.find(c.token) != std::string::npos) return &c;
    }
    return nullptr;
}

}  // namespace quarry::diff
