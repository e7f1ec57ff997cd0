#include "rollup/rollup.hpp"

#include <algorithm>
#include <utility>

#include "common/error.hpp"
#include "model/expr_print.hpp"

namespace quarry {

namespace {

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

[[noreturn]] void shape_error(const std::string& path, const std::string& what) {
    throw Error(sqlstate::kInvalidParameterValue, path + ": " + what);
}

void check_definition_keys(const nlohmann::json& spec) {
    for (const char* key : {"having", "order", "limit", "offset", "options"}) {
        if (spec.contains(key)) {
            shape_error(key, std::string("a materialization keeps every group; \"") + key +
                                 "\" belongs to the specs it serves");
        }
    }
    const auto time = spec.find("time");
    if (time != spec.end() && time->is_object() && time->contains("range")) {
        shape_error("time.range",
                    "a materialization covers all time; a range belongs to the specs it serves");
    }
}

ExprPtr as_double(const ExprPtr& x) {
    if (x->type == Type::Double) return x;
    return make_call(Func::Cast, {x}, Type::Double);
}

void add_component(std::vector<StoredColumn>& components, ExprPtr aggregate) {
    for (const StoredColumn& c : components) {
        if (same_expr(*c.expr, *aggregate)) return;
    }
    components.push_back({std::string(), std::move(aggregate)});
}

// The aggregates `e` is made of, in their stored (additive) form: avg(x) as sum(x) and count(x).
void collect_components(const ExprPtr& e, std::vector<StoredColumn>& components) {
    if (e->kind != ExprKind::Call) return;
    if (!is_aggregate(e->func)) {
        for (const ExprPtr& a : e->args) collect_components(a, components);
        return;
    }
    if (e->func == Func::Avg) {
        const ExprPtr& x = e->args.at(0);
        add_component(components, make_call(Func::Sum, {as_double(x)}, Type::Double));
        add_component(components, make_call(Func::Count, {x}, Type::Integer));
        return;
    }
    add_component(components, e);
}

// agg_1, agg_2, ...: with a prefix no key name starts with, so that no name is taken twice.
void name_components(MaterializedShape& shape) {
    std::string prefix = "agg_";
    while (std::any_of(shape.keys.begin(), shape.keys.end(), [&prefix](const StoredColumn& k) {
        return k.name.compare(0, prefix.size(), prefix) == 0;
    })) {
        prefix.insert(0, 1, '_');
    }
    for (size_t i = 0; i < shape.components.size(); ++i) {
        shape.components[i].name = prefix + std::to_string(i + 1);
    }
}

// Whether buckets of `coarse` are unions of buckets of `fine` (weeks do not nest in months).
bool nests_in(TimeUnit fine, TimeUnit coarse) {
    if (fine == coarse) return true;
    if (fine == TimeUnit::Week) return false;
    if (coarse == TimeUnit::Week) return fine <= TimeUnit::Day;
    return fine < coarse;
}

bool is_aligned(const CivilTime& t, TimeUnit grain) {
    const CivilTime start = truncate_civil(t, grain);
    return micros_from_civil(start) == micros_from_civil(t);
}

// Whether the zone's clock shows `wall` twice (a fall-back hour): then "at or after `wall`" in
// wall-clock time is not "at or after one instant".
bool is_repeated(const TimeZone& zone, const CivilTime& wall) {
    if (zone.is_utc()) return false;
    const int64_t wall_micros = micros_from_civil(wall);
    const Instant first = zone.from_local(wall);
    for (Instant probe : {first - kMicrosPerDay, first + kMicrosPerDay}) {
        const Instant other = wall_micros - int64_t{zone.utc_offset_at(probe)} * 1000000;
        if (other != first && micros_from_civil(zone.to_local(other)) == wall_micros) return true;
    }
    return false;
}

CivilTime step_back(const CivilTime& start, TimeUnit grain) {
    switch (grain) {
        case TimeUnit::Minute:
            return civil_from_micros(micros_from_civil(start) - int64_t{60} * 1000000);
        case TimeUnit::Hour:
            return civil_from_micros(micros_from_civil(start) - int64_t{3600} * 1000000);
        case TimeUnit::Day:
            return civil_from_days(days_from_civil(start.year, start.month, start.day) - 1);
        case TimeUnit::Week:
            return civil_from_days(days_from_civil(start.year, start.month, start.day) - 7);
        case TimeUnit::Month:
        case TimeUnit::Quarter:
        case TimeUnit::Year: {
            const int months = grain == TimeUnit::Month ? 1 : grain == TimeUnit::Quarter ? 3 : 12;
            const int index = start.year * 12 + (start.month - 1) - months;
            CivilTime t;
            t.year = index / 12;
            t.month = index % 12 + 1;
            return t;
        }
    }
    return start;
}

// One rollup: the spec's expressions rewritten over the materialization's table.
class Roller {
public:
    Roller(const CompiledSpec& spec, const MaterializedShape& shape) : spec_(spec), shape_(shape) {}

    Rollup run(const TableRef& table) {
        Rollup out;
        out.query.from = table;
        if (!rewrite(out.query)) {
            out.reason = reason_;
            out.query = Query();
            return out;
        }
        out.ok = true;
        return out;
    }

private:
    bool fail(std::string reason) {
        if (reason_.empty()) reason_ = std::move(reason);
        return false;
    }

    ExprPtr stored(const StoredColumn& c) const {
        return make_column(c.name, c.expr->type, c.expr->nullable);
    }

    const StoredColumn* stored_component(const Expr& aggregate) const {
        for (const StoredColumn& c : shape_.components) {
            if (same_expr(*c.expr, aggregate)) return &c;
        }
        return nullptr;
    }

    // A key as stored, or the time bucket coarsened; nullptr when `e` is neither.
    ExprPtr key_for(const Expr& e) const {
        for (const StoredColumn& k : shape_.keys) {
            if (same_expr(*k.expr, e)) return stored(k);
        }
        if (!shape_.bucket || e.kind != ExprKind::Call || e.func != Func::DateTrunc) return nullptr;
        const StoredColumn& bucket = shape_.keys[*shape_.bucket];
        const Expr& b = *bucket.expr;
        if (b.args.size() != 1 || e.args.size() != 1 || !same_expr(*b.args[0], *e.args[0]) ||
            !nests_in(b.unit, e.unit)) {
            return nullptr;
        }
        return make_time_call(Func::DateTrunc, e.unit, {stored(bucket)}, e.type);
    }

    ExprPtr missing_component(const Expr& aggregate) {
        fail("the spec needs " + to_sexpr(aggregate) +
             ", which the materialization does not store");
        return nullptr;
    }

    ExprPtr rolled_up(const Expr& a) {
        switch (a.func) {
            case Func::Sum:
            case Func::SumIf:
            case Func::Min:
            case Func::Max: {
                const StoredColumn* c = stored_component(a);
                if (c == nullptr) return missing_component(a);
                const Func f = a.func == Func::SumIf ? Func::Sum : a.func;
                return make_call(f, {stored(*c)}, a.type);
            }
            case Func::Count:
            case Func::CountAll:
            case Func::CountIf: {
                const StoredColumn* c = stored_component(a);
                if (c == nullptr) return missing_component(a);
                // A count over no row is 0, a sum over no row NULL.
                ExprPtr total = make_call(Func::Sum, {stored(*c)}, Type::Integer);
                return make_call(Func::Coalesce, {total, make_integer(0)}, Type::Integer);
            }
            case Func::Avg: {
                const ExprPtr& x = a.args.at(0);
                ExprPtr sum = make_call(Func::Sum, {as_double(x)}, Type::Double);
                ExprPtr count = make_call(Func::Count, {x}, Type::Integer);
                const StoredColumn* s = stored_component(*sum);
                const StoredColumn* n = stored_component(*count);
                if (s == nullptr || n == nullptr) return missing_component(a);
                // What AVG computes: the sum of the doubles over their count.
                return make_call(Func::Div,
                                 {make_call(Func::Sum, {stored(*s)}, Type::Double),
                                  make_call(Func::Sum, {stored(*n)}, Type::Integer)},
                                 Type::Double);
            }
            case Func::CountDistinct:
            case Func::ApproxCountDistinct: {
                if (!exact_) {
                    fail(std::string(func_name(a.func)) +
                         " does not roll up: the spec would merge groups of the "
                         "materialization (it must group by all of its keys at its grain)");
                    return nullptr;
                }
                const StoredColumn* c = stored_component(a);
                if (c == nullptr) return missing_component(a);
                // One stored row per group: its value.
                return make_call(Func::Max, {stored(*c)}, a.type);
            }
            default:
                break;
        }
        fail("the spec uses " + to_sexpr(a) + ", which does not roll up");
        return nullptr;
    }

    // `e` over the table; nullptr (and a reason) when it needs what the table does not keep.
    ExprPtr over_table(const ExprPtr& e, bool aggregates) {
        if (ExprPtr k = key_for(*e)) return k;
        switch (e->kind) {
            case ExprKind::Literal:
                return e;
            case ExprKind::Column:
                fail("the spec uses column " + quote_for_message(e->column) +
                     " outside the materialization's keys");
                return nullptr;
            case ExprKind::Call:
                break;
        }
        if (is_aggregate(e->func)) {
            if (!aggregates) {
                fail("the spec uses " + to_sexpr(*e) + " where no aggregate belongs");
                return nullptr;
            }
            return rolled_up(*e);
        }
        std::vector<ExprPtr> args;
        args.reserve(e->args.size());
        for (const ExprPtr& a : e->args) {
            ExprPtr r = over_table(a, aggregates);
            if (!r) return nullptr;
            args.push_back(std::move(r));
        }
        return with_args(*e, std::move(args));
    }

    // The definition's filters must be among the spec's: those rows are all the table has.
    bool match_definition_filters(std::vector<bool>& handled) {
        const std::vector<ExprPtr>& where = spec_.query.where;
        for (const ExprPtr& w : shape_.where) {
            bool found = false;
            for (size_t i = 0; i < where.size() && !found; ++i) {
                if (!handled[i] && same_expr(*where[i], *w)) handled[i] = found = true;
            }
            if (!found) {
                return fail("the materialization keeps only the rows where " + to_sexpr(*w) +
                            "; the spec does not filter on that");
            }
        }
        return true;
    }

    // The bound of a range as a wall-clock time in the materialization's zone.
    bool range_bound(size_t where_index, bool to, CivilTime& out) const {
        const StoredColumn& bucket = shape_.keys[*shape_.bucket];
        if (bucket.expr->type == Type::Date) {
            const Expr& literal = *spec_.query.where[where_index]->args.at(1);
            bool has_offset = false;
            int offset = 0;
            return literal.kind == ExprKind::Literal && literal.type == Type::Date &&
                   parse_civil(literal.literal.text, out, has_offset, offset);
        }
        out = to ? spec_.time.range.local_to : spec_.time.range.local_from;
        return true;
    }

    ExprPtr bound_literal(const CivilTime& t) const {
        const StoredColumn& bucket = shape_.keys[*shape_.bucket];
        if (bucket.expr->type == Type::Date) return make_date(format_date(t));
        return make_timestamp(format_timestamp(t));
    }

    // The spec's time range as a range of stored buckets, when it starts and ends on bucket
    // boundaries of the same time column in the same zone.
    bool match_range(std::vector<bool>& handled, std::vector<ExprPtr>& where) {
        if (!spec_.time.range_where) return true;
        const size_t i = *spec_.time.range_where;
        if (handled[i] || handled[i + 1]) return true;
        const std::string what = "the spec's time range";
        if (!shape_.bucket) return true;  // only a stored raw time column could serve it
        if (spec_.time.column != shape_.time_column) {
            return fail(what + " is on " + quote_for_message(spec_.time.column) +
                        ", the materialization's buckets on " +
                        quote_for_message(shape_.time_column));
        }
        if (spec_.zone->name() != shape_.zone) {
            return fail(what + " is in " + spec_.zone->name() +
                        " time, the materialization's buckets in " + shape_.zone);
        }
        CivilTime from;
        CivilTime to;
        if (!range_bound(i, false, from) || !range_bound(i + 1, true, to)) {
            return fail(what + " has bounds the materialization cannot compare");
        }
        if (!is_aligned(from, shape_.grain) || !is_aligned(to, shape_.grain)) {
            return fail(what + " [" + format_timestamp(from) + ", " + format_timestamp(to) +
                        ") does not start and end on " + std::string(time_unit_name(shape_.grain)) +
                        " boundaries, the materialization's grain");
        }
        if (shape_.keys[*shape_.bucket].expr->type != Type::Date &&
            (is_repeated(*spec_.zone, from) || is_repeated(*spec_.zone, to))) {
            return fail(what + " starts or ends in an hour that " + shape_.zone + " repeats");
        }
        ExprPtr bucket = stored(shape_.keys[*shape_.bucket]);
        where.push_back(make_call(Func::Ge, {bucket, bound_literal(from)}, Type::Boolean));
        where.push_back(make_call(Func::Lt, {bucket, bound_literal(to)}, Type::Boolean));
        handled[i] = handled[i + 1] = true;
        return true;
    }

    bool rewrite(Query& out) {
        const Query& q = spec_.query;
        if (!q.joins.empty()) return fail("the spec joins relations");
        std::vector<bool> handled(q.where.size(), false);
        if (!match_definition_filters(handled) || !match_range(handled, out.where)) return false;
        for (size_t i = 0; i < q.where.size(); ++i) {
            if (handled[i]) continue;
            ExprPtr w = over_table(q.where[i], false);
            if (!w) return false;
            out.where.push_back(std::move(w));
        }
        // No group of the table is split or merged when the spec groups by every stored key.
        exact_ = std::all_of(shape_.keys.begin(), shape_.keys.end(), [&q](const StoredColumn& k) {
            return std::any_of(q.group_by.begin(), q.group_by.end(),
                               [&k](const ExprPtr& g) { return same_expr(*g, *k.expr); });
        });
        for (const ExprPtr& g : q.group_by) {
            ExprPtr r = over_table(g, false);
            if (!r) return false;
            out.group_by.push_back(std::move(r));
        }
        for (const OutputColumn& c : q.columns) {
            ExprPtr r = over_table(c.expr, !c.is_group_key);
            if (!r) return false;
            out.columns.push_back({c.name, std::move(r), c.is_group_key});
        }
        for (const ExprPtr& h : q.having) {
            ExprPtr r = over_table(h, true);
            if (!r) return false;
            out.having.push_back(std::move(r));
        }
        for (const OrderKey& k : q.order_by) {
            OrderKey r = k;
            if (k.output_index >= 0) {
                r.expr = out.columns.at(static_cast<size_t>(k.output_index)).expr;
            } else {
                r.expr = over_table(k.expr, true);
                if (!r.expr) return false;
            }
            out.order_by.push_back(std::move(r));
        }
        out.limit = q.limit;
        out.offset = q.offset;
        return true;
    }

    const CompiledSpec& spec_;
    const MaterializedShape& shape_;
    bool exact_ = false;
    std::string reason_;
};

}  // namespace

CivilTime truncate_civil(const CivilTime& t, TimeUnit grain) {
    CivilTime r = t;
    r.micros = 0;
    r.second = 0;
    if (grain == TimeUnit::Minute) return r;
    r.minute = 0;
    if (grain == TimeUnit::Hour) return r;
    r.hour = 0;
    if (grain == TimeUnit::Day) return r;
    if (grain == TimeUnit::Week) {
        const int64_t day = days_from_civil(r.year, r.month, r.day);
        return civil_from_days(day - (iso_weekday(r.year, r.month, r.day) - 1));
    }
    r.day = 1;
    if (grain == TimeUnit::Quarter) r.month = (r.month - 1) / 3 * 3 + 1;
    if (grain == TimeUnit::Year) r.month = 1;
    return r;
}

CivilTime refresh_window_start(Instant now, const TimeZone& zone, TimeUnit grain, int buckets) {
    CivilTime start = truncate_civil(zone.to_local(now), grain);
    for (int i = 1; i < buckets; ++i) start = step_back(start, grain);
    // A fall-back hour repeats at most one bucket boundary of a grain of an hour or less.
    for (int i = 0; i < 4 && is_repeated(zone, start); ++i) start = step_back(start, grain);
    return start;
}

MaterializedShape materialized_shape(const nlohmann::json& spec, const CompiledSpec& compiled) {
    check_definition_keys(spec);
    const Query& q = compiled.query;
    MaterializedShape shape;
    shape.where = q.where;
    shape.grain = compiled.time.grain;
    shape.time_column = compiled.time.column;
    shape.zone = compiled.zone ? compiled.zone->name() : "UTC";
    for (size_t i = 0; i < q.columns.size(); ++i) {
        const OutputColumn& c = q.columns[i];
        if (c.is_group_key) {
            if (compiled.time.bucket_output == i) shape.bucket = shape.keys.size();
            shape.keys.push_back({c.name, c.expr});
        } else {
            collect_components(c.expr, shape.components);
        }
    }
    name_components(shape);
    return shape;
}

Query storage_query(const MaterializedShape& shape, const TableRef& source,
                    const std::vector<ExprPtr>& extra_where) {
    Query s;
    s.from = source;
    for (const StoredColumn& k : shape.keys) {
        s.columns.push_back({k.name, k.expr, true});
        s.group_by.push_back(k.expr);
    }
    for (const StoredColumn& c : shape.components) s.columns.push_back({c.name, c.expr, false});
    s.where = shape.where;
    s.where.insert(s.where.end(), extra_where.begin(), extra_where.end());
    return s;
}

Rollup rollup(const CompiledSpec& spec, const MaterializedShape& shape, const TableRef& table) {
    return Roller(spec, shape).run(table);
}

}  // namespace quarry
