// What the launcher, the job workers and the backends share: settings and shared memory.
#pragma once

#include <cstdint>
#include <string>

#include "src/extension/pg.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "catalog/pg_authid.h"
#include "storage/condition_variable.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "storage/spin.h"
}
#pragma GCC diagnostic pop

namespace quarry::worker {

// ---- settings (docs/worker.md, "Settings") --------------------------------------------------
extern char* tenant_setting;          // quarry.tenant (PGC_USERSET; empty: the current role)
extern int pool_size;                 // quarry.worker_pool_size, workers per database
extern int max_running_per_tenant;    // quarry.max_running_per_tenant
extern int job_timeout_ms;            // quarry.job_timeout (0: none)
extern int idle_timeout_ms;           // quarry.worker_idle_timeout
extern int background_aging_ms;       // quarry.background_aging
extern bool retry_on_crash;           // quarry.job_retry_on_crash
extern int refresh_trailing_buckets;  // quarry.refresh_trailing_buckets
extern int job_retention_s;           // quarry.job_retention (0: finished jobs are kept)

// ---- shared memory --------------------------------------------------------------------------
constexpr int kMaxDatabases = 64;
constexpr int kMaxWorkers = 64;
// The advisory lock that serializes claims and recoveries (also taken in quarry._claim).
constexpr const char* kClaimLockSql = "SELECT pg_catalog.pg_advisory_xact_lock(7170726172)";

struct DbEntry {
    Oid dboid;            // InvalidOid: a free entry
    int want;             // workers the launcher is asked to have running (0: no request)
    bool no_extension;    // a worker found no quarry here (until a submit says otherwise)
    uint64_t generation;  // bumped by submits, cancels and finished jobs: idle workers look again
    TimestampTz next_refresh;  // when a materialization's refresh is due next (0: none known)
};

// Reserved by the launcher before it starts the worker (so that a starting worker counts as
// one of its database's pool), filled in by the worker, freed by the worker when it exits.
struct WorkerSlot {
    bool in_use;
    Oid dboid;
    uint64_t launch;      // which start of a worker holds it (the launcher's counter)
    int pid;              // 0 until the worker runs
    PGPROC* proc;         // null until the worker runs
    int64_t current_job;  // 0: none
};

struct SharedState {
    slock_t mutex;  // guards everything below but the condition variable
    PGPROC* launcher;
    uint64_t launches;         // the launcher's counter of worker starts
    ConditionVariable job_cv;  // broadcast when a job finishes, is cancelled or is recovered
    DbEntry dbs[kMaxDatabases];
    WorkerSlot slots[kMaxWorkers];
};

// Null when quarry is not in shared_preload_libraries.
extern SharedState* shared;

// The database's entry (created when missing); call with the mutex held. Null when full.
DbEntry* db_entry_locked(Oid dboid);

// Bumps the database's generation and wakes its workers; with want > 0 also asks the launcher
// for that many workers. No elog: safe in transaction callbacks.
void notify_database(Oid dboid, int want);

// Records when a refresh of a materialization of the database is due (0: none): the launcher
// starts a worker then if none runs. `from_worker`: a worker read the table, so this is the
// earliest and replaces what was known. Else (a materialization was just created or refreshed)
// the earlier of the two counts, and the database's workers are woken to read the table again; a
// worker's own call must not wake them, or it would wake itself and the others in a loop. No elog.
void note_refresh_due(Oid dboid, TimestampTz due, bool from_worker);

// Sends a cancel (SIGINT) to the worker running `job` in this database, if one does.
void signal_job(Oid dboid, int64_t job);

// Runs its scope as `role` (SECURITY_LOCAL_USERID_CHANGE), restoring the previous user on
// destruction.
class AsRole {
public:
    explicit AsRole(Oid role);
    ~AsRole();
    AsRole(const AsRole&) = delete;
    AsRole& operator=(const AsRole&) = delete;

private:
    Oid user_;
    int context_;
};

// As the bootstrap superuser (the owner of the queue's tables).
class AsSuperuser : public AsRole {
public:
    AsSuperuser() : AsRole(BOOTSTRAP_SUPERUSERID) {}
};

}  // namespace quarry::worker
