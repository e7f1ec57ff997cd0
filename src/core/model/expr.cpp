#include "model/expr.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace quarry {

std::string_view func_name(Func f) {
    switch (f) {
        case Func::Add:
            return "+";
        case Func::Sub:
            return "-";
        case Func::Mul:
            return "*";
        case Func::Div:
            return "/";
        case Func::Mod:
            return "%";
        case Func::Neg:
            return "unary -";
        case Func::Concat:
            return "||";
        case Func::Eq:
            return "=";
        case Func::Ne:
            return "!=";
        case Func::Lt:
            return "<";
        case Func::Le:
            return "<=";
        case Func::Gt:
            return ">";
        case Func::Ge:
            return ">=";
        case Func::And:
            return "and";
        case Func::Or:
            return "or";
        case Func::Not:
            return "not";
        case Func::IsNull:
            return "is null";
        case Func::IsNotNull:
            return "is not null";
        case Func::In:
            return "in";
        case Func::NotIn:
            return "not in";
        case Func::If:
            return "if";
        case Func::Case:
            return "case";
        case Func::Coalesce:
            return "coalesce";
        case Func::NullIf:
            return "nullif";
        case Func::Abs:
            return "abs";
        case Func::Round:
            return "round";
        case Func::Floor:
            return "floor";
        case Func::Ceil:
            return "ceil";
        case Func::Power:
            return "power";
        case Func::Sqrt:
            return "sqrt";
        case Func::Ln:
            return "ln";
        case Func::Log10:
            return "log10";
        case Func::Greatest:
            return "greatest";
        case Func::Least:
            return "least";
        case Func::Lower:
            return "lower";
        case Func::Upper:
            return "upper";
        case Func::Trim:
            return "trim";
        case Func::Length:
            return "length";
        case Func::Substring:
            return "substring";
        case Func::Replace:
            return "replace";
        case Func::Contains:
            return "contains";
        case Func::StartsWith:
            return "starts_with";
        case Func::EndsWith:
            return "ends_with";
        case Func::ConcatText:
            return "concat";
        case Func::DateTrunc:
            return "date_trunc";
        case Func::DateAdd:
            return "date_add";
        case Func::DateDiff:
            return "date_diff";
        case Func::Year:
            return "year";
        case Func::Quarter:
            return "quarter";
        case Func::Month:
            return "month";
        case Func::Week:
            return "week";
        case Func::Day:
            return "day";
        case Func::Hour:
            return "hour";
        case Func::Minute:
            return "minute";
        case Func::Weekday:
            return "weekday";
        case Func::ToLocalTime:
            return "to_local_time";
        case Func::Sum:
            return "sum";
        case Func::Avg:
            return "avg";
        case Func::Min:
            return "min";
        case Func::Max:
            return "max";
        case Func::Count:
            return "count";
        case Func::CountAll:
            return "count(*)";
        case Func::CountDistinct:
            return "count_distinct";
        case Func::ApproxCountDistinct:
            return "approx_count_distinct";
        case Func::CountIf:
            return "count_if";
        case Func::SumIf:
            return "sum_if";
        case Func::Cast:
            return "cast";
    }
    return "?";
}

bool is_aggregate(Func f) {
    switch (f) {
        case Func::Sum:
        case Func::Avg:
        case Func::Min:
        case Func::Max:
        case Func::Count:
        case Func::CountAll:
        case Func::CountDistinct:
        case Func::ApproxCountDistinct:
        case Func::CountIf:
        case Func::SumIf:
            return true;
        default:
            return false;
    }
}

namespace {

// Expression nodes are made and dropped by the dozen for every spec, and glibc's malloc serves
// blocks of their size from its slower bins (its per-thread cache holds few). A thread keeps the
// nodes it frees on a free list, up to kMaxPooled of them, and reuses them. Under AddressSanitizer
// every node goes to the heap, so a use after free is still caught.
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kMaxPooled = 0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr size_t kMaxPooled = 0;
#else
constexpr size_t kMaxPooled = 1024;
#endif
#else
constexpr size_t kMaxPooled = 1024;
#endif

template <typename T>
class NodeAllocator {
public:
    using value_type = T;
    NodeAllocator() = default;
    template <typename U>
    NodeAllocator(const NodeAllocator<U>&) {}  // NOLINT: rebinding, as allocators do

    T* allocate(size_t n) {
        FreeList& list = free_list();
        if (n == 1 && list.head != nullptr) {
            Block* b = list.head;
            list.head = b->next;
            --list.count;
            return reinterpret_cast<T*>(b);
        }
        return static_cast<T*>(::operator new(n * sizeof(T)));
    }
    void deallocate(T* p, size_t n) {
        FreeList& list = free_list();
        if (n == 1 && list.count < kMaxPooled) {
            Block* b = reinterpret_cast<Block*>(p);
            b->next = list.head;
            list.head = b;
            ++list.count;
            return;
        }
        ::operator delete(p);
    }
    template <typename U>
    bool operator==(const NodeAllocator<U>&) const {
        return true;
    }
    template <typename U>
    bool operator!=(const NodeAllocator<U>&) const {
        return false;
    }

private:
    struct Block {
        Block* next;
    };
    static_assert(sizeof(T) >= sizeof(Block), "a pooled node holds the free list's link");
    // Trivially destructible, so that nodes freed late in a thread's exit still find it; the
    // few pooled blocks of a thread that ends are left to the process.
    struct FreeList {
        Block* head;
        size_t count;
    };
    static FreeList& free_list() {
        thread_local FreeList list{nullptr, 0};
        return list;
    }
};

std::shared_ptr<Expr> new_expr() { return std::allocate_shared<Expr>(NodeAllocator<Expr>()); }

// Whether a call can give NULL although none of its arguments is NULL.
bool may_introduce_null(const Expr& call) {
    switch (call.func) {
        case Func::Div:
        case Func::Mod:
        case Func::NullIf:
        case Func::Sqrt:
        case Func::Ln:
        case Func::Log10:
        case Func::Power:  // a negative base with a fractional exponent
        case Func::Sum:    // over groups whose values are all NULL
        case Func::Avg:
        case Func::Min:
        case Func::Max:
        case Func::SumIf:
        case Func::Substring:
            return true;
        case Func::If:
            return call.args.size() < 3;
        case Func::Case:
            return !call.has_else;
        default:
            return false;
    }
}

bool compute_nullable(const Expr& call) {
    switch (call.func) {
        case Func::Count:
        case Func::CountAll:
        case Func::CountDistinct:
        case Func::ApproxCountDistinct:
        case Func::CountIf:
        case Func::IsNull:
        case Func::IsNotNull:
        case Func::ConcatText:
            return false;
        case Func::Coalesce:
        case Func::Greatest:  // NULLs are ignored: NULL only if every argument is
        case Func::Least:
            for (const ExprPtr& a : call.args) {
                if (!a->nullable) return false;
            }
            return true;
        default:
            break;
    }
    if (may_introduce_null(call)) return true;
    if (call.func == Func::Case || call.func == Func::If) {
        // A NULL condition is only not taken: the results alone decide (args: cond, result,
        // cond, result, ... else; the else is last either way).
        const size_t n = call.args.size();
        for (size_t i = 1; i < n; i += 2) {
            if (call.args[i]->nullable) return true;
        }
        return n % 2 == 1 && call.args[n - 1]->nullable;
    }
    for (const ExprPtr& a : call.args) {
        if (a->nullable) return true;
    }
    return false;
}

std::shared_ptr<Expr> literal_of(Type t) {
    auto e = new_expr();
    e->kind = ExprKind::Literal;
    e->type = t;
    e->nullable = false;
    e->literal.is_null = false;
    return e;
}

// What a call's arguments decide: whether it aggregates, and its height.
void set_args(Expr& call, std::vector<ExprPtr> args) {
    call.args = std::move(args);
    call.contains_aggregate = is_aggregate(call.func);
    call.height = 1;
    for (const ExprPtr& a : call.args) {
        call.contains_aggregate |= a->contains_aggregate;
        call.height = std::max(call.height, a->height + 1);
    }
}

std::shared_ptr<Expr> new_call(Func f, std::vector<ExprPtr> args, Type result_type) {
    auto e = new_expr();
    e->kind = ExprKind::Call;
    e->func = f;
    e->type = result_type;
    set_args(*e, std::move(args));
    return e;
}

}  // namespace

ExprPtr make_null(Type t) {
    auto e = new_expr();
    e->kind = ExprKind::Literal;
    e->type = t;
    e->nullable = true;
    e->literal.is_null = true;
    return e;
}

ExprPtr make_bool(bool v) {
    auto e = literal_of(Type::Boolean);
    e->literal.boolean = v;
    return e;
}

ExprPtr make_integer(int64_t v) {
    auto e = literal_of(Type::Integer);
    e->literal.integer = v;
    return e;
}

ExprPtr make_numeric(std::string digits) {
    auto e = literal_of(Type::Numeric);
    e->literal.text = std::move(digits);
    return e;
}

ExprPtr make_double(double v) {
    auto e = literal_of(Type::Double);
    e->literal.real = v;
    return e;
}

ExprPtr make_text(std::string v) {
    auto e = literal_of(Type::Text);
    e->literal.text = std::move(v);
    return e;
}

ExprPtr make_date(std::string iso) {
    auto e = literal_of(Type::Date);
    e->literal.text = std::move(iso);
    return e;
}

ExprPtr make_timestamp(std::string iso) {
    auto e = literal_of(Type::Timestamp);
    e->literal.text = std::move(iso);
    return e;
}

ExprPtr make_timestamptz(std::string iso_utc) {
    auto e = literal_of(Type::TimestampTz);
    e->literal.text = std::move(iso_utc);
    return e;
}

ExprPtr make_column(std::string physical_name, Type t, bool nullable, std::string qualifier,
                    ColumnBounds bounds) {
    auto e = new_expr();
    e->kind = ExprKind::Column;
    e->type = t;
    e->nullable = nullable;
    e->column = std::move(physical_name);
    e->qualifier = std::move(qualifier);
    e->bounds = bounds;
    return e;
}

ExprPtr make_call(Func f, std::vector<ExprPtr> args, Type result_type) {
    auto e = new_call(f, std::move(args), result_type);
    e->nullable = compute_nullable(*e);
    return e;
}

ExprPtr make_time_call(Func f, TimeUnit unit, std::vector<ExprPtr> args, Type result_type) {
    auto e = new_call(f, std::move(args), result_type);
    e->unit = unit;
    e->nullable = compute_nullable(*e);
    return e;
}

ExprPtr make_case(std::vector<ExprPtr> args, bool has_else, Type result_type) {
    auto e = new_call(Func::Case, std::move(args), result_type);
    e->has_else = has_else;
    e->nullable = compute_nullable(*e);
    return e;
}

ExprPtr make_to_local(ExprPtr instant, std::string zone) {
    auto e = new_call(Func::ToLocalTime, {std::move(instant)}, Type::Timestamp);
    e->text = std::move(zone);
    e->nullable = compute_nullable(*e);
    return e;
}

ExprPtr with_args(const Expr& call, std::vector<ExprPtr> args) {
    auto e = new_expr();
    *e = call;
    set_args(*e, std::move(args));
    return e;
}

namespace {

uint64_t bits_of(double v) {
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    return bits;
}

bool same_literal(const Literal& a, const Literal& b, Type t) {
    if (a.is_null || b.is_null) return a.is_null == b.is_null;
    switch (t) {
        case Type::Boolean:
            return a.boolean == b.boolean;
        case Type::Integer:
            return a.integer == b.integer;
        case Type::Double:
            // Bitwise, so that 0.0 and -0.0 (and NaNs) are told apart like the SQL they render.
            return bits_of(a.real) == bits_of(b.real);
        default:
            return a.text == b.text;
    }
}

}  // namespace

bool same_expr(const Expr& a, const Expr& b) {
    if (&a == &b) return true;
    if (a.kind != b.kind || a.type != b.type) return false;
    switch (a.kind) {
        case ExprKind::Literal:
            return same_literal(a.literal, b.literal, a.type);
        case ExprKind::Column:
            return a.column == b.column && a.qualifier == b.qualifier;
        case ExprKind::Call:
            break;
    }
    if (a.func != b.func || a.unit != b.unit || a.has_else != b.has_else || a.text != b.text ||
        a.args.size() != b.args.size()) {
        return false;
    }
    for (size_t i = 0; i < a.args.size(); ++i) {
        if (!same_expr(*a.args[i], *b.args[i])) return false;
    }
    return true;
}

}  // namespace quarry
