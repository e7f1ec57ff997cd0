// Translation cost: JSON spec -> compiled query -> SQL, per dialect (issue #2, acceptance 5:
// the typical dashboard spec in at most 10 µs on one core). The JSON is parsed once outside
// the loop, as the extension receives it already parsed (jsonb -> nlohmann::json is measured
// separately in BM_ParseSpecText).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "dialects/dialect.hpp"
#include "model/source.hpp"
#include "spec/spec.hpp"

namespace {

using quarry::ColumnInfo;
using quarry::SourceInfo;
using quarry::Type;

constexpr quarry::Instant kNow = 1793750400LL * 1000000;  // 2026-11-04T00:00:00Z

SourceInfo orders_source(int stored_formulas) {
    SourceInfo s;
    s.name = "orders";
    s.relation.name = {"public", "orders"};
    s.columns = {
        {"order_id", "", Type::Integer, false, {}},
        {"ordered_at", "", Type::TimestampTz, false, {}},
        {"customer_id", "", Type::Integer, false, {}},
        {"country", "", Type::Text, true, {}},
        {"product_category", "", Type::Text, true, {}},
        {"quantity", "", Type::Integer, true, {}},
        {"unit_price", "", Type::Numeric, true, {}},
        {"revenue", "", Type::Numeric, true, {}},
        {"cost", "", Type::Numeric, true, {}},
        {"status", "", Type::Text, true, {}},
    };
    s.time_column = "ordered_at";
    s.formulas = {{"margin", "revenue - cost"},
                  {"margin_pct", "sum(revenue - cost) / sum(revenue)"},
                  {"aov", "sum(revenue) / count_distinct(order_id)"}};
    // Stored measures over stored calculated columns (the "large" spec references them all).
    for (int i = 0; i < stored_formulas; ++i) {
        std::string n = std::to_string(i);
        s.formulas.emplace_back("band" + n, "if(quantity > " + n + ", margin, 0)");
        s.formulas.emplace_back("m" + n, "sum(band" + n + ") / count_distinct(customer_id)");
    }
    return s;
}

class BenchCatalog : public quarry::Catalog {
public:
    explicit BenchCatalog(int stored_formulas)
        : source_(std::make_shared<const SourceInfo>(orders_source(stored_formulas))) {}
    std::shared_ptr<const SourceInfo> find_source(const std::string&) const override {
        return source_;
    }

private:
    std::shared_ptr<const SourceInfo> source_;
};

const char* kSmallSpec = R"({"source": "orders", "groupby": ["country"], "metrics": ["revenue"]})";

const char* kTypicalSpec = R"json({
  "source": "orders",
  "groupby": ["country", {"formula": "upper(product_category)", "as": "cat"}, "status"],
  "metrics": ["revenue", {"column": "customer_id", "agg": "count_distinct", "as": "buyers"},
              {"formula": "sum(revenue - cost) / sum(revenue)", "as": "margin_pct"},
              {"formula": "sum_if(quantity, status != 'cancelled')", "as": "kept_qty"}],
  "filters": [{"column": "country", "op": "in", "values": ["FR", "DE", "ES"]},
              {"formula": "status != 'cancelled'"},
              {"column": "quantity", "op": ">", "value": 0},
              {"or": [{"column": "product_category", "op": "starts_with", "value": "Boo"},
                      {"column": "unit_price", "op": "between", "values": [10, 100]}]}],
  "time": {"column": "ordered_at", "range": "last 12 months", "grain": "month",
           "timezone": "Europe/Paris", "as": "month"},
  "order": [{"by": "revenue", "dir": "desc"}],
  "limit": 100,
  "options": {"now": "2026-11-01T00:00:00Z"}
})json";

std::string large_spec(int stored_formulas) {
    std::string metrics;
    for (int i = 0; i < stored_formulas; ++i) {
        metrics += (metrics.empty() ? "\"m" : ", \"m") + std::to_string(i) + "\"";
    }
    return R"({"source": "orders", "groupby": ["country", "status"], "metrics": [)" + metrics +
           R"(], "time": {"range": "last 30 days", "grain": "day", "timezone": "Europe/Paris"},
              "options": {"now": "2026-11-01T00:00:00Z"}})";
}

// What quarry.translate does: compile (no cache key) and render. `with_cache_key` adds what
// quarry.run and quarry.explain also compute: the canonical form and its hash.
void translate_loop(benchmark::State& state, const std::string& spec_text, int stored_formulas,
                    const char* dialect_name, bool with_cache_key = false) {
    BenchCatalog catalog(stored_formulas);
    quarry::CompileContext ctx;
    ctx.catalog = &catalog;
    ctx.transaction_now = kNow;
    ctx.describe = with_cache_key;
    const nlohmann::json spec = quarry::parse_spec_text(spec_text);
    const quarry::Dialect& dialect = quarry::dialect_by_name(dialect_name);
    for (auto _ : state) {
        quarry::CompiledSpec compiled = quarry::compile_spec(spec, ctx);
        std::string sql = dialect.render_query(compiled.query);
        benchmark::DoNotOptimize(sql.data());
    }
}

void BM_TranslateSmall(benchmark::State& state, const char* dialect) {
    translate_loop(state, kSmallSpec, 0, dialect);
}
void BM_TranslateTypical(benchmark::State& state, const char* dialect) {
    translate_loop(state, kTypicalSpec, 0, dialect);
}
void BM_TranslateLarge20Formulas(benchmark::State& state, const char* dialect) {
    translate_loop(state, large_spec(20), 20, dialect);
}
void BM_TypicalWithCacheKey(benchmark::State& state, const char* dialect) {
    translate_loop(state, kTypicalSpec, 0, dialect, true);
}

void BM_ParseSpecText(benchmark::State& state) {
    const std::string text = kTypicalSpec;
    for (auto _ : state) {
        nlohmann::json spec = quarry::parse_spec_text(text);
        benchmark::DoNotOptimize(&spec);
    }
}

}  // namespace

BENCHMARK_CAPTURE(BM_TranslateSmall, postgres, "postgres");
BENCHMARK_CAPTURE(BM_TranslateSmall, mysql, "mysql");
BENCHMARK_CAPTURE(BM_TranslateSmall, redshift, "redshift");
BENCHMARK_CAPTURE(BM_TranslateTypical, postgres, "postgres");
BENCHMARK_CAPTURE(BM_TranslateTypical, mysql, "mysql");
BENCHMARK_CAPTURE(BM_TranslateTypical, redshift, "redshift");
BENCHMARK_CAPTURE(BM_TranslateLarge20Formulas, postgres, "postgres");
BENCHMARK_CAPTURE(BM_TranslateLarge20Formulas, mysql, "mysql");
BENCHMARK_CAPTURE(BM_TranslateLarge20Formulas, redshift, "redshift");
BENCHMARK_CAPTURE(BM_TypicalWithCacheKey, postgres, "postgres");
BENCHMARK(BM_ParseSpecText);
