// The differential test itself (one TEST_P over every case table), and the checks that the tables
// cover the contract: every operator, function and aggregate of the model (Func), every filter
// op, every refusal path, and a golden test for every Redshift construct the stand-in lacks.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "common/error.hpp"
#include "dialects/dialect.hpp"
#include "dialects/postgres.hpp"
#include "harness.hpp"
#include "servers.hpp"

namespace quarry::diff {

TEST_P(Differential, MatchesTheContract) { run_case(GetParam()); }

namespace {

using json = nlohmann::json;

std::vector<DiffCase> all_cases() {
    std::vector<DiffCase> all;
    for (auto* table :
         {&operator_cases, &function_cases, &time_cases, &aggregate_cases, &filter_cases}) {
        for (DiffCase& c : (*table)()) all.push_back(std::move(c));
    }
    return all;
}

void collect_funcs(const Expr& e, std::set<Func>& out) {
    if (e.kind == ExprKind::Call) out.insert(e.func);
    for (const ExprPtr& a : e.args) collect_funcs(*a, out);
}

std::set<Func> funcs_of(const Query& q) {
    std::set<Func> out;
    for (const OutputColumn& c : q.columns) collect_funcs(*c.expr, out);
    for (const auto* list : {&q.where, &q.group_by, &q.having}) {
        for (const ExprPtr& e : *list) collect_funcs(*e, out);
    }
    for (const OrderKey& k : q.order_by) collect_funcs(*k.expr, out);
    return out;
}

constexpr Func kLastFunc = Func::SumIf;

std::vector<Func> every_func() {
    std::vector<Func> out;
    for (int f = 0; f <= static_cast<int>(kLastFunc); ++f) out.push_back(static_cast<Func>(f));
    return out;
}

void collect_ops(const json& filters, std::set<std::string>& out) {
    if (!filters.is_array()) return;
    for (const json& f : filters) {
        if (f.contains("op")) out.insert(f["op"].get<std::string>());
        if (f.contains("or")) collect_ops(f["or"], out);
    }
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A dialect that cannot honour power(): the refusal path a real dialect would take.
class NoPowerDialect : public PostgresDialect {
public:
    std::string_view name() const override { return "no_power"; }
    bool supports(Func f) const override { return f != Func::Power; }
};

}  // namespace

TEST(DifferentialCoverage, EveryOperatorFunctionAndAggregateIsRunOnTheEngines) {
    std::set<Func> used;
    for (const DiffCase& c : all_cases()) {
        try {
            const std::set<Func> funcs = funcs_of(compile_case(c).query);
            used.insert(funcs.begin(), funcs.end());
        } catch (const Error& e) {
            ADD_FAILURE() << c.name << " does not compile: " << e.what();
        }
    }
    for (Func f : every_func()) {
        EXPECT_EQ(used.count(f), 1u) << "no differential case uses " << func_name(f);
    }
}

TEST(DifferentialCoverage, EveryFilterOpIsRunOnTheEngines) {
    std::set<std::string> ops;
    for (const DiffCase& c : all_cases()) {
        if (c.spec.contains("filters")) collect_ops(c.spec["filters"], ops);
        if (c.spec.contains("having")) collect_ops(c.spec["having"], ops);
    }
    for (const char* op : {"=", "!=", "<", "<=", ">", ">=", "in", "not_in", "between", "contains",
                           "not_contains", "starts_with", "ends_with", "is_null", "not_null"}) {
        EXPECT_EQ(ops.count(op), 1u) << "no differential case uses the filter op " << op;
    }
}

TEST(DifferentialCoverage, CaseNamesAreUnique) {
    std::set<std::string> names;
    for (const DiffCase& c : all_cases()) {
        EXPECT_TRUE(names.insert(c.name).second) << "duplicate case name " << c.name;
    }
}

// Where a case's Redshift rendering needs what PostgreSQL lacks, it is not run on the stand-in;
// a golden test must pin that construct instead: check that the one named exists and shows it.
TEST(DifferentialCoverage, GoldenTestsCoverTheRedshiftOnlyConstructs) {
    const std::string golden =
        read_file(std::string(QUARRY_SOURCE_DIR) + "/test/unit/render_golden_test.cpp");
    ASSERT_FALSE(golden.empty());
    std::set<std::string> checked;
    for (const DiffCase& c : all_cases()) {
        const std::string sql = dialect_by_name("redshift").render_query(compile_case(c).query);
        const RedshiftOnlyConstruct* only = redshift_only_construct(sql);
        if (only == nullptr) continue;
        std::cout << "  redshift golden-only: " << c.name << " (" << only->token << ")\n";
        if (!checked.insert(only->token).second) continue;
        const std::string test = std::string("TEST(RenderGolden, ") + only->golden_test + ")";
        const size_t at = golden.find(test);
        ASSERT_NE(at, std::string::npos) << test << " is missing";
        const size_t next = golden.find("\nTEST(", at + 1);
        const std::string body = golden.substr(at, next - at);
        EXPECT_NE(body.find(only->token), std::string::npos)
            << test << " does not show " << only->token;
    }
}

// docs/dialects.md: today every dialect honours every function of the contract, so there is
// no function-level refusal to run. supports() must say so (the FDW asks it before pushing a
// function down), and the refusal path must work for a dialect that does refuse.
TEST(DialectRefusals, EveryDialectSupportsEveryFunction) {
    for (const std::string& name : dialect_names()) {
        const Dialect& d = dialect_by_name(name);
        for (Func f : every_func()) {
            EXPECT_TRUE(d.supports(f)) << name << " refuses " << func_name(f);
        }
    }
}

TEST(DialectRefusals, AnUnsupportedFunctionIsAnErrorNamingFunctionAndDialect) {
    const CompiledSpec compiled = compile_case(per_row("power", "power(i, 2)", {{1, "49"}}));
    const NoPowerDialect no_power;
    try {
        no_power.render_query(compiled.query);
        ADD_FAILURE() << "power() rendered on a dialect that does not support it";
    } catch (const Error& e) {
        EXPECT_EQ(e.sqlstate(), "0A000");
        EXPECT_STREQ(e.what(), "function \"power\" is not supported by dialect \"no_power\"");
    }
}

// The one value-level refusal: MySQL has no infinities. PostgreSQL computes with them.
TEST(DialectRefusals, NonFiniteDoublesAreRefusedOnMysqlAndComputedOnPostgres) {
    const DiffCase c = per_row("infinity", "d < 1e400", {{1, "true"}, {4, kNull}});
    const CompiledSpec compiled = compile_case(c);
    try {
        dialect_by_name("mysql").render_query(compiled.query);
        ADD_FAILURE() << "an infinite literal rendered on mysql";
    } catch (const Error& e) {
        EXPECT_EQ(e.sqlstate(), "0A000");
        EXPECT_NE(std::string(e.what()).find("\"mysql\""), std::string::npos) << e.what();
    }
    Servers* servers = servers_or_fail();
    ASSERT_NE(servers, nullptr);
    for (const char* dialect : {"postgres", "redshift"}) {
        const std::string sql = dialect_by_name(dialect).render_query(compiled.query);
        Connection& conn =
            std::string(dialect) == "postgres" ? *servers->postgres : *servers->redshift;
        const ResultRows rows = conn.query(sql);
        ASSERT_EQ(rows.size(), 2u) << sql;
        EXPECT_EQ(rows[0][1], Cell("t")) << sql;
        EXPECT_EQ(rows[1][1], std::nullopt) << sql;
    }
}

}  // namespace quarry::diff

namespace quarry::diff {

// The contract is silent on power() outside its domain; what must not happen is a NULL on one
// engine and a number or an error on another. Every engine raises an error (docs/dialects.md).
TEST(DifferentialErrors, PowerOutsideItsDomainIsAnErrorOnEveryEngine) {
    Servers* servers = servers_or_fail();
    ASSERT_NE(servers, nullptr);
    // Row 2: d = -2.5 (a fractional power of a negative), j = -2 (a negative power of 0);
    // row 7: i = 2^53 + 1 (overflow).
    const std::pair<const char*, int> kErrors[] = {
        {"power(d, 0.5)", 2}, {"power(0, j)", 2}, {"power(10, i)", 7}};
    for (const auto& [formula, id] : kErrors) {
        SCOPED_TRACE(formula);
        const CompiledSpec compiled = compile_case(per_row("power_error", formula, {{id, ""}}));
        for (const char* dialect : {"postgres", "mysql", "redshift"}) {
            const std::string sql = dialect_by_name(dialect).render_query(compiled.query);
            Connection& conn = std::string(dialect) == "postgres" ? *servers->postgres
                               : std::string(dialect) == "mysql"  ? *servers->mariadb
                                                                  : *servers->redshift;
            EXPECT_THROW(conn.query(sql), std::runtime_error) << dialect << ": " << sql;
        }
    }
}

}  // namespace quarry::diff
