// The executor callbacks of quarry_fdw: one remote statement per scan, its rows streamed into
// the scan slot one at a time (each row's Datums live in a context reset before the next row),
// and EXPLAIN's "Remote SQL".
//
// The C++ side of a scan (its connection lease and cursor) is owned by the executor's memory
// context through a reset callback: when the query ends normally, fails or is cancelled, the
// context goes and the cursor is closed with it (a statement still running remotely is
// cancelled), and the connection returns to the pool.
#include <memory>
#include <string>
#include <vector>

#include "callbacks.hpp"
#include "connections.hpp"
#include "datum.hpp"

namespace quarry::fdw {

namespace {

// Where one attribute of the scan tuple comes from: remote column `remote`, or for an average
// computed here, remote columns `remote` (its sum) and `remote + 1` (its count).
struct SlotSource {
    int slot = 0;
    int remote = 0;
    bool average = false;
};

struct ScanRun {
    Lease lease;
    std::string sql;
    std::unique_ptr<remote::RemoteCursor> cursor;
    std::vector<DatumConverter> converters;  // one per remote column, made at the first row
    std::vector<SlotSource> sources;         // one per attribute the scan fills
    int remote_columns = 0;
    bool finished = false;
    MemoryContext row_context = nullptr;
    // The scan's own context: the converters' lookups live as long as the scan (not the
    // per-tuple context IterateForeignScan runs in).
    MemoryContext scan_context = nullptr;
    std::string table_name;  // the foreign table, for messages (empty for joins and upper scans)
};

struct ScanState {
    ScanRun* run;
    MemoryContextCallback on_delete;
};

void delete_run(void* arg) {
    auto* state = static_cast<ScanState*>(arg);
    delete state->run;
    state->run = nullptr;
}

const char* plan_sql(const ForeignScan* plan) {
    return strVal(list_nth(plan->fdw_private, kPlanSql));
}

Oid scan_user(ForeignScanState* node, const ForeignScan* plan) {
    EState* estate = node->ss.ps.state;
    const int rtindex = plan->scan.scanrelid > 0 ? static_cast<int>(plan->scan.scanrelid)
                                                 : bms_next_member(plan->fs_relids, -1);
    RangeTblEntry* rte = pg::pg_call([rtindex, estate] { return exec_rt_fetch(rtindex, estate); });
    return OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId();
}

void begin_scan(ForeignScanState* node, int eflags) {
    if ((eflags & EXEC_FLAG_EXPLAIN_ONLY) != 0) return;
    auto* plan = (ForeignScan*)node->ss.ps.plan;
    MemoryContext context = CurrentMemoryContext;
    auto* state = pg::pg_call([context] {
        return static_cast<ScanState*>(MemoryContextAllocZero(context, sizeof(ScanState)));
    });
    auto run = std::make_unique<ScanRun>();
    run->sql = plan_sql(plan);
    run->lease = lease_connection(plan->fs_server, scan_user(node, plan));
    if (plan->scan.scanrelid > 0) {
        run->table_name = RelationGetRelationName(node->ss.ss_currentRelation);
        ListCell* cell;
        foreach (cell, (List*)list_nth(plan->fdw_private, kPlanRetrievedAttrs)) {
            run->sources.push_back({lfirst_int(cell) - 1, run->remote_columns++, false});
        }
    } else {
        auto* averages = (List*)list_nth(plan->fdw_private, kPlanAverages);
        const int natts = node->ss.ss_ScanTupleSlot->tts_tupleDescriptor->natts;
        for (int i = 0; i < natts; ++i) {
            const bool average = averages != NIL && list_nth_int(averages, i) != 0;
            run->sources.push_back({i, run->remote_columns, average});
            run->remote_columns += average ? 2 : 1;
        }
    }
    run->scan_context = context;
    run->row_context = pg::pg_call([context] {
        return AllocSetContextCreateInternal(context, "quarry_fdw row", ALLOCSET_SMALL_SIZES);
    });
    state->run = run.release();
    state->on_delete.func = delete_run;
    state->on_delete.arg = state;
    pg::pg_call(
        [context, state] { MemoryContextRegisterResetCallback(context, &state->on_delete); });
    node->fdw_state = state;
}

std::string column_label(ForeignScanState* node, int slot_index) {
    TupleDesc desc = node->ss.ss_ScanTupleSlot->tts_tupleDescriptor;
    Form_pg_attribute att = TupleDescAttr(desc, slot_index);
    return NameStr(att->attname);
}

void start_statement(ForeignScanState* node, ScanRun& run) {
    run.cursor = run.lease->execute_streaming(run.sql);
    const auto& columns = run.cursor->columns();
    const auto expected = static_cast<size_t>(run.remote_columns);
    // A scan that needs no column still selects one (NULL): SQL has no empty SELECT list.
    if (columns.size() != expected && !(expected == 0 && columns.size() == 1)) {
        throw Error("XX000", "quarry_fdw: the remote returned " + std::to_string(columns.size()) +
                                 " columns for " + std::to_string(expected));
    }
    TupleDesc desc = node->ss.ss_ScanTupleSlot->tts_tupleDescriptor;
    run.converters.clear();
    run.converters.reserve(expected);
    MemoryContext previous = MemoryContextSwitchTo(run.scan_context);
    try {
        for (const SlotSource& source : run.sources) {
            Form_pg_attribute att = TupleDescAttr(desc, source.slot);
            const std::string label = column_label(node, source.slot);
            const auto remote = static_cast<size_t>(source.remote);
            if (source.average) {
                run.converters.emplace_back(columns[remote], NUMERICOID, -1, label, run.table_name);
                run.converters.emplace_back(columns[remote + 1], INT8OID, -1, label,
                                            run.table_name);
            } else {
                run.converters.emplace_back(columns[remote], att->atttypid, att->atttypmod, label,
                                            run.table_name);
            }
        }
    } catch (...) {
        MemoryContextSwitchTo(previous);
        throw;
    }
    MemoryContextSwitchTo(previous);
}

// avg(x) of integers or numerics from the remote sum and count, as PostgreSQL's int8_avg and
// numeric_avg compute it: numeric_div(sum, count), NULL over no row.
Datum average(ScanRun& run, size_t remote, bool* is_null) {
    bool sum_null = true;
    bool count_null = true;
    const Datum sum = run.converters[remote].convert(run.cursor->value(remote), &sum_null);
    const Datum count =
        run.converters[remote + 1].convert(run.cursor->value(remote + 1), &count_null);
    *is_null = sum_null || count_null || DatumGetInt64(count) == 0;
    if (*is_null) return (Datum)0;
    return pg::pg_call([sum, count] {
        return DirectFunctionCall2(numeric_div, sum,
                                   NumericGetDatum(int64_to_numeric(DatumGetInt64(count))));
    });
}

TupleTableSlot* iterate_scan(ForeignScanState* node) {
    auto* state = static_cast<ScanState*>(node->fdw_state);
    ScanRun& run = *state->run;
    TupleTableSlot* slot = node->ss.ss_ScanTupleSlot;
    MemoryContextReset(run.row_context);
    ExecClearTuple(slot);
    if (run.finished) return slot;
    if (!run.cursor) start_statement(node, run);
    if (!run.cursor->next()) {
        run.cursor.reset();
        run.finished = true;
        return slot;
    }
    const int natts = slot->tts_tupleDescriptor->natts;
    for (int i = 0; i < natts; ++i) {
        slot->tts_values[i] = (Datum)0;
        slot->tts_isnull[i] = true;
    }
    MemoryContext previous = MemoryContextSwitchTo(run.row_context);
    for (const SlotSource& source : run.sources) {
        const auto remote = static_cast<size_t>(source.remote);
        if (source.average) {
            slot->tts_values[source.slot] = average(run, remote, &slot->tts_isnull[source.slot]);
        } else {
            slot->tts_values[source.slot] = run.converters[remote].convert(
                run.cursor->value(remote), &slot->tts_isnull[source.slot]);
        }
    }
    MemoryContextSwitchTo(previous);
    // Only sets the slot's flags (it cannot raise): no pg_call, which costs a setjmp per row.
    ExecStoreVirtualTuple(slot);
    return slot;
}

void rescan(ForeignScanState* node) {
    auto* state = static_cast<ScanState*>(node->fdw_state);
    if (state == nullptr || state->run == nullptr) return;
    state->run->cursor.reset();
    state->run->finished = false;
}

void end_scan(ForeignScanState* node) {
    auto* state = static_cast<ScanState*>(node->fdw_state);
    if (state == nullptr || state->run == nullptr) return;
    delete state->run;
    state->run = nullptr;
}

void explain_scan(ForeignScanState* node, ExplainState* es) {
    if (!es->verbose) return;
    const char* sql = plan_sql((ForeignScan*)node->ss.ps.plan);
    pg::pg_call([sql, es] { ExplainPropertyText("Remote SQL", sql, es); });
}

extern "C" void quarry_BeginForeignScan(ForeignScanState* node, int eflags) {
    pg::guard([=] { begin_scan(node, eflags); });
}

extern "C" TupleTableSlot* quarry_IterateForeignScan(ForeignScanState* node) {
    return pg::guard([=] { return iterate_scan(node); });
}

extern "C" void quarry_ReScanForeignScan(ForeignScanState* node) {
    pg::guard([=] { rescan(node); });
}

extern "C" void quarry_EndForeignScan(ForeignScanState* node) {
    pg::guard([=] { end_scan(node); });
}

extern "C" void quarry_ExplainForeignScan(ForeignScanState* node, ExplainState* es) {
    pg::guard([=] { explain_scan(node, es); });
}

extern "C" List* quarry_ImportForeignSchema(ImportForeignSchemaStmt* stmt, Oid server_id) {
    return pg::guard([=] { return import_foreign_schema(stmt, server_id); });
}

}  // namespace

void fill_scan_callbacks(FdwRoutine* routine) {
    routine->BeginForeignScan = quarry_BeginForeignScan;
    routine->IterateForeignScan = quarry_IterateForeignScan;
    routine->ReScanForeignScan = quarry_ReScanForeignScan;
    routine->EndForeignScan = quarry_EndForeignScan;
    routine->ExplainForeignScan = quarry_ExplainForeignScan;
    routine->ImportForeignSchema = quarry_ImportForeignSchema;
}

void fill_routine(FdwRoutine* routine) {
    fill_planner_callbacks(routine);
    fill_scan_callbacks(routine);
}

}  // namespace quarry::fdw
