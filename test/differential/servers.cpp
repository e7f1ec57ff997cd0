#include "servers.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <mysql.h>

#include <cstdlib>
#include <stdexcept>

#include "fixture.hpp"

namespace quarry::diff {

namespace {

std::string required_env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        throw std::runtime_error(std::string(name) +
                                 " is not set: start the servers with scripts/servers.sh start "
                                 "and source build/servers/env (set -a; . build/servers/env)");
    }
    return value;
}

class PgConnection : public Connection {
public:
    PgConnection(Engine engine, const std::string& conninfo) : engine_(engine) {
        conn_ = PQconnectdb(conninfo.c_str());
        if (PQstatus(conn_) != CONNECTION_OK) {
            const std::string message = PQerrorMessage(conn_);
            PQfinish(conn_);
            conn_ = nullptr;
            throw std::runtime_error("cannot connect to PostgreSQL (" + conninfo + "): " + message);
        }
    }
    ~PgConnection() override {
        if (conn_ != nullptr) PQfinish(conn_);
    }
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    Engine engine() const override { return engine_; }

    void exec(const std::string& sql) override { run(sql); }

    ResultRows query(const std::string& sql) override {
        PGresult* res = run(sql);
        ResultRows rows;
        const int n = PQntuples(res);
        const int columns = PQnfields(res);
        rows.reserve(static_cast<size_t>(n));
        for (int r = 0; r < n; ++r) {
            std::vector<Cell> row;
            for (int c = 0; c < columns; ++c) {
                if (PQgetisnull(res, r, c)) {
                    row.emplace_back(std::nullopt);
                } else {
                    row.emplace_back(std::string(PQgetvalue(res, r, c),
                                                 static_cast<size_t>(PQgetlength(res, r, c))));
                }
            }
            rows.push_back(std::move(row));
        }
        PQclear(res);
        return rows;
    }

    std::string string_literal(std::string_view text) override {
        char* quoted = PQescapeLiteral(conn_, text.data(), text.size());
        if (quoted == nullptr) throw std::runtime_error(PQerrorMessage(conn_));
        std::string out = quoted;
        PQfreemem(quoted);
        return out;
    }

private:
    // The result of a successful statement (the caller clears it when it keeps it).
    PGresult* run(const std::string& sql) {
        PGresult* res = PQexec(conn_, sql.c_str());
        const ExecStatusType status = PQresultStatus(res);
        if (status == PGRES_COMMAND_OK) {
            PQclear(res);
            return nullptr;
        }
        if (status != PGRES_TUPLES_OK) {
            const std::string message = PQresultErrorMessage(res);
            PQclear(res);
            throw std::runtime_error("PostgreSQL: " + message);
        }
        return res;
    }

    Engine engine_;
    PGconn* conn_ = nullptr;
};

class MariadbConnection : public Connection {
public:
    MariadbConnection(const std::string& host, unsigned port, const std::string& user,
                      const std::string& password, const std::string& db) {
        conn_ = mysql_init(nullptr);
        if (conn_ == nullptr) throw std::runtime_error("mysql_init failed");
        if (mysql_real_connect(conn_, host.c_str(), user.c_str(), password.c_str(), db.c_str(),
                               port, nullptr, 0) == nullptr) {
            const std::string message = mysql_error(conn_);
            mysql_close(conn_);
            conn_ = nullptr;
            throw std::runtime_error("cannot connect to MariaDB at " + host + ":" +
                                     std::to_string(port) + ": " + message);
        }
    }
    ~MariadbConnection() override {
        if (conn_ != nullptr) mysql_close(conn_);
    }
    MariadbConnection(const MariadbConnection&) = delete;
    MariadbConnection& operator=(const MariadbConnection&) = delete;

    Engine engine() const override { return Engine::Mariadb; }

    void exec(const std::string& sql) override {
        run(sql);
        // A statement may still return rows (e.g. SHOW); they are not wanted.
        if (MYSQL_RES* res = mysql_store_result(conn_)) mysql_free_result(res);
    }

    ResultRows query(const std::string& sql) override {
        run(sql);
        MYSQL_RES* res = mysql_store_result(conn_);
        if (res == nullptr) {
            if (mysql_field_count(conn_) != 0) {
                throw std::runtime_error(std::string("MariaDB: ") + mysql_error(conn_));
            }
            return {};
        }
        ResultRows rows;
        const unsigned columns = mysql_num_fields(res);
        while (MYSQL_ROW row = mysql_fetch_row(res)) {
            const unsigned long* lengths = mysql_fetch_lengths(res);
            std::vector<Cell> out;
            for (unsigned c = 0; c < columns; ++c) {
                if (row[c] == nullptr) {
                    out.emplace_back(std::nullopt);
                } else {
                    out.emplace_back(std::string(row[c], lengths[c]));
                }
            }
            rows.push_back(std::move(out));
        }
        mysql_free_result(res);
        return rows;
    }

    std::string string_literal(std::string_view text) override {
        std::string buffer(text.size() * 2 + 1, '\0');
        const unsigned long n =
            mysql_real_escape_string(conn_, buffer.data(), text.data(), text.size());
        buffer.resize(n);
        return "'" + buffer + "'";
    }

private:
    void run(const std::string& sql) {
        if (mysql_real_query(conn_, sql.data(), sql.size()) != 0) {
            throw std::runtime_error(std::string("MariaDB: ") + mysql_error(conn_) + " [" +
                                     mysql_sqlstate(conn_) + "]");
        }
    }

    MYSQL* conn_ = nullptr;
};

std::string pg_conninfo(const char* prefix, const std::string& db) {
    const std::string p(prefix);
    std::string info = "host=" + required_env((p + "_HOST").c_str()) +
                       " port=" + required_env((p + "_PORT").c_str()) +
                       " user=" + required_env((p + "_USER").c_str()) + " dbname=" + db +
                       " connect_timeout=10 client_encoding=UTF8";
    if (const char* password = std::getenv((p + "_PASSWORD").c_str())) {
        info += " password=" + std::string(password);
    }
    return info;
}

// Sessions are set up as quarry's own will be, plus traps that must not matter: a session time
// zone that is not UTC (formulas must not depend on it).
std::unique_ptr<Connection> connect_postgres() {
    auto c = std::make_unique<PgConnection>(Engine::Postgres, pg_conninfo("QUARRY_PG", "postgres"));
    c->exec("SET client_min_messages = warning");
    c->exec("SET TimeZone = 'Asia/Kolkata'");
    return c;
}

// Redshift's string literals always treat a backslash as an escape (it forked before
// standard_conforming_strings): the stand-in reads literals the same way, so the Redshift
// rendering's doubled backslashes are checked for real.
std::unique_ptr<Connection> connect_redshift_stand_in() {
    auto c = std::make_unique<PgConnection>(Engine::RedshiftStandIn,
                                            pg_conninfo("QUARRY_RS", required_env("QUARRY_RS_DB")));
    c->exec("SET client_min_messages = warning");
    c->exec("SET standard_conforming_strings = off");
    c->exec("SET escape_string_warning = off");
    c->exec("SET TimeZone = 'America/New_York'");
    return c;
}

// What quarry requires of a MySQL session (docs/dialects.md): utf8mb4 and UTC. The sql_mode is
// MySQL 8's default (ONLY_FULL_GROUP_BY included), so the renderings are checked under it.
std::unique_ptr<Connection> connect_mariadb() {
    const std::string port = required_env("QUARRY_MY_PORT");
    auto c = std::make_unique<MariadbConnection>(
        required_env("QUARRY_MY_HOST"), static_cast<unsigned>(std::stoul(port)),
        required_env("QUARRY_MY_USER"), required_env("QUARRY_MY_PASSWORD"),
        required_env("QUARRY_MY_DB"));
    c->exec("SET NAMES utf8mb4");
    c->exec("SET time_zone = '+00:00'");
    c->exec(
        "SET sql_mode = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
        "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
    return c;
}

struct SetUpOutcome {
    std::unique_ptr<Servers> servers;
    std::string error;
};

SetUpOutcome set_up() {
    SetUpOutcome out;
    try {
        auto s = std::make_unique<Servers>();
        s->postgres = connect_postgres();
        s->redshift = connect_redshift_stand_in();
        s->mariadb = connect_mariadb();
        load_fixture(*s->postgres);
        load_fixture(*s->redshift);
        load_fixture(*s->mariadb);
        out.servers = std::move(s);
    } catch (const std::exception& e) {
        out.error = e.what();
    }
    return out;
}

}  // namespace

Servers* servers_or_fail() {
    static SetUpOutcome outcome = set_up();
    if (!outcome.servers) {
        ADD_FAILURE() << "differential servers unavailable: " << outcome.error;
        return nullptr;
    }
    return outcome.servers.get();
}

}  // namespace quarry::diff
