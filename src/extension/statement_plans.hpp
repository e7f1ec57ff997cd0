// Kept plans of the statements quarry.run executes locally, so that a spec run again (the
// same SQL text) skips parsing, analysis and planning, as a prepared statement would.
//
// A per-backend cache keyed by the exact SQL text, bounded (least recently used plans are freed
// first). The plans are PostgreSQL's plancache entries (SPI_prepare + SPI_keepplan): before each
// use the plancache revalidates them, re-analyzing and re-planning after DDL on a relation they
// use (ALTER TABLE, DROP and CREATE again), a change of search_path, or, where row-level
// security applies, of the current role or row_security. So a kept plan answers exactly as the
// statement planned afresh would; permissions are checked at every execution either way.
#pragma once

#include <string>

#include "pg.hpp"

namespace quarry::pg {

struct KeptStatementPlan;  // an entry of the cache

// How many plans a backend keeps at most.
constexpr size_t kMaxKeptStatementPlans = 64;

// The kept plan of one statement, held for the time it runs: a plan in use is never freed, even
// when a statement it runs calls quarry.run again and that call fills the cache. Construct it
// inside an SPI connection (a new plan is prepared there).
class StatementPlan {
public:
    explicit StatementPlan(const std::string& sql);
    ~StatementPlan();
    StatementPlan(const StatementPlan&) = delete;
    StatementPlan& operator=(const StatementPlan&) = delete;

    SPIPlanPtr plan() const { return plan_; }

private:
    SPIPlanPtr plan_ = nullptr;
    // The cache entry holding it; null when the cache was full of plans in use and this one is
    // not kept (SPI_finish frees it).
    KeptStatementPlan* entry_ = nullptr;
};

}  // namespace quarry::pg
