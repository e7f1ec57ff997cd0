// The spec's `time`: the zone every wall-clock computation uses, the range (a WHERE on the raw
// column, so an index on it serves), and the grain (the first group key).
#include "spec/compiler.hpp"

namespace quarry::spec_detail {

namespace {

// The first local date whose midnight is at or after `t` (a date column's value stands for its
// midnight, so a date is in [from, to) exactly when its midnight is).
std::string date_at_or_after(const CivilTime& t) {
    const bool midnight = t.hour == 0 && t.minute == 0 && t.second == 0 && t.micros == 0;
    const int64_t day = days_from_civil(t.year, t.month, t.day) + (midnight ? 0 : 1);
    return format_date(civil_from_days(day));
}

std::string utc_text(Instant t) { return format_timestamp(civil_from_micros(t)); }

struct Bounds {
    ExprPtr from;
    ExprPtr to;
};

// The bounds in the form of the compared expression's type.
Bounds typed_bounds(Type t, bool raw_column, const TimeRange& r) {
    switch (t) {
        case Type::Date:
            return {make_date(date_at_or_after(r.local_from)),
                    make_date(date_at_or_after(r.local_to))};
        case Type::TimestampTz:
            return {make_timestamptz(utc_text(r.from)), make_timestamptz(utc_text(r.to))};
        case Type::Timestamp:
            // A raw timestamp column holds UTC; a computed one is wall-clock in the zone.
            if (raw_column)
                return {make_timestamp(utc_text(r.from)), make_timestamp(utc_text(r.to))};
            return {make_timestamp(format_timestamp(r.local_from)),
                    make_timestamp(format_timestamp(r.local_to))};
        default:
            return {};
    }
}

json resolved_range(const TimeRange& r, const std::string* text) {
    json out = object_of("from", format_instant(r.from), "to", format_instant(r.to));
    if (text != nullptr) out["text"] = *text;
    return out;
}

}  // namespace

void SpecCompiler::compile_zone(const json* time) {
    const json* zone = (time != nullptr && time->is_object()) ? find(*time, "timezone") : nullptr;
    if (zone == nullptr) {
        out_.zone = TimeZone::load("UTC");
        return;
    }
    const Path root;
    const Path time_path = root.key("time");
    const Path path = time_path.key("timezone");
    const std::string& name = expect_string(*zone, path);
    try {
        out_.zone = TimeZone::load(name);
    } catch (const Error& e) {
        fail(path, e.what(), e.sqlstate().c_str());
    }
}

void SpecCompiler::compile_time(const json& time, const Path& path) {
    expect_object(time, path);
    check_keys(time, path, {"column", "range", "grain", "timezone", "as"});
    json resolved;
    if (describe_) resolved = object_of("timezone", out_.zone->name());

    TimeUnit grain = TimeUnit::Day;
    if (const json* g = find(time, "grain")) {
        const std::string& text = expect_string(*g, path.key("grain"));
        if (!parse_time_unit(text, grain)) {
            fail(path.key("grain"), "unknown grain " + quote_for_message(text) +
                                        " (expected minute, hour, day, week, month, quarter or "
                                        "year)");
        }
        has_grain_ = true;
        if (describe_) resolved["grain"] = time_unit_name(grain);
    }

    const json* range = find(time, "range");
    TimeRange bounds;
    if (range != nullptr) {
        const Path range_path = path.key("range");
        if (range->is_string()) {
            const std::string& text = expect_string(*range, range_path);
            bounds = resolve_range(text, *out_.zone, out_.now, range_path.str());
            if (describe_) resolved["range"] = resolved_range(bounds, &text);
        } else if (range->is_array() || range->is_object()) {
            // [start, end], or the resolved form {"from", "to"} (explain's output fed back).
            const json* from = nullptr;
            const json* to = nullptr;
            if (range->is_array()) {
                if (range->size() != 2) fail(range_path, "an explicit range is [start, end]");
                from = &(*range)[0];
                to = &(*range)[1];
                expect_string(*from, range_path.index(0));
                expect_string(*to, range_path.index(1));
            } else {
                check_keys(*range, range_path, {"from", "to", "text"});
                from = find(*range, "from");
                to = find(*range, "to");
                if (from == nullptr || to == nullptr) {
                    fail(range_path, "an explicit range needs \"from\" and \"to\"");
                }
                expect_string(*from, range_path.key("from"));
                expect_string(*to, range_path.key("to"));
            }
            bounds = resolve_explicit_range(from->get_ref<const std::string&>(),
                                            to->get_ref<const std::string&>(), *out_.zone,
                                            range_path.str());
            if (describe_) resolved["range"] = resolved_range(bounds, nullptr);
        } else {
            wrong_type(range_path, *range, "a range text or [start, end]");
        }
    }

    const json* as = find(time, "as");
    if (as != nullptr && !has_grain_)
        fail(path.key("as"), "\"as\" names the grain's bucket; there is no \"grain\"");

    const json* column = find(time, "column");
    std::string column_name;
    Path column_path = path.key("column");
    if (column != nullptr) {
        column_name = expect_string(*column, column_path);
    } else if (range != nullptr || has_grain_) {
        column_name = out_.source->time_column;
        if (column_name.empty()) {
            fail(column_path, "missing, and source " + quote_for_message(out_.source->name) +
                                  " has no time_column");
        }
    }
    if (describe_ && !column_name.empty()) resolved["column"] = column_name;
    out_.time.column = column_name;
    out_.time.grain = grain;

    if (range != nullptr) restrict_to_range(column_name, bounds, column_path);
    if (has_grain_) {
        ExprPtr x = name_expr(column_name, column_path);
        if (!is_temporal(x->type) || x->contains_aggregate) {
            fail(column_path, quote_for_message(column_name) + " is " +
                                  std::string(type_name(x->type)) +
                                  ", not a date or timestamp column");
        }
        const bool stays_date = x->type == Type::Date && grain >= TimeUnit::Day;
        ExprPtr bucket = make_time_call(Func::DateTrunc, grain, {std::move(x)},
                                        stays_date ? Type::Date : Type::Timestamp);
        const Path as_path = as != nullptr ? path.key("as") : path.key("grain");
        const std::string name =
            as != nullptr ? expect_output_name(*as, as_path) : std::string(time_unit_name(grain));
        out_.time.bucket_output = out_.query.columns.size();
        add_output(name, std::move(bucket), true, as_path);
        if (describe_) resolved["as"] = name;
    }
    if (describe_) out_.resolved["time"] = std::move(resolved);
}

void SpecCompiler::restrict_to_range(const std::string& column, const TimeRange& range,
                                     const Path& path) {
    ExprPtr x;
    bool raw = false;
    switch (classify_name(*out_.source, column)) {
        case NameKind::Column: {
            // The raw column, not its wall-clock form: the comparison stays sargable.
            const ColumnInfo* info = resolve_column(*out_.source, column);
            used_name(column);
            x = make_column(info->physical_name.empty() ? info->name : info->physical_name,
                            info->type, info->nullable, {}, info->bounds);
            raw = true;
            break;
        }
        case NameKind::StoredFormula:
            x = name_expr(column, path);
            break;
        case NameKind::Unknown:
            fail(path, "unknown column " + quote_for_message(column), sqlstate::kUndefinedColumn);
    }
    Bounds b = typed_bounds(x->type, raw, range);
    if (!b.from || x->contains_aggregate) {
        fail(path, quote_for_message(column) + " is " + std::string(type_name(x->type)) +
                       ", not a date or timestamp column");
    }
    out_.time.range_where = out_.query.where.size();
    out_.time.range = range;
    out_.query.where.push_back(make_call(Func::Ge, {x, std::move(b.from)}, Type::Boolean));
    out_.query.where.push_back(make_call(Func::Lt, {x, std::move(b.to)}, Type::Boolean));
}

}  // namespace quarry::spec_detail
