// The launcher: one static background worker per server. It starts the job workers of each
// database with queued jobs (dynamic background workers) and starts them again after a crash.
//
// How it finds the databases (docs/worker.md, "Processes"): at its start (server start, and
// after a crash restart) it lists the databases that accept connections and are not templates
// (pg_database, a shared catalog: the launcher is connected to no database) and starts one
// worker in each; a worker that finds no quarry extension there exits at once, one that does
// first recovers the jobs a crash left 'running', then runs the queue. Afterwards a commit
// that queued jobs asks for workers through shared memory (DbEntry::want) and sets the
// launcher's latch; a worker that exits with an error asks for its pool again.
#include <algorithm>
#include <vector>

#include "src/extension/guard.hpp"
#include "state.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "access/heapam.h"
#include "access/tableam.h"
#include "catalog/pg_database.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "tcop/tcopprot.h"
#include "utils/snapmgr.h"
#include "utils/wait_event.h"
}
#pragma GCC diagnostic pop

extern "C" {
PGDLLEXPORT void quarry_launcher_main(Datum arg);
}

namespace quarry::worker {

namespace {

constexpr long kNapMs = 10000;   // between looks when nothing is asked (a latch wakes it)
constexpr long kRetryMs = 1000;  // when a worker could not be started (no free slot)
constexpr int kMaxListedDatabases = 1024;

struct Started {
    int slot;
    uint64_t launch;
    BackgroundWorkerHandle* handle;
};

// The databases a worker may connect to: not templates, accepting connections.
std::vector<Oid> list_databases() {
    static Oid oids[kMaxListedDatabases];
    int count = pg::pg_call([] {
        int n = 0;
        StartTransactionCommand();
        (void)GetTransactionSnapshot();
        Relation rel = table_open(DatabaseRelationId, AccessShareLock);
        TableScanDesc scan = table_beginscan_catalog(rel, 0, nullptr);
        HeapTuple tuple;
        while ((tuple = heap_getnext(scan, ForwardScanDirection)) != nullptr &&
               n < kMaxListedDatabases) {
            auto* database = reinterpret_cast<Form_pg_database>(GETSTRUCT(tuple));
            if (!database->datistemplate && database->datallowconn) oids[n++] = database->oid;
        }
        table_endscan(scan);
        table_close(rel, AccessShareLock);
        CommitTransactionCommand();
        return n;
    });
    return std::vector<Oid>(oids, oids + count);
}

bool start_worker(Oid dboid, std::vector<Started>& started) {
    int slot = -1;
    uint64_t launch = 0;
    SpinLockAcquire(&shared->mutex);
    for (int i = 0; i < kMaxWorkers; ++i) {
        if (!shared->slots[i].in_use) {
            slot = i;
            launch = ++shared->launches;
            shared->slots[i] = WorkerSlot{true, dboid, launch, 0, nullptr, 0};
            break;
        }
    }
    SpinLockRelease(&shared->mutex);
    if (slot < 0) return false;
    BackgroundWorker worker;
    memset(&worker, 0, sizeof(worker));
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
    worker.bgw_restart_time = BGW_NEVER_RESTART;  // the launcher restarts them
    snprintf(worker.bgw_library_name, BGW_MAXLEN, "quarry");
    snprintf(worker.bgw_function_name, BGW_MAXLEN, "quarry_job_worker_main");
    snprintf(worker.bgw_name, BGW_MAXLEN, "quarry worker for database %u", dboid);
    snprintf(worker.bgw_type, BGW_MAXLEN, "quarry worker");
    worker.bgw_main_arg = Int32GetDatum(slot);
    worker.bgw_notify_pid = MyProcPid;
    BackgroundWorkerHandle* handle = nullptr;
    bool ok = pg::pg_call([&] { return RegisterDynamicBackgroundWorker(&worker, &handle); });
    if (!ok) {
        SpinLockAcquire(&shared->mutex);
        shared->slots[slot].in_use = false;
        SpinLockRelease(&shared->mutex);
        return false;
    }
    started.push_back({slot, launch, handle});
    return true;
}

// Forgets the workers that have stopped (freeing the slot of one that died before it could);
// returns how many run or start for the database.
int live_workers(std::vector<Started>& started, Oid dboid) {
    for (auto it = started.begin(); it != started.end();) {
        pid_t pid = 0;
        if (GetBackgroundWorkerPid(it->handle, &pid) == BGWH_STOPPED) {
            SpinLockAcquire(&shared->mutex);
            WorkerSlot& slot = shared->slots[it->slot];
            if (slot.in_use && slot.launch == it->launch) slot.in_use = false;
            SpinLockRelease(&shared->mutex);
            pfree(it->handle);
            it = started.erase(it);
            continue;
        }
        ++it;
    }
    int live = 0;
    SpinLockAcquire(&shared->mutex);
    for (const WorkerSlot& slot : shared->slots) {
        if (slot.in_use && slot.dboid == dboid) ++live;
    }
    SpinLockRelease(&shared->mutex);
    return live;
}

// Milliseconds until the earliest refresh of a materialization is due (kNapMs when none is).
long until_next_refresh() {
    TimestampTz next = 0;
    SpinLockAcquire(&shared->mutex);
    for (const DbEntry& entry : shared->dbs) {
        if (entry.dboid != InvalidOid && entry.next_refresh != 0 &&
            (next == 0 || entry.next_refresh < next)) {
            next = entry.next_refresh;
        }
    }
    SpinLockRelease(&shared->mutex);
    if (next == 0) return kNapMs;
    return std::max(TimestampDifferenceMilliseconds(GetCurrentTimestamp(), next), 0L);
}

// Starts the workers the databases ask for; false when some could not be started.
bool serve_requests(std::vector<Started>& started) {
    struct Request {
        Oid dboid;
        int want;
    };
    Request requests[kMaxDatabases];
    int n = 0;
    const TimestampTz now = GetCurrentTimestamp();
    SpinLockAcquire(&shared->mutex);
    for (DbEntry& entry : shared->dbs) {
        // A due refresh of a materialization needs a worker (which notes the next one), even
        // where a worker found no extension before: it may have been created since, and the due
        // time is consumed here. A worker in a database without it probes and leaves.
        if (entry.dboid != InvalidOid && entry.next_refresh != 0 && entry.next_refresh <= now) {
            entry.next_refresh = 0;
            entry.no_extension = false;
            if (entry.want < 1) entry.want = 1;
        }
        if (entry.dboid != InvalidOid && entry.want > 0 && !entry.no_extension) {
            requests[n++] = {entry.dboid, entry.want};
        }
    }
    SpinLockRelease(&shared->mutex);

    bool all = true;
    for (int i = 0; i < n; ++i) {
        const int target = std::min(requests[i].want, pool_size);
        int live = live_workers(started, requests[i].dboid);
        while (live < target && start_worker(requests[i].dboid, started)) ++live;
        const bool satisfied = live >= target;
        all = all && satisfied;
        SpinLockAcquire(&shared->mutex);
        DbEntry* entry = db_entry_locked(requests[i].dboid);
        // A request that came in meanwhile (a larger want) is served on the next round.
        if (entry != nullptr && satisfied && entry->want <= requests[i].want) entry->want = 0;
        SpinLockRelease(&shared->mutex);
    }
    return all;
}

void launcher_main(Datum /*arg*/) {
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    pqsignal(SIGTERM, die);
    BackgroundWorkerUnblockSignals();
    pg::pg_call([] { BackgroundWorkerInitializeConnection(nullptr, nullptr, 0); });
    pgstat_report_appname("quarry launcher");

    SpinLockAcquire(&shared->mutex);
    shared->launcher = MyProc;
    SpinLockRelease(&shared->mutex);

    // One worker per database: it probes for the extension and recovers interrupted jobs.
    for (Oid dboid : list_databases()) {
        SpinLockAcquire(&shared->mutex);
        DbEntry* entry = db_entry_locked(dboid);
        if (entry != nullptr) {
            entry->no_extension = false;
            if (entry->want < 1) entry->want = 1;
        }
        SpinLockRelease(&shared->mutex);
    }

    std::vector<Started> started;
    for (;;) {
        pg::check_for_interrupts();
        if (ConfigReloadPending) {
            ConfigReloadPending = false;
            pg::pg_call([] { ProcessConfigFile(PGC_SIGHUP); });
        }
        const bool all = serve_requests(started);
        (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
                        std::min(all ? kNapMs : kRetryMs, until_next_refresh()), PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
    }
}

}  // namespace

}  // namespace quarry::worker

extern "C" void quarry_launcher_main(Datum arg) {
    quarry::pg::guard([arg] { quarry::worker::launcher_main(arg); });
}
