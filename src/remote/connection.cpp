// The part of a remote connection that does not depend on the client library: options, error
// messages, the statement state machine (idle / busy / broken), transparent reopening and the
// cursor handed to callers.
#include "connection.hpp"

#include <cstdint>
#include <string>
#include <utility>

#include "backends.hpp"
#include "text.hpp"
#include "wait.hpp"

namespace quarry::remote {

namespace {

constexpr int kMaxPort = 65535;
// Rows a stopped statement may still have in the client's buffers that are read instead of
// cancelling it (a cancel costs a connection: MySQL's side connection, libpq's cancel request).
constexpr size_t kRowsReadInsteadOfCancel = 1000;
constexpr int kMaxFetchSize = 1000000;
constexpr const char* kSslModes[] = {"disable", "prefer", "require", "verify-ca", "verify-full"};

RemoteError invalid_option(std::string_view option, std::string_view problem) {
    return RemoteError(
        quarry::sqlstate::kInvalidParameterValue,
        "invalid value for remote option \"" + std::string(option) + "\": " + std::string(problem));
}

void check_range(std::string_view option, int value, int low, int high) {
    if (value < low || value > high) {
        throw invalid_option(option, std::to_string(value) + " is not between " +
                                         std::to_string(low) + " and " + std::to_string(high));
    }
}

// Client libraries take C strings: a NUL byte would silently cut a value (a password, a host).
void check_no_nul(std::string_view option, const std::string& value) {
    if (value.find('\0') != std::string::npos) {
        throw invalid_option(option, "contains a NUL byte");
    }
}

int default_port(RemoteKind kind) { return kind == RemoteKind::Mysql ? 3306 : 5432; }

}  // namespace

RemoteKind parse_remote_kind(std::string_view dialect) {
    if (dialect == "mysql") return RemoteKind::Mysql;
    if (dialect == "postgres") return RemoteKind::Postgres;
    if (dialect == "redshift") return RemoteKind::Redshift;
    throw RemoteError(quarry::sqlstate::kInvalidParameterValue,
                      "unknown remote dialect " + quote_for_message(dialect) +
                          " (expected mysql, postgres or redshift)");
}

std::string_view remote_kind_name(RemoteKind kind) {
    switch (kind) {
        case RemoteKind::Mysql:
            return "mysql";
        case RemoteKind::Postgres:
            return "postgres";
        case RemoteKind::Redshift:
            return "redshift";
    }
    return "unknown";
}

std::string_view value_kind_name(ValueKind kind) {
    switch (kind) {
        case ValueKind::Boolean:
            return "boolean";
        case ValueKind::Integer:
            return "integer";
        case ValueKind::Unsigned:
            return "unsigned";
        case ValueKind::Numeric:
            return "numeric";
        case ValueKind::Float:
            return "float";
        case ValueKind::Text:
            return "text";
        case ValueKind::Bytes:
            return "bytes";
        case ValueKind::Bit:
            return "bit";
        case ValueKind::Date:
            return "date";
        case ValueKind::Time:
            return "time";
        case ValueKind::Timestamp:
            return "timestamp";
        case ValueKind::TimestampTz:
            return "timestamptz";
        case ValueKind::Interval:
            return "interval";
        case ValueKind::Json:
            return "json";
        case ValueKind::Other:
            return "other";
    }
    return "other";
}

void validate_options(const RemoteOptions& o) {
    check_no_nul("server_name", o.server_name);
    check_no_nul("host", o.host);
    check_no_nul("dbname", o.dbname);
    check_no_nul("user", o.user);
    check_no_nul("password", o.password);
    check_no_nul("ssl_root_cert", o.ssl_root_cert);
    if (o.host.empty()) throw invalid_option("host", "must not be empty");
    check_range("port", o.port, 0, kMaxPort);
    check_range("connect_timeout_ms", o.connect_timeout_ms, 0, INT32_MAX);
    check_range("query_timeout_ms", o.query_timeout_ms, 0, INT32_MAX);
    check_range("fetch_size", o.fetch_size, 1, kMaxFetchSize);
    if (!o.ssl_mode.empty()) {
        bool known = false;
        for (const char* mode : kSslModes) known = known || o.ssl_mode == mode;
        if (!known) {
            throw invalid_option("ssl_mode", quote_for_message(o.ssl_mode) +
                                                 " is not one of disable, prefer, require, "
                                                 "verify-ca, verify-full");
        }
    }
}

std::string server_label(const RemoteOptions& o) {
    std::string where(remote_kind_name(o.kind));
    where += ' ';
    where += o.host;
    where += ':';
    where += std::to_string(o.port > 0 ? o.port : default_port(o.kind));
    where += '/';
    where += o.dbname;
    if (o.server_name.empty()) return where;
    return "server " + quote_for_message(o.server_name) + " (" + where + ")";
}

// --- the cursor ------------------------------------------------------------------------------

// Reads through its connection; the connection detaches it when the statement ends otherwise
// (failure, close, abort), after which it reads as finished.
class StreamCursor final : public RemoteCursor {
public:
    explicit StreamCursor(RemoteConnection& connection) : connection_(&connection) {}
    ~StreamCursor() override { StreamCursor::close(); }

    const std::vector<Column>& columns() const override { return columns_; }

    bool next() override {
        on_row_ = false;
        if (connection_ == nullptr) return false;
        RemoteConnection* c = connection_;
        const bool more = c->cursor_next();  // may detach this cursor and throw
        if (!more) {
            detach();
            return false;
        }
        on_row_ = true;
        ++rows_;
        return true;
    }

    Value value(size_t column) const override {
        if (!on_row_ || connection_ == nullptr) {
            throw RemoteError(sqlstate::kNotInPrerequisiteState, "remote cursor is not on a row");
        }
        if (column >= columns_.size()) {
            throw RemoteError(quarry::sqlstate::kInvalidParameterValue,
                              "remote cursor has no column " + std::to_string(column));
        }
        return connection_->row_value(column);
    }

    uint64_t rows_read() const override { return rows_; }

    void close() noexcept override {
        if (connection_ == nullptr) return;
        RemoteConnection* c = connection_;
        detach();
        c->cursor_finish();
    }

    void detach() noexcept {
        connection_ = nullptr;
        on_row_ = false;
    }

    std::vector<Column>& mutable_columns() { return columns_; }

private:
    RemoteConnection* connection_;
    std::vector<Column> columns_;
    uint64_t rows_ = 0;
    bool on_row_ = false;
};

// --- the connection --------------------------------------------------------------------------

std::unique_ptr<RemoteConnection> RemoteConnection::create(RemoteKind kind) {
    if (kind == RemoteKind::Mysql) return make_mysql_connection();
    return make_libpq_connection(kind);
}

std::unique_ptr<RemoteConnection> RemoteConnection::connect(const RemoteOptions& options,
                                                            InterruptCheck check) {
    std::unique_ptr<RemoteConnection> c = create(options.kind);
    c->set_interrupt_check(std::move(check));
    c->open(options);
    return c;
}

// Implementations close their session in their own destructor (disconnect() is theirs); here
// only the cursor is let go.
RemoteConnection::~RemoteConnection() {
    if (cursor_ != nullptr) cursor_->detach();
}

void RemoteConnection::open(const RemoteOptions& options) {
    if (options.kind != kind_) {
        throw RemoteError(quarry::sqlstate::kInvalidParameterValue,
                          "a " + std::string(remote_kind_name(kind_)) +
                              " connection cannot open options for " +
                              std::string(remote_kind_name(options.kind)));
    }
    validate_options(options);
    close();
    options_ = options;
    connect_session();
    state_ = State::Idle;
}

void RemoteConnection::close() noexcept {
    if (cursor_ != nullptr) {
        cursor_->detach();
        cursor_ = nullptr;
    }
    disconnect();
    state_ = State::Closed;
}

bool RemoteConnection::is_alive() {
    switch (state_) {
        case State::Closed:
        case State::Broken:
            return false;
        case State::Busy:
            return true;  // a statement is being read: its own reads report a lost server
        case State::Idle:
            return socket_alive();
    }
    return false;
}

void RemoteConnection::require_no_cursor() const {
    if (cursor_ != nullptr) {
        throw RemoteError(sqlstate::kNotInPrerequisiteState,
                          label() + ": the rows of the previous statement are still being read");
    }
}

void RemoteConnection::reopen_if_dead() {
    if (state_ == State::Closed) {
        throw RemoteError(sqlstate::kNotInPrerequisiteState,
                          "remote connection is not open (" + label() + ")");
    }
    if (state_ == State::Idle && socket_alive()) return;
    // The server closed the session while nothing ran (restart, KILL, idle timeout), or an
    // earlier failure broke it: one new session. A failure here leaves it broken, so the next
    // statement tries again.
    disconnect();
    state_ = State::Broken;
    connect_session();
    state_ = State::Idle;
}

template <typename Step>
auto RemoteConnection::guarded(Step step) -> decltype(step()) {
    try {
        return step();
    } catch (...) {
        recover_after_failure();
        throw;
    }
}

void RemoteConnection::recover_after_failure() noexcept {
    if (cursor_ != nullptr) {
        cursor_->detach();
        cursor_ = nullptr;
    }
    if (session_broken()) {
        disconnect();
        state_ = State::Broken;
        return;
    }
    if (!stop_statement()) {
        disconnect();
        state_ = State::Broken;
        return;
    }
    state_ = State::Idle;
}

bool RemoteConnection::stop_statement() noexcept {
    if (statement_in_flight() && !finish_if_arrived(kRowsReadInsteadOfCancel) &&
        !cancel_and_drain(kCancelTimeoutMs)) {
        return false;
    }
    return !session_broken();
}

std::unique_ptr<RemoteCursor> RemoteConnection::execute_streaming(std::string_view sql) {
    require_no_cursor();
    reopen_if_dead();
    auto cursor = std::make_unique<StreamCursor>(*this);
    statement_deadline_ = deadline_after_ms(options_.query_timeout_ms);
    state_ = State::Busy;
    const bool rows_follow =
        guarded([&] { return start_statement(sql, cursor->mutable_columns()); });
    if (rows_follow) {
        cursor_ = cursor.get();
    } else {
        state_ = State::Idle;
        cursor->detach();
    }
    return cursor;
}

uint64_t RemoteConnection::execute(std::string_view sql) {
    std::unique_ptr<RemoteCursor> cursor = execute_streaming(sql);
    uint64_t rows = 0;
    while (cursor->next()) ++rows;
    return cursor->columns().empty() ? rows_affected() : rows;
}

bool RemoteConnection::cursor_next() {
    const bool more = guarded([&] { return fetch_row(); });
    if (!more) {
        cursor_ = nullptr;
        state_ = State::Idle;
    }
    return more;
}

void RemoteConnection::cursor_finish() noexcept {
    // The cursor was closed before its last row: stop the statement.
    cursor_ = nullptr;
    abort_statement();
}

void RemoteConnection::abort_statement() noexcept {
    if (cursor_ != nullptr) {
        cursor_->detach();
        cursor_ = nullptr;
    }
    if (state_ == State::Closed || state_ == State::Broken) return;
    if (session_broken() || !stop_statement()) {
        disconnect();
        state_ = State::Broken;
        return;
    }
    state_ = State::Idle;
}

RemoteError RemoteConnection::error(const char* state, std::string_view message,
                                    std::string_view detail, std::string_view hint) const {
    const std::string& secret = options_.password;
    return RemoteError(state, redact_secret(message, secret), redact_secret(detail, secret),
                       redact_secret(hint, secret));
}

RemoteError RemoteConnection::connect_error(std::string_view reason) const {
    return error(sqlstate::kUnableToConnect,
                 "could not connect to " + label() + ": " + std::string(trim_message(reason)));
}

RemoteError RemoteConnection::lost_error(std::string_view reason) const {
    return error(sqlstate::kConnectionFailure,
                 "lost the connection to " + label() + ": " + std::string(trim_message(reason)));
}

RemoteError RemoteConnection::timeout_error() const {
    return error(sqlstate::kQueryCanceled, label() + ": remote query timeout of " +
                                               std::to_string(options_.query_timeout_ms) +
                                               " ms expired; the remote statement was cancelled");
}

}  // namespace quarry::remote
