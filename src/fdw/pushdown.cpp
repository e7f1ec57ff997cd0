// The shippability walker: PostgreSQL planner expressions -> the query model.
//
// Every node is mapped onto a model node whose contract semantics (docs/formulas.md) equal what
// PostgreSQL's executor computes for it here, for the argument types at hand; anything else makes
// the whole expression stay local (nullptr). docs/fdw.md "Pushdown rules" is the reference: what
// ships, what stays local and why. Functions and operators are identified by OID (fmgroids.h) or,
// for operators, by name among the built-in ones (OID below FirstGenbkiObjectId) with the
// argument types checked here.
//
// Errors: an unshippable node is never an error. PostgreSQL calls that may elog(ERROR) (catalog
// lookups, output functions) run in pg_call; a real error there (out of memory, a broken
// catalog) propagates.
#include "pushdown.hpp"

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dialects/dialect.hpp"
#include "src/extension/pg_types.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "access/transam.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_collation.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/pg_locale.h"
}
#pragma GCC diagnostic pop

namespace quarry::fdw {

namespace {

using pg::pg_call;

// Deeper expressions stay local: the walker and the renderers recurse.
constexpr int kMaxDepth = 200;
// Date and time literals are written only for years every dialect reads (MySQL: 1000..9999,
// MariaDB from 0; PostgreSQL's BC years have no ISO spelling the others accept).
constexpr int kMinYear = 1;
constexpr int kMaxYear = 9999;
constexpr int64_t kMicrosecondsPerMinute = INT64CONST(60000000);
constexpr int64_t kMicrosecondsPerHour = INT64CONST(3600000000);

// ---- small PostgreSQL helpers (each a guarded call)

Oid type_of(const ::Expr* e) {
    return pg_call([e] { return exprType(reinterpret_cast<const Node*>(e)); });
}

int32 typmod_of(const ::Expr* e) {
    return pg_call([e] { return exprTypmod(reinterpret_cast<const Node*>(e)); });
}

std::optional<Type> model_type_of(const ::Expr* e) {
    return remote_model_type(type_of(e), typmod_of(e));
}

Oid base_type(Oid type) {
    return pg_call([type] { return getBaseType(type); });
}

// The built-in operator's name, or "" for an operator outside pg_catalog's initial set.
std::string operator_name(Oid opno) {
    if (opno >= FirstGenbkiObjectId) return {};
    const char* name = pg_call([opno] { return get_opname(opno); });
    return name != nullptr ? std::string(name) : std::string();
}

bool is_deterministic(Oid collation) {
    if (!OidIsValid(collation)) return false;
    return pg_call([collation] { return get_collation_isdeterministic(collation); });
}

// Whether lower()/upper() under `collation` is the simple Unicode case mapping of the contract:
// a UTF-8 database and a libc locale whose ctype is not C (a C ctype maps only ASCII letters;
// ICU maps full case, e.g. one letter to two).
bool simple_case_mapping(Oid collation) {
    if (!OidIsValid(collation)) return false;
    return pg_call([collation] {
        if (GetDatabaseEncoding() != PG_UTF8) return false;
        if (lc_ctype_is_c(collation)) return false;
        if (collation == DEFAULT_COLLATION_OID) return default_locale.provider == COLLPROVIDER_LIBC;
        pg_locale_t locale = pg_newlocale_from_collation(collation);
        return locale == nullptr || locale->provider == COLLPROVIDER_LIBC;
    });
}

bool is_code_point_locale(const char* name) {
    return name != nullptr &&
           (pg_strcasecmp(name, "C.UTF-8") == 0 || pg_strcasecmp(name, "C.utf8") == 0 ||
            strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0);
}

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool is_text_type(Oid type) {
    const Oid base = base_type(type);
    return base == TEXTOID || base == VARCHAROID;
}

// ---- literals

std::optional<std::string> text_datum(Datum value) {
    const char* s =
        pg_call([value] { return static_cast<const char*>(TextDatumGetCString(value)); });
    return std::string(s);
}

// "YYYY-MM-DD"; nullopt outside the years every dialect reads.
std::optional<std::string> iso_date(int year, int month, int day) {
    if (year < kMinYear || year > kMaxYear) return std::nullopt;
    char buf[16];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return std::string(buf);
}

// "YYYY-MM-DD HH:MM:SS[.ffffff]" of a timestamp (as UTC for a timestamptz: no zone applied).
std::optional<std::string> iso_timestamp(Timestamp ts) {
    if (TIMESTAMP_NOT_FINITE(ts)) return std::nullopt;
    struct pg_tm tm {};
    fsec_t fsec = 0;
    const int rc = pg_call(
        [ts, &tm, &fsec] { return timestamp2tm(ts, nullptr, &tm, &fsec, nullptr, nullptr); });
    if (rc != 0) return std::nullopt;
    std::optional<std::string> date = iso_date(tm.tm_year, tm.tm_mon, tm.tm_mday);
    if (!date) return std::nullopt;
    char buf[32];
    if (fsec != 0) {
        snprintf(buf, sizeof buf, " %02d:%02d:%02d.%06d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                 static_cast<int>(fsec));
    } else {
        snprintf(buf, sizeof buf, " %02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    return *date + buf;
}

bool is_plain_decimal(std::string_view digits) {
    size_t i = !digits.empty() && digits[0] == '-' ? 1 : 0;
    bool any = false;
    bool point = false;
    for (; i < digits.size(); ++i) {
        if (digits[i] >= '0' && digits[i] <= '9') {
            any = true;
        } else if (digits[i] == '.' && !point) {
            point = true;
        } else {
            return false;
        }
    }
    return any && digits.back() != '.';
}

// The model literal of a value of PostgreSQL type `type`, or nullptr when it cannot be written
// exactly (NaN and infinities, years outside 1..9999, types the model lacks).
ExprPtr literal(Oid type, Datum value, bool is_null) {
    const std::optional<Type> model = remote_model_type(type, -1);
    if (!model) return nullptr;
    if (is_null) return make_null(*model);
    switch (base_type(type)) {
        case BOOLOID:
            return make_bool(DatumGetBool(value));
        case INT2OID:
            return make_integer(DatumGetInt16(value));
        case INT4OID:
            return make_integer(DatumGetInt32(value));
        case INT8OID:
            return make_integer(DatumGetInt64(value));
        case FLOAT8OID: {
            const double v = DatumGetFloat8(value);
            if (!std::isfinite(v)) return nullptr;
            return make_double(v);
        }
        case NUMERICOID: {
            const char* s = pg_call([value] {
                return static_cast<const char*>(
                    DatumGetCString(DirectFunctionCall1(numeric_out, value)));
            });
            std::string digits(s);
            if (!is_plain_decimal(digits)) return nullptr;  // NaN, Infinity
            return make_numeric(std::move(digits));
        }
        case TEXTOID:
        case VARCHAROID: {
            std::optional<std::string> s = text_datum(value);
            if (!s) return nullptr;
            return make_text(std::move(*s));
        }
        case DATEOID: {
            const DateADT d = DatumGetDateADT(value);
            if (DATE_NOT_FINITE(d)) return nullptr;
            int year = 0;
            int month = 0;
            int day = 0;
            j2date(d + POSTGRES_EPOCH_JDATE, &year, &month, &day);
            std::optional<std::string> iso = iso_date(year, month, day);
            if (!iso) return nullptr;
            return make_date(std::move(*iso));
        }
        case TIMESTAMPOID: {
            std::optional<std::string> iso = iso_timestamp(DatumGetTimestamp(value));
            if (!iso) return nullptr;
            return make_timestamp(std::move(*iso));
        }
        case TIMESTAMPTZOID: {
            std::optional<std::string> iso = iso_timestamp(DatumGetTimestampTz(value));
            if (!iso) return nullptr;
            return make_timestamptz(std::move(*iso));
        }
        default:
            return nullptr;
    }
}

// A Const, or nullptr when `e` is not one.
const Const* as_const(const ::Expr* e) {
    return e != nullptr && IsA(e, Const) ? reinterpret_cast<const Const*>(e) : nullptr;
}

// The text of a non-NULL text Const.
std::optional<std::string> const_text(const ::Expr* e) {
    const Const* c = as_const(e);
    if (c == nullptr || c->constisnull || !is_text_type(c->consttype)) return std::nullopt;
    return text_datum(c->constvalue);
}

// Whether a Const is a non-NULL number other than zero.
bool is_nonzero_number(const Const* c) {
    if (c == nullptr || c->constisnull) return false;
    ExprPtr lit = literal(c->consttype, c->constvalue, false);
    if (!lit) return false;
    switch (lit->type) {
        case Type::Integer:
            return lit->literal.integer != 0;
        case Type::Double:
            return lit->literal.real != 0.0;
        case Type::Numeric:
            return lit->literal.text.find_first_of("123456789") != std::string::npos;
        default:
            return false;
    }
}

bool is_zero_number(const Const* c) {
    if (c == nullptr || c->constisnull) return false;
    ExprPtr lit = literal(c->consttype, c->constvalue, false);
    if (!lit || !is_numeric(lit->type)) return false;
    return !is_nonzero_number(c);
}

// ---- operators and functions, classified

enum class Compare { None, Eq, Ne, Lt, Le, Gt, Ge };

Compare comparison_of(std::string_view name) {
    if (name == "=") return Compare::Eq;
    if (name == "<>") return Compare::Ne;
    if (name == "<") return Compare::Lt;
    if (name == "<=") return Compare::Le;
    if (name == ">") return Compare::Gt;
    if (name == ">=") return Compare::Ge;
    return Compare::None;
}

Func func_of(Compare c) {
    switch (c) {
        case Compare::Eq:
            return Func::Eq;
        case Compare::Ne:
            return Func::Ne;
        case Compare::Lt:
            return Func::Lt;
        case Compare::Le:
            return Func::Le;
        case Compare::Gt:
            return Func::Gt;
        case Compare::Ge:
        case Compare::None:
            break;
    }
    return Func::Ge;
}

// Whether a PostgreSQL comparison of model types `a` and `b` means what the model's does. Dates
// and timestamps compare (the date is midnight); an instant with a wall-clock value depends on
// the session's TimeZone here and stays local.
bool comparable(Type a, Type b) {
    if (is_numeric(a) && is_numeric(b)) return true;
    if (a == b) return a != Type::Unknown;
    return (a == Type::Date && b == Type::Timestamp) || (a == Type::Timestamp && b == Type::Date);
}

// Whether text compared under `collation` compares as the model does: equality is exact under
// a deterministic collation; order only under a code-point collation.
bool text_comparison_ok(Compare c, Oid collation) {
    if (c == Compare::Eq || c == Compare::Ne) return is_deterministic(collation);
    return sorts_identically(TEXTOID, collation);
}

struct PartField {
    std::string_view name;
    Func func;
    bool on_date;  // PostgreSQL's extract() accepts it for a date
};
constexpr PartField kPartFields[] = {
    {"year", Func::Year, true},      {"quarter", Func::Quarter, true},
    {"month", Func::Month, true},    {"week", Func::Week, true},  // ISO 8601 week number
    {"day", Func::Day, true},        {"hour", Func::Hour, false},
    {"minute", Func::Minute, false}, {"isodow", Func::Weekday, true},  // Monday = 1
    {"dow", Func::Weekday, true},                                      // Sunday = 0: isodow % 7
};

const PartField* part_field(std::string_view text) {
    const std::string lower = lower_ascii(text);
    for (const PartField& p : kPartFields) {
        if (lower == p.name) return &p;
        // PostgreSQL reads the plurals of the calendar fields too ("years", "hours").
        if (p.func != Func::Weekday && lower.size() == p.name.size() + 1 && lower.back() == 's' &&
            lower.compare(0, p.name.size(), p.name) == 0) {
            return &p;
        }
    }
    return nullptr;
}

// A LIKE pattern whose only wildcards are a leading and/or trailing '%' (escape '\'), as the
// model's literal match: Contains ('%x%'), StartsWith ('x%'), EndsWith ('%x') or Eq ('x').
struct LikeShape {
    Func func = Func::Eq;
    std::string text;
};

std::optional<LikeShape> like_shape(std::string_view pattern) {
    size_t i = 0;
    bool leading = false;
    while (i < pattern.size() && pattern[i] == '%') {
        leading = true;
        ++i;
    }
    bool trailing = false;
    std::string text;
    for (; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\') {
            // The escaped byte stands for itself; PostgreSQL refuses a pattern ending in '\'.
            if (i + 1 == pattern.size()) return std::nullopt;
            text += pattern[++i];
        } else if (c == '_') {
            return std::nullopt;
        } else if (c == '%') {
            for (; i < pattern.size(); ++i) {
                if (pattern[i] != '%') return std::nullopt;  // a '%' inside
            }
            trailing = true;
        } else {
            text += c;
        }
    }
    LikeShape shape;
    shape.func = leading && trailing ? Func::Contains
                 : leading           ? Func::EndsWith
                 : trailing          ? Func::StartsWith
                                     : Func::Eq;
    shape.text = std::move(text);
    return shape;
}

// ---- the walker

class Walker {
public:
    explicit Walker(const PushdownContext& context) : context_(context) {}

    ExprPtr walk(const ::Expr* node) {
        if (node == nullptr || depth_ >= kMaxDepth) return nullptr;
        ++depth_;
        ExprPtr result = dispatch(node);
        --depth_;
        return result;
    }

private:
    const PushdownContext& context_;
    int depth_ = 0;
    ExprPtr case_operand_;  // what a CaseTestExpr stands for, inside a simple CASE's WHEN

    bool supports(Func f) const {
        return context_.dialect != nullptr && context_.dialect->supports(f);
    }
    std::string_view dialect_name() const {
        return context_.dialect != nullptr ? context_.dialect->name() : std::string_view();
    }

    // A call, or nullptr when an argument cannot ship or the dialect refuses the function.
    ExprPtr call(Func f, std::vector<ExprPtr> args, Type type) const {
        if (!supports(f)) return nullptr;
        for (const ExprPtr& a : args) {
            if (!a) return nullptr;
        }
        return make_call(f, std::move(args), type);
    }
    ExprPtr time_call(Func f, TimeUnit unit, std::vector<ExprPtr> args, Type type) const {
        if (!supports(f)) return nullptr;
        for (const ExprPtr& a : args) {
            if (!a) return nullptr;
        }
        return make_time_call(f, unit, std::move(args), type);
    }
    // An exact conversion (Func::Cast), or nullptr for any other pair.
    ExprPtr cast(ExprPtr x, Type to) const {
        if (!x) return nullptr;
        if (x->type == to) return x;
        const Type from = x->type;
        const bool exact = (from == Type::Integer && (to == Type::Numeric || to == Type::Double)) ||
                           (from == Type::Numeric && to == Type::Double) ||
                           (from == Type::Date && to == Type::Timestamp) ||
                           (from == Type::Timestamp && to == Type::Date);
        if (!exact) return nullptr;
        return call(Func::Cast, {std::move(x)}, to);
    }

    std::vector<ExprPtr> walk_list(const List* list) {
        std::vector<ExprPtr> out;
        const ListCell* cell = nullptr;
        foreach (cell, list) {
            ExprPtr e = walk(static_cast<const ::Expr*>(lfirst(cell)));
            if (!e) return {};
            out.push_back(std::move(e));
        }
        return out;
    }

    ExprPtr dispatch(const ::Expr* node) {
        switch (nodeTag(node)) {
            case T_Var:
                return var(reinterpret_cast<const Var*>(node));
            case T_Const: {
                const Const* c = reinterpret_cast<const Const*>(node);
                return literal(c->consttype, c->constvalue, c->constisnull);
            }
            case T_OpExpr:
                return op(reinterpret_cast<const OpExpr*>(node));
            case T_DistinctExpr:
                return distinct(reinterpret_cast<const DistinctExpr*>(node));
            case T_NullIfExpr:
                return null_if(reinterpret_cast<const NullIfExpr*>(node));
            case T_ScalarArrayOpExpr:
                return in_list(reinterpret_cast<const ScalarArrayOpExpr*>(node));
            case T_BoolExpr:
                return bool_expr(reinterpret_cast<const BoolExpr*>(node));
            case T_NullTest:
                return null_test(reinterpret_cast<const NullTest*>(node));
            case T_BooleanTest:
                return boolean_test(reinterpret_cast<const BooleanTest*>(node));
            case T_CaseExpr:
                return case_expr(reinterpret_cast<const CaseExpr*>(node));
            case T_CaseTestExpr:
                return case_operand_;
            case T_CoalesceExpr: {
                const CoalesceExpr* c = reinterpret_cast<const CoalesceExpr*>(node);
                const std::optional<Type> t = model_type_of(node);
                if (!t) return nullptr;
                std::vector<ExprPtr> args = walk_list(c->args);
                if (args.empty()) return nullptr;
                return call(Func::Coalesce, std::move(args), *t);
            }
            case T_MinMaxExpr:
                return min_max(reinterpret_cast<const MinMaxExpr*>(node));
            case T_RelabelType: {
                // Binary-compatible: varchar -> text, a domain -> its base type.
                const RelabelType* r = reinterpret_cast<const RelabelType*>(node);
                ExprPtr arg = walk(r->arg);
                const std::optional<Type> t = model_type_of(node);
                if (!arg || !t || arg->type != *t) return nullptr;
                return arg;
            }
            case T_CollateExpr:
                // The collation only matters to the operator above, which checks its
                // inputcollid.
                return walk(reinterpret_cast<const CollateExpr*>(node)->arg);
            case T_FuncExpr:
                return function(reinterpret_cast<const FuncExpr*>(node));
            case T_Aggref:
                return aggregate(reinterpret_cast<const Aggref*>(node));
            default:
                return nullptr;  // Params, SubPlans, window functions, rows, arrays...
        }
    }

    ExprPtr var(const Var* v) {
        if (v->varlevelsup != 0 || !context_.column) return nullptr;
        const std::optional<Type> t = remote_model_type(v->vartype, v->vartypmod);
        if (!t) return nullptr;
        std::optional<RemoteColumnRef> ref = context_.column(v);
        // The model computes on the value as the local type reads it.
        if (!ref || ref->type != *t) return nullptr;
        return make_column(std::move(ref->name), *t, ref->nullable, std::move(ref->qualifier),
                           ref->bounds);
    }

    // ---- operators

    ExprPtr op(const OpExpr* o) {
        if (o->opretset) return nullptr;
        const std::string name = operator_name(o->opno);
        if (name.empty()) return nullptr;
        const int nargs = list_length(o->args);
        if (nargs == 1) return prefix_op(o, name);
        if (nargs != 2) return nullptr;
        const ::Expr* left = static_cast<const ::Expr*>(linitial(o->args));
        const ::Expr* right = static_cast<const ::Expr*>(lsecond(o->args));
        const Oid lt = base_type(type_of(left));
        const Oid rt = base_type(type_of(right));

        if (lt == INTERVALOID || rt == INTERVALOID) return interval_op(name, left, right, lt);
        if (lt == DATEOID || rt == DATEOID) {
            if (ExprPtr e = date_op(name, left, right, lt, rt)) return e;
        }
        const Compare cmp = comparison_of(name);
        if (cmp != Compare::None) return comparison(cmp, left, right, o->inputcollid);
        if (name == "~~" || name == "!~~" || name == "~~*" || name == "!~~*") {
            return like(name, left, right, o->inputcollid);
        }

        const std::optional<Type> result = model_type_of(reinterpret_cast<const ::Expr*>(o));
        if (!result) return nullptr;
        if (name == "||") {
            if (*result != Type::Text || !is_text_type(lt) || !is_text_type(rt)) return nullptr;
            return call(Func::Concat, {walk(left), walk(right)}, Type::Text);
        }
        if (name == "/") return divide(left, right, lt, rt);
        if (name == "%") return modulo(left, right, *result);
        Func f = Func::Add;
        if (name == "+") {
            f = Func::Add;
        } else if (name == "-") {
            f = Func::Sub;
        } else if (name == "*") {
            f = Func::Mul;
        } else {
            return nullptr;
        }
        // Integer arithmetic stays integer (an int4 overflow raises here and not remotely:
        // docs/fdw.md), numeric stays exact, float8 is IEEE on every engine.
        ExprPtr a = walk(left);
        ExprPtr b = walk(right);
        if (!a || !b || !is_numeric(*result) || a->type != *result || b->type != *result) {
            return nullptr;
        }
        return call(f, {std::move(a), std::move(b)}, *result);
    }

    ExprPtr prefix_op(const OpExpr* o, const std::string& name) {
        const std::optional<Type> result = model_type_of(reinterpret_cast<const ::Expr*>(o));
        ExprPtr a = walk(static_cast<const ::Expr*>(linitial(o->args)));
        if (!a || !result || !is_numeric(*result) || a->type != *result) return nullptr;
        if (name == "+") return a;
        if (name == "-") return call(Func::Neg, {std::move(a)}, *result);
        return nullptr;
    }

    ExprPtr comparison(Compare cmp, const ::Expr* left, const ::Expr* right, Oid collation) {
        ExprPtr a = walk(left);
        ExprPtr b = walk(right);
        if (!a || !b || !comparable(a->type, b->type)) return nullptr;
        if (a->type == Type::Text && !text_comparison_ok(cmp, collation)) return nullptr;
        return call(func_of(cmp), {std::move(a), std::move(b)}, Type::Boolean);
    }

    // x LIKE 'pattern' with only a leading and/or trailing '%'; ILIKE as PostgreSQL computes
    // it in a UTF-8 database: lower(x) LIKE lower('pattern').
    ExprPtr like(const std::string& name, const ::Expr* left, const ::Expr* right, Oid collation) {
        const bool negated = name[0] == '!';
        const bool folded = name.back() == '*';
        if (!is_deterministic(collation)) return nullptr;
        const Const* c = as_const(right);
        if (c == nullptr || c->constisnull || !is_text_type(c->consttype)) return nullptr;
        if (!is_text_type(type_of(left))) return nullptr;
        ExprPtr x = walk(left);
        if (!x) return nullptr;
        std::optional<std::string> pattern;
        if (folded) {
            if (!simple_case_mapping(collation)) return nullptr;
            const Datum value = c->constvalue;
            const char* lowered = pg_call([value, collation] {
                return static_cast<const char*>(
                    TextDatumGetCString(DirectFunctionCall1Coll(lower, collation, value)));
            });
            pattern = std::string(lowered);
            x = call(Func::Lower, {std::move(x)}, Type::Text);
            if (!x) return nullptr;
        } else {
            pattern = text_datum(c->constvalue);
        }
        if (!pattern) return nullptr;
        std::optional<LikeShape> shape = like_shape(*pattern);
        if (!shape) return nullptr;
        ExprPtr match =
            call(shape->func, {std::move(x), make_text(std::move(shape->text))}, Type::Boolean);
        if (!match || !negated) return match;
        return call(Func::Not, {std::move(match)}, Type::Boolean);
    }

    // float8 / float8 only (integer division truncates here, numeric division has its own
    // scale), and only where PostgreSQL cannot raise division by zero: the divisor is a
    // non-zero constant or NULLIF(x, 0) (what the model's x / 0 = NULL then agrees with).
    ExprPtr divide(const ::Expr* left, const ::Expr* right, Oid lt, Oid rt) {
        if (lt != FLOAT8OID || rt != FLOAT8OID || !safe_divisor(right)) return nullptr;
        ExprPtr a = walk(left);
        ExprPtr b = walk(right);
        if (!a || !b || a->type != Type::Double || b->type != Type::Double) return nullptr;
        return call(Func::Div, {std::move(a), std::move(b)}, Type::Double);
    }

    // A divisor that is never zero where it is not NULL: a non-zero constant, or NULLIF(x, 0),
    // possibly converted to float8 (a conversion of a non-zero integer is non-zero).
    static bool safe_divisor(const ::Expr* e) {
        while (e != nullptr) {
            if (IsA(e, RelabelType)) {
                e = reinterpret_cast<const RelabelType*>(e)->arg;
                continue;
            }
            if (IsA(e, FuncExpr)) {
                const FuncExpr* f = reinterpret_cast<const FuncExpr*>(e);
                if ((f->funcid == F_FLOAT8_INT2 || f->funcid == F_FLOAT8_INT4 ||
                     f->funcid == F_FLOAT8_INT8 || f->funcid == F_NUMERIC_INT2 ||
                     f->funcid == F_NUMERIC_INT4 || f->funcid == F_NUMERIC_INT8) &&
                    list_length(f->args) == 1) {
                    e = static_cast<const ::Expr*>(linitial(f->args));
                    continue;
                }
                return false;
            }
            break;
        }
        if (e == nullptr) return false;
        if (IsA(e, Const)) return is_nonzero_number(reinterpret_cast<const Const*>(e));
        if (IsA(e, NullIfExpr)) {
            const NullIfExpr* n = reinterpret_cast<const NullIfExpr*>(e);
            return list_length(n->args) == 2 &&
                   is_zero_number(as_const(static_cast<const ::Expr*>(lsecond(n->args))));
        }
        return false;
    }

    // x % constant on integers and numerics (the model's % 0 is NULL where PostgreSQL raises;
    // with a non-zero constant both are the truncated remainder with the dividend's sign).
    ExprPtr modulo(const ::Expr* left, const ::Expr* right, Type result) {
        if (result != Type::Integer && result != Type::Numeric) return nullptr;
        if (!is_nonzero_number(as_const(right))) return nullptr;
        ExprPtr a = walk(left);
        ExprPtr b = walk(right);
        if (!a || !b || a->type != result || b->type != result) return nullptr;
        return call(Func::Mod, {std::move(a), std::move(b)}, result);
    }

    // date + integer, integer + date, date - integer (days), date - date (days between).
    ExprPtr date_op(const std::string& name, const ::Expr* left, const ::Expr* right, Oid lt,
                    Oid rt) {
        const bool left_int = lt == INT4OID || lt == INT2OID || lt == INT8OID;
        const bool right_int = rt == INT4OID || rt == INT2OID || rt == INT8OID;
        if (lt == DATEOID && rt == DATEOID && name == "-") {
            return time_call(Func::DateDiff, TimeUnit::Day, {walk(right), walk(left)},
                             Type::Integer);
        }
        if (name == "+" && lt == DATEOID && right_int) {
            return time_call(Func::DateAdd, TimeUnit::Day, {walk(right), walk(left)}, Type::Date);
        }
        if (name == "+" && left_int && rt == DATEOID) {
            return time_call(Func::DateAdd, TimeUnit::Day, {walk(left), walk(right)}, Type::Date);
        }
        if (name == "-" && lt == DATEOID && right_int) {
            return time_call(Func::DateAdd, TimeUnit::Day, {negated(right), walk(left)},
                             Type::Date);
        }
        return nullptr;
    }

    ExprPtr negated(const ::Expr* e) {
        const Const* c = as_const(e);
        if (c != nullptr && !c->constisnull) {
            ExprPtr lit = literal(c->consttype, c->constvalue, false);
            if (lit && lit->type == Type::Integer && lit->literal.integer > INT64_MIN) {
                return make_integer(-lit->literal.integer);
            }
        }
        ExprPtr x = walk(e);
        if (!x || x->type != Type::Integer) return nullptr;
        return call(Func::Neg, {std::move(x)}, Type::Integer);
    }

    // timestamp +/- interval 'constant', interval + timestamp, date +/- interval (a timestamp).
    // PostgreSQL adds the months, then the days, then the time: the model nests DateAdd calls
    // in that order (months clamp to the month's last day on both sides). Time parts must be
    // whole minutes. timestamptz + interval depends on the session's TimeZone: local.
    ExprPtr interval_op(const std::string& name, const ::Expr* left, const ::Expr* right, Oid lt) {
        const bool plus = name == "+";
        if (!plus && name != "-") return nullptr;
        const ::Expr* moment = left;
        const ::Expr* amount = right;
        if (lt == INTERVALOID) {
            if (!plus) return nullptr;  // interval - timestamp does not exist
            std::swap(moment, amount);
        }
        const Oid moment_type = base_type(type_of(moment));
        if (moment_type != TIMESTAMPOID && moment_type != DATEOID) return nullptr;
        const Const* c = as_const(amount);
        if (c == nullptr || c->constisnull) return nullptr;
        const Interval* iv = DatumGetIntervalP(c->constvalue);
        const int sign = plus ? 1 : -1;
        const int64_t months = static_cast<int64_t>(iv->month) * sign;
        const int64_t days = static_cast<int64_t>(iv->day) * sign;
        int64_t time = iv->time;
        if (time == INT64_MIN) return nullptr;
        time *= sign;
        ExprPtr x = cast(walk(moment), Type::Timestamp);
        if (!x || x->type != Type::Timestamp) return nullptr;
        if (months != 0) {
            x = time_call(Func::DateAdd, TimeUnit::Month, {make_integer(months), x},
                          Type::Timestamp);
        }
        if (x && days != 0) {
            x = time_call(Func::DateAdd, TimeUnit::Day, {make_integer(days), x}, Type::Timestamp);
        }
        if (x && time != 0) {
            if (time % kMicrosecondsPerHour == 0) {
                x = time_call(Func::DateAdd, TimeUnit::Hour,
                              {make_integer(time / kMicrosecondsPerHour), x}, Type::Timestamp);
            } else if (time % kMicrosecondsPerMinute == 0) {
                x = time_call(Func::DateAdd, TimeUnit::Minute,
                              {make_integer(time / kMicrosecondsPerMinute), x}, Type::Timestamp);
            } else {
                return nullptr;  // seconds: the model has no such unit
            }
        }
        return x;
    }

    // a IS DISTINCT FROM b: CASE WHEN a IS NULL THEN b IS NOT NULL WHEN b IS NULL THEN TRUE
    // ELSE a <> b END.
    ExprPtr distinct(const DistinctExpr* d) {
        if (list_length(d->args) != 2 || comparison_of(operator_name(d->opno)) != Compare::Eq) {
            return nullptr;
        }
        const ::Expr* left = static_cast<const ::Expr*>(linitial(d->args));
        const ::Expr* right = static_cast<const ::Expr*>(lsecond(d->args));
        ExprPtr ne = comparison(Compare::Ne, left, right, d->inputcollid);
        if (!ne) return nullptr;
        const ExprPtr& a = ne->args[0];
        const ExprPtr& b = ne->args[1];
        // Against a non-NULL literal: a <> 'v' OR a IS NULL (never NULL either).
        for (int side = 0; side < 2; ++side) {
            const ExprPtr& value = side == 0 ? b : a;
            const ExprPtr& other = side == 0 ? a : b;
            if (value->kind == ExprKind::Literal && !value->literal.is_null) {
                return call(Func::Or, {ne, call(Func::IsNull, {other}, Type::Boolean)},
                            Type::Boolean);
            }
        }
        ExprPtr a_null = call(Func::IsNull, {a}, Type::Boolean);
        ExprPtr b_null = call(Func::IsNull, {b}, Type::Boolean);
        ExprPtr b_not_null = call(Func::IsNotNull, {b}, Type::Boolean);
        if (!a_null || !b_null || !b_not_null || !supports(Func::Case)) return nullptr;
        return make_case({a_null, b_not_null, b_null, make_bool(true), ne}, true, Type::Boolean);
    }

    ExprPtr null_if(const NullIfExpr* n) {
        if (list_length(n->args) != 2 || comparison_of(operator_name(n->opno)) != Compare::Eq) {
            return nullptr;
        }
        const std::optional<Type> t = model_type_of(reinterpret_cast<const ::Expr*>(n));
        ExprPtr eq = comparison(Compare::Eq, static_cast<const ::Expr*>(linitial(n->args)),
                                static_cast<const ::Expr*>(lsecond(n->args)), n->inputcollid);
        if (!eq || !t || eq->args[0]->type != *t) return nullptr;
        return call(Func::NullIf, {eq->args[0], eq->args[1]}, *t);
    }

    // x = ANY(ARRAY[...] or '{...}') -> x IN (...); x <> ALL(...) -> x NOT IN (...).
    ExprPtr in_list(const ScalarArrayOpExpr* s) {
        if (list_length(s->args) != 2) return nullptr;
        const Compare cmp = comparison_of(operator_name(s->opno));
        const bool in = cmp == Compare::Eq && s->useOr;
        const bool not_in = cmp == Compare::Ne && !s->useOr;
        if (!in && !not_in) return nullptr;
        ExprPtr x = walk(static_cast<const ::Expr*>(linitial(s->args)));
        if (!x) return nullptr;
        if (x->type == Type::Text && !is_deterministic(s->inputcollid)) return nullptr;
        std::vector<ExprPtr> args{x};
        const ::Expr* array = static_cast<const ::Expr*>(lsecond(s->args));
        if (IsA(array, ArrayExpr)) {
            const ArrayExpr* a = reinterpret_cast<const ArrayExpr*>(array);
            if (a->multidims) return nullptr;
            std::vector<ExprPtr> items = walk_list(a->elements);
            if (items.empty() && list_length(a->elements) > 0) return nullptr;
            for (ExprPtr& item : items) args.push_back(std::move(item));
        } else if (IsA(array, Const)) {
            if (!const_array_items(reinterpret_cast<const Const*>(array), args)) return nullptr;
        } else {
            return nullptr;
        }
        for (size_t i = 1; i < args.size(); ++i) {
            if (!comparable(x->type, args[i]->type) && args[i]->type != Type::Unknown) {
                return nullptr;
            }
        }
        return call(in ? Func::In : Func::NotIn, std::move(args), Type::Boolean);
    }

    // The elements of an array constant as literals, appended to `out`.
    static bool const_array_items(const Const* c, std::vector<ExprPtr>& out) {
        if (c->constisnull) return false;  // x = ANY(NULL) is NULL: rare, kept local
        const Datum value = c->constvalue;
        ArrayType* array = pg_call([value] { return DatumGetArrayTypeP(value); });
        const Oid element = ARR_ELEMTYPE(array);
        if (!remote_model_type(element, -1)) return false;
        Datum* items = nullptr;
        bool* nulls = nullptr;
        int count = 0;
        pg_call([array, element, &items, &nulls, &count] {
            int16 len = 0;
            bool byval = false;
            char align = 0;
            get_typlenbyvalalign(element, &len, &byval, &align);
            deconstruct_array(array, element, len, byval, align, &items, &nulls, &count);
        });
        for (int i = 0; i < count; ++i) {
            ExprPtr lit = literal(element, items[i], nulls[i]);
            if (!lit) return false;
            out.push_back(std::move(lit));
        }
        return true;
    }

    ExprPtr bool_expr(const BoolExpr* b) {
        std::vector<ExprPtr> args = walk_list(b->args);
        if (args.empty()) return nullptr;
        for (const ExprPtr& a : args) {
            if (a->type != Type::Boolean) return nullptr;
        }
        switch (b->boolop) {
            case AND_EXPR:
                return call(Func::And, std::move(args), Type::Boolean);
            case OR_EXPR:
                return call(Func::Or, std::move(args), Type::Boolean);
            case NOT_EXPR:
                if (args.size() != 1) return nullptr;
                return call(Func::Not, std::move(args), Type::Boolean);
        }
        return nullptr;
    }

    ExprPtr null_test(const NullTest* n) {
        if (n->argisrow) return nullptr;
        ExprPtr x = walk(n->arg);
        return call(n->nulltesttype == IS_NULL ? Func::IsNull : Func::IsNotNull, {std::move(x)},
                    Type::Boolean);
    }

    // x IS [NOT] TRUE / FALSE / UNKNOWN, never NULL: written with CASE (a NULL condition is not
    // true) and IS [NOT] NULL.
    ExprPtr boolean_test(const BooleanTest* t) {
        ExprPtr x = walk(t->arg);
        if (!x || x->type != Type::Boolean) return nullptr;
        auto when = [&](ExprPtr condition, bool then) -> ExprPtr {
            if (!condition || !supports(Func::Case)) return nullptr;
            return make_case({std::move(condition), make_bool(then), make_bool(!then)}, true,
                             Type::Boolean);
        };
        switch (t->booltesttype) {
            case IS_TRUE:
                return when(x, true);
            case IS_NOT_TRUE:
                return when(x, false);
            case IS_FALSE:
                return when(call(Func::Not, {x}, Type::Boolean), true);
            case IS_NOT_FALSE:
                return when(call(Func::Not, {x}, Type::Boolean), false);
            case IS_UNKNOWN:
                return call(Func::IsNull, {x}, Type::Boolean);
            case IS_NOT_UNKNOWN:
                return call(Func::IsNotNull, {x}, Type::Boolean);
        }
        return nullptr;
    }

    // Both forms: CASE WHEN c THEN v ... and CASE x WHEN v THEN r ... (each WHEN is then an
    // operator over a CaseTestExpr, which stands for x).
    ExprPtr case_expr(const CaseExpr* c) {
        const std::optional<Type> t = model_type_of(reinterpret_cast<const ::Expr*>(c));
        if (!t || !supports(Func::Case)) return nullptr;
        ExprPtr operand;
        if (c->arg != nullptr) {
            operand = walk(c->arg);
            if (!operand) return nullptr;
        }
        std::vector<ExprPtr> args;
        const ListCell* cell = nullptr;
        foreach (cell, c->args) {
            const CaseWhen* w = static_cast<const CaseWhen*>(lfirst(cell));
            ExprPtr saved = std::move(case_operand_);
            case_operand_ = operand;
            ExprPtr condition = walk(w->expr);
            case_operand_ = std::move(saved);
            ExprPtr result = walk(w->result);
            if (!condition || !result || condition->type != Type::Boolean) return nullptr;
            if (result->type != *t && result->type != Type::Unknown) return nullptr;
            args.push_back(std::move(condition));
            args.push_back(std::move(result));
        }
        if (args.empty()) return nullptr;
        bool has_else = false;
        const Const* d = as_const(c->defresult);
        if (c->defresult != nullptr && !(d != nullptr && d->constisnull)) {
            ExprPtr otherwise = walk(c->defresult);
            if (!otherwise || otherwise->type != *t) return nullptr;
            args.push_back(std::move(otherwise));
            has_else = true;
        }
        return make_case(std::move(args), has_else, *t);
    }

    // GREATEST / LEAST ignore NULLs in PostgreSQL, as in the model; text only under a
    // code-point collation.
    ExprPtr min_max(const MinMaxExpr* m) {
        const std::optional<Type> t = model_type_of(reinterpret_cast<const ::Expr*>(m));
        if (!t || *t == Type::Boolean) return nullptr;
        if (*t == Type::Text && !sorts_identically(TEXTOID, m->inputcollid)) return nullptr;
        std::vector<ExprPtr> args = walk_list(m->args);
        if (args.empty()) return nullptr;
        for (const ExprPtr& a : args) {
            if (a->type != *t && a->type != Type::Unknown) return nullptr;
        }
        return call(m->op == IS_GREATEST ? Func::Greatest : Func::Least, std::move(args), *t);
    }

    // ---- functions

    const ::Expr* arg(const FuncExpr* f, int i) const {
        return static_cast<const ::Expr*>(list_nth(f->args, i));
    }

    ExprPtr function(const FuncExpr* f) {
        if (f->funcretset || f->funcvariadic) return nullptr;
        const int nargs = list_length(f->args);
        const std::optional<Type> t = model_type_of(reinterpret_cast<const ::Expr*>(f));
        if (!t) return nullptr;
        // func(x) with x of type `arg_type` (the result's type when Unknown)
        auto unary = [&](Func func, Type arg_type) -> ExprPtr {
            if (nargs != 1) return nullptr;
            ExprPtr x = walk(arg(f, 0));
            if (!x || x->type != (arg_type == Type::Unknown ? *t : arg_type)) return nullptr;
            return call(func, {std::move(x)}, *t);
        };
        constexpr Type kSame = Type::Unknown;
        switch (f->funcid) {
            // widening integer casts: the model's integers are 64-bit
            case F_INT4_INT2:
            case F_INT8_INT2:
            case F_INT8_INT4: {
                if (nargs != 1) return nullptr;
                ExprPtr x = walk(arg(f, 0));
                return x && x->type == Type::Integer ? x : nullptr;
            }
            // exact conversions
            case F_NUMERIC_INT2:
            case F_NUMERIC_INT4:
            case F_NUMERIC_INT8:
            case F_FLOAT8_INT2:
            case F_FLOAT8_INT4:
            case F_FLOAT8_INT8:
            case F_FLOAT8_NUMERIC:
            case F_TIMESTAMP_DATE:  // timestamp(date): midnight
            case F_DATE_TIMESTAMP:  // date(timestamp): its day
                if (nargs != 1) return nullptr;
                return cast(walk(arg(f, 0)), *t);
            case F_DATE_TRUNC_TEXT_TIMESTAMP:
                return date_trunc(f);
            case F_DATE_PART_TEXT_TIMESTAMP:
            case F_DATE_PART_TEXT_DATE:
            case F_EXTRACT_TEXT_TIMESTAMP:
            case F_EXTRACT_TEXT_DATE:
                return date_part(f, *t);
            case F_TIMEZONE_TEXT_TIMESTAMPTZ:
                return at_time_zone(f);
            case F_LOWER_TEXT:
            case F_UPPER_TEXT:
                if (!simple_case_mapping(f->inputcollid)) return nullptr;
                return unary(f->funcid == F_LOWER_TEXT ? Func::Lower : Func::Upper, Type::Text);
            case F_LENGTH_TEXT:
            case F_CHAR_LENGTH_TEXT:
            case F_CHARACTER_LENGTH_TEXT:
            case F_TEXTLEN:
                return unary(Func::Length, Type::Text);
            case F_BTRIM_TEXT:  // btrim(x) / trim(x): spaces only, as the model's trim
                return unary(Func::Trim, Type::Text);
            case F_REPLACE: {
                if (nargs != 3) return nullptr;
                return call(Func::Replace, {walk(arg(f, 0)), walk(arg(f, 1)), walk(arg(f, 2))},
                            Type::Text);
            }
            case F_STARTS_WITH:
                if (nargs != 2 || !is_deterministic(f->inputcollid)) return nullptr;
                return call(Func::StartsWith, {walk(arg(f, 0)), walk(arg(f, 1))}, Type::Boolean);
            case F_SUBSTR_TEXT_INT4:
            case F_SUBSTRING_TEXT_INT4:
                if (nargs != 2) return nullptr;
                return call(Func::Substring, {walk(arg(f, 0)), walk(arg(f, 1))}, Type::Text);
            case F_SUBSTR_TEXT_INT4_INT4:
            case F_SUBSTRING_TEXT_INT4_INT4: {
                // A negative length raises here and is '' in the model: a constant >= 0 only.
                if (nargs != 3) return nullptr;
                ExprPtr len = walk(arg(f, 2));
                if (!len || len->kind != ExprKind::Literal || len->literal.is_null ||
                    len->literal.integer < 0) {
                    return nullptr;
                }
                return call(Func::Substring, {walk(arg(f, 0)), walk(arg(f, 1)), len}, Type::Text);
            }
            case F_ABS_INT2:
            case F_ABS_INT4:
            case F_ABS_INT8:
            case F_ABS_NUMERIC:
            case F_ABS_FLOAT8:
                return unary(Func::Abs, kSame);
            // numeric rounds half away from zero here and in the model; round(float8) rounds
            // half to even here and stays local
            case F_ROUND_NUMERIC:
                return unary(Func::Round, kSame);
            case F_ROUND_NUMERIC_INT4: {
                if (nargs != 2) return nullptr;
                ExprPtr x = walk(arg(f, 0));
                ExprPtr digits = walk(arg(f, 1));
                if (!x || !digits || x->type != Type::Numeric || digits->type != Type::Integer) {
                    return nullptr;
                }
                return call(Func::Round, {std::move(x), std::move(digits)}, Type::Numeric);
            }
            case F_FLOOR_NUMERIC:
            case F_FLOOR_FLOAT8:
                return unary(Func::Floor, kSame);
            case F_CEIL_NUMERIC:
            case F_CEILING_NUMERIC:
            case F_CEIL_FLOAT8:
            case F_CEILING_FLOAT8:
                return unary(Func::Ceil, kSame);
            default:
                return nullptr;
        }
    }

    // date_trunc('minute' .. 'year', timestamp). The timestamptz variants depend on the
    // session's TimeZone and stay local (postgres_fdw's rule too); so does date_trunc of a
    // date, which PostgreSQL resolves to the timestamptz variant.
    ExprPtr date_trunc(const FuncExpr* f) {
        if (list_length(f->args) != 2) return nullptr;
        std::optional<std::string> unit_text = const_text(arg(f, 0));
        TimeUnit unit = TimeUnit::Day;
        if (!unit_text || !parse_time_unit(*unit_text, unit)) return nullptr;
        ExprPtr x = walk(arg(f, 1));
        if (!x || x->type != Type::Timestamp) return nullptr;
        return time_call(Func::DateTrunc, unit, {std::move(x)}, Type::Timestamp);
    }

    // extract(field FROM x) (numeric) and date_part('field', x) (float8) of a timestamp or a
    // date: the model's integer field, converted to the function's type (its text is the
    // same: PostgreSQL writes these fields with no fraction).
    ExprPtr date_part(const FuncExpr* f, Type result) {
        if (list_length(f->args) != 2) return nullptr;
        std::optional<std::string> field_text = const_text(arg(f, 0));
        if (!field_text) return nullptr;
        const PartField* field = part_field(*field_text);
        if (field == nullptr) return nullptr;
        ExprPtr x = walk(arg(f, 1));
        if (!x || (x->type != Type::Timestamp && x->type != Type::Date)) return nullptr;
        // PostgreSQL 15's extract(hour FROM date) is an error; date_part('hour', date) reads
        // the date as a timestamp.
        if (x->type == Type::Date && !field->on_date) {
            if (f->funcid == F_EXTRACT_TEXT_DATE) return nullptr;
            x = cast(std::move(x), Type::Timestamp);
        }
        ExprPtr part = call(field->func, {x}, Type::Integer);
        if (part && lower_ascii(*field_text) == "dow") {
            part = call(Func::Mod, {part, make_integer(7)}, Type::Integer);  // Sunday = 0
        }
        if (!part || (result != Type::Numeric && result != Type::Double)) return nullptr;
        return cast(std::move(part), result);
    }

    // instant AT TIME ZONE 'zone': the wall-clock time of an instant in a constant zone. UTC
    // on every dialect; other zones on postgres (the same zone database) and redshift (IANA
    // names only); MySQL's CONVERT_TZ needs the server's time zone tables: UTC only.
    ExprPtr at_time_zone(const FuncExpr* f) {
        if (list_length(f->args) != 2) return nullptr;
        std::optional<std::string> zone = const_text(arg(f, 0));
        if (!zone || zone->empty()) return nullptr;
        const bool utc = *zone == "UTC" || *zone == "Etc/UTC";
        if (!utc) {
            const std::string_view dialect = dialect_name();
            bool iana = zone->find('/') != std::string::npos;
            for (char c : *zone) {
                const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' ||
                                c == '+';
                iana = iana && ok;
            }
            if (!iana || (dialect != "postgres" && dialect != "redshift")) return nullptr;
        }
        ExprPtr x = walk(arg(f, 1));
        if (!x || x->type != Type::TimestampTz || !supports(Func::ToLocalTime)) return nullptr;
        return make_to_local(std::move(x), std::move(*zone));
    }

    // ---- aggregates

    ExprPtr aggregate(const Aggref* a) {
        if (!context_.allow_aggregates) return nullptr;
        if (a->agglevelsup != 0 || a->aggsplit != AGGSPLIT_SIMPLE || a->aggkind != AGGKIND_NORMAL ||
            a->aggorder != NIL || a->aggdirectargs != NIL || a->aggvariadic) {
            return nullptr;
        }
        const std::optional<Type> t = model_type_of(reinterpret_cast<const ::Expr*>(a));
        if (!t) return nullptr;
        ExprPtr filter;
        if (a->aggfilter != nullptr) {
            filter = walk(a->aggfilter);
            if (!filter || filter->type != Type::Boolean) return nullptr;
        }
        if (a->aggfnoid == F_COUNT_) {
            if (!a->aggstar) return nullptr;
            if (filter) return call(Func::CountIf, {filter}, Type::Integer);
            return call(Func::CountAll, {}, Type::Integer);
        }
        if (list_length(a->args) != 1) return nullptr;
        const TargetEntry* te = static_cast<const TargetEntry*>(linitial(a->args));
        ExprPtr x = walk(te->expr);
        if (!x) return nullptr;
        const bool distinct = a->aggdistinct != NIL;
        // agg(x) FILTER (WHERE c) = agg(CASE WHEN c THEN x END) for aggregates that skip NULLs.
        auto filtered = [&](ExprPtr value) -> ExprPtr {
            if (!filter) return value;
            if (!supports(Func::Case)) return nullptr;
            const Type vt = value->type;
            return make_case({filter, std::move(value)}, false, vt);
        };
        switch (a->aggfnoid) {
            case F_COUNT_ANY: {
                if (distinct && x->type == Type::Text && !is_deterministic(a->inputcollid)) {
                    return nullptr;
                }
                ExprPtr value = filtered(std::move(x));
                return call(distinct ? Func::CountDistinct : Func::Count, {value}, Type::Integer);
            }
            case F_SUM_INT2:
            case F_SUM_INT4:
            case F_SUM_INT8:
            case F_SUM_NUMERIC:
            case F_SUM_FLOAT8:
                // sum(int2/int4) is bigint, sum(int8) numeric here; the model's integer sums are
                // exact and their text reads into either. float8 sums depend on the order of
                // the rows, here as remotely (docs/fdw.md).
                if (distinct || !is_numeric(x->type)) return nullptr;
                if (filter) return call(Func::SumIf, {std::move(x), filter}, *t);
                return call(Func::Sum, {std::move(x)}, *t);
            case F_AVG_FLOAT8:
                // avg of integers and numerics is numeric with PostgreSQL's own digits: local.
                if (distinct || x->type != Type::Double) return nullptr;
                return call(Func::Avg, {filtered(std::move(x))}, Type::Double);
            case F_MIN_INT2:
            case F_MIN_INT4:
            case F_MIN_INT8:
            case F_MIN_NUMERIC:
            case F_MIN_FLOAT8:
            case F_MIN_DATE:
            case F_MIN_TIMESTAMP:
            case F_MIN_TIMESTAMPTZ:
            case F_MIN_TEXT:
            case F_MAX_INT2:
            case F_MAX_INT4:
            case F_MAX_INT8:
            case F_MAX_NUMERIC:
            case F_MAX_FLOAT8:
            case F_MAX_DATE:
            case F_MAX_TIMESTAMP:
            case F_MAX_TIMESTAMPTZ:
            case F_MAX_TEXT: {
                if (distinct || x->type != *t) return nullptr;  // DISTINCT changes nothing; rare
                if (x->type == Type::Text && !sorts_identically(TEXTOID, a->inputcollid)) {
                    return nullptr;
                }
                const bool is_min = a->aggfnoid == F_MIN_INT2 || a->aggfnoid == F_MIN_INT4 ||
                                    a->aggfnoid == F_MIN_INT8 || a->aggfnoid == F_MIN_NUMERIC ||
                                    a->aggfnoid == F_MIN_FLOAT8 || a->aggfnoid == F_MIN_DATE ||
                                    a->aggfnoid == F_MIN_TIMESTAMP ||
                                    a->aggfnoid == F_MIN_TIMESTAMPTZ || a->aggfnoid == F_MIN_TEXT;
                return call(is_min ? Func::Min : Func::Max, {filtered(std::move(x))}, *t);
            }
            default:
                return nullptr;
        }
    }
};

}  // namespace

ExprPtr to_model(const ::Expr* node, const PushdownContext& context) {
    if (node == nullptr || context.dialect == nullptr) return nullptr;
    Walker walker(context);
    return walker.walk(node);
}

std::optional<Type> remote_model_type(Oid type, int32 typmod) {
    if (!OidIsValid(type)) return std::nullopt;
    const Oid base = pg_call([type, &typmod] { return getBaseTypeAndTypmod(type, &typmod); });
    // What quarry computes with locally, less what would compute differently remotely: float4
    // (single-precision arithmetic here), bpchar (its comparisons ignore trailing spaces), and
    // PostgreSQL's own oid and name.
    if (base == FLOAT4OID || base == BPCHAROID || base == OIDOID || base == NAMEOID) {
        return std::nullopt;
    }
    return pg::model_type_of(base);
}

bool sorts_identically(Oid type, Oid collation) {
    if (!pg_call([type] { return type_is_collatable(type); })) return true;
    if (!OidIsValid(collation)) return false;
    if (pg_call([collation] { return lc_collate_is_c(collation); })) return true;
    // A libc collation named C.UTF-8 (glibc 2.35+ and Debian's older one sort by code point).
    if (collation == DEFAULT_COLLATION_OID) {
        return pg_call([] {
            return default_locale.provider == COLLPROVIDER_LIBC &&
                   is_code_point_locale(setlocale(LC_COLLATE, nullptr));
        });
    }
    return pg_call([collation] {
        HeapTuple tuple = SearchSysCache1(COLLOID, ObjectIdGetDatum(collation));
        if (!HeapTupleIsValid(tuple)) return false;
        const Form_pg_collation form = reinterpret_cast<Form_pg_collation>(GETSTRUCT(tuple));
        bool result = false;
        if (form->collprovider == COLLPROVIDER_LIBC) {
            bool is_null = true;
            const Datum value =
                SysCacheGetAttr(COLLOID, tuple, Anum_pg_collation_collcollate, &is_null);
            result = !is_null && is_code_point_locale(TextDatumGetCString(value));
        }
        ReleaseSysCache(tuple);
        return result;
    });
}

}  // namespace quarry::fdw
