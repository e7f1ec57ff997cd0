// compile_spec: the JSON spec (PRODUCT.md, "The query spec") -> Query, options, resolved spec,
// canonical form and hash. This file holds the flow and the select-list sections; time,
// filters/having and the canonical form have files of their own. docs/spec.md is the reference.
#include <algorithm>
#include <limits>

#include "spec/compiler.hpp"

namespace quarry {

namespace spec_detail {

namespace {

// {"column": "revenue", "agg": "avg"} without "as" is named avg_revenue.
std::string default_metric_name(const std::string& agg, const std::string& column) {
    std::string name = agg;
    name += '_';
    name += column;
    return name;
}

constexpr int64_t kMaxLimit = 1000000000;
constexpr size_t kMaxJsonDepth = 256;
constexpr int64_t kMaxIntervalSeconds = 100LL * 366 * 86400;

struct AggregateName {
    std::string_view name;
    Func func;
};
constexpr AggregateName kAggregates[] = {
    {"sum", Func::Sum},
    {"avg", Func::Avg},
    {"min", Func::Min},
    {"max", Func::Max},
    {"count", Func::Count},
    {"count_distinct", Func::CountDistinct},
    {"approx_count_distinct", Func::ApproxCountDistinct},
};

// The result type of an aggregate over `arg` (sums of integers are exact, hence numeric).
Type aggregate_type(Func f, Type arg) {
    switch (f) {
        case Func::Sum:
            return arg;  // as the formula sum() types it: integer sums stay integer (and exact)
        case Func::Avg:
            return Type::Double;
        case Func::Count:
        case Func::CountDistinct:
        case Func::ApproxCountDistinct:
            return Type::Integer;
        default:
            return arg;
    }
}

std::string type_text(Type t) { return std::string(type_name(t)); }

// "5 minutes", "1 hour 30 minutes", "30 s": a sum of "<count> <unit>" terms, in seconds.
bool parse_interval(std::string_view text, int64_t& seconds) {
    struct Unit {
        std::string_view names[4];
        int64_t seconds;
    };
    static constexpr Unit kUnits[] = {
        {{"second", "seconds", "sec", "s"}, 1}, {{"minute", "minutes", "min", "mins"}, 60},
        {{"hour", "hours", "h", "hr"}, 3600},   {{"day", "days", "d", "d"}, 86400},
        {{"week", "weeks", "w", "w"}, 604800},
    };
    size_t i = 0;
    auto skip_blanks = [&] {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    };
    int64_t total = 0;
    bool any = false;
    skip_blanks();
    while (i < text.size()) {
        int64_t count = 0;
        const size_t digits_start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            count = count * 10 + (text[i++] - '0');
            if (count > kMaxIntervalSeconds) return false;
        }
        if (i == digits_start) return false;
        skip_blanks();
        const size_t word_start = i;
        while (i < text.size() &&
               ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z'))) {
            ++i;
        }
        std::string word(text.substr(word_start, i - word_start));
        for (char& c : word) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
        const Unit* unit = nullptr;
        for (const Unit& u : kUnits) {
            for (std::string_view n : u.names) {
                if (word == n) unit = &u;
            }
        }
        if (unit == nullptr) return false;
        total += count * unit->seconds;
        if (total > kMaxIntervalSeconds) return false;
        any = true;
        skip_blanks();
    }
    seconds = total;
    return any;
}

// Guards the recursive JSON parser against hostile nesting.
bool nesting_within(const std::string& text, size_t limit) {
    size_t depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return false;
        } else if (c == ']' || c == '}') {
            if (depth > 0) --depth;
        }
    }
    return true;
}

}  // namespace

void SpecCompiler::compile(const json& spec) {
    const Path root;
    if (!spec.is_object()) wrong_type(root, spec, "a JSON object");
    check_keys(spec, root,
               {"source", "groupby", "metrics", "filters", "having", "time", "order", "limit",
                "offset", "options"});
    compile_source(spec);
    compile_options(find(spec, "options"));
    const json* time = find(spec, "time");
    compile_zone(time);
    fctx_.source = out_.source.get();
    fctx_.zone = out_.zone;
    fctx_.now = out_.now;

    if (time != nullptr) {
        compile_time(*time, root.key("time"));
    } else {
        if (describe_) out_.resolved["time"] = object_of("timezone", out_.zone->name());
    }
    if (const json* groupby = find(spec, "groupby")) compile_groupby(*groupby, root.key("groupby"));
    first_metric_ = out_.query.columns.size();
    if (const json* metrics = find(spec, "metrics")) compile_metrics(*metrics, root.key("metrics"));
    if (out_.query.columns.empty()) {
        fail(root, "a spec needs at least one of \"groupby\", \"metrics\" or \"time.grain\"");
    }
    if (const json* filters = find(spec, "filters")) compile_filters(*filters, root.key("filters"));
    if (const json* having = find(spec, "having")) compile_having(*having, root.key("having"));
    if (const json* order = find(spec, "order")) {
        compile_order(*order, root.key("order"));
    } else {
        default_order();
    }
    compile_limits(spec);
    finish_canonical();
}

void SpecCompiler::compile_source(const json& spec) {
    const Path root;
    const Path path = root.key("source");
    const json* source = find(spec, "source");
    if (source == nullptr) fail(root, "missing \"source\" (a source, table or view name)");
    const std::string& name = expect_string(*source, path);
    if (name.empty()) fail(path, "a source name cannot be empty");
    if (ctx_.catalog == nullptr) {
        throw Error(sqlstate::kInternalError, "compile_spec called without a catalog");
    }
    out_.source = ctx_.catalog->find_source(name);
    if (!out_.source) throw Error(sqlstate::kInternalError, "the catalog found no source");
    out_.query.from = out_.source->relation;
    if (describe_) out_.resolved["source"] = out_.source->name;
    if (describe_) out_.resolved["source_version"] = out_.source->version;
}

void SpecCompiler::compile_options(const json* options) {
    const Path root;
    const Path path = root.key("options");
    json resolved = describe_ ? json::object() : json();
    out_.now = ctx_.transaction_now;
    if (options != nullptr) {
        expect_object(*options, path);
        check_keys(*options, path, {"cache", "max_age", "now"});
        if (const json* cache = find(*options, "cache")) {
            const std::string& mode = expect_string(*cache, path.key("cache"));
            if (mode == "use") {
                out_.options.cache = CacheMode::Use;
            } else if (mode == "refresh") {
                out_.options.cache = CacheMode::Refresh;
            } else if (mode == "bypass") {
                out_.options.cache = CacheMode::Bypass;
            } else {
                fail(path.key("cache"), "unknown cache mode " + quote_for_message(mode) +
                                            " (expected use, refresh or bypass)");
            }
        }
        if (const json* max_age = find(*options, "max_age")) {
            int64_t seconds = 0;
            if (max_age->is_number_integer()) {
                seconds = expect_integer(*max_age, path.key("max_age"), 0, kMaxIntervalSeconds);
            } else if (!parse_interval(expect_string(*max_age, path.key("max_age")), seconds)) {
                fail(path.key("max_age"),
                     "invalid interval " +
                         quote_for_message(max_age->get_ref<const std::string&>()) +
                         " (expected e.g. \"30 seconds\", \"5 minutes\", \"1 hour\", \"2 days\")");
            }
            out_.options.max_age_seconds = seconds;
            resolved["max_age"] = seconds;
        }
        if (const json* now = find(*options, "now")) {
            const std::string& text = expect_string(*now, path.key("now"));
            Instant instant = 0;
            if (!parse_instant(text, instant)) {
                fail(path.key("now"), "invalid instant " + quote_for_message(text) +
                                          " (expected ISO-8601 with Z or an offset, e.g. "
                                          "\"2026-11-01T00:00:00Z\")");
            }
            out_.options.now = instant;
            out_.now = instant;
        }
    }
    static constexpr std::string_view kModes[] = {"use", "refresh", "bypass"};
    if (describe_) resolved["cache"] = kModes[static_cast<int>(out_.options.cache)];
    if (describe_) resolved["now"] = format_instant(out_.now);
    if (describe_) out_.resolved["options"] = std::move(resolved);
}

ExprPtr SpecCompiler::formula(const std::string& text, const Path& path, std::string* normalized) {
    used_formula(text);
    return compile_formula(text, fctx_, path.lazy(), describe_ ? normalized : nullptr);
}

ExprPtr SpecCompiler::name_expr(const std::string& name, const Path& path) {
    used_name(name);
    return compile_name(name, fctx_, path.lazy());
}

void SpecCompiler::add_output(std::string name, ExprPtr expr, bool group_key, const Path& path) {
    for (const OutputColumn& c : out_.query.columns) {
        if (c.name == name) fail(path, "duplicate output name " + quote_for_message(name));
    }
    if (group_key) out_.query.group_by.push_back(expr);
    out_.query.columns.push_back(OutputColumn{std::move(name), std::move(expr), group_key});
}

void SpecCompiler::compile_groupby(const json& list, const Path& path) {
    expect_array(list, path);
    json resolved = describe_ ? json::array() : json();
    for (size_t i = 0; i < list.size(); ++i) {
        const Path item_path = path.index(i);
        const json& item = list[i];
        if (item.is_string()) {
            const std::string& name = expect_string(item, item_path);
            ExprPtr key = name_expr(name, item_path);
            if (key->contains_aggregate) {
                fail(item_path,
                     quote_for_message(name) +
                         " is a measure (it aggregates); a group key cannot aggregate",
                     sqlstate::kInvalidParameterValue);
            }
            add_output(name, std::move(key), true, item_path);
            if (describe_) resolved.push_back(name);
            continue;
        }
        if (!item.is_object())
            wrong_type(item_path, item, "a column name or {\"formula\", \"as\"}");
        check_keys(item, item_path, {"formula", "as"});
        const json* text = find(item, "formula");
        const json* as = find(item, "as");
        if (text == nullptr || as == nullptr) {
            fail(item_path, "a formula group key needs \"formula\" and \"as\"");
        }
        const Path formula_path = item_path.key("formula");
        const std::string& source_text = expect_string(*text, formula_path);
        const std::string& name = expect_output_name(*as, item_path.key("as"));
        std::string normalized;
        ExprPtr key = formula(source_text, formula_path, &normalized);
        if (key->contains_aggregate) {
            fail(formula_path, "a group key cannot aggregate", sqlstate::kInvalidParameterValue);
        }
        add_output(name, std::move(key), true, item_path.key("as"));
        if (describe_) resolved.push_back(object_of("formula", std::move(normalized), "as", name));
    }
    if (describe_) out_.resolved["groupby"] = std::move(resolved);
}

ExprPtr SpecCompiler::metric_by_name(const std::string& name, const Path& path, bool* summed) {
    if (classify_name(*out_.source, name) == NameKind::Unknown) {
        fail(path, "unknown column or measure " + quote_for_message(name),
             sqlstate::kUndefinedColumn);
    }
    ExprPtr e = name_expr(name, path);
    if (e->contains_aggregate) return e;
    if (!is_numeric(e->type)) {
        fail(path, quote_for_message(name) + " is " + type_text(e->type) +
                       ", not numeric, so it cannot be summed; count it with {\"column\": " +
                       quote_for_message(name) + ", \"agg\": \"count_distinct\"}");
    }
    const Type t = aggregate_type(Func::Sum, e->type);
    if (summed != nullptr) *summed = true;
    return make_call(Func::Sum, {std::move(e)}, t);
}

ExprPtr SpecCompiler::aggregate_column(const std::string& column, std::string_view agg,
                                       const Path& path, const Path& agg_path) {
    const AggregateName* found = nullptr;
    for (const AggregateName& a : kAggregates) {
        if (a.name == agg) found = &a;
    }
    if (found == nullptr) fail(agg_path, "unknown aggregate " + quote_for_message(agg));
    if (classify_name(*out_.source, column) == NameKind::Unknown) {
        fail(path, "unknown column " + quote_for_message(column), sqlstate::kUndefinedColumn);
    }
    ExprPtr x = name_expr(column, path);
    if (x->contains_aggregate) {
        fail(path, quote_for_message(column) + " is a measure; it cannot be aggregated again",
             sqlstate::kInvalidParameterValue);
    }
    if ((found->func == Func::Sum || found->func == Func::Avg) && !is_numeric(x->type)) {
        fail(agg_path, quote_for_message(agg) + " needs a numeric column; " +
                           quote_for_message(column) + " is " + type_text(x->type));
    }
    const Type t = aggregate_type(found->func, x->type);
    return make_call(found->func, {std::move(x)}, t);
}

void SpecCompiler::compile_metrics(const json& list, const Path& path) {
    expect_array(list, path);
    json resolved = describe_ ? json::array() : json();
    for (size_t i = 0; i < list.size(); ++i) {
        const Path item_path = path.index(i);
        const json& item = list[i];
        if (item.is_string()) {
            const std::string& name = expect_string(item, item_path);
            bool summed = false;
            ExprPtr m = metric_by_name(name, item_path, &summed);
            // A summed column is the shorthand of {"column", "agg": "sum"}: resolve it so.
            if (describe_) {
                if (summed) {
                    resolved.push_back(object_of("column", name, "agg", "sum", "as", name));
                } else {
                    resolved.push_back(name);
                }
            }
            add_output(name, std::move(m), false, item_path);
            continue;
        }
        if (!item.is_object()) {
            wrong_type(item_path, item,
                       "a measure or column name, {\"column\", \"agg\", \"as\"} or "
                       "{\"formula\", \"as\"}");
        }
        if (const json* text = find(item, "formula")) {
            check_keys(item, item_path, {"formula", "as"});
            const Path formula_path = item_path.key("formula");
            const std::string& source_text = expect_string(*text, formula_path);
            const json* as = find(item, "as");
            if (as == nullptr) fail(item_path, "a formula metric needs \"as\"");
            const std::string& name = expect_output_name(*as, item_path.key("as"));
            std::string normalized;
            ExprPtr m = formula(source_text, formula_path, &normalized);
            if (!m->contains_aggregate) {
                fail(formula_path,
                     "a metric must aggregate (sum, avg, count...); this formula does not",
                     sqlstate::kInvalidParameterValue);
            }
            add_output(name, std::move(m), false, item_path.key("as"));
            if (describe_) {
                resolved.push_back(object_of("formula", std::move(normalized), "as", name));
            }
            continue;
        }
        check_keys(item, item_path, {"column", "agg", "as"});
        const json* column = find(item, "column");
        if (column == nullptr) {
            fail(item_path, "a metric object needs \"column\" (with \"agg\") or \"formula\"");
        }
        const std::string& column_name = expect_string(*column, item_path.key("column"));
        const json* agg = find(item, "agg");
        const std::string agg_name =
            agg == nullptr ? std::string("sum") : expect_string(*agg, item_path.key("agg"));
        ExprPtr m =
            aggregate_column(column_name, agg_name, item_path.key("column"), item_path.key("agg"));
        const json* as = find(item, "as");
        std::string name = as == nullptr ? default_metric_name(agg_name, column_name)
                                         : expect_output_name(*as, item_path.key("as"));
        if (describe_)
            resolved.push_back(object_of("column", column_name, "agg", agg_name, "as", name));
        add_output(std::move(name), std::move(m), false,
                   as == nullptr ? item_path : item_path.key("as"));
    }
    if (describe_) out_.resolved["metrics"] = std::move(resolved);
}

void SpecCompiler::compile_order(const json& order, const Path& path) {
    // A single key may be written without the list.
    const json* items = &order;
    json single;
    if (!order.is_array()) {
        single = json::array({order});
        items = &single;
    }
    expect_array(*items, path);
    json resolved = describe_ ? json::array() : json();
    for (size_t i = 0; i < items->size(); ++i) {
        const json& item = (*items)[i];
        const Path item_path = order.is_array() ? path.index(i) : path;
        std::string by;
        bool descending = false;
        Path by_path = item_path;
        if (item.is_string()) {
            const std::string& text = expect_string(item, item_path);
            descending = !text.empty() && text[0] == '-';
            by = descending ? text.substr(1) : text;
        } else if (item.is_object()) {
            check_keys(item, item_path, {"by", "dir"});
            const json* by_value = find(item, "by");
            if (by_value == nullptr) fail(item_path, "an order key needs \"by\"");
            by_path = item_path.key("by");
            by = expect_string(*by_value, by_path);
            if (const json* dir = find(item, "dir")) {
                const std::string& d = expect_string(*dir, item_path.key("dir"));
                if (d == "desc" || d == "DESC") {
                    descending = true;
                } else if (d != "asc" && d != "ASC") {
                    fail(item_path.key("dir"),
                         "unknown direction " + quote_for_message(d) + " (expected asc or desc)");
                }
            }
        } else {
            wrong_type(item_path, item, "\"name\", \"-name\" or {\"by\", \"dir\"}");
        }
        const auto& columns = out_.query.columns;
        auto it = std::find_if(columns.begin(), columns.end(),
                               [&](const OutputColumn& c) { return c.name == by; });
        if (it == columns.end()) {
            std::string names;
            for (const OutputColumn& c : columns) names += (names.empty() ? "" : ", ") + c.name;
            fail(by_path, "unknown output column " + quote_for_message(by) +
                              " (the outputs are: " + names + ")");
        }
        const int index = static_cast<int>(it - columns.begin());
        out_.query.order_by.push_back(OrderKey{it->expr, descending, index});
        if (describe_) resolved.push_back(object_of("by", by, "dir", descending ? "desc" : "asc"));
    }
    if (describe_) out_.resolved["order"] = std::move(resolved);
}

void SpecCompiler::default_order() {
    json resolved = describe_ ? json::array() : json();
    // A time series comes back in time order: the bucket is the first output.
    if (has_grain_) {
        const OutputColumn& bucket = out_.query.columns.front();
        out_.query.order_by.push_back(OrderKey{bucket.expr, false, 0});
        if (describe_) resolved.push_back(object_of("by", bucket.name, "dir", "asc"));
    }
    if (describe_) out_.resolved["order"] = std::move(resolved);
}

void SpecCompiler::compile_limits(const json& spec) {
    const Path root;
    if (const json* limit = find(spec, "limit")) {
        const int64_t n = expect_integer(*limit, root.key("limit"), 0, kMaxLimit);
        out_.query.limit = n;
        if (describe_) out_.resolved["limit"] = n;
    }
    int64_t offset = 0;
    if (const json* value = find(spec, "offset")) {
        offset = expect_integer(*value, root.key("offset"), 0, std::numeric_limits<int64_t>::max());
    }
    if (offset > 0) out_.query.offset = offset;
    if (describe_) out_.resolved["offset"] = offset;
}

}  // namespace spec_detail

CompiledSpec compile_spec(const nlohmann::json& spec, const CompileContext& ctx) {
    CompiledSpec out;
    spec_detail::SpecCompiler(ctx, out).compile(spec);
    return out;
}

nlohmann::json parse_spec_text(const std::string& text) {
    if (!spec_detail::nesting_within(text, spec_detail::kMaxJsonDepth)) {
        throw Error(sqlstate::kInvalidParameterValue,
                    "the spec is nested more than " + std::to_string(spec_detail::kMaxJsonDepth) +
                        " levels deep");
    }
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(sqlstate::kInvalidParameterValue, std::string("invalid JSON: ") + e.what());
    }
}

}  // namespace quarry
