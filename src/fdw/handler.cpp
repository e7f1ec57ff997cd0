// The handler and validator of quarry_fdw: the two SQL functions CREATE FOREIGN DATA WRAPPER
// names. Every callback in the routine is a guarded shim (planner.cpp, scan.cpp, import.cpp).
#include "callbacks.hpp"
#include "fdw.hpp"

using namespace quarry;
using namespace quarry::pg;

QUARRY_PG_FUNCTION(quarry_fdw_handler) {
    (void)fcinfo;
    auto* routine = pg_call([] { return static_cast<FdwRoutine*>(palloc0(sizeof(FdwRoutine))); });
    routine->type = T_FdwRoutine;
    fdw::fill_routine(routine);
    PG_RETURN_POINTER(routine);
}

QUARRY_PG_FUNCTION(quarry_fdw_validator) {
    Datum options_array = PG_GETARG_DATUM(0);
    const Oid catalog = PG_GETARG_OID(1);
    List* options = pg_call([options_array] { return untransformRelOptions(options_array); });
    fdw::validate_option_list(options, catalog);
    PG_RETURN_VOID();
}
