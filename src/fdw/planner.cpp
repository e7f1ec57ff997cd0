// The planner callbacks of quarry_fdw: sizes, paths and plans for foreign tables, for joins of
// foreign tables of one server, and for the upper relations (GROUP BY / aggregates / HAVING,
// ORDER BY, LIMIT) over them. Every path built here stands for one remote statement;
// GetForeignPlan renders it through the server's dialect.
#include <algorithm>
#include <cmath>
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
// Comparisons a remote sort of N rows costs, per N log2 N, in cpu_operator_cost: half of what
// PostgreSQL charges a local Sort (cost_sort), since the rows are sorted where they are, by an
// engine that may read them in index order anyway.
constexpr double kRemoteSortComparisonCost = 1.0;
// What a LIMIT applied remotely saves over the same LIMIT applied here (the rows beyond it are
// never sent).
constexpr double kRemoteLimitDiscount = 0.99;
// What grouping remotely costs at most, relative to the scan of its input alone.
constexpr double kRemoteGroupingDiscount = 0.9;

// ---- the plan-private lists ---------------------------------------------------------------------
// ForeignPath::fdw_private
enum PathPrivate { kPathSorted = 0, kPathLimited = 1 };
List* path_private(bool sorted, bool limited) {
    return pg::pg_call([sorted, limited] {
        List* list = lappend(NIL, makeInteger(sorted ? 1 : 0));
        return lappend(list, makeInteger(limited ? 1 : 0));
    });
}

Cost sorted_cost(Cost total, double rows) {
    const double n = std::max(rows, 2.0);
    return total + kRemoteSortComparisonCost * cpu_operator_cost * n * std::log2(n);
}

bool path_flag(const ForeignPath* path, int slot) {
    return intVal(list_nth(path->fdw_private, slot)) != 0;
}

// ---- the state's lifetime -----------------------------------------------------------------------

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

// A state over `source`, reading what `source` reads.
RelState* new_upper_state(RelKind kind, const RelState* source) {
    RelState* state = new_state(kind);
    state->source = source;
    state->scan = source->scan;
    state->dialect = source->dialect;
    state->server_id = source->server_id;
    state->user_id = source->user_id;
    return state;
}

RelState* state_of(RelOptInfo* rel) { return static_cast<RelState*>(rel->fdw_private); }

bool is_scan(const RelState* state) {
    return state != nullptr && (state->kind == RelKind::Base || state->kind == RelKind::Join);
}

Oid checked_user(PlannerInfo* root, RelOptInfo* rel) {
    RangeTblEntry* rte = planner_rt_fetch(rel->relid, root);
    return OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId();
}

std::string alias_of(const RelState& base) { return "r" + std::to_string(base.relid); }

template <typename Each>
void for_each_expr(List* list, Each each) {
    ListCell* cell;
    foreach (cell, list) each(static_cast<::Expr*>(lfirst(cell)));
}

List* clauses_of(List* restrict_infos) {
    List* clauses = NIL;
    ListCell* cell;
    foreach (cell, restrict_infos) {
        auto* info = static_cast<RestrictInfo*>(lfirst(cell));
        clauses = pg::pg_call([clauses, info] { return lappend(clauses, info->clause); });
    }
    return clauses;
}

List* concat(List* a, List* b) {
    return pg::pg_call([a, b] { return list_concat_copy(a, b); });
}

// The models of `clauses` in `scope`; false when one does not ship.
bool translate_all(List* clauses, const RelState& scope, std::vector<ExprPtr>& out) {
    const PushdownContext context = scope.pushdown(false);
    bool shipped = true;
    for_each_expr(clauses, [&](::Expr* clause) {
        if (!shipped) return;
        ExprPtr model = to_model(clause, context);
        if (model) {
            out.push_back(std::move(model));
        } else {
            shipped = false;
        }
    });
    return shipped;
}

bool all_ship(List* clauses, const RelState& scope) {
    std::vector<ExprPtr> ignored;
    return translate_all(clauses, scope, ignored);
}

// ---- ORDER BY -----------------------------------------------------------------------------------

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

// The model of an ORDER BY member over a grouping: an output when it is one, else a new
// expression over the grouping's input.
ExprPtr grouped_order_expr(const RelState& grouped, ::Expr* expr, int& output_index) {
    int position = 0;
    ListCell* cell;
    foreach (cell, grouped.grouped_tlist) {
        auto* te = static_cast<TargetEntry*>(lfirst(cell));
        if (pg::pg_call([te, expr] { return equal(te->expr, expr); })) {
            output_index = position;
            // An average computed here cannot order the remote rows.
            if (grouped.avg_counts[static_cast<size_t>(position)]) return nullptr;
            return grouped.outputs[static_cast<size_t>(position)];
        }
        ++position;
    }
    return to_model(expr, grouped.pushdown(true));
}

// The order keys for `pathkeys` over `state` (a scan or a grouping), or false when one cannot
// be sorted remotely exactly as PostgreSQL would sort it.
bool order_keys(const RelState& state, Relids relids, List* pathkeys, std::vector<OrderKey>& keys) {
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
                order.expr = grouped_order_expr(state, expr, order.output_index);
            } else {
                const bool of_these_rels = pg::pg_call([member, relids] {
                    return !bms_is_empty(member->em_relids) &&
                           bms_is_subset(member->em_relids, relids);
                });
                if (of_these_rels) order.expr = to_model(expr, state.pushdown(false));
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

// ---- scans: foreign tables and joins ------------------------------------------------------------

Cost scan_total_cost(double input_tuples, double rows) {
    return kStartupCost + input_tuples * cpu_operator_cost +
           rows * (cpu_tuple_cost + kTransferCostPerRow);
}

// The unsorted path of a scan, and a presorted one when the query's order can be sorted
// remotely.
template <typename MakePath>
void add_scan_paths(PlannerInfo* root, RelOptInfo* rel, const RelState& state, MakePath make_path) {
    List* unsorted = path_private(false, false);
    pg::pg_call([&] { add_path(rel, make_path(state.total_cost, NIL, unsorted)); });
    std::vector<OrderKey> keys;
    List* pathkeys = root->query_pathkeys;
    if (pathkeys != NIL && order_keys(state, rel->relids, pathkeys, keys)) {
        List* sorted = path_private(true, false);
        const Cost total = sorted_cost(state.total_cost, state.rows);
        pg::pg_call([&] { add_path(rel, make_path(total, pathkeys, sorted)); });
    }
}

void get_rel_size(PlannerInfo* root, RelOptInfo* rel, Oid table_id) {
    RelState* state = new_state(RelKind::Base);
    state->scan = state;
    state->bases = {state};
    state->relid = rel->relid;
    state->table = foreign_table_info(table_id, checked_user(root, rel));
    state->server_id = state->table.server_id;
    state->user_id = state->table.user_id;
    state->dialect = &dialect_by_name(state->table.dialect);
    rel->fdw_private = state;

    const PushdownContext context = state->pushdown(false);
    ListCell* cell;
    foreach (cell, rel->baserestrictinfo) {
        auto* info = static_cast<RestrictInfo*>(lfirst(cell));
        const bool ships = !info->pseudoconstant && to_model(info->clause, context) != nullptr;
        List*& list = ships ? state->remote_conds : state->local_conds;
        list = pg::pg_call([list, info] { return lappend(list, info); });
    }

    if (rel->tuples < 0) rel->tuples = kDefaultTuples;  // never analyzed
    pg::pg_call([root, rel] { set_baserel_size_estimates(root, rel); });
    state->rows = rel->rows;
    state->startup_cost = kStartupCost;
    state->total_cost = scan_total_cost(rel->tuples, rel->rows);
}

void get_paths(PlannerInfo* root, RelOptInfo* rel, Oid /*table_id*/) {
    const RelState* state = state_of(rel);
    add_scan_paths(root, rel, *state, [&](Cost total, List* pathkeys, List* fdw_private) {
        return (Path*)create_foreignscan_path(root, rel, nullptr, rel->rows, state->startup_cost,
                                              total, pathkeys, rel->lateral_relids, nullptr,
                                              fdw_private);
    });
}

// The WHERE clauses a scan contributes to a join: a Base's remote clauses, a Join's WHERE.
List* where_clauses(const RelState& scan) {
    return scan.kind == RelKind::Base ? clauses_of(scan.remote_conds) : scan.where;
}

// A left-deep join of `outer` (a Base or Join) and `inner` (a Base); nullptr when it cannot be
// one remote statement.
RelState* build_join(RelOptInfo* joinrel, const RelState* outer, const RelState* inner,
                     JoinType type, List* restrictlist) {
    if (!is_scan(outer) || inner == nullptr || inner->kind != RelKind::Base) return nullptr;
    if (outer->server_id != inner->server_id || outer->user_id != inner->user_id) return nullptr;
    if ((outer->kind == RelKind::Base && outer->local_conds != NIL) || inner->local_conds != NIL) {
        return nullptr;
    }
    RelState* state = new_state(RelKind::Join);
    state->scan = state;
    state->dialect = outer->dialect;
    state->server_id = outer->server_id;
    state->user_id = outer->user_id;
    state->bases = outer->bases;
    state->bases.push_back(inner);
    state->steps = outer->kind == RelKind::Join ? outer->steps : std::vector<JoinStep>{};
    state->nullable = outer->nullable;
    state->where = where_clauses(*outer);

    JoinStep step;
    step.kind = type == JOIN_LEFT ? JoinKind::Left : JoinKind::Inner;
    step.base = inner;
    // The inner side's own filters: before the join (ON) when it is the nullable side.
    List* inner_clauses = clauses_of(inner->remote_conds);
    if (step.kind == JoinKind::Left) {
        step.on = inner_clauses;
        state->nullable.push_back(inner->relid);
    } else {
        state->where = concat(state->where, inner_clauses);
    }
    ListCell* cell;
    foreach (cell, restrictlist) {
        auto* info = static_cast<RestrictInfo*>(lfirst(cell));
        if (info->pseudoconstant) return nullptr;
        const bool on_clause =
            step.kind == JoinKind::Inner || !RINFO_IS_PUSHED_DOWN(info, joinrel->relids);
        List*& list = on_clause ? step.on : state->where;
        list = pg::pg_call([list, info] { return lappend(list, info->clause); });
    }
    state->steps.push_back(step);

    // Everything must ship in the join's scope (columns now qualified, some nullable).
    if (!all_ship(state->where, *state)) return nullptr;
    for (const JoinStep& each : state->steps) {
        if (!all_ship(each.on, *state)) return nullptr;
    }
    return state;
}

void get_join_paths(PlannerInfo* root, RelOptInfo* joinrel, RelOptInfo* outerrel,
                    RelOptInfo* innerrel, JoinType type, JoinPathExtraData* extra) {
    if (joinrel->fdw_private != nullptr) return;  // considered for another order of its inputs
    if (root->parse->commandType != CMD_SELECT || root->parse->rowMarks != NIL) return;
    const RelState* outer = state_of(outerrel);
    const RelState* inner = state_of(innerrel);
    RelState* state = nullptr;
    switch (type) {
        case JOIN_INNER:
            state = build_join(joinrel, outer, inner, JOIN_INNER, extra->restrictlist);
            if (state == nullptr) {
                state = build_join(joinrel, inner, outer, JOIN_INNER, extra->restrictlist);
            }
            break;
        case JOIN_LEFT:
            state = build_join(joinrel, outer, inner, JOIN_LEFT, extra->restrictlist);
            break;
        case JOIN_RIGHT:
            state = build_join(joinrel, inner, outer, JOIN_LEFT, extra->restrictlist);
            break;
        default:
            return;  // FULL (MySQL has none), SEMI, ANTI: local
    }
    if (state == nullptr) return;
    joinrel->fdw_private = state;
    state->rows = joinrel->rows;
    state->startup_cost = kStartupCost;
    state->total_cost = scan_total_cost(outerrel->rows + innerrel->rows, joinrel->rows);
    add_scan_paths(root, joinrel, *state, [&](Cost total, List* pathkeys, List* fdw_private) {
        return (Path*)create_foreign_join_path(root, joinrel, nullptr, joinrel->rows,
                                               state->startup_cost, total, pathkeys,
                                               joinrel->lateral_relids, nullptr, fdw_private);
    });
}

// ---- GROUP BY, aggregates, HAVING ---------------------------------------------------------------

// Adds `expr` (with its model) to the grouped target list unless an equal entry is there.
void add_output(RelState& state, ::Expr* expr, ExprPtr model, ExprPtr avg_count = nullptr) {
    ListCell* cell;
    foreach (cell, state.grouped_tlist) {
        auto* te = static_cast<TargetEntry*>(lfirst(cell));
        if (pg::pg_call([te, expr] { return equal(te->expr, expr); })) return;
    }
    state.outputs.push_back(std::move(model));
    state.avg_counts.push_back(std::move(avg_count));
    const auto position = static_cast<AttrNumber>(state.outputs.size());
    List* tlist = state.grouped_tlist;
    state.grouped_tlist = pg::pg_call([tlist, expr, position] {
        return lappend(tlist, makeTargetEntry(expr, position, nullptr, false));
    });
}

bool is_group_key(PlannerInfo* root, PathTarget* target, int position) {
    const Index ref = target->sortgrouprefs != nullptr ? target->sortgrouprefs[position] : 0;
    if (ref == 0) return false;
    ::Query* parse = root->parse;
    return pg::pg_call(
        [ref, parse] { return get_sortgroupref_clause_noerr(ref, parse->groupClause) != nullptr; });
}

// PostgreSQL's avg of integers and numerics is numeric_div(sum, count), whose digits no remote
// reproduces: such an avg ships as its sum and count (models of both), divided here.
bool average_parts(const RelState& state, Aggref* aggref, ExprPtr& sum, ExprPtr& count) {
    const Oid fn = aggref->aggfnoid;
    if (fn != F_AVG_INT2 && fn != F_AVG_INT4 && fn != F_AVG_INT8 && fn != F_AVG_NUMERIC) {
        return false;
    }
    if (aggref->aggdistinct != NIL || aggref->aggfilter != nullptr || aggref->aggorder != NIL ||
        aggref->aggstar || list_length(aggref->args) != 1) {
        return false;
    }
    auto* arg = static_cast<TargetEntry*>(linitial(aggref->args));
    ExprPtr x = to_model(arg->expr, state.pushdown(false));
    if (!x || !(x->type == Type::Integer || x->type == Type::Numeric) ||
        !state.dialect->supports(Func::Sum) || !state.dialect->supports(Func::Count)) {
        return false;
    }
    sum = make_call(Func::Sum, {x}, x->type);
    // A value that cannot be NULL is counted by the rows: no second evaluation per row (the
    // bounce-rate pattern avg(CASE WHEN ... THEN 1 ELSE 0 END)).
    count = x->nullable ? make_call(Func::Count, {x}, Type::Integer)
                        : make_call(Func::CountAll, {}, Type::Integer);
    return true;
}

// A target entry that does not ship whole: its aggregates ship, and its other Vars must be
// group keys already selected. False when that fails.
bool add_pieces(RelState& state, ::Expr* expr) {
    List* pieces = pg::pg_call([expr] {
        return pull_var_clause((Node*)expr, PVC_INCLUDE_AGGREGATES | PVC_RECURSE_PLACEHOLDERS);
    });
    bool shipped = true;
    for_each_expr(pieces, [&](::Expr* piece) {
        if (!shipped) return;
        if (IsA(piece, Aggref)) {
            ExprPtr model = to_model(piece, state.pushdown(true));
            ExprPtr count;
            if (model || average_parts(state, (Aggref*)piece, model, count)) {
                add_output(state, piece, std::move(model), std::move(count));
            } else {
                shipped = false;
            }
            return;
        }
        bool selected = false;
        ListCell* cell;
        foreach (cell, state.grouped_tlist) {
            auto* te = static_cast<TargetEntry*>(lfirst(cell));
            selected = selected || pg::pg_call([te, piece] { return equal(te->expr, piece); });
        }
        shipped = selected;
    });
    return shipped;
}

bool build_grouping(PlannerInfo* root, RelState& state, PathTarget* target, Node* having) {
    // Group keys first: the other entries may refer to them.
    int position = 0;
    bool shipped = true;
    for_each_expr(target->exprs, [&](::Expr* expr) {
        if (shipped && is_group_key(root, target, position)) {
            ExprPtr model = to_model(expr, state.pushdown(false));
            if (model) {
                state.group_by.push_back(model);
                add_output(state, expr, std::move(model));
            } else {
                shipped = false;
            }
        }
        ++position;
    });
    position = 0;
    for_each_expr(target->exprs, [&](::Expr* expr) {
        if (shipped && !is_group_key(root, target, position)) {
            ExprPtr model = to_model(expr, state.pushdown(true));
            if (model) {
                add_output(state, expr, std::move(model));
            } else {
                shipped = add_pieces(state, expr);
            }
        }
        ++position;
    });
    for_each_expr((List*)having, [&](::Expr* qual) {
        if (!shipped) return;
        ExprPtr model = to_model(qual, state.pushdown(true));
        if (model) {
            state.having.push_back(std::move(model));
        } else {
            shipped = false;
        }
    });
    return shipped;
}

// Copies the target's sort/group labels onto the entries of the grouped target list that carry
// the same expression (apply_pathtarget_labeling_to_tlist, except that an ORDER BY expression
// computed here over shipped aggregates has no entry of its own and is left unlabelled: the
// Sort above finds it in the scan's output, not in fdw_scan_tlist).
void label_sort_group_refs(List* tlist, PathTarget* target) {
    if (target->sortgrouprefs == nullptr) return;
    int position = 0;
    for_each_expr(target->exprs, [&](::Expr* expr) {
        const Index ref = target->sortgrouprefs[position++];
        if (ref == 0) return;
        ListCell* cell;
        foreach (cell, tlist) {
            auto* te = static_cast<TargetEntry*>(lfirst(cell));
            if (te->ressortgroupref == 0 &&
                pg::pg_call([te, expr] { return equal(te->expr, expr); })) {
                te->ressortgroupref = ref;
                return;
            }
        }
    });
}

void add_grouping_path(PlannerInfo* root, RelOptInfo* input, RelOptInfo* grouped,
                       GroupPathExtraData* extra) {
    const RelState* scan = state_of(input);
    ::Query* parse = root->parse;
    if (!is_scan(scan) || (scan->kind == RelKind::Base && scan->local_conds != NIL)) return;
    if (parse->groupingSets != NIL || (!parse->hasAggs && parse->groupClause == NIL)) return;
    if (extra->patype != PARTITIONWISE_AGGREGATE_NONE) return;

    RelState* state = new_upper_state(RelKind::Grouped, scan);
    PathTarget* target = root->upper_targets[UPPERREL_GROUP_AGG];
    if (!build_grouping(root, *state, target, extra->havingQual)) return;
    label_sort_group_refs(state->grouped_tlist, target);
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
    state->startup_cost = scan->total_cost - scan->rows * (cpu_tuple_cost + kTransferCostPerRow) +
                          input->rows * cpu_operator_cost;
    state->total_cost = state->startup_cost + groups * (cpu_tuple_cost + kTransferCostPerRow);
    // Grouping remotely never moves more rows than the scan it replaces, and spares the local
    // aggregation: keep it below the scan alone, whatever the group estimate says.
    state->total_cost = std::min(state->total_cost, scan->total_cost * kRemoteGroupingDiscount);
    state->startup_cost = std::min(state->startup_cost, state->total_cost);
    List* fdw_private = path_private(false, false);
    pg::pg_call([&] {
        add_path(grouped, (Path*)create_foreign_upper_path(
                              root, grouped, grouped->reltarget, groups, state->startup_cost,
                              state->total_cost, NIL, nullptr, fdw_private));
    });
}

// ---- ORDER BY over a grouping; LIMIT ------------------------------------------------------------

void add_ordered_path(PlannerInfo* root, RelOptInfo* input, RelOptInfo* ordered) {
    const RelState* source = state_of(input);
    RelState* state = new_upper_state(RelKind::Ordered, source);
    ordered->fdw_private = state;
    // A scan's presorted path is in the ordered relation already (add_scan_paths).
    if (source->kind != RelKind::Grouped) return;

    std::vector<OrderKey> keys;
    if (!order_keys(*source, input->relids, root->sort_pathkeys, keys)) return;
    state->rows = source->rows;
    state->startup_cost = source->startup_cost;
    state->total_cost = sorted_cost(source->total_cost, source->rows);
    List* fdw_private = path_private(true, false);
    PathTarget* target = root->upper_targets[UPPERREL_ORDERED];
    pg::pg_call([&] {
        add_path(ordered, (Path*)create_foreign_upper_path(
                              root, ordered, target, state->rows, state->startup_cost,
                              state->total_cost, root->sort_pathkeys, nullptr, fdw_private));
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

bool has_sorted_path(RelOptInfo* rel) {
    ListCell* cell;
    foreach (cell, rel->pathlist) {
        auto* path = static_cast<Path*>(lfirst(cell));
        if (IsA(path, ForeignPath) && path_flag((ForeignPath*)path, kPathSorted)) return true;
    }
    return false;
}

void add_final_path(PlannerInfo* root, RelOptInfo* input, RelOptInfo* final_rel,
                    FinalPathExtraData* extra) {
    ::Query* parse = root->parse;
    if (!extra->limit_needed || parse->rowMarks != NIL || parse->hasTargetSRFs) return;
    if (parse->limitOption == LIMIT_OPTION_WITH_TIES) return;
    std::optional<int64_t> limit;
    std::optional<int64_t> offset;
    if (!constant_count(parse->limitCount, limit) || !constant_count(parse->limitOffset, offset)) {
        return;
    }

    const RelState* input_state = state_of(input);
    const bool sorted = input_state->kind == RelKind::Ordered;
    const RelState* source = sorted ? input_state->source : input_state;
    if (source->kind == RelKind::Ordered || source->kind == RelKind::Final) return;
    if (source->scan->kind == RelKind::Base && source->scan->local_conds != NIL) return;
    if (sorted ? !has_sorted_path(input) : parse->sortClause != NIL) return;

    RelState* state = new_upper_state(RelKind::Final, source);
    final_rel->fdw_private = state;
    const double wanted = limit ? static_cast<double>(*limit + offset.value_or(0)) : source->rows;
    state->rows =
        std::max(std::min(source->rows, limit ? static_cast<double>(*limit) : source->rows), 1.0);
    state->startup_cost = source->startup_cost;
    // A local Limit over the same statement costs its input's startup plus the fraction of the
    // run it reads; the remote LIMIT reads that fraction too and moves no row it does not
    // return, so it is a little cheaper.
    const Cost source_total =
        sorted ? sorted_cost(source->total_cost, source->rows) : source->total_cost;
    const double fraction = source->rows > 0 ? std::min(1.0, wanted / source->rows) : 1.0;
    state->total_cost = state->startup_cost +
                        (source_total - state->startup_cost) * fraction * kRemoteLimitDiscount;
    List* fdw_private = path_private(sorted, true);
    PathTarget* target = root->upper_targets[UPPERREL_FINAL];
    List* pathkeys = sorted ? root->sort_pathkeys : NIL;
    pg::pg_call([&] {
        add_path(final_rel, (Path*)create_foreign_upper_path(root, final_rel, target, state->rows,
                                                             state->startup_cost, state->total_cost,
                                                             pathkeys, nullptr, fdw_private));
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

// ---- plans --------------------------------------------------------------------------------------

[[noreturn]] void unrenderable(const char* what) {
    throw Error("XX000",
                std::string("quarry_fdw: a chosen path's ") + what + " no longer translates");
}

std::vector<ExprPtr> translated(List* clauses, const RelState& scope) {
    std::vector<ExprPtr> models;
    if (!translate_all(clauses, scope, models)) unrenderable("clause");
    return models;
}

// FROM, JOINs and WHERE of the statement a scan reads.
void add_from(quarry::Query& query, const RelState& scan) {
    if (scan.kind == RelKind::Base) {
        query.from.name = scan.table.relation;
        query.where = translated(clauses_of(scan.remote_conds), scan);
        return;
    }
    query.from.name = scan.bases.front()->table.relation;
    query.from.alias = alias_of(*scan.bases.front());
    for (const JoinStep& step : scan.steps) {
        quarry::Join join;
        join.kind = step.kind;
        join.table.name = step.base->table.relation;
        join.table.alias = alias_of(*step.base);
        join.on = translated(step.on, scan);
        query.joins.push_back(std::move(join));
    }
    query.where = translated(scan.where, scan);
}

std::string output_name(const quarry::Expr& e, size_t position) {
    if (e.kind == ExprKind::Column) return e.column;
    return "c" + std::to_string(position + 1);
}

void add_columns(quarry::Query& query, const std::vector<ExprPtr>& models) {
    for (size_t i = 0; i < models.size(); ++i) {
        query.columns.push_back({output_name(*models[i], i), models[i], false});
    }
}

// A grouping's outputs; an average computed here takes two remote columns, its sum and count,
// and is marked 1 in `averages` (one entry per scan target entry, for scan.cpp).
void add_grouped_columns(quarry::Query& query, const RelState& grouped, List*& averages) {
    for (size_t i = 0; i < grouped.outputs.size(); ++i) {
        const ExprPtr& count = grouped.avg_counts[i];
        query.columns.push_back(
            {"c" + std::to_string(query.columns.size() + 1), grouped.outputs[i], false});
        if (count)
            query.columns.push_back({"c" + std::to_string(query.columns.size() + 1), count, false});
        const int is_average = count ? 1 : 0;
        averages =
            pg::pg_call([averages, is_average] { return lappend_int(averages, is_average); });
    }
    for (size_t i = 0; i < query.columns.size(); ++i) {
        if (query.columns[i].expr->kind == ExprKind::Column)
            query.columns[i].name = query.columns[i].expr->column;
    }
}

ExprPtr column_model(const RelState& scan, const Var* var) {
    std::optional<RemoteColumnRef> ref = scan.column(var, /*any_type=*/true);
    if (!ref) unrenderable("column");
    return make_column(ref->name, ref->type, ref->nullable, ref->qualifier, ref->bounds);
}

// The remote columns a scan of a foreign table returns, in attnum order (all of them for a
// whole-row reference).
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
        if (!whole_row &&
            !bms_is_member(column.attnum - FirstLowInvalidHeapAttributeNumber, attrs)) {
            continue;
        }
        const int attnum = column.attnum;
        retrieved = pg::pg_call([retrieved, attnum] { return lappend_int(retrieved, attnum); });
    }
    return retrieved;
}

// A plain scan of one foreign table: its own tuple descriptor, the retrieved columns filled.
void plan_base_scan(quarry::Query& query, RelOptInfo* rel, const RelState& base, List* scan_clauses,
                    List*& local_exprs, List*& retrieved) {
    ListCell* cell;
    foreach (cell, scan_clauses) {
        auto* info = static_cast<RestrictInfo*>(lfirst(cell));
        if (!pg::pg_call([&base, info] { return list_member_ptr(base.remote_conds, info); })) {
            local_exprs =
                pg::pg_call([local_exprs, info] { return lappend(local_exprs, info->clause); });
        }
    }
    retrieved = retrieved_attributes(rel, base, local_exprs);
    ListCell* attr_cell;
    foreach (attr_cell, retrieved) {
        const ForeignColumn& column =
            base.table.columns.at(static_cast<size_t>(lfirst_int(attr_cell) - 1));
        std::optional<Type> type = remote_model_type(column.type, column.typmod);
        query.columns.push_back({column.remote_name,
                                 make_column(column.remote_name, type.value_or(Type::Text),
                                             !column.not_null, {}, column.bounds),
                                 false});
    }
}

// A scan whose tuples are the Vars of `tlist` (a join, or an ordered or limited scan).
List* plan_var_scan(quarry::Query& query, const RelState& scan, List* tlist) {
    List* scan_tlist = pg::pg_call([tlist] {
        List* vars = pull_var_clause((Node*)tlist, PVC_RECURSE_PLACEHOLDERS);
        return add_to_flat_tlist(NIL, vars);
    });
    std::vector<ExprPtr> models;
    ListCell* cell;
    foreach (cell, scan_tlist) {
        auto* te = static_cast<TargetEntry*>(lfirst(cell));
        if (!IsA(te->expr, Var)) unrenderable("target entry");
        models.push_back(column_model(scan, (Var*)te->expr));
    }
    add_columns(query, models);
    return scan_tlist;
}

ForeignScan* get_plan(PlannerInfo* root, RelOptInfo* rel, Oid /*table_id*/, ForeignPath* path,
                      List* tlist, List* scan_clauses, Plan* outer_plan) {
    const RelState* state = state_of(rel);
    // What the statement computes; an Ordered or Final state only sorts or limits it.
    const bool sorts_or_limits = state->kind == RelKind::Ordered || state->kind == RelKind::Final;
    const RelState* source = sorts_or_limits ? state->source : state;
    const RelState& scan = *state->scan;
    quarry::Query query;
    add_from(query, scan);

    Index scan_relid = 0;
    List* local_exprs = NIL;
    List* retrieved = NIL;
    List* scan_tlist = NIL;
    List* averages = NIL;
    if (state->kind == RelKind::Base) {
        scan_relid = rel->relid;
        plan_base_scan(query, rel, *state, scan_clauses, local_exprs, retrieved);
    } else if (source->kind == RelKind::Grouped) {
        scan_tlist = source->grouped_tlist;
        add_grouped_columns(query, *source, averages);
        query.group_by = source->group_by;
        query.having = source->having;
    } else {
        scan_tlist = plan_var_scan(query, scan, tlist);
    }
    if (query.columns.empty()) query.columns.push_back({"none", make_null(), false});

    if (path_flag(path, kPathSorted)) {
        Relids relids = nullptr;
        for (const RelState* base : scan.bases) {
            const int relid = static_cast<int>(base->relid);
            relids = pg::pg_call([relids, relid] { return bms_add_member(relids, relid); });
        }
        if (!order_keys(*source, relids, path->path.pathkeys, query.order_by)) {
            unrenderable("sort");
        }
    }
    if (path_flag(path, kPathLimited)) {
        constant_count(root->parse->limitCount, query.limit);
        constant_count(root->parse->limitOffset, query.offset);
    }

    query.read_by_quarry = true;  // scan.cpp converts every value to its column's type
    std::string sql = state->dialect->render_query(query);
    const char* sql_text = sql.c_str();
    List* fdw_private = pg::pg_call([sql_text, retrieved, averages] {
        List* list = lappend(NIL, makeString(pstrdup(sql_text)));
        list = lappend(list, retrieved);
        return lappend(list, averages);
    });
    return pg::pg_call([=] {
        return make_foreignscan(tlist, local_exprs, scan_relid, NIL, fdw_private, scan_tlist, NIL,
                                outer_plan);
    });
}

// ---- the guarded shims --------------------------------------------------------------------------

extern "C" void quarry_GetForeignRelSize(PlannerInfo* root, RelOptInfo* rel, Oid table_id) {
    pg::guard([=] { get_rel_size(root, rel, table_id); });
}

extern "C" void quarry_GetForeignPaths(PlannerInfo* root, RelOptInfo* rel, Oid table_id) {
    pg::guard([=] { get_paths(root, rel, table_id); });
}

extern "C" void quarry_GetForeignJoinPaths(PlannerInfo* root, RelOptInfo* joinrel,
                                           RelOptInfo* outerrel, RelOptInfo* innerrel,
                                           JoinType type, JoinPathExtraData* extra) {
    pg::guard([=] { get_join_paths(root, joinrel, outerrel, innerrel, type, extra); });
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

std::optional<RemoteColumnRef> RelState::column(const Var* var, bool any_type) const {
    const RelState& scope = *scan;
    if (var->varlevelsup != 0 || var->varattno <= 0) return std::nullopt;
    for (const RelState* base : scope.bases) {
        if (var->varno != static_cast<int>(base->relid)) continue;
        if (static_cast<size_t>(var->varattno) > base->table.columns.size()) return std::nullopt;
        const ForeignColumn& column = base->table.columns[static_cast<size_t>(var->varattno - 1)];
        if (column.dropped) return std::nullopt;
        std::optional<Type> type = remote_model_type(column.type, column.typmod);
        if (!type && !any_type) return std::nullopt;
        const bool outer_nullable = std::find(scope.nullable.begin(), scope.nullable.end(),
                                              base->relid) != scope.nullable.end();
        return RemoteColumnRef{
            column.remote_name, scope.kind == RelKind::Join ? alias_of(*base) : std::string(),
            type.value_or(Type::Text), !column.not_null || outer_nullable, column.bounds};
    }
    return std::nullopt;
}

PushdownContext RelState::pushdown(bool allow_aggregates) const {
    PushdownContext context;
    context.dialect = dialect;
    context.allow_aggregates = allow_aggregates;
    const RelState* self = this;
    context.column = [self](const Var* var) { return self->column(var, /*any_type=*/false); };
    return context;
}

void fill_planner_callbacks(FdwRoutine* routine) {
    routine->GetForeignRelSize = quarry_GetForeignRelSize;
    routine->GetForeignPaths = quarry_GetForeignPaths;
    routine->GetForeignJoinPaths = quarry_GetForeignJoinPaths;
    routine->GetForeignPlan = quarry_GetForeignPlan;
    routine->GetForeignUpperPaths = quarry_GetForeignUpperPaths;
}

}  // namespace quarry::fdw
