// The planner callbacks of quarry_fdw: sizes, paths and plans for foreign tables and for the
// upper relations (GROUP BY / aggregates / HAVING, ORDER BY, LIMIT) over them. Every path built
// here stands for one remote statement; GetForeignPlan renders it through the server's dialect.
#include <string>
#include <vector>

#include "callbacks.hpp"
#include "planner.hpp"

namespace quarry::fdw {

namespace {

// Sending a statement and receiving its first row: a round trip and the remote's planning.
constexpr Cost kStartupCost = 100.0;
// Moving one row from the remote into a tuple, on top of cpu_tuple_cost (postgres_fdw's
// fdw_tuple_cost default).
constexpr Cost kTransferCostPerRow = 0.01;
// Rows assumed for a foreign table PostgreSQL has no statistics for (never ANALYZEd).
constexpr double kDefaultTuples = 1000.0;
// A remote sort costs this much more than the unsorted scan (postgres_fdw's multiplier).
constexpr double kSortMultiplier = 1.2;

// ---- the plan-private list: what a path and its plan carry --------------------------------------
// ForeignPath::fdw_private
enum PathPrivate { kPathSorted = 0, kPathLimited = 1 };
// ForeignScan::fdw_private
enum PlanPrivate { kPlanSql = 0, kPlanRetrievedAttrs = 1 };

List* path_private(bool sorted, bool limited) {
    return pg::pg_call([sorted, limited] {
        List* list = lappend(NIL, makeInteger(sorted ? 1 : 0));
        return lappend(list, makeInteger(limited ? 1 : 0));
    });
}

bool path_flag(const ForeignPath* path, int slot) {
    return intVal(list_nth(path->fdw_private, slot)) != 0;
}

// ---- the state's lifetime ---------------------------------------------------------------------

void delete_state(void* arg) { delete static_cast<RelState*>(arg); }

// A new state owned by the planner's memory context.
RelState* new_state(RelKind kind) {
    auto* state = new RelState();
    state->kind = kind;
    MemoryContext context = CurrentMemoryContext;
    pg::pg_call([state, context] {
        auto* callback = static_cast<MemoryContextCallback*>(
            MemoryContextAlloc(context, sizeof(MemoryContextCallback)));
        callback->func = delete_state;
        callback->arg = state;
        MemoryContextRegisterResetCallback(context, callback);
    });
    return state;
}

RelState* state_of(RelOptInfo* rel) { return static_cast<RelState*>(rel->fdw_private); }

Oid checked_user(PlannerInfo* root, RelOptInfo* rel) {
    RangeTblEntry* rte = planner_rt_fetch(rel->relid, root);
    return OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId();
}

// ---- ORDER BY ----------------------------------------------------------------------------------

bool nulls_as_model_places_them(const PathKey* key) {
    // The model places NULLs as PostgreSQL does by default: last ascending, first descending.
    const bool descending = key->pk_strategy == BTGreaterStrategyNumber;
    return key->pk_nulls_first == descending;
}

bool default_sort_family(const PathKey* key, Oid type) {
    TypeCacheEntry* entry =
        pg::pg_call([type] { return lookup_type_cache(type, TYPECACHE_BTREE_OPFAMILY); });
    return entry->btree_opf == key->pk_opfamily;
}

// The order keys for `pathkeys` over `state`, or false when one cannot be sorted remotely
// exactly as PostgreSQL would.
bool order_keys(PlannerInfo* root, const RelState& state, RelOptInfo* rel, List* pathkeys,
                std::vector<OrderKey>& keys) {
    (void)root;
    ListCell* cell;
    foreach (cell, pathkeys) {
        auto* key = static_cast<PathKey*>(lfirst(cell));
        EquivalenceClass* ec = key->pk_eclass;
        if (ec->ec_has_volatile || !nulls_as_model_places_them(key)) return false;
        bool found = false;
        ListCell* member_cell;
        foreach (member_cell, ec->ec_members) {
            auto* member = static_cast<EquivalenceMember*>(lfirst(member_cell));
            if (member->em_is_const) continue;
            ::Expr* expr = member->em_expr;
            const Oid type = pg::pg_call([expr] { return exprType((Node*)expr); });
            if (!sorts_identically(type, ec->ec_collation) || !default_sort_family(key, type)) {
                continue;
            }
            OrderKey order;
            order.descending = key->pk_strategy == BTGreaterStrategyNumber;
            if (state.kind == RelKind::Grouped) {
                int position = 0;
                ListCell* te_cell;
                foreach (te_cell, state.grouped_tlist) {
                    auto* te = static_cast<TargetEntry*>(lfirst(te_cell));
                    if (pg::pg_call([te, expr] { return equal(te->expr, expr); })) {
                        order.expr = state.outputs[static_cast<size_t>(position)];
                        order.output_index = position;
                        break;
                    }
                    ++position;
                }
                if (!order.expr) order.expr = to_model(expr, state.pushdown(true));
            } else {
                const bool of_this_rel = pg::pg_call([member, rel] {
                    return !bms_is_empty(member->em_relids) &&
                           bms_is_subset(member->em_relids, rel->relids);
                });
                if (of_this_rel) order.expr = to_model(expr, state.pushdown(false));
            }
            if (!order.expr) continue;
            keys.push_back(std::move(order));
            found = true;
            break;
        }
        if (!found) return false;
    }
    return true;
}

// ---- base relations -----------------------------------------------------------------------------

void classify_conditions(PlannerInfo* root, RelOptInfo* rel, RelState& state) {
    (void)root;
    const PushdownContext context = state.pushdown(false);
    ListCell* cell;
    foreach (cell, rel->baserestrictinfo) {
        auto* info = static_cast<RestrictInfo*>(lfirst(cell));
        ExprPtr model = info->pseudoconstant ? nullptr : to_model(info->clause, context);
        if (model) {
            state.remote_where.push_back(std::move(model));
            state.remote_conds =
                pg::pg_call([&state, info] { return lappend(state.remote_conds, info); });
        } else {
            state.local_conds =
                pg::pg_call([&state, info] { return lappend(state.local_conds, info); });
        }
    }
}

void get_rel_size(PlannerInfo* root, RelOptInfo* rel, Oid table_id) {
    RelState* state = new_state(RelKind::Base);
    state->base = state;
    state->relid = rel->relid;
    state->table = foreign_table_info(table_id, checked_user(root, rel));
    state->dialect = &dialect_by_name(state->table.dialect);
    rel->fdw_private = state;
    classify_conditions(root, rel, *state);

    if (rel->tuples < 0) rel->tuples = kDefaultTuples;  // never analyzed
    pg::pg_call([root, rel] { set_baserel_size_estimates(root, rel); });
    state->rows = rel->rows;
    state->startup_cost = kStartupCost;
    state->total_cost = kStartupCost + rel->tuples * cpu_operator_cost +
                        rel->rows * (cpu_tuple_cost + kTransferCostPerRow);
}

void get_paths(PlannerInfo* root, RelOptInfo* rel, Oid /*table_id*/) {
    RelState* state = state_of(rel);
    List* unsorted_private = path_private(false, false);
    const double rows = rel->rows;
    const Cost startup = state->startup_cost;
    const Cost total = state->total_cost;
    pg::pg_call([=] {
        add_path(rel,
                 (Path*)create_foreignscan_path(root, rel, nullptr, rows, startup, total, NIL,
                                                rel->lateral_relids, nullptr, unsorted_private));
    });

    // The ORDER BY (or merge-join order) of the query, if the remote can sort exactly so.
    std::vector<OrderKey> keys;
    List* pathkeys = root->query_pathkeys;
    if (pathkeys != NIL && order_keys(root, *state, rel, pathkeys, keys)) {
        List* sorted_private = path_private(true, false);
        const Cost sorted_total = total * kSortMultiplier;
        pg::pg_call([=] {
            add_path(rel, (Path*)create_foreignscan_path(
                              root, rel, nullptr, rows, startup, sorted_total, pathkeys,
                              rel->lateral_relids, nullptr, sorted_private));
        });
    }
}

// ---- GROUP BY, aggregates, HAVING --------------------------------------------------------------

// Adds `expr` (with its model) to the grouped target list unless an equal entry is there.
void add_output(RelState& state, ::Expr* expr, ExprPtr model) {
    ListCell* cell;
    foreach (cell, state.grouped_tlist) {
        auto* te = static_cast<TargetEntry*>(lfirst(cell));
        if (pg::pg_call([te, expr] { return equal(te->expr, expr); })) return;
    }
    state.outputs.push_back(std::move(model));
    const int position = static_cast<int>(state.outputs.size());
    state.grouped_tlist = pg::pg_call([&state, expr, position] {
        return lappend(state.grouped_tlist,
                       makeTargetEntry(expr, static_cast<AttrNumber>(position), nullptr, false));
    });
}

bool is_group_key(PlannerInfo* root, PathTarget* target, int position) {
    const Index ref = target->sortgrouprefs != nullptr ? target->sortgrouprefs[position] : 0;
    if (ref == 0) return false;
    ::Query* parse = root->parse;
    return pg::pg_call(
        [ref, parse] { return get_sortgroupref_clause_noerr(ref, parse->groupClause) != nullptr; });
}

// A target entry that does not ship whole: its aggregates ship, and its other Vars must be
// group keys already selected. False when that fails.
bool add_pieces(RelState& state, ::Expr* expr) {
    List* pieces = pg::pg_call([expr] {
        return pull_var_clause((Node*)expr, PVC_INCLUDE_AGGREGATES | PVC_RECURSE_PLACEHOLDERS);
    });
    ListCell* cell;
    foreach (cell, pieces) {
        auto* piece = static_cast<::Expr*>(lfirst(cell));
        if (IsA(piece, Aggref)) {
            ExprPtr model = to_model(piece, state.pushdown(true));
            if (!model) return false;
            add_output(state, piece, std::move(model));
            continue;
        }
        bool selected = false;
        ListCell* te_cell;
        foreach (te_cell, state.grouped_tlist) {
            auto* te = static_cast<TargetEntry*>(lfirst(te_cell));
            selected = selected || pg::pg_call([te, piece] { return equal(te->expr, piece); });
        }
        if (!selected) return false;
    }
    return true;
}

bool build_grouping(PlannerInfo* root, RelState& state, PathTarget* target, Node* having) {
    // Group keys first: every other entry may refer to them.
    int position = 0;
    ListCell* cell;
    foreach (cell, target->exprs) {
        auto* expr = static_cast<::Expr*>(lfirst(cell));
        if (is_group_key(root, target, position)) {
            ExprPtr model = to_model(expr, state.pushdown(false));
            if (!model) return false;
            state.group_by.push_back(model);
            add_output(state, expr, std::move(model));
        }
        ++position;
    }
    position = 0;
    foreach (cell, target->exprs) {
        auto* expr = static_cast<::Expr*>(lfirst(cell));
        if (!is_group_key(root, target, position)) {
            ExprPtr model = to_model(expr, state.pushdown(true));
            if (model) {
                add_output(state, expr, std::move(model));
            } else if (!add_pieces(state, expr)) {
                return false;
            }
        }
        ++position;
    }
    ListCell* qual_cell;
    foreach (qual_cell, (List*)having) {
        ExprPtr model = to_model(static_cast<::Expr*>(lfirst(qual_cell)), state.pushdown(true));
        if (!model) return false;
        state.having.push_back(std::move(model));
    }
    if (state.outputs.empty()) {
        // SELECT count(*) ... HAVING ...-like shapes with nothing selected still need a column.
        state.outputs.push_back(make_null());
    }
    return true;
}

void add_grouping_path(PlannerInfo* root, RelOptInfo* input, RelOptInfo* grouped,
                       GroupPathExtraData* extra) {
    const RelState* base = state_of(input);
    ::Query* parse = root->parse;
    if (base->kind != RelKind::Base || base->local_conds != NIL) return;
    if (parse->groupingSets != NIL || (!parse->hasAggs && parse->groupClause == NIL)) return;
    if (extra->patype != PARTITIONWISE_AGGREGATE_NONE) return;

    RelState* state = new_state(RelKind::Grouped);
    state->base = base;
    state->source = base;
    state->dialect = base->dialect;
    PathTarget* target = root->upper_targets[UPPERREL_GROUP_AGG];
    if (!build_grouping(root, *state, target, extra->havingQual)) return;
    pg::pg_call(
        [state, target] { apply_pathtarget_labeling_to_tlist(state->grouped_tlist, target); });
    grouped->fdw_private = state;

    double groups = 1;
    if (parse->groupClause != NIL) {
        const double input_rows = input->rows;
        groups = pg::pg_call([root, parse, input_rows] {
            List* exprs = get_sortgrouplist_exprs(parse->groupClause, parse->targetList);
            return estimate_num_groups(root, exprs, input_rows, nullptr, nullptr);
        });
    }
    state->rows = groups;
    state->startup_cost =
        kStartupCost + input->tuples * cpu_operator_cost + input->rows * cpu_operator_cost;
    state->total_cost = state->startup_cost + groups * (cpu_tuple_cost + kTransferCostPerRow);
    List* fdw_private = path_private(false, false);
    const Cost startup = state->startup_cost;
    const Cost total = state->total_cost;
    pg::pg_call([=] {
        add_path(grouped,
                 (Path*)create_foreign_upper_path(root, grouped, grouped->reltarget, groups,
                                                  startup, total, NIL, nullptr, fdw_private));
    });
}

// ---- ORDER BY over a grouping; LIMIT -----------------------------------------------------------

void add_ordered_path(PlannerInfo* root, RelOptInfo* input, RelOptInfo* ordered) {
    const RelState* source = state_of(input);
    RelState* state = new_state(RelKind::Ordered);
    state->source = source;
    state->base = source->base;
    state->dialect = source->dialect;
    ordered->fdw_private = state;
    // A base relation's sorted scan path is in the ordered relation already (get_paths).
    if (source->kind != RelKind::Grouped) return;

    std::vector<OrderKey> keys;
    if (!order_keys(root, *source, input, root->sort_pathkeys, keys)) return;
    state->rows = source->rows;
    state->startup_cost = source->startup_cost;
    state->total_cost = source->total_cost * kSortMultiplier;
    List* fdw_private = path_private(true, false);
    const double rows = state->rows;
    const Cost startup = state->startup_cost;
    const Cost total = state->total_cost;
    PathTarget* target = root->upper_targets[UPPERREL_ORDERED];
    List* pathkeys = root->sort_pathkeys;
    pg::pg_call([=] {
        add_path(ordered, (Path*)create_foreign_upper_path(root, ordered, target, rows, startup,
                                                           total, pathkeys, nullptr, fdw_private));
    });
}

// The constant value of a LIMIT or OFFSET clause; false when it is not a constant.
bool constant_count(Node* node, std::optional<int64_t>& out) {
    if (node == nullptr) return true;
    if (!IsA(node, Const)) return false;
    auto* value = (Const*)node;
    if (value->constisnull) return true;  // LIMIT ALL / LIMIT NULL
    out = DatumGetInt64(value->constvalue);
    return true;
}

void add_final_path(PlannerInfo* root, RelOptInfo* input, RelOptInfo* final_rel,
                    FinalPathExtraData* extra) {
    ::Query* parse = root->parse;
    if (!extra->limit_needed || parse->rowMarks != NIL || parse->hasTargetSRFs) return;
    if (parse->limitOption != LIMIT_OPTION_COUNT) return;
    std::optional<int64_t> limit;
    std::optional<int64_t> offset;
    if (!constant_count(parse->limitCount, limit) || !constant_count(parse->limitOffset, offset)) {
        return;
    }

    const RelState* input_state = state_of(input);
    const bool sorted = input_state->kind == RelKind::Ordered;
    const RelState* source = sorted ? input_state->source : input_state;
    if (source->kind != RelKind::Base && source->kind != RelKind::Grouped) return;
    if (source->base->local_conds != NIL) return;
    if (sorted) {
        // The ordered relation must have a remote sort of ours: for a grouping, the ordered
        // path; for a base relation, its sorted scan path.
        bool have_sorted = false;
        ListCell* cell;
        foreach (cell, input->pathlist) {
            auto* path = static_cast<Path*>(lfirst(cell));
            if (IsA(path, ForeignPath) && path_flag((ForeignPath*)path, kPathSorted)) {
                have_sorted = true;
            }
        }
        if (!have_sorted) return;
    } else if (parse->sortClause != NIL) {
        return;
    }

    RelState* state = new_state(RelKind::Final);
    state->source = source;
    state->base = source->base;
    state->dialect = source->dialect;
    final_rel->fdw_private = state;
    double rows = source->rows;
    if (limit) rows = std::min(rows, static_cast<double>(*limit));
    state->rows = std::max(rows, 1.0);
    state->startup_cost = source->startup_cost;
    state->total_cost = (sorted ? source->total_cost * kSortMultiplier : source->total_cost) -
                        (source->rows - state->rows) * (cpu_tuple_cost + kTransferCostPerRow);
    state->total_cost = std::max(state->total_cost, state->startup_cost);
    List* fdw_private = path_private(sorted, true);
    const double final_rows = state->rows;
    const Cost startup = state->startup_cost;
    const Cost total = state->total_cost;
    PathTarget* target = root->upper_targets[UPPERREL_FINAL];
    List* pathkeys = sorted ? root->sort_pathkeys : NIL;
    pg::pg_call([=] {
        add_path(final_rel,
                 (Path*)create_foreign_upper_path(root, final_rel, target, final_rows, startup,
                                                  total, pathkeys, nullptr, fdw_private));
    });
}

void get_upper_paths(PlannerInfo* root, UpperRelationKind stage, RelOptInfo* input,
                     RelOptInfo* output, void* extra) {
    if (input->fdw_private == nullptr || output->fdw_private != nullptr) return;
    switch (stage) {
        case UPPERREL_GROUP_AGG:
            add_grouping_path(root, input, output, static_cast<GroupPathExtraData*>(extra));
            return;
        case UPPERREL_ORDERED:
            add_ordered_path(root, input, output);
            return;
        case UPPERREL_FINAL:
            add_final_path(root, input, output, static_cast<FinalPathExtraData*>(extra));
            return;
        default:
            return;
    }
}

// ---- plans ------------------------------------------------------------------------------------

std::string output_name(const Expr& e, size_t position) {
    if (e.kind == ExprKind::Column) return e.column;
    return "c" + std::to_string(position + 1);
}

void add_columns(quarry::Query& query, const std::vector<ExprPtr>& models) {
    for (size_t i = 0; i < models.size(); ++i) {
        OutputColumn column;
        column.name = output_name(*models[i], i);
        column.expr = models[i];
        query.columns.push_back(std::move(column));
    }
}

// The remote columns a scan of the base relation must return, in attnum order (all of them
// for a whole-row reference).
List* retrieved_attributes(RelOptInfo* rel, const RelState& base, List* local_exprs) {
    Bitmapset* attrs = pg::pg_call([rel, local_exprs] {
        Bitmapset* used = nullptr;
        pull_varattnos((Node*)rel->reltarget->exprs, rel->relid, &used);
        pull_varattnos((Node*)local_exprs, rel->relid, &used);
        return used;
    });
    const bool whole_row = bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, attrs);
    List* retrieved = NIL;
    for (const ForeignColumn& column : base.table.columns) {
        if (column.dropped) continue;
        const int member = column.attnum - FirstLowInvalidHeapAttributeNumber;
        if (!whole_row && !bms_is_member(member, attrs)) continue;
        const int attnum = column.attnum;
        retrieved = pg::pg_call([retrieved, attnum] { return lappend_int(retrieved, attnum); });
    }
    return retrieved;
}

ExprPtr base_column(const RelState& base, int attnum) {
    const ForeignColumn& column = base.table.columns.at(static_cast<size_t>(attnum - 1));
    std::optional<Type> type = remote_model_type(column.type, column.typmod);
    return make_column(column.remote_name, type.value_or(Type::Text), !column.not_null);
}

void add_where(quarry::Query& query, const RelState& base) { query.where = base.remote_where; }

}  // namespace

PushdownContext RelState::pushdown(bool allow_aggregates) const {
    PushdownContext context;
    context.dialect = dialect;
    context.allow_aggregates = allow_aggregates;
    const RelState* b = base;
    context.column = [b](const Var* var) -> std::optional<RemoteColumnRef> {
        if (var->varno != static_cast<int>(b->relid) || var->varlevelsup != 0 || var->varattno <= 0)
            return std::nullopt;
        if (static_cast<size_t>(var->varattno) > b->table.columns.size()) return std::nullopt;
        const ForeignColumn& column = b->table.columns[static_cast<size_t>(var->varattno - 1)];
        if (column.dropped) return std::nullopt;
        std::optional<Type> type = remote_model_type(column.type, column.typmod);
        if (!type) return std::nullopt;
        return RemoteColumnRef{column.remote_name, {}, *type, !column.not_null};
    };
    return context;
}

namespace {

ForeignScan* get_plan(PlannerInfo* root, RelOptInfo* rel, Oid /*table_id*/, ForeignPath* path,
                      List* tlist, List* scan_clauses, Plan* outer_plan) {
    const RelState* state = state_of(rel);
    const RelState* base = state->base;
    const bool sorted = path_flag(path, kPathSorted);
    const bool limited = path_flag(path, kPathLimited);
    quarry::Query query;
    query.from.name = base->table.relation;
    add_where(query, *base);

    Index scan_relid = 0;
    List* local_exprs = NIL;
    List* retrieved = NIL;
    List* scan_tlist = NIL;
    const RelState* source = state->kind == RelKind::Base ? state : state->source;

    if (state->kind == RelKind::Base) {
        scan_relid = rel->relid;
        // Only the remote clauses classified for this relation ship; the rest (including
        // pseudoconstants and parameterized join clauses) are checked here.
        query.where.clear();
        ListCell* cell;
        foreach (cell, scan_clauses) {
            auto* info = static_cast<RestrictInfo*>(lfirst(cell));
            int position = 0;
            bool remote = false;
            ListCell* remote_cell;
            foreach (remote_cell, state->remote_conds) {
                if (lfirst(remote_cell) == info) {
                    query.where.push_back(state->remote_where[static_cast<size_t>(position)]);
                    remote = true;
                    break;
                }
                ++position;
            }
            if (!remote) {
                local_exprs =
                    pg::pg_call([local_exprs, info] { return lappend(local_exprs, info->clause); });
            }
        }
        retrieved = retrieved_attributes(rel, *base, local_exprs);
        ListCell* attr_cell;
        foreach (attr_cell, retrieved)
            query.columns.push_back({"", base_column(*base, lfirst_int(attr_cell))});
        for (OutputColumn& column : query.columns) column.name = column.expr->column;
    } else if (source->kind == RelKind::Grouped) {
        scan_tlist = source->grouped_tlist;
        add_columns(query, source->outputs);
        query.group_by = source->group_by;
        query.having = source->having;
    } else {
        // An ordered or limited scan of the base relation: its Vars are the scan's columns.
        scan_tlist = pg::pg_call([tlist] {
            List* vars = pull_var_clause((Node*)tlist, PVC_RECURSE_PLACEHOLDERS);
            return add_to_flat_tlist(NIL, vars);
        });
        std::vector<ExprPtr> models;
        ListCell* cell;
        foreach (cell, scan_tlist) {
            auto* te = static_cast<TargetEntry*>(lfirst(cell));
            auto* var = (Var*)te->expr;
            if (!IsA(var, Var)) throw Error("XX000", "quarry_fdw: unexpected scan target entry");
            models.push_back(base_column(*base, var->varattno));
        }
        add_columns(query, models);
    }
    if (query.columns.empty()) {
        OutputColumn placeholder;
        placeholder.name = "none";
        placeholder.expr = make_null();
        query.columns.push_back(std::move(placeholder));
    }

    if (sorted) {
        // Pathkeys of an upper relation are matched on the base relation's Vars.
        RelOptInfo* order_rel =
            state->kind == RelKind::Base ? rel : root->simple_rel_array[base->relid];
        if (!order_keys(root, *source, order_rel, path->path.pathkeys, query.order_by)) {
            throw Error("XX000", "quarry_fdw: the remote sort of a chosen path cannot be rendered");
        }
    }
    if (limited) {
        ::Query* parse = root->parse;
        constant_count(parse->limitCount, query.limit);
        constant_count(parse->limitOffset, query.offset);
    }

    std::string sql = state->dialect->render_query(query);
    const char* sql_text = sql.c_str();
    List* fdw_private = pg::pg_call([sql_text, retrieved] {
        List* list = lappend(NIL, makeString(pstrdup(sql_text)));
        return lappend(list, retrieved);
    });
    return pg::pg_call([=] {
        return make_foreignscan(tlist, local_exprs, scan_relid, NIL, fdw_private, scan_tlist, NIL,
                                outer_plan);
    });
}

// ---- the guarded shims ------------------------------------------------------------------------

extern "C" void quarry_GetForeignRelSize(PlannerInfo* root, RelOptInfo* rel, Oid table_id) {
    pg::guard([=] { get_rel_size(root, rel, table_id); });
}

extern "C" void quarry_GetForeignPaths(PlannerInfo* root, RelOptInfo* rel, Oid table_id) {
    pg::guard([=] { get_paths(root, rel, table_id); });
}

extern "C" ForeignScan* quarry_GetForeignPlan(PlannerInfo* root, RelOptInfo* rel, Oid table_id,
                                              ForeignPath* path, List* tlist, List* scan_clauses,
                                              Plan* outer_plan) {
    return pg::guard(
        [=] { return get_plan(root, rel, table_id, path, tlist, scan_clauses, outer_plan); });
}

extern "C" void quarry_GetForeignUpperPaths(PlannerInfo* root, UpperRelationKind stage,
                                            RelOptInfo* input, RelOptInfo* output, void* extra) {
    pg::guard([=] { get_upper_paths(root, stage, input, output, extra); });
}

}  // namespace

void fill_planner_callbacks(FdwRoutine* routine) {
    routine->GetForeignRelSize = quarry_GetForeignRelSize;
    routine->GetForeignPaths = quarry_GetForeignPaths;
    routine->GetForeignPlan = quarry_GetForeignPlan;
    routine->GetForeignUpperPaths = quarry_GetForeignUpperPaths;
}

}  // namespace quarry::fdw
