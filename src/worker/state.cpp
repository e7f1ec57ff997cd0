// Settings, shared memory and the module's initialization for the background worker.
#include <csignal>

#include "state.hpp"

#include "src/extension/guard.hpp"
#include "worker.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "postmaster/bgworker.h"
#include "catalog/pg_authid.h"
#include "storage/lwlock.h"
}
#pragma GCC diagnostic pop

namespace quarry::worker {

char* tenant_setting = nullptr;
int pool_size = 4;
int max_running_per_tenant = 3;
int job_timeout_ms = 600000;
int idle_timeout_ms = 2000;
int background_aging_ms = 30000;
bool retry_on_crash = false;
int refresh_trailing_buckets = 2;
int job_retention_s = 7 * 24 * 3600;

SharedState* shared = nullptr;

void register_xact_callback();  // functions.cpp

namespace {

shmem_request_hook_type previous_request_hook = nullptr;
shmem_startup_hook_type previous_startup_hook = nullptr;

void request_shmem() {
    if (previous_request_hook != nullptr) previous_request_hook();
    RequestAddinShmemSpace(MAXALIGN(sizeof(SharedState)));
}

void startup_shmem() {
    if (previous_startup_hook != nullptr) previous_startup_hook();
    bool found = false;
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    auto* state =
        static_cast<SharedState*>(ShmemInitStruct("quarry worker", sizeof(SharedState), &found));
    if (!found) {
        memset(state, 0, sizeof(SharedState));
        SpinLockInit(&state->mutex);
        ConditionVariableInit(&state->job_cv);
    }
    LWLockRelease(AddinShmemInitLock);
    shared = state;
}

void define_settings() {
    DefineCustomStringVariable("quarry.tenant",
                               "The fairness key of the jobs this session submits.",
                               "Empty (the default): the current role's name.", &tenant_setting, "",
                               PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "quarry.worker_pool_size", "Job workers the launcher runs per database with queued jobs.",
        nullptr, &pool_size, 4, 1, kMaxWorkers, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "quarry.max_running_per_tenant", "Jobs of one tenant that may run at once (per database).",
        nullptr, &max_running_per_tenant, 3, 1, 10000, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("quarry.job_timeout",
                            "A job running longer is cancelled and failed (0: no limit).", nullptr,
                            &job_timeout_ms, 600000, 0, INT_MAX, PGC_SIGHUP, GUC_UNIT_MS, nullptr,
                            nullptr, nullptr);
    DefineCustomIntVariable("quarry.worker_idle_timeout",
                            "A job worker with an empty queue exits after this long.", nullptr,
                            &idle_timeout_ms, 2000, 100, INT_MAX, PGC_SIGHUP, GUC_UNIT_MS, nullptr,
                            nullptr, nullptr);
    DefineCustomIntVariable("quarry.background_aging",
                            "A background job queued this long is scheduled as interactive.",
                            nullptr, &background_aging_ms, 30000, 0, INT_MAX, PGC_SIGHUP,
                            GUC_UNIT_MS, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("quarry.refresh_trailing_buckets",
                            "Time buckets an incremental refresh of a materialization recomputes "
                            "(the current one and those before it).",
                            nullptr, &refresh_trailing_buckets, 2, 1, 100000, PGC_SIGHUP, 0,
                            nullptr, nullptr, nullptr);
    DefineCustomIntVariable("quarry.job_retention",
                            "Finished jobs older than this are deleted from the queue (0: kept).",
                            nullptr, &job_retention_s, 7 * 24 * 3600, 0, INT_MAX, PGC_SIGHUP,
                            GUC_UNIT_S, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("quarry.job_retry_on_crash",
                             "A job whose worker died (crash, restart) is queued again once "
                             "instead of failed.",
                             nullptr, &retry_on_crash, false, PGC_SIGHUP, 0, nullptr, nullptr,
                             nullptr);
}

void register_launcher() {
    BackgroundWorker worker;
    memset(&worker, 0, sizeof(worker));
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
    worker.bgw_restart_time = 5;  // seconds; also brought back after a crash restart
    snprintf(worker.bgw_library_name, BGW_MAXLEN, "quarry");
    snprintf(worker.bgw_function_name, BGW_MAXLEN, "quarry_launcher_main");
    snprintf(worker.bgw_name, BGW_MAXLEN, "quarry launcher");
    snprintf(worker.bgw_type, BGW_MAXLEN, "quarry launcher");
    RegisterBackgroundWorker(&worker);
}

}  // namespace

void init_module() {
    pg::pg_call([] { define_settings(); });
    register_xact_callback();
    if (!process_shared_preload_libraries_in_progress) return;
    previous_request_hook = shmem_request_hook;
    shmem_request_hook = request_shmem;
    previous_startup_hook = shmem_startup_hook;
    shmem_startup_hook = startup_shmem;
    pg::pg_call([] { register_launcher(); });
}

DbEntry* db_entry_locked(Oid dboid) {
    DbEntry* free_entry = nullptr;
    for (DbEntry& entry : shared->dbs) {
        if (entry.dboid == dboid) return &entry;
        if (entry.dboid == InvalidOid && free_entry == nullptr) free_entry = &entry;
    }
    if (free_entry != nullptr) {
        memset(free_entry, 0, sizeof(DbEntry));
        free_entry->dboid = dboid;
    }
    return free_entry;
}

void note_refresh_due(Oid dboid, TimestampTz due, bool from_worker) {
    if (shared == nullptr) return;
    PGPROC* wake[kMaxWorkers + 1];
    int n = 0;
    SpinLockAcquire(&shared->mutex);
    DbEntry* entry = db_entry_locked(dboid);
    if (entry != nullptr) {
        // The caller has just read or written a materialization: the extension is there, even
        // when an earlier due time stands (a stale "no extension" would keep its worker away).
        entry->no_extension = false;
        if (from_worker || entry->next_refresh == 0 || due < entry->next_refresh) {
            entry->next_refresh = due;
        }
        if (shared->launcher != nullptr) wake[n++] = shared->launcher;
        // A worker napping in the database naps until the next refresh it knew of: woken, it
        // reads the materializations again (the launcher starts none while it lives).
        for (WorkerSlot& slot : shared->slots) {
            if (!from_worker && slot.in_use && slot.dboid == dboid && slot.proc != nullptr) {
                wake[n++] = slot.proc;
            }
        }
    }
    SpinLockRelease(&shared->mutex);
    for (int i = 0; i < n; ++i) SetLatch(&wake[i]->procLatch);
}

void notify_database(Oid dboid, int want) {
    if (shared == nullptr) return;
    PGPROC* wake[kMaxWorkers + 1];
    int n = 0;
    SpinLockAcquire(&shared->mutex);
    DbEntry* entry = db_entry_locked(dboid);
    if (entry != nullptr) {
        entry->generation++;
        if (want > 0) {
            entry->no_extension = false;
            if (entry->want < want) entry->want = want;
            if (shared->launcher != nullptr) wake[n++] = shared->launcher;
        }
    }
    for (WorkerSlot& slot : shared->slots) {
        if (slot.in_use && slot.dboid == dboid && slot.proc != nullptr) wake[n++] = slot.proc;
    }
    SpinLockRelease(&shared->mutex);
    for (int i = 0; i < n; ++i) SetLatch(&wake[i]->procLatch);
}

void signal_job(Oid dboid, int64_t job) {
    if (shared == nullptr) return;
    SpinLockAcquire(&shared->mutex);
    for (WorkerSlot& slot : shared->slots) {
        // Sent with the mutex held: the worker takes it to move to its next job, so the cancel
        // reaches the job it was meant for (docs/worker.md, "Cancellation").
        if (slot.in_use && slot.dboid == dboid && slot.current_job == job) kill(slot.pid, SIGINT);
    }
    SpinLockRelease(&shared->mutex);
}

AsRole::AsRole(Oid role) {
    GetUserIdAndSecContext(&user_, &context_);
    SetUserIdAndSecContext(role, context_ | SECURITY_LOCAL_USERID_CHANGE);
}

AsRole::~AsRole() { SetUserIdAndSecContext(user_, context_); }

}  // namespace quarry::worker
