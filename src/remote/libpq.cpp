// PostgreSQL and Redshift through libpq, always in non-blocking mode: every wait is
// wait_socket() on PQsocket, so the caller's interrupt check runs while the remote works.
//
// Streaming: PQsendQueryParams + PQsetSingleRowMode, one PGresult per row (PostgreSQL 15's libpq
// has no chunked mode). The alternative, a server-side cursor (DECLARE/FETCH), costs a round trip
// per batch, and Redshift allows one open cursor per session and materializes the cursor's
// whole result on its leader node first; single-row mode streams on both. The extended protocol
// (PQsendQueryParams, no parameters) also refuses a second statement in the text.
//
// Connecting: PQconnectStartParams with keyword and value arrays and expand_dbname = 0, so no
// conninfo string is ever built or parsed: a value with spaces, quotes, backslashes or "="
// (a dbname "x host=evil", a password "a' sslmode='disable") is passed as it is and cannot add a
// keyword. libpq still falls back to its environment (PGHOST, ~/.pgpass, ...) for keywords we
// leave out, as postgres_fdw does.
#include <libpq-fe.h>
#include <poll.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "backends.hpp"
#include "wait.hpp"

namespace quarry::remote {

namespace {

struct ConnCloser {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnCloser>;

struct ResultClearer {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultClearer>;

struct CancelFreer {
    void operator()(PGcancel* c) const noexcept { PQfreeCancel(c); }
};
using CancelPtr = std::unique_ptr<PGcancel, CancelFreer>;

// Built-in type OIDs (pg_type.dat); fixed since PostgreSQL 7 and the same on Redshift.
enum : Oid {
    kBoolOid = 16,
    kByteaOid = 17,
    kCharOid = 18,
    kNameOid = 19,
    kInt8Oid = 20,
    kInt2Oid = 21,
    kInt4Oid = 23,
    kTextOid = 25,
    kOidOid = 26,
    kJsonOid = 114,
    kFloat4Oid = 700,
    kFloat8Oid = 701,
    kBpcharOid = 1042,
    kVarcharOid = 1043,
    kDateOid = 1082,
    kTimeOid = 1083,
    kTimestampOid = 1114,
    kTimestamptzOid = 1184,
    kIntervalOid = 1186,
    kTimetzOid = 1266,
    kNumericOid = 1700,
    kUuidOid = 2950,
    kJsonbOid = 3802,
};

struct TypeInfo {
    Oid oid;
    const char* name;
    ValueKind kind;
};
constexpr TypeInfo kTypes[] = {
    {kBoolOid, "boolean", ValueKind::Boolean},
    {kByteaOid, "bytea", ValueKind::Bytes},
    {kCharOid, "\"char\"", ValueKind::Text},
    {kNameOid, "name", ValueKind::Text},
    {kInt8Oid, "bigint", ValueKind::Integer},
    {kInt2Oid, "smallint", ValueKind::Integer},
    {kInt4Oid, "integer", ValueKind::Integer},
    {kTextOid, "text", ValueKind::Text},
    {kOidOid, "oid", ValueKind::Integer},
    {kJsonOid, "json", ValueKind::Json},
    {kFloat4Oid, "real", ValueKind::Float},
    {kFloat8Oid, "double precision", ValueKind::Float},
    {kBpcharOid, "character", ValueKind::Text},
    {kVarcharOid, "character varying", ValueKind::Text},
    {kDateOid, "date", ValueKind::Date},
    {kTimeOid, "time", ValueKind::Time},
    {kTimestampOid, "timestamp", ValueKind::Timestamp},
    {kTimestamptzOid, "timestamptz", ValueKind::TimestampTz},
    {kIntervalOid, "interval", ValueKind::Interval},
    {kTimetzOid, "timetz", ValueKind::Other},
    {kNumericOid, "numeric", ValueKind::Numeric},
    {kUuidOid, "uuid", ValueKind::Text},
    {kJsonbOid, "jsonb", ValueKind::Json},
};

// The header of a varlena type modifier (VARHDRSZ): numeric's typmod is
// ((precision << 16) | scale) + 4.
constexpr int kVarHeaderSize = 4;

Column describe_column(const PGresult* r, int i) {
    Column c;
    c.name = PQfname(r, i);
    c.type_id = PQftype(r, i);
    c.type_name = "oid " + std::to_string(c.type_id);
    for (const TypeInfo& t : kTypes) {
        if (t.oid == c.type_id) {
            c.type_name = t.name;
            c.kind = t.kind;
            break;
        }
    }
    const int typmod = PQfmod(r, i);
    if (c.type_id == kNumericOid && typmod >= kVarHeaderSize) {
        c.precision = ((typmod - kVarHeaderSize) >> 16) & 0xffff;
        c.scale = (typmod - kVarHeaderSize) & 0xffff;
    } else if ((c.type_id == kTimestampOid || c.type_id == kTimestamptzOid ||
                c.type_id == kTimeOid) &&
               typmod >= 0) {
        c.scale = typmod;  // fractional-second digits
    }
    return c;
}

const char* error_field(const PGresult* r, int field) {
    const char* v = PQresultErrorField(r, field);
    return v != nullptr ? v : "";
}

bool is_fatal_severity(const PGresult* r) {
    const std::string_view severity = error_field(r, PG_DIAG_SEVERITY_NONLOCALIZED);
    return severity == "FATAL" || severity == "PANIC";
}

// The session settings the renderers and value conversions assume (docs/fdw.md):
//  - TimeZone UTC: timestamptz text carries "+00", and instants compare as the renderer
//    expects; DateStyle ISO: dates and timestamps as YYYY-MM-DD, which every reader parses;
//  - IntervalStyle postgres: interval text PostgreSQL's interval_in reads back;
//  - extra_float_digits 3: float text that round-trips exactly (shortest form since PG 12);
//  - standard_conforming_strings on: the postgres renderer writes 'a\b' for a\b.
// client_encoding is a connection keyword (UTF8), sent in the startup packet.
constexpr const char* kPostgresSettings =
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET IntervalStyle = 'postgres'; "
    "SET extra_float_digits = 3; SET standard_conforming_strings = on";
// Redshift knows only some of these: no IntervalStyle, extra_float_digits at most 2 (its float
// output is exact at 2), and its string literals always treat backslash as an escape, which the
// redshift renderer relies on.
constexpr const char* kRedshiftSettings =
    "SET timezone = 'UTC'; SET datestyle = 'ISO'; SET extra_float_digits = 2";
// A PostgreSQL server standing in for Redshift (tests, local development) reports
// standard_conforming_strings = on: turn it off so that backslashes escape as on Redshift (and
// silence the warning PostgreSQL then gives for each of them).
constexpr const char* kRedshiftOnPostgresSettings =
    "; SET standard_conforming_strings = off; SET escape_string_warning = off";

class LibpqConnection final : public RemoteConnection {
public:
    explicit LibpqConnection(RemoteKind kind) : RemoteConnection(kind) {}
    ~LibpqConnection() override { LibpqConnection::disconnect(); }

    uint64_t session_id() const override {
        return conn_ ? static_cast<uint64_t>(PQbackendPID(conn_.get())) : 0;
    }

    bool used_password() const override {
        return conn_ && PQconnectionUsedPassword(conn_.get()) == 1;
    }

protected:
    void connect_session() override {
        disconnect();
        ConnPtr c = start_connecting();
        poll_until_connected(c.get());
        PQsetNoticeReceiver(c.get(), &LibpqConnection::on_notice, this);
        if (PQsetnonblocking(c.get(), 1) != 0) throw connect_error(PQerrorMessage(c.get()));
        conn_ = std::move(c);
        try {
            apply_session_settings();
        } catch (const RemoteError& e) {
            disconnect();
            throw connect_error(std::string("setting up the session failed: ") + e.what());
        } catch (...) {
            disconnect();
            throw;
        }
    }

    void disconnect() noexcept override {
        current_.reset();
        conn_.reset();
        in_flight_ = false;
        first_row_pending_ = false;
        broken_ = false;
        fatal_notice_ = false;
    }

    bool socket_alive() override {
        if (session_broken() || fatal_notice_) return false;
        pollfd p{};
        p.fd = PQsocket(conn_.get());
        p.events = POLLIN;
        if (p.fd < 0) return false;
        if (poll(&p, 1, 0) <= 0) return true;
        // Something arrived while idle: a NOTIFY or ParameterStatus (harmless), or the FATAL
        // error the server sends before closing (shutdown, pg_terminate_backend), or the end
        // of the stream.
        if (PQconsumeInput(conn_.get()) == 0) return false;
        while (PGnotify* n = PQnotifies(conn_.get())) PQfreemem(n);
        return PQstatus(conn_.get()) == CONNECTION_OK && !fatal_notice_;
    }

    bool start_statement(std::string_view sql, std::vector<Column>& columns) override {
        if (sql.find('\0') != std::string_view::npos) {
            throw error(quarry::sqlstate::kInvalidParameterValue,
                        label() + ": a remote statement cannot contain a NUL byte");
        }
        sql_.assign(sql);
        current_.reset();
        first_row_pending_ = false;
        rows_affected_ = 0;
        if (PQsendQueryParams(conn_.get(), sql_.c_str(), 0, nullptr, nullptr, nullptr, nullptr,
                              0) == 0) {
            broken_ = true;
            throw lost_error(PQerrorMessage(conn_.get()));
        }
        in_flight_ = true;
        if (PQsetSingleRowMode(conn_.get()) == 0) {
            throw error(quarry::sqlstate::kInternalError,
                        label() + ": could not switch libpq to single-row mode");
        }
        flush_output(statement_deadline(), interrupt_check());
        ResultPtr first = next_result(statement_deadline(), interrupt_check());
        if (!first) {
            in_flight_ = false;
            return false;
        }
        const int n = PQnfields(first.get());
        columns.clear();
        columns.reserve(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) columns.push_back(describe_column(first.get(), i));
        if (!take_result(std::move(first))) return false;
        first_row_pending_ = true;
        return true;
    }

    bool fetch_row() override {
        if (first_row_pending_) {
            first_row_pending_ = false;
            return true;
        }
        current_.reset();
        ResultPtr r = next_result(statement_deadline(), interrupt_check());
        if (!r) {
            in_flight_ = false;
            return false;
        }
        return take_result(std::move(r));
    }

    Value row_value(size_t column) const override {
        const int col = static_cast<int>(column);
        if (!current_ || PQgetisnull(current_.get(), 0, col) != 0) return {};
        return {PQgetvalue(current_.get(), 0, col),
                static_cast<size_t>(PQgetlength(current_.get(), 0, col))};
    }

    uint64_t rows_affected() const override { return rows_affected_; }

    bool statement_in_flight() const override { return in_flight_; }

    bool session_broken() const override {
        return !conn_ || broken_ || PQstatus(conn_.get()) == CONNECTION_BAD;
    }

    bool finish_if_arrived(size_t max_rows) noexcept override {
        if (!conn_) return false;
        current_.reset();
        first_row_pending_ = false;
        for (size_t n = 0; in_flight_ && n <= max_rows; ++n) {
            if (PQisBusy(conn_.get()) != 0) {
                // Reads what the socket holds, without waiting (non-blocking connection).
                if (PQconsumeInput(conn_.get()) == 0 || PQisBusy(conn_.get()) != 0) return false;
            }
            ResultPtr r(PQgetResult(conn_.get()));
            if (!r) in_flight_ = false;
            if (r && is_fatal_severity(r.get())) broken_ = true;
        }
        return !in_flight_ && !session_broken();
    }

    bool cancel_and_drain(int deadline_ms) noexcept override {
        if (!conn_) return false;
        if (!in_flight_) return !session_broken();
        current_.reset();
        first_row_pending_ = false;
        return cancel_repeatedly(
            deadline_ms, [&] { send_cancel_request(); },
            [&](int64_t until) { return drain_until(until); });
    }

private:
    ConnPtr start_connecting() {
        const RemoteOptions& o = options();
        std::vector<std::pair<const char*, std::string>> params;
        auto add = [&params](const char* key, const std::string& value) {
            if (!value.empty()) params.emplace_back(key, value);
        };
        add("host", o.host);
        add("port", o.port > 0 ? std::to_string(o.port) : std::string());
        add("dbname", o.dbname);
        add("user", o.user);
        add("password", o.password);
        add("sslmode", o.ssl_mode);
        add("sslrootcert", o.ssl_root_cert);
        add("client_encoding", "UTF8");
        add("application_name", "quarry");
        std::vector<const char*> keys;
        std::vector<const char*> values;
        for (const auto& [key, value] : params) {
            keys.push_back(key);
            values.push_back(value.c_str());
        }
        keys.push_back(nullptr);
        values.push_back(nullptr);
        ConnPtr c(PQconnectStartParams(keys.data(), values.data(), /*expand_dbname=*/0));
        if (!c) throw std::bad_alloc();
        if (PQstatus(c.get()) == CONNECTION_BAD) throw connect_error(PQerrorMessage(c.get()));
        return c;
    }

    // PQconnectPoll's loop, starting as if it had asked to write (libpq's documented start).
    void poll_until_connected(PGconn* c) {
        const int64_t deadline = deadline_after_ms(options().connect_timeout_ms);
        PostgresPollingStatusType status = PGRES_POLLING_WRITING;
        while (status != PGRES_POLLING_OK) {
            if (status == PGRES_POLLING_FAILED) throw connect_error(PQerrorMessage(c));
            const int fd = PQsocket(c);  // may change between attempts (several addresses)
            if (fd < 0) throw connect_error(PQerrorMessage(c));
            const int events = status == PGRES_POLLING_READING ? kWaitRead : kWaitWrite;
            if (wait_socket(fd, events, deadline, interrupt_check()) == 0) {
                throw connect_error("timeout expired after " +
                                    std::to_string(options().connect_timeout_ms) + " ms");
            }
            status = PQconnectPoll(c);
        }
    }

    // Runs the session settings (several statements: the simple query protocol) to the end.
    void apply_session_settings() {
        std::string settings =
            kind() == RemoteKind::Redshift ? kRedshiftSettings : kPostgresSettings;
        const char* scs = PQparameterStatus(conn_.get(), "standard_conforming_strings");
        if (kind() == RemoteKind::Redshift && scs != nullptr && std::string_view(scs) == "on") {
            settings += kRedshiftOnPostgresSettings;
        }
        const int64_t deadline = deadline_after_ms(options().connect_timeout_ms);
        if (PQsendQuery(conn_.get(), settings.c_str()) == 0) {
            throw lost_error(PQerrorMessage(conn_.get()));
        }
        in_flight_ = true;
        flush_output(deadline, interrupt_check());
        std::string failure;
        while (ResultPtr r = next_result(deadline, interrupt_check())) {
            if (PQresultStatus(r.get()) == PGRES_FATAL_ERROR && failure.empty()) {
                failure = error_field(r.get(), PG_DIAG_MESSAGE_PRIMARY);
            }
        }
        in_flight_ = false;
        if (!failure.empty()) throw error(sqlstate::kUnableToConnect, failure);
    }

    static void on_notice(void* self, const PGresult* r) noexcept {
        // Notices are dropped (libpq would print them on stderr, the server log of a
        // backend); a FATAL one means the server is about to close the session.
        if (is_fatal_severity(r)) static_cast<LibpqConnection*>(self)->fatal_notice_ = true;
    }

    // Sends what libpq buffered; on a full socket, reads meanwhile (the server may be waiting
    // for us to read before it reads more).
    void flush_output(int64_t deadline, const InterruptCheck& check) {
        for (;;) {
            const int r = PQflush(conn_.get());
            if (r == 0) return;
            if (r < 0) {
                broken_ = true;
                throw lost_error(PQerrorMessage(conn_.get()));
            }
            const int ready =
                wait_socket(PQsocket(conn_.get()), kWaitRead | kWaitWrite, deadline, check);
            if (ready == 0) throw timeout_error();
            if ((ready & kWaitRead) != 0) consume_input();
        }
    }

    // The next result of the statement (nullptr after the last), waiting for it.
    ResultPtr next_result(int64_t deadline, const InterruptCheck& check) {
        while (PQisBusy(conn_.get()) != 0) {
            if (wait_socket(PQsocket(conn_.get()), kWaitRead, deadline, check) == 0) {
                throw timeout_error();
            }
            consume_input();
        }
        return ResultPtr(PQgetResult(conn_.get()));
    }

    void consume_input() {
        if (PQconsumeInput(conn_.get()) == 0) {
            broken_ = true;
            throw lost_error(PQerrorMessage(conn_.get()));
        }
    }

    // Keeps a row, or ends the statement: true when `r` is a row.
    bool take_result(ResultPtr r) {
        switch (PQresultStatus(r.get())) {
            case PGRES_SINGLE_TUPLE:
                current_ = std::move(r);
                return true;
            case PGRES_TUPLES_OK:
            case PGRES_EMPTY_QUERY:
                finish_statement();
                return false;
            case PGRES_COMMAND_OK:
                rows_affected_ = std::strtoull(PQcmdTuples(r.get()), nullptr, 10);
                finish_statement();
                return false;
            case PGRES_COPY_IN:
            case PGRES_COPY_OUT:
            case PGRES_COPY_BOTH:
                broken_ = true;  // no way back to idle but closing
                throw error(quarry::sqlstate::kFeatureNotSupported,
                            label() + ": COPY is not supported on a remote connection");
            default:
                throw statement_failure(std::move(r));
        }
    }

    // Reads the results after the last one (up to ReadyForQuery): the protocol is then idle.
    void finish_statement() {
        while (ResultPtr r = next_result(statement_deadline(), interrupt_check())) {
            if (PQresultStatus(r.get()) == PGRES_FATAL_ERROR) throw statement_failure(std::move(r));
        }
        in_flight_ = false;
    }

    // The statement failed remotely: read up to its end, then the error to throw (08006 when
    // the session did not survive it, the remote's SQLSTATE otherwise).
    RemoteError statement_failure(ResultPtr r) {
        const std::string state = error_field(r.get(), PG_DIAG_SQLSTATE);
        std::string message = error_field(r.get(), PG_DIAG_MESSAGE_PRIMARY);
        if (message.empty()) message = PQresultErrorMessage(r.get());
        const std::string detail = error_field(r.get(), PG_DIAG_MESSAGE_DETAIL);
        const std::string hint = error_field(r.get(), PG_DIAG_MESSAGE_HINT);
        if (is_fatal_severity(r.get())) broken_ = true;
        r.reset();
        if (!broken_) {
            try {
                while (ResultPtr rest = next_result(statement_deadline(), interrupt_check())) {
                }
                in_flight_ = false;
            } catch (const RemoteError&) {
                broken_ = true;  // reading the end failed: the session is gone
            }
        }
        if (session_broken()) return lost_error(message);
        return error(state.size() == 5 ? state.c_str() : quarry::sqlstate::kInternalError,
                     label() + ": " + message, detail, hint);
    }

    // A cancel request on its own connection. PostgreSQL 15's PQcancel blocks while it connects
    // (no non-blocking cancel before libpq 17); a server that ignores it is handled by the
    // drain's deadline.
    void send_cancel_request() noexcept {
        CancelPtr cancel(PQgetCancel(conn_.get()));
        if (!cancel) return;
        char message[256];
        (void)PQcancel(cancel.get(), message, sizeof message);
    }

    // Reads and drops what the stopped statement still sends (rows already on their way, then
    // 57014 or its normal end), up to ReadyForQuery; sends what libpq still buffers meanwhile.
    Drain drain_until(int64_t deadline) {
        for (;;) {
            const int unsent = PQflush(conn_.get());
            if (unsent < 0) return Drain::Broken;
            if (unsent == 0 && PQisBusy(conn_.get()) == 0) {
                ResultPtr r(PQgetResult(conn_.get()));
                if (!r) {
                    in_flight_ = false;
                    return session_broken() || fatal_notice_ ? Drain::Broken : Drain::Idle;
                }
                const ExecStatusType st = PQresultStatus(r.get());
                if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
                    return Drain::Broken;
                }
                continue;
            }
            const int events = unsent == 1 ? kWaitRead | kWaitWrite : kWaitRead;
            const int ready = wait_socket(PQsocket(conn_.get()), events, deadline, {});
            if (ready == 0) return Drain::TimedOut;
            if ((ready & kWaitRead) != 0 && PQconsumeInput(conn_.get()) == 0) {
                return Drain::Broken;
            }
        }
    }

    ConnPtr conn_;
    ResultPtr current_;  // the current row (a PGRES_SINGLE_TUPLE result)
    std::string sql_;    // the statement being run, NUL-terminated for libpq
    uint64_t rows_affected_ = 0;
    bool in_flight_ = false;          // sent, and not read up to ReadyForQuery
    bool first_row_pending_ = false;  // current_ is the first row, not yet handed out
    bool broken_ = false;             // the session failed (lost, FATAL)
    bool fatal_notice_ = false;       // the server said FATAL while idle: it is closing
};

}  // namespace

std::unique_ptr<RemoteConnection> make_libpq_connection(RemoteKind kind) {
    return std::make_unique<LibpqConnection>(kind);
}

}  // namespace quarry::remote
