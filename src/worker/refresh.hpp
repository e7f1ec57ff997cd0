// What the job queue offers the result cache: the background refresh of an entry served stale
// (docs/cache.md, "Serving stale results").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace quarry::worker {

// Whether quarry is preloaded: there are workers to run a refresh.
bool available();

// The fairness key of the jobs this session queues: quarry.tenant, else the current role's name.
std::string current_tenant();

struct Refresh {
    bool queued = false;         // this call queued it (it runs once this transaction commits)
    std::optional<int64_t> job;  // the job refreshing the entry, when the caller may see it
};

// Queues one background job that runs `spec` (options.cache "refresh") as the current role,
// tenant and search_path, to recompute the cache entry `entry_key`, unless one is queued or
// running already, is being queued by another session right now, or the last one failed less
// than 10 seconds ago. Never waits for another session.
Refresh queue_refresh(const std::string& entry_key, const std::string& spec,
                      const std::string& hash);

}  // namespace quarry::worker
