// The result cache's settings and shared memory: hit counts and last-use times of entries, and
// the last value of each refresh key. A cache hit only touches this memory, never a table, so a
// hot standby serves cached results. Without shared_preload_libraries = 'quarry' each backend
// keeps its own copy: hits and LRU order are then approximate (docs/cache.md).
#include <climits>
#include <cstring>

#include "cache.hpp"
#include "cache_internal.hpp"

namespace quarry::cache::detail {

namespace {

constexpr int kDefaultTtlSeconds = 600;                // 10 minutes
constexpr int kDefaultMaxBytes = 256 * 1024 * 1024;    // 256 MB of results
constexpr int kDefaultUsageSlots = 16384;              // entries whose usage is tracked
constexpr int kRefreshSlots = 1024;                    // refresh keys remembered
constexpr int64_t kFlushEveryUs = 10 * USECS_PER_SEC;  // hit counts to quarry.cache

int ttl_setting = kDefaultTtlSeconds;
int serve_stale_setting = 0;  // off: an expired entry is recomputed before it is served
int max_bytes_setting = kDefaultMaxBytes;
int usage_slots_setting = kDefaultUsageSlots;

struct UsageEntry {
    uint8 key[PG_SHA256_DIGEST_LENGTH];  // hash key: the entry's key
    int64 hits;                          // since the last flush into quarry.cache
    TimestampTz last_used;
};

struct RefreshEntry {
    uint8 id[PG_SHA256_DIGEST_LENGTH];  // hash key: database, source, refresh SQL
    uint8 value[PG_SHA256_DIGEST_LENGTH];
    TimestampTz checked_at;
};

struct SharedState {
    LWLock* lock;
    TimestampTz last_flush;
};

SharedState* shared = nullptr;  // null: not preloaded, this backend's tables below
SharedState local_state{};
HTAB* usage = nullptr;
HTAB* refresh = nullptr;
shmem_request_hook_type previous_request = nullptr;
shmem_startup_hook_type previous_startup = nullptr;

Size shared_size() {
    Size size = MAXALIGN(sizeof(SharedState));
    size = add_size(size, hash_estimate_size(usage_slots_setting, sizeof(UsageEntry)));
    size = add_size(size, hash_estimate_size(kRefreshSlots, sizeof(RefreshEntry)));
    return size;
}

void request_shared_memory() {
    pg::guard([] {
        pg::pg_call([] {
            if (previous_request != nullptr) previous_request();
            RequestAddinShmemSpace(shared_size());
            RequestNamedLWLockTranche("quarry_cache", 1);
        });
    });
}

void start_shared_memory() {
    pg::guard([] {
        pg::pg_call([] {
            if (previous_startup != nullptr) previous_startup();
            LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
            bool found = false;
            shared = static_cast<SharedState*>(
                ShmemInitStruct("quarry cache", sizeof(SharedState), &found));
            if (!found) {
                shared->lock = &(GetNamedLWLockTranche("quarry_cache"))->lock;
                shared->last_flush = 0;
            }
            HASHCTL ctl;
            memset(&ctl, 0, sizeof ctl);
            ctl.keysize = PG_SHA256_DIGEST_LENGTH;
            ctl.entrysize = sizeof(UsageEntry);
            usage = ShmemInitHash("quarry cache usage", usage_slots_setting, usage_slots_setting,
                                  &ctl, HASH_ELEM | HASH_BLOBS);
            ctl.entrysize = sizeof(RefreshEntry);
            refresh = ShmemInitHash("quarry cache refresh keys", kRefreshSlots, kRefreshSlots, &ctl,
                                    HASH_ELEM | HASH_BLOBS);
            LWLockRelease(AddinShmemInitLock);
        });
    });
}

// This backend's tables when quarry was not preloaded.
void ensure_local_tables() {
    if (usage != nullptr) return;
    pg::pg_call([] {
        HASHCTL ctl;
        memset(&ctl, 0, sizeof ctl);
        ctl.keysize = PG_SHA256_DIGEST_LENGTH;
        ctl.entrysize = sizeof(UsageEntry);
        ctl.hcxt = TopMemoryContext;
        usage = hash_create("quarry cache usage (local)", 1024, &ctl,
                            HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
        ctl.entrysize = sizeof(RefreshEntry);
        refresh = hash_create("quarry cache refresh keys (local)", 64, &ctl,
                              HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    });
}

// Holds the lock of the shared tables (nothing when they are local). Only plain data here: the
// functions below take it inside pg_call bodies and release it before leaving them (an error
// between is an abort, which releases LWLocks).
void lock(LWLockMode mode) {
    if (shared != nullptr) LWLockAcquire(shared->lock, mode);
}
void unlock() {
    if (shared != nullptr) LWLockRelease(shared->lock);
}

long slots(HTAB* table) { return table == usage ? usage_slots_setting : kRefreshSlots; }

// Makes room in a full table: drops its least recently used entry. Lock held exclusively.
template <typename Entry, typename When>
void drop_oldest(HTAB* table, When when) {
    if (hash_get_num_entries(table) < slots(table)) return;
    HASH_SEQ_STATUS scan;
    hash_seq_init(&scan, table);
    Entry* oldest = nullptr;
    while (auto* entry = static_cast<Entry*>(hash_seq_search(&scan))) {
        if (oldest == nullptr || when(entry) < when(oldest)) oldest = entry;
    }
    if (oldest != nullptr) {
        uint8 key[PG_SHA256_DIGEST_LENGTH];
        memcpy(key, oldest, sizeof key);  // the key is the entry's first member
        hash_search(table, key, HASH_REMOVE, nullptr);
    }
}

}  // namespace

Digest sha256(const std::string& text) {
    Digest digest{};
    const char* data = text.data();
    const size_t size = text.size();
    uint8* out = digest.data();
    const int rc = pg::pg_call([data, size, out] {
        pg_cryptohash_ctx* ctx = pg_cryptohash_create(PG_SHA256);
        int result = -1;
        if (ctx != nullptr && pg_cryptohash_init(ctx) == 0 &&
            pg_cryptohash_update(ctx, reinterpret_cast<const uint8*>(data), size) == 0 &&
            pg_cryptohash_final(ctx, out, PG_SHA256_DIGEST_LENGTH) == 0) {
            result = 0;
        }
        pg_cryptohash_free(ctx);
        return result;
    });
    if (rc != 0) throw Error(sqlstate::kInternalError, "quarry: SHA-256 failed");
    return digest;
}

std::string hex(const Digest& digest) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(digest.size() * 2);
    for (uint8_t b : digest) {
        out += kHex[b >> 4];
        out += kHex[b & 0xf];
    }
    return out;
}

int default_ttl_seconds() { return ttl_setting; }
int serve_stale_seconds() { return serve_stale_setting; }
int64_t max_bytes() { return max_bytes_setting; }

void record_hit(const Digest& key, TimestampTz now) {
    ensure_local_tables();
    const uint8* raw = key.data();
    pg::pg_call([raw, now] {
        lock(LW_EXCLUSIVE);
        bool found = false;
        auto* entry = static_cast<UsageEntry*>(hash_search(usage, raw, HASH_FIND, nullptr));
        if (entry == nullptr) {
            drop_oldest<UsageEntry>(usage, [](const UsageEntry* e) { return e->last_used; });
            entry = static_cast<UsageEntry*>(hash_search(usage, raw, HASH_ENTER_NULL, &found));
            if (entry != nullptr && !found) entry->hits = 0;
        }
        if (entry != nullptr) {
            entry->hits += 1;
            entry->last_used = now;
        }
        unlock();
    });
}

bool recent_refresh_value(const Digest& id, TimestampTz now, int64_t every_us, Digest* value) {
    ensure_local_tables();
    const uint8* raw = id.data();
    uint8* out = value->data();
    return pg::pg_call([raw, now, every_us, out] {
        lock(LW_SHARED);
        auto* entry = static_cast<RefreshEntry*>(hash_search(refresh, raw, HASH_FIND, nullptr));
        bool fresh = entry != nullptr && now - entry->checked_at < every_us;
        if (fresh) memcpy(out, entry->value, PG_SHA256_DIGEST_LENGTH);
        unlock();
        return fresh;
    });
}

void remember_refresh_value(const Digest& id, const Digest& value, TimestampTz now) {
    ensure_local_tables();
    const uint8* raw = id.data();
    const uint8* val = value.data();
    pg::pg_call([raw, val, now] {
        lock(LW_EXCLUSIVE);
        bool found = false;
        auto* entry = static_cast<RefreshEntry*>(hash_search(refresh, raw, HASH_FIND, nullptr));
        if (entry == nullptr) {
            drop_oldest<RefreshEntry>(refresh, [](const RefreshEntry* e) { return e->checked_at; });
            entry = static_cast<RefreshEntry*>(hash_search(refresh, raw, HASH_ENTER_NULL, &found));
        }
        if (entry != nullptr) {
            memcpy(entry->value, val, PG_SHA256_DIGEST_LENGTH);
            entry->checked_at = now;
        }
        unlock();
    });
}

bool flush_due(TimestampTz now) {
    return pg::pg_call([now] {
        SharedState* state = shared != nullptr ? shared : &local_state;
        lock(LW_EXCLUSIVE);
        bool due = now - state->last_flush >= kFlushEveryUs;
        if (due) state->last_flush = now;
        unlock();
        return due;
    });
}

}  // namespace quarry::cache::detail

namespace quarry::cache {

void init_module() {
    using namespace detail;
    pg::pg_call([] {
        DefineCustomIntVariable("quarry.default_ttl",
                                "Lifetime of a cached result of a source without cache_ttl.",
                                nullptr, &ttl_setting, kDefaultTtlSeconds, 0, INT_MAX, PGC_SUSET,
                                GUC_UNIT_S, nullptr, nullptr, nullptr);
        DefineCustomIntVariable(
            "quarry.serve_stale",
            "How long past its TTL an entry is served stale while a background job refreshes it.",
            "0 (the default) turns it off for sources without their own serve_stale option.",
            &serve_stale_setting, 0, 0, INT_MAX, PGC_SUSET, GUC_UNIT_S, nullptr, nullptr, nullptr);
        DefineCustomIntVariable(
            "quarry.cache_max_bytes",
            "Size bound of the result cache; above it the least recently used entries go.", nullptr,
            &max_bytes_setting, kDefaultMaxBytes, 0, INT_MAX, PGC_SUSET, GUC_UNIT_BYTE, nullptr,
            nullptr, nullptr);
        // A PGC_POSTMASTER setting can only be defined while preloading; without preloading
        // there is no shared memory to size.
        if (process_shared_preload_libraries_in_progress) {
            DefineCustomIntVariable(
                "quarry.cache_usage_slots",
                "Cache entries whose hits and last use shared memory tracks (needs preloading).",
                nullptr, &usage_slots_setting, kDefaultUsageSlots, 128, 1 << 24, PGC_POSTMASTER, 0,
                nullptr, nullptr, nullptr);
            previous_request = shmem_request_hook;
            shmem_request_hook = request_shared_memory;
            previous_startup = shmem_startup_hook;
            shmem_startup_hook = start_shared_memory;
        }
    });
}

}  // namespace quarry::cache

using namespace quarry;

// quarry.cache_usage(): the usage shared memory holds, per entry key. quarry.cache_usage_flush()
// (the same function with reset = true) also sets the hit counts back to 0: the writer that
// calls it adds them to quarry.cache.hits.
QUARRY_PG_FUNCTION(quarry_cache_usage) {
    using namespace quarry::cache::detail;
    // quarry.cache_usage() reads; quarry.cache_usage_flush(true), the owner's, also resets.
    const bool reset = PG_NARGS() > 0 && !PG_ARGISNULL(0) && PG_GETARG_BOOL(0);
    ensure_local_tables();
    pg::pg_call([fcinfo, reset] {
        InitMaterializedSRF(fcinfo, 0);
        auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
        lock(reset ? LW_EXCLUSIVE : LW_SHARED);
        HASH_SEQ_STATUS scan;
        hash_seq_init(&scan, usage);
        while (auto* entry = static_cast<UsageEntry*>(hash_seq_search(&scan))) {
            static constexpr char kHex[] = "0123456789abcdef";
            char key[2 * PG_SHA256_DIGEST_LENGTH + 1];
            for (int i = 0; i < PG_SHA256_DIGEST_LENGTH; ++i) {
                key[2 * i] = kHex[entry->key[i] >> 4];
                key[2 * i + 1] = kHex[entry->key[i] & 0xf];
            }
            key[2 * PG_SHA256_DIGEST_LENGTH] = '\0';
            Datum values[3] = {CStringGetTextDatum(key), Int64GetDatum(entry->hits),
                               TimestampTzGetDatum(entry->last_used)};
            bool nulls[3] = {false, false, false};
            tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
            if (reset) entry->hits = 0;
        }
        unlock();
    });
    return Datum(0);
}
