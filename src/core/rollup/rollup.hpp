// Materializations (PRODUCT.md, `quarry.materialize`; docs/materialize.md): what a
// materialization stores, and how another spec is answered from its rows by rolling them up.
//
// A materialization is defined by a spec: its group keys (the time bucket among them) and its
// filters are kept as they are; each metric is taken apart into the aggregates it is made of,
// stored in an additive form (avg as a sum and a count). A spec over the same source is answered
// from the stored rows when its group keys are functions of the stored keys (or a coarser time
// bucket), its filters are the materialization's plus conditions on stored keys (a time range on
// bucket boundaries included), and every aggregate it uses rolls up: sum, count, min, max,
// count_if, sum_if, avg; count_distinct only when no groups merge.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/firewall.hpp"
#include "model/query.hpp"
#include "spec/spec.hpp"
#include "time/time.hpp"

namespace quarry {

// A column of a materialization's table and what it holds, as an expression over the source.
struct StoredColumn {
    std::string name;
    ExprPtr expr;
};

struct MaterializedShape {
    std::vector<StoredColumn> keys;        // the definition's group keys, in output order
    std::vector<StoredColumn> components;  // the aggregates its metrics are made of
    std::vector<ExprPtr> where;            // the definition's filters (AND-ed)
    // The time bucket, when the definition has a grain: keys[*bucket] is date_trunc(grain, ...)
    // of `time_column`, wall-clock in `zone`.
    std::optional<size_t> bucket;
    TimeUnit grain = TimeUnit::Day;
    std::string time_column;
    std::string zone;
};

// Checks that `spec` (compiled into `compiled`) can define a materialization and derives what
// it stores. No having, order, limit, offset, options or time range: a materialization keeps
// every group of all time. Throws Error 22023 naming the JSON path of the fault.
MaterializedShape materialized_shape(const nlohmann::json& spec, const CompiledSpec& compiled);

// What an (incremental) refresh computes: the shape's keys and components over `source`,
// grouped, filtered by the shape's filters and `extra_where` (the refreshed time window).
Query storage_query(const MaterializedShape& shape, const TableRef& source,
                    const std::vector<ExprPtr>& extra_where = {});

struct Rollup {
    bool ok = false;
    std::string reason;  // why not, when !ok: for quarry.explain
    Query query;         // the spec over `table` (the materialization's table)
};

// The spec's query answered from the rows of a materialization of the same source (compiled
// with the same source definition), or the reason it cannot be.
Rollup rollup(const CompiledSpec& spec, const MaterializedShape& shape, const TableRef& table);

// Where an incremental refresh starts: the wall-clock start of the bucket `buckets - 1` buckets
// before the one holding `now` (buckets = 1: the current bucket), moved back further while that
// start is a wall-clock time the zone repeats (a fall-back hour), so that every row at or after
// its instant falls in a bucket at or after it.
CivilTime refresh_window_start(Instant now, const TimeZone& zone, TimeUnit grain, int buckets);

// The start of the bucket of `grain` holding the wall-clock time `t` (weeks are ISO).
CivilTime truncate_civil(const CivilTime& t, TimeUnit grain);

}  // namespace quarry
