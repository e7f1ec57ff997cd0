// A job worker: connected to one database, it claims queued jobs (quarry._claim: the scheduling
// rules), runs each as its submitting role through `SELECT quarry.run(spec)`, and stores the
// result or the error. It exits when the queue stays empty for quarry.worker_idle_timeout.
#include <algorithm>
#include <csignal>
#include <string>
#include <vector>

#include "src/extension/guard.hpp"
#include "cache.hpp"
#include "materialize.hpp"
#include "src/extension/spi.hpp"
#include "state.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "tcop/tcopprot.h"
#include "utils/backend_status.h"
#include "utils/snapmgr.h"
#include "utils/timeout.h"
#include "utils/wait_event.h"
}
#pragma GCC diagnostic pop

extern "C" {
PGDLLEXPORT void quarry_job_worker_main(Datum arg);
}

namespace quarry::worker {

namespace {

constexpr long kCappedNapMs = 10000;  // queued jobs all held back (tenant caps, single flight)

int my_slot = -1;
bool connected = false;  // an exit before the connection (database dropped) asks for nothing
Oid my_database = InvalidOid;
TimeoutId job_timeout_id;
volatile sig_atomic_t job_timed_out = 0;

void on_job_timeout() {
    job_timed_out = 1;
    // What StatementCancelHandler does: the running statement (local or remote) is cancelled.
    InterruptPending = true;
    QueryCancelPending = true;
    SetLatch(MyLatch);
}

// Frees the slot. An exit with an error (FATAL, terminated) asks the launcher for the pool
// again: the next worker recovers the job this one may have left 'running'.
void on_worker_exit(int code, Datum /*arg*/) {
    if (shared == nullptr || my_slot < 0) return;
    PGPROC* launcher = nullptr;
    SpinLockAcquire(&shared->mutex);
    shared->slots[my_slot].in_use = false;
    shared->slots[my_slot].current_job = 0;
    if (code != 0 && connected) {
        DbEntry* entry = db_entry_locked(my_database);
        if (entry != nullptr && entry->want < pool_size) entry->want = pool_size;
        launcher = shared->launcher;
    }
    SpinLockRelease(&shared->mutex);
    my_slot = -1;
    if (launcher != nullptr) SetLatch(&launcher->procLatch);
}

void set_current_job(int64_t job) {
    SpinLockAcquire(&shared->mutex);
    shared->slots[my_slot].current_job = job;
    // A cancel meant for the previous job must not hit this one (signal_job sends with the
    // mutex held, for the job it finds here).
    QueryCancelPending = false;
    SpinLockRelease(&shared->mutex);
}

uint64_t generation() {
    SpinLockAcquire(&shared->mutex);
    DbEntry* entry = db_entry_locked(my_database);
    uint64_t g = entry != nullptr ? entry->generation : 0;
    SpinLockRelease(&shared->mutex);
    return g;
}

void begin_transaction() {
    pg::pg_call([] {
        SetCurrentStatementStartTimestamp();
        StartTransactionCommand();
        // Each transaction first shares the lock on the extension itself. DROP EXTENSION takes
        // that lock exclusively, then quarry's tables one by one: without it, a worker that has
        // read one table and wants the next deadlocks with a drop that holds the next and wants
        // the first (the deadlock detector then failed DROP EXTENSION). Now one waits for the
        // other's transaction; a worker that waited finds the tables gone and leaves.
        const Oid extension = get_extension_oid("quarry", true);
        if (OidIsValid(extension)) {
            LockDatabaseObject(ExtensionRelationId, extension, 0, AccessShareLock);
        }
        PushActiveSnapshot(GetTransactionSnapshot());
    });
}

void commit_transaction() {
    pg::pg_call([] {
        PopActiveSnapshot();
        CommitTransactionCommand();
    });
    pgstat_report_stat(false);
    pgstat_report_activity(STATE_IDLE, nullptr);
}

struct Failure {
    std::string message;
    std::string sqlstate;
};

// Runs `body` in a transaction of its own; a PostgreSQL error aborts it and is returned.
template <typename Body>
bool in_transaction(Body&& body, Failure* failure) {
    begin_transaction();
    try {
        body();
        commit_transaction();
        return true;
    } catch (const pg::PgError& e) {
        if (failure != nullptr) {
            failure->message = e.edata()->message != nullptr ? e.edata()->message : "error";
            failure->sqlstate = e.sqlstate();
        }
        pg::pg_call([] { AbortCurrentTransaction(); });
    } catch (const Error& e) {
        if (failure != nullptr) {
            failure->message = e.what();
            failure->sqlstate = e.sqlstate();
        }
        pg::pg_call([] { AbortCurrentTransaction(); });
    }
    return false;
}

bool extension_installed() {
    bool installed = false;
    in_transaction(
        [&] {
            pg::SpiSession spi;
            auto rows = spi.query(
                "SELECT pg_catalog.to_regclass('quarry.job_queue') IS NOT NULL AND "
                "pg_catalog.to_regproc('quarry._claim') IS NOT NULL");
            installed = !rows.empty() && rows[0][0] == std::string("t");
        },
        nullptr);
    return installed;
}

// Jobs left 'running' by a worker that is gone: failed (or queued again, by setting).
void recover() {
    int recovered = 0;
    in_transaction(
        [&] {
            pg::SpiSession spi;
            spi.query(kClaimLockSql, {}, false);  // no claim commits while we look
            std::string live = "{";
            SpinLockAcquire(&shared->mutex);
            for (const WorkerSlot& slot : shared->slots) {
                if (slot.in_use && slot.dboid == my_database && slot.current_job != 0) {
                    if (live.size() > 1) live += ",";
                    live += std::to_string(slot.current_job);
                }
            }
            SpinLockRelease(&shared->mutex);
            live += "}";
            auto rows =
                spi.query("SELECT quarry._recover($1::pg_catalog.int8[], $2::pg_catalog.bool)",
                          {live, std::string(retry_on_crash ? "true" : "false")}, false);
            if (!rows.empty() && rows[0][0]) recovered = std::stoi(*rows[0][0]);
        },
        nullptr);
    if (recovered > 0) {
        pg::pg_call([&] {
            ereport(LOG, (errmsg("quarry worker: %d job(s) left running by a stopped worker "
                                 "recovered",
                                 recovered)));
        });
        ConditionVariableBroadcast(&shared->job_cv);
    }
}

struct Claimed {
    int64_t job = 0;
    Oid role = InvalidOid;
    std::string spec;
    std::string search_path;
    int64_t queued = 0;  // still queued after the claim
};

// Deletes finished jobs past quarry.job_retention, oldest first and a bounded batch at a time
// (the index on finished_at finds them), so that the job log does not grow without end. Workers
// leaving at once skip each other's rows instead of waiting on them.
void forget_old_jobs() {
    if (job_retention_s <= 0) return;
    constexpr int kBatch = 10000;
    pg::SpiSession spi;
    spi.execute(
        "DELETE FROM quarry.job_queue WHERE id IN ("
        "SELECT id FROM quarry.job_queue WHERE finished_at OPERATOR(pg_catalog.<) "
        "(pg_catalog.clock_timestamp() OPERATOR(pg_catalog.-) $1::pg_catalog.interval) "
        "ORDER BY finished_at LIMIT $2::pg_catalog.int4 FOR UPDATE SKIP LOCKED)",
        {std::to_string(job_retention_s) + " seconds", std::to_string(kBatch)});
}

bool claim(Claimed& out) {
    Failure failure;
    bool ok = in_transaction(
        [&] {
            pg::SpiSession spi;
            auto rows = spi.query(
                "SELECT job, role_oid, spec::pg_catalog.text, search_path, queued "
                "FROM quarry._claim($1::pg_catalog.int4, $2::pg_catalog.interval, "
                "$3::pg_catalog.int4)",
                {std::to_string(max_running_per_tenant),
                 std::to_string(background_aging_ms) + " milliseconds", std::to_string(MyProcPid)},
                false);
            if (rows.empty()) return;
            out.queued = rows[0][4] ? std::stoll(*rows[0][4]) : 0;
            if (!rows[0][0]) return;
            out.job = std::stoll(*rows[0][0]);
            out.role = static_cast<Oid>(std::stoul(*rows[0][1]));
            out.spec = rows[0][2].value_or("null");
            out.search_path = rows[0][3].value_or("");
            set_current_job(out.job);  // before the commit: recover() sees it as live
        },
        &failure);
    if (!ok) {
        set_current_job(0);
        pg::pg_call([&] {
            ereport(WARNING,
                    (errmsg("quarry worker: could not claim a job: %s", failure.message.c_str())));
        });
    }
    return ok;
}

// The materialization a refresh job refreshes: its spec is {"refresh": name} (a key no spec
// has).
std::optional<std::string> materialization_of(const std::string& spec) {
    if (spec.rfind("{\"refresh\":", 0) != 0) return std::nullopt;
    nlohmann::json parsed = nlohmann::json::parse(spec, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("refresh") || !parsed["refresh"].is_string())
        return std::nullopt;
    return parsed["refresh"].get<std::string>();
}

// Queues the refreshes that are due; returns when the next one is.
TimestampTz queue_refreshes() {
    TimestampTz next = 0;
    in_transaction([&] { next = materialize::queue_due_refreshes(); }, nullptr);
    note_refresh_due(my_database, next, /*from_worker=*/true);
    return next;
}

void run_job(const Claimed& job) {
    job_timed_out = 0;
    Failure failure;
    std::string activity = "quarry job " + std::to_string(job.job);
    pgstat_report_activity(STATE_RUNNING, activity.c_str());
    bool done = in_transaction(
        [&] {
            pg::SpiSession spi;
            spi.query("SELECT pg_catalog.set_config('search_path', $1, true)", {job.search_path},
                      false);
            Oid user = InvalidOid;
            int context = 0;
            GetUserIdAndSecContext(&user, &context);
            SetUserIdAndSecContext(job.role, context | SECURITY_LOCAL_USERID_CHANGE);
            if (job_timeout_ms > 0) {
                pg::pg_call([] { enable_timeout_after(job_timeout_id, job_timeout_ms); });
            }
            // A refresh of a materialization (queued by quarry._queue_due_refreshes), or a spec.
            const std::optional<std::string> refreshed = materialization_of(job.spec);
            auto rows =
                refreshed
                    ? spi.query("SELECT quarry.refresh($1)::pg_catalog.text", {*refreshed}, false)
                    : spi.query("SELECT quarry.run($1::pg_catalog.jsonb)::pg_catalog.text",
                                {job.spec}, false);
            pg::pg_call([] { disable_timeout(job_timeout_id, false); });
            SetUserIdAndSecContext(user, context);
            spi.query("SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true)",
                      {}, false);
            pg::SpiValue result = rows.empty() ? pg::SpiValue() : rows[0][0];
            spi.query("SELECT quarry._complete($1::pg_catalog.int8, $2::pg_catalog.jsonb)",
                      {std::to_string(job.job), result}, false);
        },
        &failure);
    if (!done) {
        pg::pg_call([] { disable_timeout(job_timeout_id, false); });
        bool requeue = false;
        if (job_timed_out) {
            failure.message = "job " + std::to_string(job.job) + " ran longer than " +
                              "quarry.job_timeout (" + std::to_string(job_timeout_ms) +
                              " ms) and was cancelled";
        } else if (failure.sqlstate == "57014") {
            // Cancelled: by quarry.cancel or a superseding job (the state says so already and
            // _fail leaves it), or by something else (pg_cancel_backend): queued again once.
            requeue = true;
        }
        in_transaction(
            [&] {
                pg::SpiSession spi;
                if (const std::optional<std::string> m = materialization_of(job.spec)) {
                    spi.query(
                        "UPDATE quarry.materializations SET last_error = $2 "
                        "WHERE name OPERATOR(pg_catalog.=) $1",
                        {*m, failure.message}, false);
                }
                spi.query(
                    "SELECT quarry._fail($1::pg_catalog.int8, $2, $3, $4::pg_catalog.bool AND "
                    "(SELECT attempts < 2 FROM quarry.job_queue WHERE id OPERATOR(pg_catalog.=) "
                    "$1::pg_catalog.int8))",
                    {std::to_string(job.job), failure.message, failure.sqlstate,
                     std::string(requeue ? "true" : "false")},
                    false);
            },
            nullptr);
    }
    set_current_job(0);
    notify_database(my_database, 0);
    ConditionVariableBroadcast(&shared->job_cv);
}

// Leaves the pool when the queue stayed empty since `seen`; false when something came in.
bool leave_if_idle(uint64_t seen) {
    bool leave = false;
    SpinLockAcquire(&shared->mutex);
    DbEntry* entry = db_entry_locked(my_database);
    // Under the mutex: a submit committing from now on finds this worker gone and asks the
    // launcher for a new one.
    if (entry == nullptr || entry->generation == seen) {
        shared->slots[my_slot].in_use = false;
        my_slot = -1;
        leave = true;
    }
    SpinLockRelease(&shared->mutex);
    return leave;
}

void job_worker_main(Datum arg) {
    const int slot = DatumGetInt32(arg);
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    pqsignal(SIGTERM, die);
    pqsignal(SIGINT, StatementCancelHandler);
    BackgroundWorkerUnblockSignals();
    if (slot < 0 || slot >= kMaxWorkers) return;
    SpinLockAcquire(&shared->mutex);
    my_slot = slot;
    my_database = shared->slots[slot].dboid;
    shared->slots[slot].pid = MyProcPid;
    shared->slots[slot].proc = MyProc;
    SpinLockRelease(&shared->mutex);
    pg::pg_call([] { before_shmem_exit(on_worker_exit, 0); });
    pg::pg_call([] { BackgroundWorkerInitializeConnectionByOid(my_database, InvalidOid, 0); });
    connected = true;
    pgstat_report_appname("quarry worker");
    job_timeout_id = pg::pg_call([] { return RegisterTimeout(USER_TIMEOUT, on_job_timeout); });

    if (!extension_installed()) {
        SpinLockAcquire(&shared->mutex);
        DbEntry* entry = db_entry_locked(my_database);
        if (entry != nullptr) entry->no_extension = true;
        SpinLockRelease(&shared->mutex);
        return;
    }
    recover();

    for (;;) {
        QueryCancelPending = false;  // a cancel that came between jobs concerns none
        pg::check_for_interrupts();
        if (ConfigReloadPending) {
            ConfigReloadPending = false;
            pg::pg_call([] { ProcessConfigFile(PGC_SIGHUP); });
        }
        const uint64_t seen = generation();
        const TimestampTz next_refresh = queue_refreshes();
        Claimed job;
        if (!claim(job)) return;  // the extension was dropped, or worse: ask again on submit
        if (job.job != 0) {
            if (job.queued > 0) notify_database(my_database, pool_size);
            run_job(job);
            continue;
        }
        if (generation() != seen) continue;
        long nap = job.queued > 0 ? kCappedNapMs : idle_timeout_ms;
        bool refresh_soon = false;
        if (next_refresh != 0) {
            // Awake for the next refresh when it comes before the nap ends (at least 10 ms).
            const long until = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), next_refresh);
            if (until < nap) {
                nap = std::max(until, 10L);
                refresh_soon = true;
            }
        }
        const int rc = WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, nap,
                                 PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
        if ((rc & WL_TIMEOUT) && job.queued == 0 && !refresh_soon) {
            // Before leaving: the cache's upkeep (expired and over-bound entries, hit counts),
            // and the job log's.
            in_transaction([] { (void)cache::evict(); }, nullptr);
            Failure failure;
            if (!in_transaction([] { forget_old_jobs(); }, &failure)) {
                pg::pg_call([&] {
                    ereport(WARNING, (errmsg("quarry worker: could not delete old jobs: %s",
                                             failure.message.c_str())));
                });
            }
            if (leave_if_idle(seen)) return;
        }
    }
}

}  // namespace

}  // namespace quarry::worker

extern "C" void quarry_job_worker_main(Datum arg) {
    quarry::pg::guard([arg] { quarry::worker::job_worker_main(arg); });
}
