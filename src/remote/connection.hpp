// One session with a remote database: MySQL/MariaDB through libmariadb, PostgreSQL and Redshift
// through libpq. Plain C++17, no PostgreSQL server header: the FDW and the worker drive it, the
// extension only supplies an interrupt check.
//
// What every connection guarantees:
//  - session settings fixed on connect (UTF-8, UTC, the SQL modes and string lexing the
//    dialects' renderers assume), re-applied on every reconnect;
//  - rows streamed in bounded memory (one row at a time off the socket, never a whole result);
//  - every blocking wait is one interruptible wait (wait.hpp): when the interrupt check throws,
//    or a deadline passes, the remote statement is cancelled first (MySQL: KILL QUERY <thread
//    id> on a short-lived side connection; libpq: a cancel request) and the protocol drained, so
//    the connection stays usable; only then does the exception propagate;
//  - errors are RemoteError with a SQLSTATE: 08001 (cannot connect), 08006 (connection lost),
//    57014 (remote query timeout), or the remote's own SQLSTATE for a statement error; messages
//    name the server and never contain the password;
//  - a connection the server closed meanwhile (restart, KILL, pg_terminate_backend) is reopened
//    once, transparently, by the next statement, since nothing was in progress.
//
// Not thread-safe: one connection, one thread (a backend). One statement at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace quarry::remote {

// The client library and session flavour. Redshift speaks the PostgreSQL protocol but has its
// own session settings and string lexing.
enum class RemoteKind { Mysql, Postgres, Redshift };

// "mysql", "postgres", "redshift"; RemoteError 22023 for anything else.
RemoteKind parse_remote_kind(std::string_view dialect);
std::string_view remote_kind_name(RemoteKind kind);

// Called before every wait slice (at least every kInterruptPollMs while blocked). The extension
// passes a function that checks QueryCancelPending and throws; an empty function never throws.
using InterruptCheck = std::function<void()>;

struct RemoteOptions {
    RemoteKind kind = RemoteKind::Postgres;
    std::string server_name;  // named in messages when set (the FDW's server)
    std::string host = "127.0.0.1";
    int port = 0;  // 0: the protocol's default (3306, 5432)
    std::string dbname;
    std::string user;
    std::string password;            // never in a message; redacted from remote messages too
    int connect_timeout_ms = 10000;  // 0: none. Covers TCP, TLS and authentication
    int query_timeout_ms = 0;        // 0: none. From sending a statement to its last row
    // Rows a consumer handles per batch (the FDW resets its per-batch memory every fetch_size
    // rows). Streaming itself reads one row at a time whatever this says.
    int fetch_size = 1000;
    // "" (library default), disable, prefer, require, verify-ca, verify-full. libmariadb has no
    // opportunistic mode: prefer is its default (TLS only if asked), verify-ca and verify-full
    // both verify the certificate and the host name.
    std::string ssl_mode;
    std::string ssl_root_cert;  // CA file for verify-ca / verify-full; optional
};

// RemoteError 22023 naming the first invalid option (ranges, ssl_mode's values).
void validate_options(const RemoteOptions& options);

// `mysql 127.0.0.1:3306/shop`, or `server "shop" (mysql 127.0.0.1:3306/shop)`.
std::string server_label(const RemoteOptions& options);

namespace sqlstate {
inline constexpr const char* kUnableToConnect = "08001";    // sqlclient_unable_to_establish_...
inline constexpr const char* kConnectionFailure = "08006";  // lost after it was established
inline constexpr const char* kQueryCanceled = "57014";      // the remote query timeout
inline constexpr const char* kNotInPrerequisiteState = "55000";  // API misuse
}  // namespace sqlstate

class RemoteError : public Error {
public:
    using Error::Error;
};

// What a result column holds, as far as converting its text is concerned.
enum class ValueKind {
    Boolean,      // PostgreSQL bool: "t" / "f"
    Integer,      // signed, fits int64 (incl. MySQL TINYINT(1), YEAR, unsigned up to INT)
    Unsigned,     // MySQL BIGINT UNSIGNED: 0 .. 18446744073709551615
    Numeric,      // exact decimal: DECIMAL(p,s), numeric ("NaN" possible on PostgreSQL)
    Float,        // FLOAT, DOUBLE, real, double precision: shortest round-trip text
    Text,         // UTF-8 text, incl. MySQL ENUM and SET ("a,b")
    Bytes,        // MySQL binary strings (raw bytes), PostgreSQL bytea ("\x..." hex)
    Bit,          // MySQL BIT(n): the value as an unsigned integer in decimal
    Date,         // YYYY-MM-DD (PostgreSQL may say "infinity", "... BC")
    Time,         // PostgreSQL time; MySQL TIME is a duration: -838:59:59 .. 838:59:59
    Timestamp,    // wall clock, no zone: MySQL DATETIME, PostgreSQL timestamp
    TimestampTz,  // an instant, text with its UTC offset ("+00"): MySQL TIMESTAMP, timestamptz
    Interval,     // PostgreSQL interval (IntervalStyle postgres)
    Json,         // MySQL/MariaDB JSON, PostgreSQL json/jsonb
    Other,        // anything else: the remote's text output
};
std::string_view value_kind_name(ValueKind kind);

struct Column {
    std::string name;
    ValueKind kind = ValueKind::Other;
    std::string type_name;  // the remote's, e.g. "decimal(65,30)", "tinyint(1)", "timestamptz"
    uint32_t type_id = 0;   // MySQL enum_field_types, or PostgreSQL type OID
    int precision = -1;     // DECIMAL/numeric precision, when declared
    int scale = -1;         // DECIMAL/numeric scale, or fractional-second digits
};

// One value of the current row: exact text (see ValueKind), or NULL. Valid until the cursor
// moves or closes. Not NUL-terminated; binary strings may contain NUL bytes.
struct Value {
    const char* data = nullptr;  // nullptr: SQL NULL
    size_t size = 0;

    bool is_null() const { return data == nullptr; }
    std::string_view text() const { return {data == nullptr ? "" : data, size}; }
};

// The rows of one statement, streamed. A cursor must not outlive its connection's next
// statement: the connection refuses a new statement while one cursor is open (55000), and a
// cursor whose connection was destroyed reads as finished.
class RemoteCursor {
public:
    RemoteCursor() = default;
    RemoteCursor(const RemoteCursor&) = delete;
    RemoteCursor& operator=(const RemoteCursor&) = delete;
    virtual ~RemoteCursor() = default;

    virtual const std::vector<Column>& columns() const = 0;
    // Moves to the next row; false when there is none (the statement is then complete).
    virtual bool next() = 0;
    virtual Value value(size_t column) const = 0;
    virtual uint64_t rows_read() const = 0;
    // Stops the statement if rows remain (cancelled remotely and drained). Never throws; the
    // destructor closes too.
    virtual void close() noexcept = 0;
};

class StreamCursor;

class RemoteConnection {
public:
    // A closed connection for `kind`; open() connects.
    static std::unique_ptr<RemoteConnection> create(RemoteKind kind);
    // create(options.kind), set_interrupt_check(check), open(options).
    static std::unique_ptr<RemoteConnection> connect(const RemoteOptions& options,
                                                     InterruptCheck check = {});

    RemoteConnection(const RemoteConnection&) = delete;
    RemoteConnection& operator=(const RemoteConnection&) = delete;
    virtual ~RemoteConnection();

    RemoteKind kind() const { return kind_; }
    const RemoteOptions& options() const { return options_; }
    std::string label() const { return server_label(options_); }

    void set_interrupt_check(InterruptCheck check) { check_ = std::move(check); }

    // Connects (closing a previous session first) and applies the session settings. 08001 on
    // failure, 22023 for invalid options.
    void open(const RemoteOptions& options);
    void close() noexcept;
    bool is_open() const { return state_ != State::Closed; }
    // Open, and not closed by the server meanwhile. No round trip: a server that went away
    // (restart, KILL, pg_terminate_backend) has closed the socket, which is then readable.
    bool is_alive();

    // Runs `sql` (one statement) and streams its rows. A dead connection is reopened once
    // first. Throws RemoteError for remote errors (the connection stays usable), anything the
    // interrupt check throws (after cancelling the remote statement).
    std::unique_ptr<RemoteCursor> execute_streaming(std::string_view sql);
    // Runs `sql` and reads its rows to the end; returns the rows read, or affected for
    // statements without rows.
    uint64_t execute(std::string_view sql);

    // Cancels whatever runs (bounded by kCancelTimeoutMs) and leaves the connection idle, or
    // closed when it could not be brought back. For abort callbacks; never throws.
    void abort_statement() noexcept;

    // The remote session: MySQL thread id (CONNECTION_ID()) or PostgreSQL backend pid
    // (pg_backend_pid()); 0 when closed.
    virtual uint64_t session_id() const = 0;

    // Whether the server asked for the password to authenticate this session (libpq:
    // PQconnectionUsedPassword). A server that trusts the client without one would let a
    // non-superuser act as whoever PostgreSQL runs as; the FDW refuses such sessions for them.
    // MySQL servers always check a given password, so a session opened with one used it.
    virtual bool used_password() const { return !options_.password.empty(); }

protected:
    explicit RemoteConnection(RemoteKind kind) : kind_(kind) {}

    // --- what a client library implements ------------------------------------------------
    // Connects with options() and applies the session settings; throws RemoteError 08001.
    virtual void connect_session() = 0;
    virtual void disconnect() noexcept = 0;
    // False when the socket shows the server closed the session (no round trip).
    virtual bool socket_alive() = 0;
    // Sends `sql` and reads up to its first row (or its end). Fills columns; returns whether
    // rows may follow.
    virtual bool start_statement(std::string_view sql, std::vector<Column>& columns) = 0;
    // Moves to the next row; false at the end, once the protocol is idle again.
    virtual bool fetch_row() = 0;
    virtual Value row_value(size_t column) const = 0;
    virtual uint64_t rows_affected() const = 0;
    // Whether a statement is in flight on the wire (sent and not read to its end).
    virtual bool statement_in_flight() const = 0;
    // Reads the rest of the statement in flight if it has already arrived (at most `max_rows`
    // rows, no waiting); true when the protocol is idle again. Spares the cancel when a caller
    // stops right after the last row, before seeing the end.
    virtual bool finish_if_arrived(size_t max_rows) noexcept = 0;
    // Stops the statement in flight and reads the protocol back to idle within `deadline_ms`;
    // false if that failed (the caller then closes the connection).
    virtual bool cancel_and_drain(int deadline_ms) noexcept = 0;
    // Whether the last failure left the session unusable (lost, killed).
    virtual bool session_broken() const = 0;

    // --- for implementations -----------------------------------------------------------------
    const InterruptCheck& interrupt_check() const { return check_; }
    // A RemoteError with `state`, the server's label and no password.
    RemoteError error(const char* state, std::string_view message, std::string_view detail = {},
                      std::string_view hint = {}) const;
    // 08001 "could not connect to <server>: <reason>".
    RemoteError connect_error(std::string_view reason) const;
    // 08006 "lost connection to <server>: <reason>".
    RemoteError lost_error(std::string_view reason) const;
    // 57014 for a statement that outlived options().query_timeout_ms.
    RemoteError timeout_error() const;
    // The deadline of the statement being run (query_timeout_ms after it was sent), in steady
    // clock milliseconds (wait.hpp); 0: none.
    int64_t statement_deadline() const { return statement_deadline_; }

private:
    friend class StreamCursor;
    enum class State { Closed, Idle, Busy, Broken };

    void reopen_if_dead();
    void require_no_cursor() const;
    // Runs one step of a statement; when it throws, puts the connection back into a known
    // state (idle, or closed) before the exception propagates.
    template <typename Step>
    auto guarded(Step step) -> decltype(step());
    void recover_after_failure() noexcept;
    // Brings the protocol back to idle: what has arrived is read, otherwise the statement is
    // cancelled and drained. False when the session had to be given up.
    bool stop_statement() noexcept;
    bool cursor_next();
    void cursor_finish() noexcept;

    RemoteKind kind_;
    RemoteOptions options_;
    InterruptCheck check_;
    State state_ = State::Closed;
    int64_t statement_deadline_ = 0;
    StreamCursor* cursor_ = nullptr;  // the open cursor, if any
};

}  // namespace quarry::remote
