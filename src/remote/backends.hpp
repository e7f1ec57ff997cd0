// The client-library implementations of RemoteConnection, created by RemoteConnection::create.
// Internal to src/remote: mysql.cpp is the only file that includes mysql.h, libpq.cpp the only
// one that includes libpq-fe.h.
#pragma once

#include <memory>

#include "connection.hpp"

namespace quarry::remote {

std::unique_ptr<RemoteConnection> make_mysql_connection();
// kind: Postgres or Redshift.
std::unique_ptr<RemoteConnection> make_libpq_connection(RemoteKind kind);

}  // namespace quarry::remote
