// The boundary between PostgreSQL's error handling and C++'s.
//
// PostgreSQL reports errors with ereport(ERROR), which longjmps to the innermost PG_TRY (or to
// the top of the backend's main loop). C++ reports errors with exceptions, which unwind frames
// and run destructors. A longjmp across a C++ frame skips its destructors (leaks, locks held by
// RAII objects, corrupted exception state) and a C++ exception across a PostgreSQL frame skips
// its PG_TRY bookkeeping. So the two never cross each other; the crossings are exactly two:
//
// 1. PostgreSQL -> C++ (every entry point): an `extern "C"` function that PostgreSQL calls
//    (SQL functions, later FDW callbacks, _PG_init) is a thin shim around a C++ body, run by
//    `guard()`. The guard catches everything the body throws and, once the catch block is left
//    and every C++ frame of the body is gone, raises it as an ERROR:
//      - PgError (a PostgreSQL error caught by pg_call): re-raised unchanged with ReThrowError,
//        so its SQLSTATE, message, detail, hint and context survive;
//      - quarry::Error: its own SQLSTATE (5 characters), message, detail and hint;
//      - std::bad_alloc: ERRCODE_OUT_OF_MEMORY;
//      - any other std::exception: XX000 with what(); anything else: XX000.
//    Use QUARRY_PG_FUNCTION for SQL functions; call guard() directly for other callbacks.
//
// 2. C++ -> PostgreSQL (every call into PostgreSQL that can elog(ERROR): SPI, syscache,
//    relcache, type input/output functions, name lookups, jsonb, palloc of large sizes,
//    CHECK_FOR_INTERRUPTS...): run it inside `pg_call([&] { ... })`. pg_call runs the body
//    under PG_TRY; a PostgreSQL error is copied (CopyErrorData, in the guard's memory context)
//    and flushed, and thrown as PgError for the guard to re-raise.
//
// Rules for the body of pg_call (it is the frame a longjmp may skip):
//    - it holds nothing with a non-trivial destructor: no std::string, vector, smart pointer,
//      or temporary of such a type (call `.c_str()` on strings that live outside the lambda);
//    - it calls no C++ code that allocates with new or may throw (a C++ exception thrown
//      inside it is caught and rethrown after PG_TRY's bookkeeping is restored, but keep
//      bodies to PostgreSQL calls and plain C data);
//    - its result, if any, is trivially copyable (pointers, Datums, Oids, ints).
//
// Rules for the rest of the extension's C++ code:
//    - never call a PostgreSQL function that may elog(ERROR) outside pg_call; that includes
//      CHECK_FOR_INTERRUPTS (use check_for_interrupts() below) and palloc of anything whose
//      size a user controls;
//    - never swallow a PgError: after a PostgreSQL error the backend's state is only good for
//      aborting the (sub)transaction, which the guard's re-raise does. Catching a
//      quarry::Error to try something else is fine (the core touches no PostgreSQL state);
//    - C++ objects are RAII and never own palloc'd memory: what PostgreSQL owns (Datums,
//      tuples, strings handed to PostgreSQL) is palloc'd in the memory context it belongs to
//      and freed with it, so a longjmp or an abort leaks nothing.
#pragma once

#include <exception>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

#include "common/error.hpp"
#include "pg.hpp"

namespace quarry::pg {

// A PostgreSQL error caught by pg_call, carried through C++ frames to the guard.
class PgError : public std::exception {
public:
    explicit PgError(ErrorData* edata) : edata_(edata) {}
    ErrorData* edata() const noexcept { return edata_; }
    const char* what() const noexcept override;
    const char* sqlstate() const noexcept;  // the 5 characters of edata->sqlerrcode

private:
    ErrorData* edata_;  // palloc'd in the guard's memory context; lives until the re-raise
};

namespace detail {

// What escaped a guarded body, copied into palloc'd plain memory so that nothing with a destructor
// is alive when ereport longjmps out of the guard. Trivially destructible.
struct Failure {
    ErrorData* edata = nullptr;  // a PostgreSQL error to re-raise as it was
    int sqlerrcode = 0;
    const char* message = nullptr;
    const char* detail = nullptr;  // may stay null
    const char* hint = nullptr;    // may stay null
};

// The memory context PgError copies go to: the one current when the innermost guard started.
MemoryContext enter_guard();               // returns the previous one
void leave_guard(MemoryContext previous);  // restores it
MemoryContext error_copy_context();

// Catch-side helpers: they only copy, with allocations that report failure instead of raising.
void capture(Failure& f, const std::string& sqlstate, const char* message,
             const std::string& detail = {}, const std::string& hint = {});
void capture_out_of_memory(Failure& f);

// Raises the failure as an ERROR. Call it only after the catch block is left.
[[noreturn]] void raise(const Failure& f);

// PG_CATCH side of pg_call: copies the current error into `into`, flushes the error state
// and makes `back_to` current again.
ErrorData* copy_and_flush_error(MemoryContext into, MemoryContext back_to);

}  // namespace detail

// Runs the C++ body of an entry point; see the header comment.
template <typename Body>
auto guard(Body&& body) -> decltype(body()) {
    using Result = decltype(body());
    static_assert(std::is_void_v<Result> || std::is_trivially_destructible_v<Result>,
                  "an entry point returns plain C data (Datum, void, pointers)");
    detail::Failure failure;
    MemoryContext previous = detail::enter_guard();
    try {
        if constexpr (std::is_void_v<Result>) {
            body();
            detail::leave_guard(previous);
            return;
        } else {
            Result result = body();
            detail::leave_guard(previous);
            return result;
        }
    } catch (const PgError& e) {
        failure.edata = e.edata();
    } catch (const Error& e) {
        detail::capture(failure, e.sqlstate(), e.what(), e.detail(), e.hint());
    } catch (const std::bad_alloc&) {
        detail::capture_out_of_memory(failure);
    } catch (const std::exception& e) {
        detail::capture(failure, sqlstate::kInternalError, e.what());
    } catch (...) {
        detail::capture(failure, sqlstate::kInternalError, "unexpected C++ exception");
    }
    // Every C++ frame of the body is gone now; only plain data is left in this one.
    detail::leave_guard(previous);
    detail::raise(failure);
}

// Runs PostgreSQL calls that may elog(ERROR); see the header comment for the rules.
template <typename Body>
auto pg_call(Body&& body) -> decltype(body()) {
    using Result = decltype(body());
    static_assert(std::is_void_v<Result> || std::is_trivially_copyable_v<Result>,
                  "pg_call returns plain C data");
    // Set before PG_TRY, or in PG_CATCH after the longjmp; the body's result and cpp_error are
    // read only when no longjmp happened.
    MemoryContext const copy_into = detail::error_copy_context();
    MemoryContext const entry_context = CurrentMemoryContext;
    ErrorData* volatile pg_error = nullptr;
    std::exception_ptr cpp_error;
    std::conditional_t<std::is_void_v<Result>, bool, Result> result{};

    PG_TRY();
    {
        try {
            if constexpr (std::is_void_v<Result>) {
                body();
            } else {
                result = body();
            }
        } catch (...) {
            cpp_error = std::current_exception();
        }
    }
    PG_CATCH();
    { pg_error = detail::copy_and_flush_error(copy_into, entry_context); }
    PG_END_TRY();

    if (pg_error != nullptr) throw PgError(pg_error);
    if (cpp_error) std::rethrow_exception(cpp_error);
    if constexpr (!std::is_void_v<Result>) return result;
}

// CHECK_FOR_INTERRUPTS for C++ code: a cancel or termination becomes a PgError.
inline void check_for_interrupts() {
    if (INTERRUPTS_PENDING_CONDITION()) pg_call([] { ProcessInterrupts(); });
}

}  // namespace quarry::pg

// Defines a SQL-callable C function `name` whose body, written after the macro, is C++:
//
//     QUARRY_PG_FUNCTION(quarry_translate) { ... return some_datum; }
//
// The body receives `fcinfo` like any V1 function; it runs under quarry::pg::guard.
#define QUARRY_PG_FUNCTION(name)                                                      \
    extern "C" {                                                                      \
    PG_FUNCTION_INFO_V1(name);                                                        \
    }                                                                                 \
    static Datum name##_Cpp(FunctionCallInfo fcinfo);                                 \
    extern "C" Datum name(PG_FUNCTION_ARGS) {                                         \
        return quarry::pg::guard([fcinfo]() -> Datum { return name##_Cpp(fcinfo); }); \
    }                                                                                 \
    static Datum name##_Cpp(FunctionCallInfo fcinfo)
