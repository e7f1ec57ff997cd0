#include "guard.hpp"

#include <cstring>
#include <string>

namespace quarry::pg {

namespace {

// Messages longer than this are cut (at a UTF-8 character boundary): a spec can put a megabyte
// of text into a name that an error message quotes, and the server log needs none of it.
constexpr size_t kMaxReportedText = 16 * 1024;
constexpr const char kCutMark[] = "...";

MemoryContext current_guard_context = nullptr;

size_t utf8_boundary_at_or_before(const char* text, size_t pos) {
    while (pos > 0 && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) --pos;
    return pos;
}

// A palloc'd copy of `text`, or null when there is no memory for it. Never raises.
const char* copy_for_report(const char* text, size_t length) {
    bool cut = length > kMaxReportedText;
    size_t kept = cut ? utf8_boundary_at_or_before(text, kMaxReportedText) : length;
    size_t size = kept + (cut ? sizeof(kCutMark) - 1 : 0) + 1;
    auto* copy = static_cast<char*>(
        MemoryContextAllocExtended(detail::error_copy_context(), size, MCXT_ALLOC_NO_OOM));
    if (copy == nullptr) return nullptr;
    std::memcpy(copy, text, kept);
    if (cut) std::memcpy(copy + kept, kCutMark, sizeof(kCutMark) - 1);
    copy[size - 1] = '\0';
    return copy;
}

bool is_sqlstate_char(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

int sqlerrcode_of(const std::string& state) {
    if (state.size() != 5) return ERRCODE_INTERNAL_ERROR;
    for (char c : state) {
        if (!is_sqlstate_char(c)) return ERRCODE_INTERNAL_ERROR;
    }
    return MAKE_SQLSTATE(state[0], state[1], state[2], state[3], state[4]);
}

}  // namespace

const char* PgError::what() const noexcept {
    return edata_ != nullptr && edata_->message != nullptr ? edata_->message : "PostgreSQL error";
}

const char* PgError::sqlstate() const noexcept {
    return edata_ != nullptr ? unpack_sql_state(edata_->sqlerrcode) : "XX000";
}

namespace detail {

MemoryContext enter_guard() {
    MemoryContext previous = current_guard_context;
    current_guard_context = CurrentMemoryContext;
    return previous;
}

void leave_guard(MemoryContext previous) { current_guard_context = previous; }

MemoryContext error_copy_context() {
    return current_guard_context != nullptr ? current_guard_context : CurrentMemoryContext;
}

void capture(Failure& f, const std::string& sqlstate, const char* message,
             const std::string& detail, const std::string& hint) {
    f.sqlerrcode = sqlerrcode_of(sqlstate);
    f.message = copy_for_report(message, std::strlen(message));
    if (f.message == nullptr) {
        capture_out_of_memory(f);
        return;
    }
    if (!detail.empty()) f.detail = copy_for_report(detail.data(), detail.size());
    if (!hint.empty()) f.hint = copy_for_report(hint.data(), hint.size());
}

void capture_out_of_memory(Failure& f) {
    f.sqlerrcode = ERRCODE_OUT_OF_MEMORY;
    f.message = "out of memory";
    f.detail = nullptr;
    f.hint = nullptr;
}

void raise(const Failure& f) {
    if (f.edata != nullptr) ReThrowError(f.edata);
    ereport(ERROR, (errcode(f.sqlerrcode), errmsg_internal("%s", f.message),
                    f.detail != nullptr ? errdetail_internal("%s", f.detail) : 0,
                    f.hint != nullptr ? errhint("%s", f.hint) : 0));
    pg_unreachable();
}

ErrorData* copy_and_flush_error(MemoryContext into, MemoryContext back_to) {
    MemoryContextSwitchTo(into);
    ErrorData* edata = CopyErrorData();
    FlushErrorState();
    MemoryContextSwitchTo(back_to);
    return edata;
}

}  // namespace detail

}  // namespace quarry::pg
