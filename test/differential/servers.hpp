// Connections to the three servers of scripts/servers.sh: the PostgreSQL primary, the PostgreSQL
// that stands in for Redshift, and MariaDB. Their coordinates come from the QUARRY_* variables
// of build/servers/env. A server that cannot be reached is a test failure, never a skip.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::diff {

// One value as the server's text protocol returns it; nullopt is SQL NULL.
using Cell = std::optional<std::string>;
using ResultRows = std::vector<std::vector<Cell>>;

// The engine behind a connection. The Redshift stand-in is a PostgreSQL.
enum class Engine { Postgres, RedshiftStandIn, Mariadb };

class Connection {
public:
    virtual ~Connection() = default;
    virtual Engine engine() const = 0;
    // Runs a statement; throws std::runtime_error with the server's message on failure.
    virtual void exec(const std::string& sql) = 0;
    // Runs a query and returns every row as text.
    virtual ResultRows query(const std::string& sql) = 0;
    // `text` as a string literal, escaped by the client library for this connection.
    virtual std::string string_literal(std::string_view text) = 0;
};

struct Servers {
    std::unique_ptr<Connection> postgres;
    std::unique_ptr<Connection> redshift;  // the PostgreSQL stand-in
    std::unique_ptr<Connection> mariadb;
};

// Connects to all three servers and loads the fixture on each, once per process. Returns
// nullptr after recording a test failure that says why (unset variable, unreachable server,
// failed fixture load): callers ASSERT on it, so a missing server fails every test.
Servers* servers_or_fail();

}  // namespace quarry::diff
