// The result cache: keys, lookup, store, eviction, explain, invalidation (docs/cache.md).
#include "cache.hpp"

#include <chrono>
#include <cinttypes>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cache_internal.hpp"
#include "common/error.hpp"
#include "refresh.hpp"
#include "src/extension/datums.hpp"
#include "src/extension/privileges.hpp"
#include "src/extension/source_definition.hpp"
#include "src/extension/spi.hpp"
#include "src/fdw/connections.hpp"

namespace quarry::cache {

using detail::Digest;

namespace {

// Slots of quarry.cache_generations per relation: concurrent writers of one table bump
// different rows (a writer holds its row's lock until it commits).
constexpr const char* kTriggerName = "quarry_cache_watch";

// --- SPI with typed parameters and binary results ----------------------------------------------

struct Param {
    Oid type;
    Datum value;
    bool null;
};

Param text_param(const std::string& text) {
    const char* data = text.data();
    const int size = static_cast<int>(text.size());
    Datum d =
        pg::pg_call([data, size] { return PointerGetDatum(cstring_to_text_with_len(data, size)); });
    return {TEXTOID, d, false};
}
Param int8_param(int64_t v) { return {INT8OID, Int64GetDatum(v), false}; }
Param oid_param(Oid v) { return {OIDOID, ObjectIdGetDatum(v), false}; }
Param float8_param(double v) { return {FLOAT8OID, Float8GetDatum(v), false}; }
Param timestamptz_param(TimestampTz v) { return {TIMESTAMPTZOID, TimestampTzGetDatum(v), false}; }
Param jsonb_param(Datum v) { return {JSONBOID, v, false}; }
Param null_param(Oid type) { return {type, Datum(0), true}; }

// Runs a fixed statement (planned once per backend, kept) inside an SPI connection. Returns
// SPI_processed; the rows stay in SPI_tuptable until the connection ends.
uint64_t execute(const char* sql, const std::vector<Param>& params, bool read_only) {
    static std::unordered_map<const char*, SPIPlanPtr> plans;
    const int nargs = static_cast<int>(params.size());
    std::vector<Oid> types;
    std::vector<Datum> values;
    std::vector<char> nulls;
    for (const Param& p : params) {
        types.push_back(p.type);
        values.push_back(p.value);
        nulls.push_back(p.null ? 'n' : ' ');
    }
    SPIPlanPtr plan = nullptr;
    auto found = plans.find(sql);
    if (found != plans.end()) {
        plan = found->second;
    } else {
        Oid* type_data = types.data();
        plan = pg::pg_call([sql, nargs, type_data] {
            SPIPlanPtr p = SPI_prepare(sql, nargs, type_data);
            if (p == nullptr) elog(ERROR, "quarry cache: SPI_prepare failed: %s", sql);
            SPI_keepplan(p);
            return p;
        });
        plans.emplace(sql, plan);
    }
    Datum* value_data = values.data();
    const char* null_data = nulls.data();
    const int rc = pg::pg_call([plan, value_data, null_data, read_only] {
        return SPI_execute_plan(plan, value_data, null_data, read_only, 0);
    });
    if (rc < 0) {
        throw Error(sqlstate::kInternalError,
                    std::string("quarry cache: SPI failed: ") + SPI_result_code_string(rc));
    }
    return SPI_processed;
}

// Column `col` (1-based) of row `row` of the last result: its text, or nullopt for NULL.
std::optional<std::string> text_value(uint64_t row, int col) {
    const char* v = pg::pg_call(
        [row, col] { return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col); });
    if (v == nullptr) return std::nullopt;
    return std::string(v);
}

// A by-value column (int8, timestamptz): nullopt for NULL.
std::optional<int64_t> int64_value(uint64_t row, int col) {
    bool isnull = false;
    bool* nullp = &isnull;
    Datum d = pg::pg_call([row, col, nullp] {
        return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, nullp);
    });
    if (isnull) return std::nullopt;
    return DatumGetInt64(d);
}

// A varlena column copied out of SPI's memory (into the context of the SPI caller).
std::optional<Datum> transferred_value(uint64_t row, int col) {
    bool isnull = false;
    bool* nullp = &isnull;
    Datum d = pg::pg_call([row, col, nullp] {
        Datum v = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, nullp);
        return *nullp ? Datum(0) : SPI_datumTransfer(v, false, -1);
    });
    if (isnull) return std::nullopt;
    return d;
}

// --- statements --------------------------------------------------------------------------------

const char* const kGeneration =
    "SELECT pg_catalog.sum(changes)::pg_catalog.int8 FROM quarry.cache_generations"
    " WHERE relation OPERATOR(pg_catalog.=) $1";

// created_at, expires_at (int8 microseconds), and the result with its meta marked as cached
// when the entry is fresh enough ($2: now, $3: the oldest created_at max_age allows).
const char* const kLookup =
    "SELECT c.created_at, c.expires_at,"
    " CASE WHEN c.expires_at OPERATOR(pg_catalog.>) $2 AND c.created_at OPERATOR(pg_catalog.>) $3"
    " THEN pg_catalog.jsonb_set(c.result, '{meta}'::pg_catalog.text[],"
    " (c.result OPERATOR(pg_catalog.->) 'meta'::pg_catalog.text) OPERATOR(pg_catalog.||)"
    " pg_catalog.jsonb_build_object('cached', true, 'age_ms', pg_catalog.round("
    "(pg_catalog.date_part('epoch'::pg_catalog.text, $2 OPERATOR(pg_catalog.-) c.created_at)"
    " OPERATOR(pg_catalog.*) 1000.0::pg_catalog.float8)::pg_catalog.numeric, 3),"
    " 'cached_at', c.created_at, 'expires_at', c.expires_at, 'cache_key', c.key)) END"
    " FROM quarry.cache c WHERE c.key OPERATOR(pg_catalog.=) $1";

// The newest entry of the same spec and scope, whatever data state it was computed from.
const char* const kLatestOfSpec =
    "SELECT key, data_generation, refresh_value, created_at FROM quarry.cache"
    " WHERE spec_key OPERATOR(pg_catalog.=) $1 ORDER BY created_at DESC LIMIT 1";

const char* const kStore =
    "INSERT INTO quarry.cache AS c (key, spec_key, source, relation, spec_hash, scope,"
    " data_generation, refresh_value, result, bytes, compute_ms, created_at, expires_at,"
    " last_used_at, stale_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
    " $12, $14)"
    " ON CONFLICT (key) DO UPDATE SET result = EXCLUDED.result, bytes = EXCLUDED.bytes,"
    " compute_ms = EXCLUDED.compute_ms, created_at = EXCLUDED.created_at,"
    " expires_at = EXCLUDED.expires_at, last_used_at = EXCLUDED.last_used_at,"
    // A refresh keeps the entry's stale window when it is longer than its own: the worker that
    // runs it has the server's quarry.serve_stale, not the session's that was served stale.
    " stale_until = GREATEST(EXCLUDED.stale_until, EXCLUDED.expires_at OPERATOR(pg_catalog.+)"
    " (c.stale_until OPERATOR(pg_catalog.-) c.expires_at))";

// An expired entry served stale (docs/cache.md, "Serving stale results"): its result with meta
// saying so, and the job refreshing it ($3, NULL when the caller may not see it).
const char* const kServeStale =
    "SELECT pg_catalog.jsonb_set(c.result, '{meta}'::pg_catalog.text[],"
    " (c.result OPERATOR(pg_catalog.->) 'meta'::pg_catalog.text) OPERATOR(pg_catalog.||)"
    " pg_catalog.jsonb_build_object('cached', true, 'stale', true, 'age_ms', pg_catalog.round("
    "(pg_catalog.date_part('epoch'::pg_catalog.text, $2 OPERATOR(pg_catalog.-) c.created_at)"
    " OPERATOR(pg_catalog.*) 1000.0::pg_catalog.float8)::pg_catalog.numeric, 3),"
    " 'cached_at', c.created_at, 'expires_at', c.expires_at, 'cache_key', c.key,"
    " 'refresh_job', $3::pg_catalog.int8))"
    " FROM quarry.cache c WHERE c.key OPERATOR(pg_catalog.=) $1"
    " AND c.expires_at OPERATOR(pg_catalog.<=) $2";

// The refresh queued or running for an entry (for explain).
const char* const kPendingRefresh =
    "SELECT id, state, pg_catalog.pg_has_role($2, role_oid, 'USAGE') FROM quarry.job_queue"
    " WHERE refresh_of OPERATOR(pg_catalog.=) $1 AND state OPERATOR(pg_catalog.=) ANY"
    " ('{queued,running}'::pg_catalog.text[]) ORDER BY id LIMIT 1";

// Entries of the same spec and scope computed from an older state of the data: unreachable.
// (Not newer ones: a long REPEATABLE READ transaction may store an old state last.)
const char* const kDropSuperseded =
    "DELETE FROM quarry.cache WHERE spec_key OPERATOR(pg_catalog.=) $1"
    " AND key OPERATOR(pg_catalog.<>) $2 AND data_generation OPERATOR(pg_catalog.<=) $3";

const char* const kFlushUsage =
    "UPDATE quarry.cache c SET hits = c.hits OPERATOR(pg_catalog.+) u.hits,"
    " last_used_at = GREATEST(c.last_used_at, u.last_used)"
    " FROM quarry.cache_usage_flush() u WHERE u.key OPERATOR(pg_catalog.=) c.key";

// Expired, and past the time it is kept for stale serving.
const char* const kDropExpired =
    "DELETE FROM quarry.cache WHERE GREATEST(expires_at, stale_until) OPERATOR(pg_catalog.<=) $1";

const char* const kTotalBytes = "SELECT pg_catalog.sum(bytes)::pg_catalog.int8 FROM quarry.cache";

// Least recently used first, until what is left fits in $1 bytes.
const char* const kEvictLru =
    "DELETE FROM quarry.cache WHERE key OPERATOR(pg_catalog.=) ANY (ARRAY("
    "SELECT key FROM (SELECT c.key, pg_catalog.sum(c.bytes) OVER (ORDER BY"
    " GREATEST(c.last_used_at, u.last_used) DESC NULLS LAST, c.created_at DESC,"
    " c.key) AS kept FROM quarry.cache c LEFT JOIN quarry.cache_usage() u"
    " ON u.key OPERATOR(pg_catalog.=) c.key) r WHERE kept OPERATOR(pg_catalog.>) $1))";

const char* const kInvalidateSource =
    "DELETE FROM quarry.cache WHERE source OPERATOR(pg_catalog.=) $1"
    " AND relation OPERATOR(pg_catalog.=) $2";
const char* const kInvalidateRelation =
    "DELETE FROM quarry.cache WHERE relation OPERATOR(pg_catalog.=) $1";

const char* const kSourceOfRelation =
    "SELECT 1 FROM quarry.sources WHERE relation OPERATOR(pg_catalog.=) $1::pg_catalog.regclass"
    " LIMIT 1";

const char* const kHasTrigger =
    "SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid OPERATOR(pg_catalog.=) $1"
    " AND tgname OPERATOR(pg_catalog.=) $2::pg_catalog.name";

// --- the relation ------------------------------------------------------------------------------

struct RelationFacts {
    char relkind = 0;
    bool row_security = false;
    bool readable = false;     // SELECT for the current role
    bool has_mapping = false;  // foreign tables: a user mapping for the current role
    Oid mapping = InvalidOid;
    std::string fingerprint;  // its definition's (definition_fingerprint) and its mapping's
};

// The xmins of the relation's pg_attribute rows, hashed (FNV-1a). Called inside pg_call.
uint64 attributes_fingerprint(Oid relation) {
    constexpr uint64 kOffset = 14695981039346656037ULL;
    constexpr uint64 kPrime = 1099511628211ULL;
    uint64 hash = kOffset;
    CatCList* attributes = SearchSysCacheList1(ATTNUM, ObjectIdGetDatum(relation));
    for (int i = 0; i < attributes->n_members; ++i) {
        HeapTuple tuple = &attributes->members[i]->tuple;
        const auto* form = reinterpret_cast<Form_pg_attribute>(GETSTRUCT(tuple));
        const uint64 entry = (static_cast<uint64>(static_cast<uint16>(form->attnum)) << 32) |
                             HeapTupleHeaderGetXmin(tuple->t_data);
        for (int shift = 0; shift < 64; shift += 8) {
            hash = (hash ^ ((entry >> shift) & 0xFF)) * kPrime;
        }
    }
    ReleaseSysCacheList(attributes);
    return hash;
}

// The xmin of a syscache row, or InvalidTransactionId when there is none. Called inside pg_call.
TransactionId row_xmin(HeapTuple tuple) {
    if (!HeapTupleIsValid(tuple)) return InvalidTransactionId;
    const TransactionId xmin = HeapTupleHeaderGetXmin(tuple->t_data);
    ReleaseSysCache(tuple);
    return xmin;
}

constexpr size_t kDefinitionTextSize = 128;

// Writes definition_fingerprint's text into `out` (kDefinitionTextSize). Called inside pg_call.
void write_definition(char* out, Oid relation, Oid server) {
    const uint64 attributes = attributes_fingerprint(relation);
    const TransactionId rule_xmin = row_xmin(
        SearchSysCache2(RULERELNAME, ObjectIdGetDatum(relation), CStringGetDatum("_RETURN")));
    TransactionId table_xmin = InvalidTransactionId;
    TransactionId server_xmin = InvalidTransactionId;
    if (server != InvalidOid) {
        table_xmin = row_xmin(SearchSysCache1(FOREIGNTABLEREL, ObjectIdGetDatum(relation)));
        server_xmin = row_xmin(SearchSysCache1(FOREIGNSERVEROID, ObjectIdGetDatum(server)));
    }
    snprintf(out, kDefinitionTextSize, "attributes %016" PRIx64 " rule %u table %u server %u",
             attributes, rule_xmin, table_xmin, server_xmin);
}

RelationFacts relation_facts(Oid relation, Oid server) {
    RelationFacts facts;
    RelationFacts* out = &facts;
    const Oid user = GetUserId();
    TransactionId class_xmin = InvalidTransactionId;
    TransactionId* class_out = &class_xmin;
    TransactionId mapping_xmin = InvalidTransactionId;
    TransactionId* mapping_out = &mapping_xmin;
    char definition[kDefinitionTextSize] = {0};
    char* definition_out = definition;
    // One pg_call for every catalog lookup: this runs on every quarry.run through the cache.
    pg::pg_call([out, class_out, mapping_out, definition_out, relation, server, user] {
        HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relation));
        if (!HeapTupleIsValid(tuple)) elog(ERROR, "quarry cache: relation %u is gone", relation);
        auto* form = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple));
        out->relkind = form->relkind;
        out->row_security = form->relrowsecurity;
        *class_out = row_xmin(tuple);
        if (server != InvalidOid) {
            tuple = SearchSysCache2(USERMAPPINGUSERSERVER, ObjectIdGetDatum(user),
                                    ObjectIdGetDatum(server));
            if (!HeapTupleIsValid(tuple)) {
                tuple = SearchSysCache2(USERMAPPINGUSERSERVER, ObjectIdGetDatum(InvalidOid),
                                        ObjectIdGetDatum(server));
            }
            if (HeapTupleIsValid(tuple)) {
                out->has_mapping = true;
                out->mapping = reinterpret_cast<Form_pg_user_mapping>(GETSTRUCT(tuple))->oid;
                *mapping_out = row_xmin(tuple);
            }
        }
        out->readable = pg_class_aclcheck(relation, user, ACL_SELECT) == ACLCHECK_OK;
        write_definition(definition_out, relation, server);
    });
    // The pg_class row too (GRANT, triggers, a rewrite): a cache miss costs one run.
    facts.fingerprint = "class " + std::to_string(class_xmin) + " " + definition + " mapping " +
                        std::to_string(mapping_xmin);
    return facts;
}

bool is_local_table(char relkind) {
    return relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE;
}

TimestampTz now_timestamp() { return GetCurrentTimestamp(); }

// --- the refresh key -----------------------------------------------------------------------------

// Runs the refresh key's SQL as the source's owner (it is the owner's text: running it with a
// caller's rights would run the owner's code as whoever asks) and returns the first value of
// its first row as text ("" for none, "\x01NULL" for SQL NULL).
std::string read_refresh_value(const std::string& sql, Oid owner, Oid server) {
    if (server != InvalidOid) {
        fdw::Lease lease = fdw::lease_connection(server, owner);
        std::unique_ptr<remote::RemoteCursor> cursor = lease->execute_streaming(sql);
        std::string value;
        if (cursor->next()) {
            remote::Value v = cursor->value(0);
            value = v.is_null() ? std::string("\x01NULL") : std::string(v.text());
        }
        cursor->close();
        return value;
    }
    Oid saved_user = InvalidOid;
    int saved_context = 0;
    GetUserIdAndSecContext(&saved_user, &saved_context);
    SetUserIdAndSecContext(
        owner, saved_context | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
    std::string value;
    try {
        pg::SpiSession spi;
        const char* text = sql.c_str();
        const int rc = pg::pg_call([text] { return SPI_execute(text, true, 1); });
        if (rc != SPI_OK_SELECT) {
            throw Error("22023", "refresh_key.sql of the source must be a SELECT");
        }
        if (SPI_processed > 0) {
            std::optional<std::string> v = text_value(0, 1);
            value = v ? *v : std::string("\x01NULL");
        }
    } catch (...) {
        SetUserIdAndSecContext(saved_user, saved_context);
        throw;
    }
    SetUserIdAndSecContext(saved_user, saved_context);
    return value;
}

// --- the key -----------------------------------------------------------------------------------

struct Plan {
    CacheMode mode = CacheMode::Use;
    Oid relation = InvalidOid;
    std::string source;
    std::string scope;
    RelationFacts facts;
    bool may_serve = true;
    std::string no_serve;  // why not
    bool may_store = true;
    std::string no_store;  // why not
    bool watched_table = false;
    int64_t generation = 0;
    std::optional<std::string> refresh;  // hex digest of the refresh key's value
    int64_t ttl_seconds = 0;
    int64_t stale_seconds = 0;  // how long past its TTL an entry may be served stale (0: never)
    Digest spec_key{};
    Digest key{};
    std::string spec_key_hex;
    std::string key_hex;
    TimestampTz now = 0;
};

std::string scope_of(const RelationFacts& facts, Oid server) {
    if (server != InvalidOid) return "user mapping:" + std::to_string(facts.mapping);
    if (facts.row_security || facts.relkind == RELKIND_VIEW ||
        facts.relkind == RELKIND_FOREIGN_TABLE) {
        // Row-level security, a view (it may filter on current_user) or another wrapper's
        // foreign table (its rows depend on the caller's user mapping): per role.
        return "role:" + std::to_string(GetUserId());
    }
    return "shared";
}

int64_t ttl_of(const pg::StoredSource* stored) {
    if (stored != nullptr && stored->options.contains("cache_ttl")) {
        return parse_duration_seconds(stored->options["cache_ttl"], "options.cache_ttl");
    }
    return detail::default_ttl_seconds();
}

int64_t serve_stale_of(const pg::StoredSource* stored) {
    if (stored != nullptr && stored->options.contains("serve_stale")) {
        return parse_serve_stale_seconds(stored->options["serve_stale"], "options.serve_stale");
    }
    return detail::serve_stale_seconds();
}

Plan make_plan(const CompiledSpec& compiled, const pg::PgCatalog& catalog, bool for_explain) {
    Plan plan;
    plan.mode = compiled.options.cache;
    plan.relation = catalog.relation();
    plan.source = compiled.source->name;
    plan.now = now_timestamp();
    const Oid server = catalog.foreign_server();
    const pg::StoredSource* stored = catalog.stored_source();
    plan.ttl_seconds = ttl_of(stored);
    plan.stale_seconds = serve_stale_of(stored);

    if (pg::pg_call([] { return RecoveryInProgress(); })) {
        plan.may_store = false;
        plan.no_store = "hot standby: results are stored on the primary only";
    } else if (XactReadOnly) {
        plan.may_store = false;
        plan.no_store = "read-only transaction";
    } else if (plan.ttl_seconds == 0) {
        plan.may_store = false;
        plan.no_store = "the time to live is 0 (cache_ttl or quarry.default_ttl)";
    }
    if (plan.mode == CacheMode::Bypass && !for_explain) return plan;

    plan.facts = relation_facts(plan.relation, server);
    const RelationFacts& facts = plan.facts;
    if (!facts.readable) {
        plan.may_serve = false;
        plan.no_serve = "the current role may not SELECT from the source's relation";
    } else if (server != InvalidOid && !facts.has_mapping) {
        plan.may_serve = false;
        plan.no_serve = "the current role has no user mapping for the source's server";
    }
    plan.scope = scope_of(facts, server);

    std::string identity = "quarry cache 1\ndatabase " + std::to_string(MyDatabaseId) +
                           "\nrelation " + std::to_string(plan.relation) + "\n" +
                           facts.fingerprint + "\nscope " + plan.scope + "\ndialect " +
                           compiled.source->dialect + "\nspec " + compiled.canonical;
    plan.spec_key = detail::sha256(identity);
    plan.spec_key_hex = detail::hex(plan.spec_key);

    // The state of the data: read before the result is computed, in the same snapshot, so an
    // entry is never keyed with a newer state than the one it was computed from.
    if (is_local_table(facts.relkind)) {
        pg::SpiSession spi;
        execute(kGeneration, {oid_param(plan.relation)}, true);
        plan.generation = int64_value(0, 1).value_or(0);
    }
    if (stored != nullptr && stored->options.contains("refresh_key")) {
        const nlohmann::json& rk = stored->options["refresh_key"];
        const std::string& sql = rk["sql"].get_ref<const std::string&>();
        const int64_t every = parse_duration_seconds(rk["every"], "options.refresh_key.every");
        const Digest id = detail::sha256("database " + std::to_string(MyDatabaseId) + "\nsource " +
                                         stored->name + "\nsql " + sql);
        Digest value{};
        if (!detail::recent_refresh_value(id, plan.now, every * USECS_PER_SEC, &value)) {
            value = detail::sha256(read_refresh_value(sql, stored->owner, server));
            detail::remember_refresh_value(id, value, plan.now);
        }
        plan.refresh = detail::hex(value);
    }
    plan.key =
        detail::sha256(plan.spec_key_hex + "\ngeneration " + std::to_string(plan.generation) +
                       "\nrefresh " + plan.refresh.value_or("-"));
    plan.key_hex = detail::hex(plan.key);
    return plan;
}

// --- lookup ------------------------------------------------------------------------------------

struct Found {
    bool exists = false;
    TimestampTz created = 0;
    TimestampTz expires = 0;
    std::optional<Datum> result;  // set when fresh enough to serve
};

Found lookup(const Plan& plan, std::optional<int64_t> max_age_seconds) {
    const TimestampTz oldest =
        max_age_seconds ? plan.now - *max_age_seconds * USECS_PER_SEC : DT_NOBEGIN;
    Found found;
    pg::as_catalog_owner([&] {
        pg::SpiSession spi;
        uint64_t n = execute(
            kLookup,
            {text_param(plan.key_hex), timestamptz_param(plan.now), timestamptz_param(oldest)},
            true);
        if (n == 0) return;
        found.exists = true;
        found.created = int64_value(0, 1).value_or(0);
        found.expires = int64_value(0, 2).value_or(0);
        found.result = transferred_value(0, 3);
    });
    return found;
}

// --- store and evict ---------------------------------------------------------------------------

// The sum of the entries' bytes as this session knows it: summed over the table at most once a
// second (a scan of every entry), in between the last sum plus what this session stored. Other
// sessions' stores of the last second are missed until the next sum.
constexpr int64_t kSumEveryUs = USECS_PER_SEC;
int64_t known_total_bytes = 0;
TimestampTz summed_at = 0;

int64_t total_bytes(TimestampTz now, int64_t stored_bytes) {
    if (now - summed_at < kSumEveryUs && now >= summed_at) {
        known_total_bytes += stored_bytes;
        return known_total_bytes;
    }
    execute(kTotalBytes, {}, false);  // not read-only: it must see the entry just stored
    known_total_bytes = int64_value(0, 1).value_or(0);
    summed_at = now;
    return known_total_bytes;
}

// Expired entries (through the index on their end), then least recently used ones above the
// bound. `stored_bytes`: the size of an entry this session just stored (0 for the worker's
// upkeep, which always sums).
int64_t evict_locked(TimestampTz now, int64_t stored_bytes) {
    int64_t dropped = 0;
    if (detail::flush_due(now)) execute(kFlushUsage, {}, false);
    dropped += static_cast<int64_t>(execute(kDropExpired, {timestamptz_param(now)}, false));
    if (stored_bytes == 0) summed_at = 0;
    if (total_bytes(now, stored_bytes) > detail::max_bytes()) {
        dropped +=
            static_cast<int64_t>(execute(kEvictLru, {int8_param(detail::max_bytes())}, false));
        summed_at = 0;
    }
    return dropped;
}

void store(const Plan& plan, const CompiledSpec& compiled, Datum result, double compute_ms) {
    const int64_t bytes = pg::pg_call(
        [result] { return static_cast<int64_t>(VARSIZE_ANY(DatumGetPointer(result))); });
    if (bytes > detail::max_bytes()) return;  // larger than the whole cache
    const TimestampTz expires = plan.now + plan.ttl_seconds * USECS_PER_SEC;
    const TimestampTz stale_until = expires + plan.stale_seconds * USECS_PER_SEC;
    pg::as_catalog_owner([&] {
        pg::SpiSession spi;
        execute(
            kStore,
            {text_param(plan.key_hex), text_param(plan.spec_key_hex), text_param(plan.source),
             oid_param(plan.relation), text_param(compiled.hash), text_param(plan.scope),
             int8_param(plan.generation),
             plan.refresh ? text_param(*plan.refresh) : null_param(TEXTOID), jsonb_param(result),
             int8_param(bytes), float8_param(compute_ms), timestamptz_param(plan.now),
             timestamptz_param(expires), timestamptz_param(stale_until)},
            false);
        execute(
            kDropSuperseded,
            {text_param(plan.spec_key_hex), text_param(plan.key_hex), int8_param(plan.generation)},
            false);
        evict_locked(plan.now, bytes);
    });
}

std::string iso(TimestampTz t) {
    return pg::pg_call([t] { return timestamptz_to_str(t); });
}

// --- serving stale -----------------------------------------------------------------------------

// Why the expired entry `found` may not be served stale now; empty when it may. Only the TTL
// makes an entry stale-servable: a changed data generation or refresh key, a definition change
// and invalidate all lead to another key or no entry, never here.
std::string stale_refusal(const Plan& plan, const Found& found,
                          std::optional<int64_t> max_age_seconds) {
    if (plan.stale_seconds == 0) return "serve_stale is off";
    if (plan.now >= found.expires + plan.stale_seconds * USECS_PER_SEC) {
        return "it expired more than serve_stale (" + std::to_string(plan.stale_seconds) +
               " s) ago";
    }
    // max_age bounds the age of whatever is served, a stale result included.
    if (max_age_seconds && found.created <= plan.now - *max_age_seconds * USECS_PER_SEC) {
        return "it is older than options.max_age";
    }
    // A hot standby or a read-only transaction cannot queue the refresh; a TTL of 0 would not
    // store its result.
    if (!plan.may_store) return plan.no_store;
    if (!worker::available()) {
        return "quarry is not in shared_preload_libraries, no background worker would refresh it";
    }
    return "";
}

// The stale entry with meta.stale, after queueing its refresh; nullopt when it is gone (evicted,
// invalidated or refreshed since the lookup): the caller computes.
std::optional<Datum> serve_stale(const Plan& plan, const CompiledSpec& compiled,
                                 const std::function<nlohmann::json()>& spec) {
    // The refresh runs the caller's spec, recomputed and stored whatever its max_age; relative
    // ranges resolve when it runs (in the same window unless one began meanwhile, and then
    // the new window is what the next run asks for).
    nlohmann::json job_spec = spec();
    nlohmann::json& options = job_spec["options"];
    if (!options.is_object()) options = nlohmann::json::object();
    options.erase("max_age");
    options["cache"] = "refresh";
    const worker::Refresh refresh =
        worker::queue_refresh(plan.key_hex, job_spec.dump(), compiled.hash);
    std::optional<Datum> result;
    pg::as_catalog_owner([&] {
        pg::SpiSession spi;
        const uint64_t n = execute(kServeStale,
                                   {text_param(plan.key_hex), timestamptz_param(plan.now),
                                    refresh.job ? int8_param(*refresh.job) : null_param(INT8OID)},
                                   true);
        if (n > 0) result = transferred_value(0, 1);
    });
    return result;
}

}  // namespace

Datum run(const CompiledSpec& compiled, const pg::PgCatalog& catalog,
          const std::function<Datum()>& compute, const std::function<nlohmann::json()>& spec) {
    Plan plan = make_plan(compiled, catalog, /*for_explain=*/false);
    if (plan.mode == CacheMode::Use && plan.may_serve) {
        Found found = lookup(plan, compiled.options.max_age_seconds);
        if (found.result) {
            detail::record_hit(plan.key, plan.now);
            return *found.result;
        }
        if (found.exists && found.expires <= plan.now && spec &&
            stale_refusal(plan, found, compiled.options.max_age_seconds).empty()) {
            if (std::optional<Datum> stale = serve_stale(plan, compiled, spec)) {
                detail::record_hit(plan.key, plan.now);
                return *stale;
            }
        }
    }
    const auto started = std::chrono::steady_clock::now();
    Datum result = compute();
    const std::chrono::duration<double, std::milli> elapsed =
        std::chrono::steady_clock::now() - started;
    if (plan.mode != CacheMode::Bypass && plan.may_store) {
        store(plan, compiled, result, elapsed.count());
    }
    return result;
}

nlohmann::json explain(const CompiledSpec& compiled, const pg::PgCatalog& catalog) {
    Plan plan = make_plan(compiled, catalog, /*for_explain=*/true);
    nlohmann::json out = {
        {"key", plan.key_hex},
        {"scope", plan.scope},
        {"ttl_seconds", plan.ttl_seconds},
        {"store", plan.may_store && plan.mode != CacheMode::Bypass},
    };
    if (is_local_table(plan.facts.relkind)) {
        pg::SpiSession spi;
        const bool watched =
            execute(kHasTrigger, {oid_param(plan.relation), text_param(kTriggerName)}, true) > 0;
        out["data_changes"] =
            watched ? "watched by trigger (data generation " + std::to_string(plan.generation) + ")"
                    : "not watched: only cache_ttl and refresh_key apply";
    }
    if (plan.refresh) out["refresh_key_value"] = plan.refresh->substr(0, 16);
    if (!plan.may_store) out["not_stored_because"] = plan.no_store;

    auto decide = [&](const char* decision, const std::string& reason) {
        out["decision"] = decision;
        if (!reason.empty()) out["reason"] = reason;
    };
    const char* compute = plan.may_store ? "compute and store" : "compute";
    if (plan.mode == CacheMode::Bypass) {
        decide("compute", "options.cache is \"bypass\"");
        out["store"] = false;
        return out;
    }
    if (plan.mode == CacheMode::Refresh) {
        decide(compute, "options.cache is \"refresh\"");
        return out;
    }
    if (!plan.may_serve) {
        decide(compute, plan.no_serve);
        return out;
    }
    Found found = lookup(plan, compiled.options.max_age_seconds);
    if (found.exists) {
        out["age_ms"] = static_cast<double>(plan.now - found.created) / 1000.0;
        out["created"] = iso(found.created);
        out["expires"] = iso(found.expires);
    }
    if (found.result) {
        decide("serve", "");
        return out;
    }
    if (found.exists && found.expires <= plan.now) {
        const std::string refusal = stale_refusal(plan, found, compiled.options.max_age_seconds);
        if (plan.stale_seconds > 0) out["serve_stale_seconds"] = plan.stale_seconds;
        if (refusal.empty()) {
            std::string refresh = "would be queued";
            const Oid caller = GetUserId();  // before switching to the catalog's owner
            pg::as_catalog_owner([&] {
                pg::SpiSession spi;
                if (execute(kPendingRefresh, {text_param(plan.key_hex), oid_param(caller)}, true) ==
                    0) {
                    return;
                }
                refresh = text_value(0, 2).value_or("queued");
                if (text_value(0, 3) == std::string("t")) out["refresh_job"] = *int64_value(0, 1);
            });
            out["refresh"] = refresh;
            decide("serve stale", "stale, would be served while a refresh is queued");
            return out;
        }
        decide(compute, plan.stale_seconds > 0
                            ? "the entry expired (not served stale: " + refusal + ")"
                            : std::string("the entry expired"));
        return out;
    }
    if (found.exists) {
        decide(compute, "the entry is older than options.max_age");
        return out;
    }
    std::string reason = "no entry";
    pg::as_catalog_owner([&] {
        pg::SpiSession spi;
        if (execute(kLatestOfSpec, {text_param(plan.spec_key_hex)}, true) == 0) return;
        const int64_t generation = int64_value(0, 2).value_or(0);
        const std::optional<std::string> refresh = text_value(0, 3);
        if (generation != plan.generation) {
            reason = "stale: the table changed since the entry was computed (data generation " +
                     std::to_string(generation) + ", now " + std::to_string(plan.generation) + ")";
        } else if (refresh != plan.refresh) {
            reason = "stale: the refresh key's value changed since the entry was computed";
        }
    });
    decide(compute, reason);
    return out;
}

std::string definition_fingerprint(Oid relation, Oid server) {
    char text[kDefinitionTextSize] = {0};
    char* out = text;
    pg::pg_call([out, relation, server] { write_definition(out, relation, server); });
    return text;
}

std::string serving_scope(Oid relation, Oid server) {
    const RelationFacts facts = relation_facts(relation, server);
    if (!facts.readable || (server != InvalidOid && !facts.has_mapping)) return {};
    return scope_of(facts, server);
}

int64_t evict() {
    if (pg::pg_call([] { return RecoveryInProgress(); })) return 0;
    int64_t dropped = 0;
    const TimestampTz now = now_timestamp();
    pg::as_catalog_owner([&] {
        pg::SpiSession spi;
        dropped = evict_locked(now, 0);
    });
    return dropped;
}

bool watch_relation(Oid relation) {
    struct Target {
        char relkind;
        bool allowed;
        const char* qualified;
    };
    Target target = pg::pg_call([relation] {
        Target t{get_rel_relkind(relation), false, nullptr};
        if (t.relkind == RELKIND_RELATION || t.relkind == RELKIND_PARTITIONED_TABLE) {
            t.allowed = pg_class_aclcheck(relation, GetUserId(), ACL_TRIGGER) == ACLCHECK_OK;
            t.qualified = quote_qualified_identifier(
                get_namespace_name(get_rel_namespace(relation)), get_rel_name(relation));
        }
        return t;
    });
    if (!is_local_table(target.relkind)) return false;
    if (!target.allowed) {
        const char* name = target.qualified;
        pg::pg_call([name] {
            ereport(NOTICE,
                    (errmsg("changes to %s will not invalidate cached results", name),
                     errdetail("Installing the statement trigger that tracks them needs the "
                               "TRIGGER privilege on the table."),
                     errhint("cache_ttl, refresh_key and quarry.invalidate still apply.")));
        });
        return false;
    }
    pg::SpiSession spi;
    if (execute(kHasTrigger, {oid_param(relation), text_param(kTriggerName)}, true) > 0) {
        return true;
    }
    const std::string sql = std::string("CREATE TRIGGER ") + kTriggerName +
                            " AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON " + target.qualified +
                            " FOR EACH STATEMENT EXECUTE FUNCTION quarry.cache_note_change()";
    const char* text = sql.c_str();
    pg::pg_call([text, relation] {
        if (SPI_execute(text, false, 0) != SPI_OK_UTILITY) {
            elog(ERROR, "quarry: could not create the cache trigger");
        }
        // DROP EXTENSION quarry drops the trigger with it (instead of refusing: the trigger
        // depends on quarry.cache_note_change).
        ObjectAddress trigger;
        ObjectAddress extension;
        ObjectAddressSet(trigger, TriggerRelationId,
                         get_trigger_oid(relation, kTriggerName, false));
        ObjectAddressSet(extension, ExtensionRelationId, get_extension_oid("quarry", false));
        recordDependencyOn(&trigger, &extension, DEPENDENCY_AUTO);
    });
    return true;
}

void unwatch_if_unused(Oid relation) {
    pg::SpiSession spi;
    // Not read-only: the statement must see drop_source's own DELETE.
    if (execute(kSourceOfRelation, {oid_param(relation)}, false) > 0) return;
    pg::pg_call([relation] {
        Oid trigger_oid = get_trigger_oid(relation, kTriggerName, true);
        if (trigger_oid == InvalidOid) return;
        ObjectAddress trigger;
        ObjectAddressSet(trigger, TriggerRelationId, trigger_oid);
        performDeletion(&trigger, DROP_RESTRICT, PERFORM_DELETION_INTERNAL);
    });
}

int64_t invalidate_source(const std::string& name, Oid relation, bool registered) {
    int64_t dropped = 0;
    pg::as_catalog_owner([&] {
        pg::SpiSession spi;
        dropped = static_cast<int64_t>(
            registered ? execute(kInvalidateSource, {text_param(name), oid_param(relation)}, false)
                       : execute(kInvalidateRelation, {oid_param(relation)}, false));
    });
    return dropped;
}

}  // namespace quarry::cache

using namespace quarry;

// quarry.invalidate(source text) -> int: drops the cached results of a registered source (its
// owner only), or of every spec over a relation (who may SELECT from it).
QUARRY_PG_FUNCTION(quarry_invalidate) {
    pg::require_argument(fcinfo, 0, "source");
    const std::string name = pg::text_argument(fcinfo, 0);
    std::optional<pg::StoredSource> stored;
    {
        pg::SpiSession spi;
        stored = pg::read_stored_source(spi, name);
    }
    const Oid caller = pg::current_role_id();
    int64_t dropped = 0;
    if (stored) {
        pg::require_source_owner(caller, stored->owner, name);
        dropped = cache::invalidate_source(name, stored->relation, true);
    } else {
        const Oid relation = pg::find_relation(name);
        if (relation == InvalidOid) {
            throw Error(sqlstate::kUndefinedTable, "unknown source " + quote_for_message(name));
        }
        pg::require_select(caller, relation);
        dropped = cache::invalidate_source(name, relation, false);
    }
    PG_RETURN_INT32(static_cast<int32>(dropped));
}
