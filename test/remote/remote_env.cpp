#include "remote_env.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

// The 1,000,000-row test asserts a bound on resident memory. ASan keeps freed memory in a
// quarantine (256 MB by default) before reusing it, so a stream that frees every row would still
// grow by the quarantine's size; a smaller one keeps the bound meaningful. ASAN_OPTIONS still
// overrides this.
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=16"; }
#endif

namespace quarry::remote::testing {

std::string require_env(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') {
        throw std::runtime_error(std::string(name) +
                                 " is not set: start the servers (scripts/servers.sh start) and "
                                 "source their env file");
    }
    return v;
}

namespace {

int env_port(const char* name) { return std::stoi(require_env(name)); }

}  // namespace

RemoteOptions mysql_options() {
    RemoteOptions o;
    o.kind = RemoteKind::Mysql;
    o.host = require_env("QUARRY_MY_HOST");
    o.port = env_port("QUARRY_MY_PORT");
    o.dbname = require_env("QUARRY_MY_DB");
    o.user = require_env("QUARRY_MY_USER");
    o.password = require_env("QUARRY_MY_PASSWORD");
    return o;
}

RemoteOptions postgres_options() {
    RemoteOptions o;
    o.kind = RemoteKind::Postgres;
    o.host = require_env("QUARRY_PG_HOST");
    o.port = env_port("QUARRY_PG_PORT");
    o.dbname = "postgres";
    o.user = require_env("QUARRY_PG_USER");
    return o;
}

RemoteOptions redshift_options() {
    RemoteOptions o;
    o.kind = RemoteKind::Redshift;
    o.host = require_env("QUARRY_RS_HOST");
    o.port = env_port("QUARRY_RS_PORT");
    o.dbname = require_env("QUARRY_RS_DB");
    o.user = require_env("QUARRY_RS_USER");
    o.password = require_env("QUARRY_RS_PASSWORD");
    return o;
}

namespace {

std::string mysql_running(uint64_t id) {
    return "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + std::to_string(id) +
           " AND COMMAND = 'Query'";
}
std::string mysql_sessions(uint64_t id) {
    return "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + std::to_string(id);
}
std::string mysql_kill(uint64_t id) { return "KILL " + std::to_string(id); }

std::string pg_running(uint64_t id) {
    return "SELECT count(*) FROM pg_stat_activity WHERE pid = " + std::to_string(id) +
           " AND state <> 'idle'";
}
std::string pg_sessions(uint64_t id) {
    return "SELECT count(*) FROM pg_stat_activity WHERE pid = " + std::to_string(id);
}
std::string pg_kill(uint64_t id) {
    return "SELECT pg_terminate_backend(" + std::to_string(id) + ")";
}

Target pg_target(std::string name, RemoteOptions (*options)()) {
    return Target{std::move(name), options, "SELECT pg_sleep(30)",
                  "SELECT g, repeat('x', 100) FROM generate_series(1, 1000000) AS g",
                  // In the SELECT list, generate_series streams (ProjectSet); in FROM it would
                  // be materialized first.
                  "SELECT generate_series(1, 1000000000)", "42P01", pg_running, pg_sessions,
                  pg_kill};
}

}  // namespace

const std::vector<Target>& targets() {
    static const std::vector<Target> all = {
        Target{"mysql", mysql_options, "SELECT SLEEP(30)",
               "SELECT seq, REPEAT('x', 100) FROM seq_1_to_1000000",
               "SELECT seq FROM seq_1_to_1000000000", "42S02", mysql_running, mysql_sessions,
               mysql_kill},
        pg_target("postgres", postgres_options),
        pg_target("redshift", redshift_options),
    };
    return all;
}

std::vector<Row> query(RemoteConnection& c, std::string_view sql) {
    std::unique_ptr<RemoteCursor> cursor = c.execute_streaming(sql);
    std::vector<Row> rows;
    while (cursor->next()) {
        Row row;
        for (size_t i = 0; i < cursor->columns().size(); ++i) {
            const Value v = cursor->value(i);
            if (v.is_null()) {
                row.emplace_back(std::nullopt);
            } else {
                row.emplace_back(std::string(v.text()));
            }
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string scalar(RemoteConnection& c, std::string_view sql) {
    const std::vector<Row> rows = query(c, sql);
    if (rows.empty() || rows[0].empty()) {
        throw std::runtime_error("no value from: " + std::string(sql));
    }
    return rows[0][0].value_or("NULL");
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
        if (condition()) return true;
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void Interrupter::arm(std::chrono::milliseconds delay) {
    armed_ = true;
    fired_ = false;
    at_ = std::chrono::steady_clock::now() + delay;
}

void Interrupter::check() {
    if (!armed_ || std::chrono::steady_clock::now() < at_) return;
    if (!fired_) {
        fired_ = true;
        fired_at_ = std::chrono::steady_clock::now();
    }
    throw Interrupted{};
}

namespace {

long status_kb(const char* key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(key) + ":";
    while (std::getline(in, line)) {
        if (line.compare(0, prefix.size(), prefix) == 0)
            return std::stol(line.substr(prefix.size()));
    }
    throw std::runtime_error(std::string("no ") + key + " in /proc/self/status");
}

}  // namespace

long resident_kb() { return status_kb("VmRSS"); }
long peak_resident_kb() { return status_kb("VmHWM"); }

bool reset_peak_resident() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.close();
    return !out.fail();
}

namespace {

// A TCP socket bound to 127.0.0.1 on a free port.
int bound_socket(int& port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("bind() failed");
    }
    port = ntohs(a.sin_port);
    return fd;
}

}  // namespace

int closed_port() {
    int port = 0;
    ::close(bound_socket(port));
    return port;
}

SilentListener::SilentListener() {
    fd_ = bound_socket(port_);
    if (listen(fd_, 16) != 0) {
        ::close(fd_);
        throw std::runtime_error("listen() failed");
    }
}

SilentListener::~SilentListener() { ::close(fd_); }

}  // namespace quarry::remote::testing
