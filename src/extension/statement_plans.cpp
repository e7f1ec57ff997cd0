#include "statement_plans.hpp"

#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/error.hpp"
#include "guard.hpp"

namespace quarry::pg {

struct KeptStatementPlan {
    std::string sql;
    SPIPlanPtr plan = nullptr;
    int in_use = 0;  // StatementPlan handles alive: nested quarry.run calls may hold several
};

namespace {

using KeptPlan = KeptStatementPlan;

// Most recently used first. The index's keys view the entries' own text (list nodes stay put).
std::list<KeptPlan> kept;
std::unordered_map<std::string_view, std::list<KeptPlan>::iterator> by_sql;

SPIPlanPtr prepare(const std::string& sql) {
    // CURSOR_OPT_PARALLEL_OK as SPI_execute plans a statement: a large scan may use workers.
    SPIPlanPtr plan = pg_call(
        [&] { return SPI_prepare_cursor(sql.c_str(), 0, nullptr, CURSOR_OPT_PARALLEL_OK); });
    if (plan == nullptr) {
        throw Error(sqlstate::kInternalError,
                    std::string("SPI_prepare failed: ") + SPI_result_code_string(SPI_result));
    }
    return plan;
}

// Frees the least recently used plan no statement is running; false when every plan is in use.
bool evict_one() {
    for (auto it = kept.end(); it != kept.begin();) {
        --it;
        if (it->in_use > 0) continue;
        SPIPlanPtr plan = it->plan;
        by_sql.erase(it->sql);
        kept.erase(it);
        pg_call([plan] { SPI_freeplan(plan); });
        return true;
    }
    return false;
}

// Keeps a freshly prepared plan; nullptr when there is no room (every kept plan is in use).
KeptPlan* keep(const std::string& sql, SPIPlanPtr plan) {
    if (kept.size() >= kMaxKeptStatementPlans && !evict_one()) return nullptr;
    kept.push_front(KeptPlan{sql, nullptr, 0});
    auto entry = kept.begin();
    try {
        by_sql.emplace(entry->sql, entry);
        // Moves the plan out of the SPI connection's memory into a context of its own.
        pg_call([plan] { SPI_keepplan(plan); });
    } catch (...) {
        by_sql.erase(entry->sql);
        kept.erase(entry);
        throw;  // the plan stays in the SPI connection's memory, freed with it
    }
    entry->plan = plan;
    return &*entry;
}

}  // namespace

StatementPlan::StatementPlan(const std::string& sql) {
    auto found = by_sql.find(sql);
    KeptPlan* entry = nullptr;
    if (found != by_sql.end()) {
        kept.splice(kept.begin(), kept, found->second);
        entry = &*found->second;
        plan_ = entry->plan;
    } else {
        plan_ = prepare(sql);
        entry = keep(sql, plan_);
    }
    if (entry != nullptr) ++entry->in_use;
    entry_ = entry;
}

StatementPlan::~StatementPlan() {
    if (entry_ != nullptr) --entry_->in_use;
}

}  // namespace quarry::pg
