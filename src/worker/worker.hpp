// The background worker (docs/worker.md): settings, shared memory, the launcher, the job workers
// and quarry.submit / quarry.wait / quarry.cancel.
#pragma once

namespace quarry::worker {

// Called from _PG_init: defines the settings; when quarry is in shared_preload_libraries, also
// requests the shared memory and registers the launcher.
void init_module();

}  // namespace quarry::worker
