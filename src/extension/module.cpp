// The loadable module: its magic block and its load-time hook.
#include "guard.hpp"
#include "src/worker/cache.hpp"
#include "src/worker/worker.hpp"

extern "C" {
PG_MODULE_MAGIC;
PGDLLEXPORT void _PG_init(void);
}

namespace {

// Settings and shared memory of each part; the background worker registers here too.
void init_module() {
    quarry::cache::init_module();
    quarry::worker::init_module();
    // Every quarry.* setting is defined by now: a misspelt one is an error, not a placeholder
    // that silently does nothing.
    quarry::pg::pg_call([] { MarkGUCPrefixReserved("quarry"); });
}

}  // namespace

extern "C" void _PG_init(void) {
    quarry::pg::guard([] { init_module(); });
}
