// The per-backend connection pool of quarry_fdw: connections to a server as a user mapping, kept
// for the life of the backend and reused by every scan, IMPORT FOREIGN SCHEMA and quarry.run.
//
//  - Keyed on (server, user mapping). A scan leases an idle connection of its key; a second scan
//    running at the same time (a join done locally, a subquery) leases a second connection,
//    since one connection streams one statement at a time.
//  - A server or user mapping changed by ALTER or DROP (syscache invalidation) retires its
//    connections: they are closed when idle and never leased again.
//  - A connection the remote closed meanwhile (restart) is reopened by its next statement
//    (remote/connection.hpp).
//  - Every wait checks PostgreSQL's interrupts: a cancel, statement_timeout or termination
//    stops the remote statement first, then raises the local error.
//  - Remote statements run in autocommit: quarry_fdw reads, and each pushed-down query is one
//    statement, so it sees one consistent snapshot of the remote.
#pragma once

#include "fdw.hpp"

namespace quarry::fdw {

class Lease;

// Leases a connection of (server, the user mapping of `user`), connected and ready. Raises
// 28000 when a non-superuser's mapping has no password (see docs/fdw.md, Security).
Lease lease_connection(Oid server_id, Oid user_id);

// A connection leased by one scan; returned to the pool when the lease ends.
class Lease {
public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    remote::RemoteConnection& operator*() const { return *connection_; }
    remote::RemoteConnection* operator->() const { return connection_; }
    explicit operator bool() const { return connection_ != nullptr; }

private:
    friend Lease lease_connection(Oid server_id, Oid user_id);
    explicit Lease(remote::RemoteConnection* connection) : connection_(connection) {}
    remote::RemoteConnection* connection_ = nullptr;
};

// The interrupt check remote connections call while they wait: raises PostgreSQL's pending
// cancel or termination as a PgError (never during error recovery, when interrupts are held).
void check_interrupts_for_remote();

}  // namespace quarry::fdw
