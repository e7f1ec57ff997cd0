#include "spi.hpp"

#include <exception>
#include <string>
#include <unordered_map>

#include "common/error.hpp"
#include "guard.hpp"
#include "statement_plans.hpp"

namespace quarry::pg {

namespace {

// The catalog statements are few and fixed: each is planned once per backend and kept. The plan
// cache revalidates a kept plan when what it depends on changes (e.g. the extension is
// recreated), so a kept plan never runs against a dropped table.
SPIPlanPtr kept_plan(const char* sql, int nargs) {
    static std::unordered_map<std::string, SPIPlanPtr> plans;
    auto found = plans.find(sql);
    if (found != plans.end()) return found->second;
    std::vector<Oid> types(static_cast<size_t>(nargs), TEXTOID);
    SPIPlanPtr plan = pg_call([&] { return SPI_prepare(sql, nargs, types.data()); });
    if (plan == nullptr) {
        throw Error(sqlstate::kInternalError,
                    std::string("SPI_prepare failed: ") + SPI_result_code_string(SPI_result));
    }
    pg_call([&] { SPI_keepplan(plan); });
    plans.emplace(sql, plan);
    return plan;
}

}  // namespace

SpiSession::SpiSession() : uncaught_at_start_(std::uncaught_exceptions()) {
    int rc = pg_call([] { return SPI_connect(); });
    if (rc != SPI_OK_CONNECT) {
        throw Error(sqlstate::kInternalError,
                    std::string("SPI_connect failed: ") + SPI_result_code_string(rc));
    }
}

SpiSession::~SpiSession() {
    if (std::uncaught_exceptions() > uncaught_at_start_) return;  // see the class comment
    SPI_finish();  // only checks the connection and frees its memory: it does not raise
}

int SpiSession::run(const char* sql, const std::vector<SpiValue>& params, bool read_only) {
    const int count = static_cast<int>(params.size());
    SPIPlanPtr plan = kept_plan(sql, count);
    std::vector<Datum> values(params.size(), Datum(0));
    std::vector<char> nulls(params.size(), ' ');
    for (size_t i = 0; i < params.size(); ++i) {
        if (!params[i]) {
            nulls[i] = 'n';
            continue;
        }
        const std::string& text = *params[i];
        values[i] = pg_call([&] {
            return PointerGetDatum(
                cstring_to_text_with_len(text.data(), static_cast<int>(text.size())));
        });
    }
    int rc =
        pg_call([&] { return SPI_execute_plan(plan, values.data(), nulls.data(), read_only, 0); });
    if (rc < 0) {
        throw Error(sqlstate::kInternalError,
                    std::string("SPI failed: ") + SPI_result_code_string(rc));
    }
    return rc;
}

std::vector<SpiRow> SpiSession::query(const char* sql, const std::vector<SpiValue>& params,
                                      bool read_only) {
    run(sql, params, read_only);
    SPITupleTable* table = SPI_tuptable;
    std::vector<SpiRow> rows;
    if (table == nullptr) return rows;
    const int natts = table->tupdesc->natts;
    rows.reserve(SPI_processed);
    for (uint64_t r = 0; r < SPI_processed; ++r) {
        SpiRow& row = rows.emplace_back();
        for (int c = 1; c <= natts; ++c) {
            const char* value =
                pg_call([&] { return SPI_getvalue(table->vals[r], table->tupdesc, c); });
            row.push_back(value != nullptr ? SpiValue(value) : std::nullopt);
        }
    }
    pg_call([&] { SPI_freetuptable(table); });
    return rows;
}

int SpiSession::run_into(const std::string& sql, DestReceiver* dest) {
    StatementPlan kept(sql);
    SPIExecuteOptions options{};
    options.read_only = true;
    options.dest = dest;
    int rc = pg_call([&] { return SPI_execute_plan_extended(kept.plan(), &options); });
    if (rc < 0) {
        throw Error(sqlstate::kInternalError,
                    std::string("SPI failed: ") + SPI_result_code_string(rc));
    }
    return rc;
}

uint64_t SpiSession::execute(const char* sql, const std::vector<SpiValue>& params) {
    run(sql, params, false);
    return SPI_processed;
}

}  // namespace quarry::pg
