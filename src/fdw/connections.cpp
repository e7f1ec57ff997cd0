#include "connections.hpp"

#include <memory>
#include <string>
#include <vector>

namespace quarry::fdw {

namespace {

struct PooledConnection {
    Oid server_id = InvalidOid;
    Oid mapping_id = InvalidOid;
    uint32 server_hash = 0;  // syscache hash values, matched by invalidation callbacks
    uint32 mapping_hash = 0;
    bool leased = false;
    bool retired = false;  // its server or mapping changed: close when returned
    std::unique_ptr<remote::RemoteConnection> connection;
};

// Destroyed only at backend exit, after which nothing runs any more.
std::vector<std::unique_ptr<PooledConnection>>& pool() {
    static auto* connections = new std::vector<std::unique_ptr<PooledConnection>>();
    return *connections;
}

bool callbacks_registered = false;

void retire_matching(int cache_id, uint32 hash_value) {
    for (auto& pooled : pool()) {
        const uint32 hash =
            cache_id == FOREIGNSERVEROID ? pooled->server_hash : pooled->mapping_hash;
        if (hash_value == 0 || hash == hash_value) pooled->retired = true;
    }
}

void on_invalidation(Datum /*arg*/, int cache_id, uint32 hash_value) {
    retire_matching(cache_id, hash_value);
}

void close_retired_idle() noexcept {
    auto& connections = pool();
    for (size_t i = 0; i < connections.size();) {
        if (connections[i]->retired && !connections[i]->leased) {
            connections[i]->connection.reset();
            connections.erase(connections.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
            ++i;
        }
    }
}

// The local transaction ended badly: a lease whose scan never reached its end (the error
// longjmped past it) is returned by its owner's memory context callback; what may still be in
// flight is stopped here, so the connection is idle for the next statement.
void on_transaction_event(XactEvent event, void* /*arg*/) {
    if (event != XACT_EVENT_ABORT && event != XACT_EVENT_PARALLEL_ABORT) return;
    for (auto& pooled : pool()) {
        if (pooled->connection) pooled->connection->abort_statement();
    }
}

void register_callbacks() {
    if (callbacks_registered) return;
    pg::pg_call([] {
        CacheRegisterSyscacheCallback(FOREIGNSERVEROID, on_invalidation, (Datum)0);
        CacheRegisterSyscacheCallback(USERMAPPINGOID, on_invalidation, (Datum)0);
        RegisterXactCallback(on_transaction_event, nullptr);
    });
    callbacks_registered = true;
}

bool mapping_has_password(UserMapping* mapping) {
    ListCell* cell;
    foreach (cell, mapping->options) {
        auto* def = static_cast<DefElem*>(lfirst(cell));
        if (strcmp(def->defname, "password") == 0) return true;
    }
    return false;
}

// Whether the mapping waived the password rule (password_required 'false', superuser only).
bool password_waived(UserMapping* mapping) {
    ListCell* cell;
    foreach (cell, mapping->options) {
        auto* def = static_cast<DefElem*>(lfirst(cell));
        if (strcmp(def->defname, "password_required") == 0) {
            return !pg::pg_call([def] { return defGetBoolean(def); });
        }
    }
    return false;
}

// postgres_fdw's rule: a non-superuser may only reach a remote with a password of their own,
// never through the server's trust or peer authentication as the OS user PostgreSQL runs as.
bool may_connect_without_password(UserMapping* mapping, Oid user_id) {
    return pg::pg_call([user_id] { return superuser_arg(user_id); }) || password_waived(mapping);
}

void require_password(UserMapping* mapping, Oid user_id, const char* server_name) {
    if (may_connect_without_password(mapping, user_id) || mapping_has_password(mapping)) return;
    throw Error("28000",
                "password is required to connect to server \"" + std::string(server_name) + "\"",
                "Non-superusers must give a password in the user mapping.");
}

}  // namespace

void check_interrupts_for_remote() {
    if (!InterruptPending || InterruptHoldoffCount != 0 || CritSectionCount != 0) return;
    pg::pg_call([] { ProcessInterrupts(); });
}

Lease::Lease(Lease&& other) noexcept : connection_(other.connection_) {
    other.connection_ = nullptr;
}

Lease& Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        Lease gone(std::move(*this));
        connection_ = other.connection_;
        other.connection_ = nullptr;
    }
    return *this;
}

Lease::~Lease() {
    if (connection_ == nullptr) return;
    for (auto& pooled : pool()) {
        if (pooled->connection.get() == connection_) pooled->leased = false;
    }
    close_retired_idle();
}

Lease lease_connection(Oid server_id, Oid user_id) {
    register_callbacks();
    close_retired_idle();
    ForeignServer* server = pg::pg_call([server_id] { return GetForeignServer(server_id); });
    UserMapping* mapping =
        pg::pg_call([server_id, user_id] { return GetUserMapping(user_id, server_id); });
    require_password(mapping, user_id, server->servername);

    for (auto& pooled : pool()) {
        if (pooled->leased || pooled->retired) continue;
        if (pooled->server_id != server_id || pooled->mapping_id != mapping->umid) continue;
        pooled->leased = true;
        return Lease(pooled->connection.get());
    }

    remote::RemoteOptions options = remote_options(server, mapping);
    auto pooled = std::make_unique<PooledConnection>();
    pooled->server_id = server_id;
    pooled->mapping_id = mapping->umid;
    pooled->server_hash = pg::pg_call([server_id] {
        return GetSysCacheHashValue1(FOREIGNSERVEROID, ObjectIdGetDatum(server_id));
    });
    const Oid mapping_id = mapping->umid;
    pooled->mapping_hash = pg::pg_call([mapping_id] {
        return GetSysCacheHashValue1(USERMAPPINGOID, ObjectIdGetDatum(mapping_id));
    });
    pooled->connection = remote::RemoteConnection::connect(options, check_interrupts_for_remote);
    if (!may_connect_without_password(mapping, user_id) && !pooled->connection->used_password()) {
        throw Error(
            "28000",
            "password is required to connect to server \"" + std::string(server->servername) + "\"",
            "The remote did not ask for the password: non-superusers may only connect "
            "with password authentication.");
    }
    pooled->leased = true;
    remote::RemoteConnection* connection = pooled->connection.get();
    pool().push_back(std::move(pooled));
    return Lease(connection);
}

}  // namespace quarry::fdw
