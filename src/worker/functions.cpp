// quarry.submit, quarry.wait and quarry.cancel: the SQL side of the job queue (docs/worker.md).
#include <cstdlib>
#include <string>
#include <vector>

#include "src/extension/datums.hpp"
#include "src/extension/guard.hpp"
#include "refresh.hpp"
#include "src/extension/spi.hpp"
#include "state.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "access/transam.h"
#include "catalog/namespace.h"
#include "utils/wait_event.h"
}
#pragma GCC diagnostic pop

namespace quarry::worker {

namespace {

// What this backend's transaction asks of the workers once it commits (a job queued before the
// commit is invisible to them; a cancel signalled before it would find the job still running).
constexpr int kMaxPendingCancels = 256;
int64_t pending_cancels[kMaxPendingCancels];
int pending_cancel_count = 0;
bool pending_submit = false;
bool pending_broadcast = false;

void clear_pending() {
    pending_cancel_count = 0;
    pending_submit = false;
    pending_broadcast = false;
}

void on_transaction_end(XactEvent event, void* /*arg*/) {
    if (event == XACT_EVENT_COMMIT) {
        if (shared != nullptr) {
            for (int i = 0; i < pending_cancel_count; ++i)
                signal_job(MyDatabaseId, pending_cancels[i]);
            if (pending_submit || pending_cancel_count > 0) {
                notify_database(MyDatabaseId, pending_submit ? pool_size : 0);
            }
            if (pending_broadcast) ConditionVariableBroadcast(&shared->job_cv);
        }
        clear_pending();
    } else if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) {
        clear_pending();
    }
}

void add_pending_cancel(int64_t job) {
    pending_broadcast = true;
    if (pending_cancel_count < kMaxPendingCancels) pending_cancels[pending_cancel_count++] = job;
}

[[noreturn]] void worker_not_loaded(const char* function) {
    throw Error("55000",
                std::string(function) + " needs the quarry background worker, which is not loaded",
                "quarry is not in shared_preload_libraries of this server.",
                "Add quarry to shared_preload_libraries in postgresql.conf "
                "(shared_preload_libraries = 'quarry') and restart the server.");
}

int64_t job_argument(FunctionCallInfo fcinfo) {
    if (PG_ARGISNULL(0)) throw Error("22004", "job must not be NULL");
    return PG_GETARG_INT64(0);
}

std::vector<int64_t> parse_bigint_array(const std::string& text) {
    std::vector<int64_t> ids;
    const char* p = text.c_str();
    while (*p != '\0') {
        if (*p == '-' || (*p >= '0' && *p <= '9')) {
            char* end = nullptr;
            ids.push_back(std::strtoll(p, &end, 10));
            p = end;
        } else {
            ++p;
        }
    }
    return ids;
}

std::string state_json(int64_t job, const std::string& state) {
    return nlohmann::json{{"job", job}, {"state", state}}.dump();
}

}  // namespace

void register_xact_callback() {
    pg::pg_call([] { RegisterXactCallback(on_transaction_end, nullptr); });
}

bool available() { return shared != nullptr; }

std::string current_tenant() {
    std::string tenant = tenant_setting != nullptr ? tenant_setting : "";
    if (tenant.empty()) {
        const Oid role = GetUserId();
        tenant = pg::pg_call([role] { return GetUserNameFromId(role, false); });
    }
    return tenant;
}

Refresh queue_refresh(const std::string& entry_key, const std::string& spec,
                      const std::string& hash) {
    const Oid role = GetUserId();
    const std::string tenant = current_tenant();  // before switching to the queue's owner
    std::string search_path = namespace_search_path != nullptr ? namespace_search_path : "";
    std::vector<pg::SpiRow> rows;
    {
        pg::SpiSession spi;
        AsSuperuser as_owner;
        rows = spi.query(
            "SELECT job, queued FROM quarry._queue_refresh($1, $2::pg_catalog.oid, $3, "
            "$4::pg_catalog.jsonb, $5, $6)",
            {entry_key, std::to_string(role), tenant, spec, hash, search_path}, false);
    }
    Refresh refresh;
    if (!rows.empty()) {
        if (rows[0][0]) refresh.job = std::stoll(*rows[0][0]);
        refresh.queued = rows[0][1] == std::string("t");
    }
    // Like a submit: the workers are asked for when this transaction commits.
    if (refresh.queued) pending_submit = true;
    return refresh;
}

}  // namespace quarry::worker

using namespace quarry;
using namespace quarry::pg;
using namespace quarry::worker;

QUARRY_PG_FUNCTION(quarry_submit) {
    if (shared == nullptr) worker_not_loaded("quarry.submit");
    require_argument(fcinfo, 0, "spec");
    std::string priority = PG_ARGISNULL(2) ? std::string("interactive") : text_argument(fcinfo, 2);
    if (priority != "interactive" && priority != "background") {
        throw Error("22023", "priority: must be \"interactive\" or \"background\", not \"" +
                                 priority + "\"");
    }
    std::string spec = jsonb_argument(fcinfo, 0).dump();
    SpiValue channel;
    if (!PG_ARGISNULL(1)) channel = text_argument(fcinfo, 1);
    const Oid role = GetUserId();
    std::string tenant = current_tenant();
    std::string search_path = namespace_search_path != nullptr ? namespace_search_path : "";

    SpiSession spi;
    // Validation as the caller: a wrong spec is its ERROR here, and nothing is queued.
    std::vector<SpiRow> hash =
        spi.query("SELECT quarry.explain($1::pg_catalog.jsonb) OPERATOR(pg_catalog.->>) 'hash'",
                  {spec}, false);
    if (hash.empty() || !hash[0][0]) throw Error("XX000", "quarry.explain gave no hash");

    std::vector<SpiRow> queued;
    {
        AsSuperuser as_owner;
        queued = spi.query(
            "SELECT job, running_superseded FROM quarry._enqueue($1::pg_catalog.oid, $2, $3, $4, "
            "$5::pg_catalog.jsonb, $6, $7)",
            {std::to_string(role), tenant, channel, priority, spec, *hash[0][0], search_path},
            false);
    }
    if (queued.empty() || !queued[0][0]) throw Error("XX000", "quarry._enqueue gave no job");
    // A submitted job survives a crash once its transaction committed: with
    // synchronous_commit = off, a crash could lose the last commits (docs/worker.md).
    spi.query(
        "SELECT pg_catalog.set_config('synchronous_commit', 'local', true) WHERE "
        "pg_catalog.current_setting('synchronous_commit') OPERATOR(pg_catalog.=) 'off'",
        {}, false);
    const int64_t job = std::stoll(*queued[0][0]);
    for (int64_t old : parse_bigint_array(queued[0][1].value_or(""))) add_pending_cancel(old);
    pending_submit = true;
    return Int64GetDatum(job);
}

QUARRY_PG_FUNCTION(quarry_cancel) {
    const int64_t job = job_argument(fcinfo);
    const Oid caller = GetUserId();
    SpiSession spi;
    std::vector<SpiRow> rows;
    {
        AsSuperuser as_owner;
        rows = spi.query("SELECT quarry._cancel($1::pg_catalog.int8, $2::pg_catalog.oid)",
                         {std::to_string(job), std::to_string(caller)}, false);
    }
    if (rows.empty() || !rows[0][0]) return BoolGetDatum(false);
    if (*rows[0][0] == "running") {
        add_pending_cancel(job);
    } else {
        pending_broadcast = true;
    }
    return BoolGetDatum(true);
}

QUARRY_PG_FUNCTION(quarry_wait) {
    if (shared == nullptr) worker_not_loaded("quarry.wait");
    const int64_t job = job_argument(fcinfo);
    const int timeout_ms = PG_ARGISNULL(1) ? 30000 : PG_GETARG_INT32(1);
    if (timeout_ms < 0) throw Error("22023", "timeout_ms must not be negative");
    const Oid caller = GetUserId();
    const TimestampTz deadline =
        TimestampTzPlusMilliseconds(GetCurrentTimestamp(), static_cast<int64_t>(timeout_ms));
    SpiSession spi;
    for (;;) {
        // Enlisted before looking: a job finishing after the look wakes the sleep below.
        pg_call([] { ConditionVariablePrepareToSleep(&shared->job_cv); });
        std::vector<SpiRow> rows;
        {
            AsSuperuser as_owner;
            // Not read-only: every look takes a new snapshot (READ COMMITTED).
            rows = spi.query(
                "SELECT state, result::pg_catalog.text, error, sqlstate, role_oid, xmin "
                "FROM quarry.job_queue WHERE id OPERATOR(pg_catalog.=) $1::pg_catalog.int8",
                {std::to_string(job)}, false);
        }
        bool visible = false;
        if (!rows.empty() && rows[0][4]) {
            const Oid role = static_cast<Oid>(std::strtoul(rows[0][4]->c_str(), nullptr, 10));
            visible = pg_call([&] { return has_privs_of_role(caller, role); });
        }
        if (!visible) {
            ConditionVariableCancelSleep();
            throw Error("42704", "job " + std::to_string(job) + " does not exist");
        }
        const std::string state = rows[0][0].value_or("");
        if (state == "done") {
            ConditionVariableCancelSleep();
            return jsonb_datum(rows[0][1].value_or("null"));
        }
        if (state == "failed") {
            ConditionVariableCancelSleep();
            std::string sqlstate = rows[0][3].value_or("XX000");
            if (sqlstate.size() != 5) sqlstate = "XX000";
            throw Error(sqlstate, rows[0][2].value_or("job failed"),
                        "job " + std::to_string(job) + " failed");
        }
        if (state != "queued" && state != "running") {
            ConditionVariableCancelSleep();
            return jsonb_datum(state_json(job, state));
        }
        if (state == "queued" && rows[0][5]) {
            const TransactionId xmin =
                static_cast<TransactionId>(std::strtoul(rows[0][5]->c_str(), nullptr, 10));
            if (pg_call([&] { return TransactionIdIsCurrentTransactionId(xmin); })) {
                ConditionVariableCancelSleep();
                throw Error("55000",
                            "job " + std::to_string(job) +
                                " was submitted in this transaction: no worker can see it yet",
                            "", "Commit the transaction that calls quarry.submit before waiting.");
            }
        }
        const long remaining = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);
        if (remaining <= 0) {
            ConditionVariableCancelSleep();
            return jsonb_datum(state_json(job, state));
        }
        pg_call([&] {
            (void)ConditionVariableTimedSleep(&shared->job_cv, remaining, PG_WAIT_EXTENSION);
        });
    }
}
