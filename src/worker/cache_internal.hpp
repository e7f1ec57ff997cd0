// What the files of the result cache share (not part of its interface, see cache.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "src/extension/guard.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "access/xlog.h"
#include "catalog/dependency.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_trigger.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_user_mapping.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "funcapi.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/hsearch.h"
}
#pragma GCC diagnostic pop

namespace quarry::cache::detail {

using Digest = std::array<uint8_t, PG_SHA256_DIGEST_LENGTH>;

Digest sha256(const std::string& text);
std::string hex(const Digest& digest);

// Settings.
int default_ttl_seconds();  // quarry.default_ttl
int serve_stale_seconds();  // quarry.serve_stale (0: off)
int64_t max_bytes();        // quarry.cache_max_bytes

// Usage of entries (shared memory when preloaded, else this backend's memory).
void record_hit(const Digest& key, TimestampTz now);

// The last value of a refresh key and when it was read. True, with the value, when it was read
// less than `every_us` ago.
bool recent_refresh_value(const Digest& id, TimestampTz now, int64_t every_us, Digest* value);
void remember_refresh_value(const Digest& id, const Digest& value, TimestampTz now);

// Whether a flush of the hit counts is due (at most one every kFlushEveryUs), and marks it done.
bool flush_due(TimestampTz now);

}  // namespace quarry::cache::detail
