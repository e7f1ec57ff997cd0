// The servers the remote tests talk to (scripts/servers.sh, coordinates in QUARRY_* variables
// from build/servers/env) and small helpers. A missing variable throws: a test that cannot
// reach its server fails, it is never skipped.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/remote/connection.hpp"

namespace quarry::remote::testing {

// The value of an environment variable; std::runtime_error when it is not set.
std::string require_env(const char* name);

RemoteOptions mysql_options();     // MariaDB, database shop, user quarry
RemoteOptions postgres_options();  // the primary PostgreSQL, superuser postgres (trusted)
RemoteOptions redshift_options();  // the Redshift stand-in, database warehouse, user rs_user

// What a target looks like from a test: its options and the SQL that differs between engines.
struct Target {
    std::string name;  // for test names: mysql, postgres, redshift
    RemoteOptions (*options)();
    std::string sleep_30s;            // a statement that runs 30 s
    std::string million_rows;         // 1,000,000 rows of (integer, 100 characters)
    std::string endless_rows;         // far more rows than a test reads
    std::string unknown_table_state;  // the SQLSTATE of an unknown table
    // SQL counting the statements still running in session `id` (0 when gone).
    std::string (*running_statements)(uint64_t id);
    // SQL counting sessions with id `id` (0 when gone).
    std::string (*sessions)(uint64_t id);
    // SQL that ends session `id` from another session.
    std::string (*kill_session)(uint64_t id);
};
const std::vector<Target>& targets();

using Row = std::vector<std::optional<std::string>>;
// All rows of `sql`, NULL as nullopt.
std::vector<Row> query(RemoteConnection& c, std::string_view sql);
// The first value of the first row ("NULL" for NULL); throws when there is no row.
std::string scalar(RemoteConnection& c, std::string_view sql);

// Polls `condition` every 20 ms until it holds or `limit` passed; returns whether it held.
// For waiting on another server process (a killed statement leaving the process list), never
// to assert on speed.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds limit = std::chrono::seconds(5));

// An interrupt check that throws Interrupted once armed and its delay has passed, like the
// extension's check throws once QueryCancelPending is set.
struct Interrupted {};
class Interrupter {
public:
    void arm(std::chrono::milliseconds delay);
    void disarm() { armed_ = false; }
    void check();
    InterruptCheck function() {
        return [this] { check(); };
    }
    // When check() threw the first time since arm().
    std::chrono::steady_clock::time_point fired_at() const { return fired_at_; }

private:
    bool armed_ = false;
    bool fired_ = false;
    std::chrono::steady_clock::time_point at_;
    std::chrono::steady_clock::time_point fired_at_;
};

// The process's resident set: current and peak (VmRSS, VmHWM of /proc/self/status), in kB.
long resident_kb();
long peak_resident_kb();
// Resets the peak to the current resident set (writes 5 to /proc/self/clear_refs); false when
// the kernel does not allow it.
bool reset_peak_resident();

// A TCP port on 127.0.0.1 nothing listens on (bound, then closed again).
int closed_port();

// A socket listening on 127.0.0.1 that never accepts: connections to it complete the TCP
// handshake and then hear nothing, like a hung server.
class SilentListener {
public:
    SilentListener();
    ~SilentListener();
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

}  // namespace quarry::remote::testing
