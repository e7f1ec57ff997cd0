// The loadable module: its magic block and its load-time hook.
#include "guard.hpp"

extern "C" {
PG_MODULE_MAGIC;
PGDLLEXPORT void _PG_init(void);
}

namespace {

// Nothing to set up yet: the background worker and its settings register here later.
void init_module() {}

}  // namespace

extern "C" void _PG_init(void) {
    quarry::pg::guard([] { init_module(); });
}
