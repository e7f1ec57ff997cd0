// MySQL and MariaDB through libmariadb (MariaDB Connector/C), the only file of quarry that
// includes mysql.h.
//
// Every call is the non-blocking variant (mysql_*_start / mysql_*_cont, MYSQL_OPT_NONBLOCK):
// the library returns whenever it would block, and wait_socket() waits on mysql_get_socket()
// while calling the interrupt check. When the check throws, the call stays suspended; the
// statement is then killed from a second, short-lived connection (KILL QUERY <thread id>: an
// integer, no text is spliced) and the suspended call is driven to its end, which the kill
// makes quick (ER_QUERY_INTERRUPTED), and the rest of the result is read away. The connection is
// then idle and usable.
//
// Streaming: mysql_real_query + mysql_use_result + mysql_fetch_row, one row at a time off the
// socket (never mysql_store_result, which buffers the whole result). While rows are unread the
// server is blocked writing them; it gives up after net_write_timeout, hence the longer session
// value below.
//
// Values are the text protocol's, with these conversions:
//  - BIT(n) arrives as ceil(n/8) raw bytes: read as its unsigned integer, in decimal;
//  - a DATE/DATETIME/TIMESTAMP with a zero month or day (0000-00-00, or 2024-00-15 where
//    NO_ZERO_IN_DATE was off) names no day PostgreSQL could represent: read as NULL, as
//    Connector/J's zeroDateTimeBehavior=convertToNull does and as MySQL itself treats it in
//    `IS NULL` on NOT NULL date columns. An error instead would make a whole legacy table
//    unreadable for one row;
//  - TIMESTAMP values are instants shown in the session time zone (+00:00): "+00" is appended,
//    so the text names its instant whatever time zone the reader uses.
#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <poll.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backends.hpp"
#include "text.hpp"
#include "wait.hpp"

namespace quarry::remote {

namespace {

// The session settings (docs/fdw.md):
//  - NAMES utf8mb4: text in and out as UTF-8, 4-byte characters (emoji) included;
//  - time_zone +00:00: TIMESTAMP columns read and compare as UTC, as the renderer assumes
//    (DATETIME columns are taken to hold UTC); an offset needs no time zone tables;
//  - sql_mode: set whole, so that nothing the server or an administrator configured changes how
//    the renderer's SQL is lexed or evaluated. Absent on purpose: PIPES_AS_CONCAT (|| would
//    be concatenation; the renderer writes CONCAT and OR), ANSI_QUOTES (harmless with
//    backtick identifiers, but not what the renderer assumes), HIGH_NOT_PRECEDENCE (the renderer
//    parenthesizes NOT by the standard precedence), IGNORE_SPACE, NO_BACKSLASH_ESCAPES (the
//    renderer's strings mean the same either way), EMPTY_STRING_IS_NULL and ORACLE (change
//    values), ONLY_FULL_GROUP_BY (only rejects queries, and MariaDB's check misses functional
//    dependencies). Present: strict mode and the zero-date and division checks the issue asks
//    for (they make writes fail instead of storing a substitute value; the renderer divides by
//    NULLIF(x, 0) and so never divides by zero), NO_ENGINE_SUBSTITUTION. All exist in MySQL 8
//    and MariaDB;
//  - net_write_timeout: see the comment at the top (a PostgreSQL cursor over a foreign scan may
//    pause between fetches much longer than the default 60 s).
constexpr const char* kSessionSettings =
    "SET NAMES utf8mb4, time_zone = '+00:00', "
    "sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
    "NO_ENGINE_SUBSTITUTION', "
    "net_write_timeout = 3600";

constexpr unsigned int kBinaryCharset = 63;  // charsetnr of binary strings and non-strings

struct MysqlCloser {
    void operator()(MYSQL* m) const noexcept { mysql_close(m); }
};
using MysqlPtr = std::unique_ptr<MYSQL, MysqlCloser>;

struct ResultFreer {
    void operator()(MYSQL_RES* r) const noexcept { mysql_free_result(r); }
};
using ResultPtr = std::unique_ptr<MYSQL_RES, ResultFreer>;

void init_library_once() {
    // mysql_init() initializes the library itself, but not thread-safely.
    static std::once_flag once;
    std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

// Errors after which the session is gone or out of sync: every client-side error (CR_*: lost,
// gone away, commands out of sync, ...) and the server's "your connection was killed".
bool is_session_error(unsigned int err) {
    return (err >= CR_MIN_ERROR && err <= CR_MAX_ERROR) || err == ER_CONNECTION_KILLED ||
           err == ER_SERVER_SHUTDOWN || err == ER_NET_READ_ERROR ||
           err == ER_NET_READ_INTERRUPTED || err == ER_NET_ERROR_ON_WRITE ||
           err == ER_NET_WRITE_INTERRUPTED;
}

// A MYSQL handle in non-blocking mode, and the call suspended on it when a wait was interrupted.
class AsyncHandle {
public:
    using Cont = std::function<int(int ready)>;

    AsyncHandle() {
        init_library_once();
        handle_.reset(mysql_init(nullptr));
        if (!handle_) throw std::bad_alloc();
    }

    MYSQL* get() const { return handle_.get(); }
    bool suspended() const { return status_ != 0; }

    // Drives a call to its end: `status` is what its _start returned, `cont` calls its _cont.
    // False when `deadline` passed first; whatever `check` throws propagates. In both cases the
    // call stays suspended, for finish().
    bool run(int status, Cont cont, int64_t deadline, const InterruptCheck& check) {
        cont_ = std::move(cont);
        status_ = status;
        return resume(deadline, check);
    }

    // Drives a suspended call to its end without interrupt checks.
    bool finish(int64_t deadline) { return resume(deadline, {}); }

private:
    bool resume(int64_t deadline, const InterruptCheck& check) {
        while (status_ != 0) {
            const int ready = wait(deadline, check);
            if (ready < 0) return false;
            status_ = cont_(ready);
        }
        cont_ = nullptr;
        return true;
    }

    // Waits for what the library asked for; returns the status to hand to _cont, or -1 when
    // `deadline` passed.
    int wait(int64_t deadline, const InterruptCheck& check) {
        int events = 0;
        if ((status_ & (MYSQL_WAIT_READ | MYSQL_WAIT_EXCEPT)) != 0) events |= kWaitRead;
        if ((status_ & MYSQL_WAIT_WRITE) != 0) events |= kWaitWrite;
        int64_t library_deadline = 0;
        if ((status_ & MYSQL_WAIT_TIMEOUT) != 0) {
            library_deadline = steady_now_ms() + mysql_get_timeout_value_ms(handle_.get());
        }
        const int64_t until = earliest_deadline(deadline, library_deadline);
        const int ready = wait_socket(mysql_get_socket(handle_.get()), events, until, check);
        if (ready == 0) {
            // The library's own timeout (connect/read/write) ends the call with its error.
            if (library_deadline != 0 && library_deadline == until) return MYSQL_WAIT_TIMEOUT;
            return -1;
        }
        int out = 0;
        if ((ready & kWaitRead) != 0) out |= MYSQL_WAIT_READ;
        if ((ready & kWaitWrite) != 0) out |= MYSQL_WAIT_WRITE;
        return out;
    }

    MysqlPtr handle_;
    Cont cont_;
    int status_ = 0;
};

unsigned int timeout_seconds(int ms) {
    return ms <= 0 ? 0U : static_cast<unsigned int>((ms + 999) / 1000);
}

bool requires_tls(const RemoteOptions& o) {
    return o.ssl_mode == "require" || o.ssl_mode == "verify-ca" || o.ssl_mode == "verify-full";
}

// The options shared by the main and the side connection.
void configure(MYSQL* m, const RemoteOptions& o) {
    mysql_options(m, MYSQL_OPT_NONBLOCK, nullptr);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    // LOAD DATA LOCAL would let the server ask for any file the client can read.
    const unsigned int local_infile = 0;
    mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &local_infile);
    const unsigned int seconds = timeout_seconds(o.connect_timeout_ms);
    if (seconds > 0) mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &seconds);
    if (requires_tls(o)) {
        const my_bool on = 1;
        mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &on);
        if (o.ssl_mode != "require") mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
    }
    if (!o.ssl_root_cert.empty()) mysql_options(m, MYSQL_OPT_SSL_CA, o.ssl_root_cert.c_str());
}

const char* or_null(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

// A host starting with '/' is a Unix socket path, as in libpq.
bool is_socket_path(const std::string& host) { return !host.empty() && host[0] == '/'; }

// How a column's text is turned into quarry's (see the top of the file).
enum class Conversion { None, Bit, ZeroDateToNull, UtcInstant };

std::string field_attribute(const MYSQL_FIELD* f, mariadb_field_attr_t which) {
    MARIADB_CONST_STRING attr{};
    if (mariadb_field_attr(&attr, f, which) != 0 || attr.str == nullptr) return {};
    return std::string(attr.str, attr.length);
}

std::string integer_name(const MYSQL_FIELD& f, const char* base) {
    std::string name = base;
    if (f.type == MYSQL_TYPE_TINY && f.length == 1) name += "(1)";  // the boolean idiom
    if ((f.flags & UNSIGNED_FLAG) != 0) name += " unsigned";
    return name;
}

Column describe_column(const MYSQL_FIELD& f, Conversion& conversion) {
    Column c;
    c.name.assign(f.name, f.name_length);
    c.type_id = static_cast<uint32_t>(f.type);
    conversion = Conversion::None;
    const bool is_unsigned = (f.flags & UNSIGNED_FLAG) != 0;
    switch (f.type) {
        case MYSQL_TYPE_DECIMAL:
        case MYSQL_TYPE_NEWDECIMAL: {
            c.kind = ValueKind::Numeric;
            c.scale = static_cast<int>(f.decimals);
            // The display length counts a sign (signed) and a point (scale > 0).
            c.precision =
                static_cast<int>(f.length) - (f.decimals > 0 ? 1 : 0) - (is_unsigned ? 0 : 1);
            c.type_name =
                "decimal(" + std::to_string(c.precision) + "," + std::to_string(c.scale) + ")";
            if (is_unsigned) c.type_name += " unsigned";
            break;
        }
        case MYSQL_TYPE_TINY:
            c.kind = ValueKind::Integer;
            c.type_name = integer_name(f, "tinyint");
            break;
        case MYSQL_TYPE_SHORT:
            c.kind = ValueKind::Integer;
            c.type_name = integer_name(f, "smallint");
            break;
        case MYSQL_TYPE_INT24:
            c.kind = ValueKind::Integer;
            c.type_name = integer_name(f, "mediumint");
            break;
        case MYSQL_TYPE_LONG:
            c.kind = ValueKind::Integer;
            c.type_name = integer_name(f, "int");
            break;
        case MYSQL_TYPE_LONGLONG:
            c.kind = is_unsigned ? ValueKind::Unsigned : ValueKind::Integer;
            c.type_name = integer_name(f, "bigint");
            break;
        case MYSQL_TYPE_YEAR:
            c.kind = ValueKind::Integer;
            c.type_name = "year";
            break;
        case MYSQL_TYPE_FLOAT:
            c.kind = ValueKind::Float;
            c.type_name = "float";
            break;
        case MYSQL_TYPE_DOUBLE:
            c.kind = ValueKind::Float;
            c.type_name = "double";
            break;
        case MYSQL_TYPE_BIT:
            c.kind = ValueKind::Bit;
            c.type_name = "bit(" + std::to_string(f.length) + ")";
            conversion = Conversion::Bit;
            break;
        case MYSQL_TYPE_DATE:
        case MYSQL_TYPE_NEWDATE:
            c.kind = ValueKind::Date;
            c.type_name = "date";
            conversion = Conversion::ZeroDateToNull;
            break;
        case MYSQL_TYPE_DATETIME:
        case MYSQL_TYPE_DATETIME2:
            c.kind = ValueKind::Timestamp;
            c.type_name = "datetime";
            c.scale = static_cast<int>(f.decimals);
            conversion = Conversion::ZeroDateToNull;
            break;
        case MYSQL_TYPE_TIMESTAMP:
        case MYSQL_TYPE_TIMESTAMP2:
            c.kind = ValueKind::TimestampTz;
            c.type_name = "timestamp";
            c.scale = static_cast<int>(f.decimals);
            conversion = Conversion::UtcInstant;
            break;
        case MYSQL_TYPE_TIME:
        case MYSQL_TYPE_TIME2:
            c.kind = ValueKind::Time;
            c.type_name = "time";
            c.scale = static_cast<int>(f.decimals);
            break;
        case MYSQL_TYPE_JSON:  // MySQL 8 (MariaDB's JSON is LONGTEXT, see below)
            c.kind = ValueKind::Json;
            c.type_name = "json";
            break;
        case MYSQL_TYPE_ENUM:
            c.kind = ValueKind::Text;
            c.type_name = "enum";
            break;
        case MYSQL_TYPE_SET:
            c.kind = ValueKind::Text;
            c.type_name = "set";
            break;
        case MYSQL_TYPE_STRING:
        case MYSQL_TYPE_VAR_STRING:
        case MYSQL_TYPE_VARCHAR:
        case MYSQL_TYPE_TINY_BLOB:
        case MYSQL_TYPE_MEDIUM_BLOB:
        case MYSQL_TYPE_LONG_BLOB:
        case MYSQL_TYPE_BLOB: {
            const bool blob = f.type != MYSQL_TYPE_STRING && f.type != MYSQL_TYPE_VAR_STRING &&
                              f.type != MYSQL_TYPE_VARCHAR;
            const bool binary = f.charsetnr == kBinaryCharset;
            c.kind = binary ? ValueKind::Bytes : ValueKind::Text;
            if ((f.flags & ENUM_FLAG) != 0) {
                c.type_name = "enum";
            } else if ((f.flags & SET_FLAG) != 0) {
                c.type_name = "set";
            } else if (blob) {
                c.type_name = binary ? "blob" : "text";
            } else if (f.type == MYSQL_TYPE_STRING) {
                c.type_name = binary ? "binary" : "char";
            } else {
                c.type_name = binary ? "varbinary" : "varchar";
            }
            // MariaDB 10.5+ names its JSON (a LONGTEXT with a check) in extended metadata.
            if (field_attribute(&f, MARIADB_FIELD_ATTR_FORMAT_NAME) == "json") {
                c.kind = ValueKind::Json;
                c.type_name = "json";
            }
            break;
        }
        case MYSQL_TYPE_GEOMETRY:
            c.kind = ValueKind::Bytes;
            c.type_name = "geometry";
            break;
        default:
            c.kind = ValueKind::Other;
            c.type_name = "mysql type " + std::to_string(c.type_id);
            break;
    }
    // MariaDB's own data types (inet6, uuid, ...) are named in extended metadata.
    std::string data_type = field_attribute(&f, MARIADB_FIELD_ATTR_DATA_TYPE_NAME);
    if (!data_type.empty()) c.type_name = std::move(data_type);
    return c;
}

class MysqlConnection final : public RemoteConnection {
public:
    MysqlConnection() : RemoteConnection(RemoteKind::Mysql) {}
    ~MysqlConnection() override { MysqlConnection::disconnect(); }

    uint64_t session_id() const override { return main_ ? mysql_thread_id(main_->get()) : 0; }

protected:
    void connect_session() override {
        disconnect();
        auto handle = std::make_unique<AsyncHandle>();
        if (!connect_handle(*handle, deadline_after_ms(options().connect_timeout_ms),
                            interrupt_check(), options().dbname)) {
            throw connect_error("timeout expired after " +
                                std::to_string(options().connect_timeout_ms) + " ms");
        }
        if (connected_ == nullptr) throw connect_error(mysql_error(handle->get()));
        // libmariadb 3.3 enforces TLS only together with certificate verification: with
        // MYSQL_OPT_SSL_ENFORCE alone it silently goes on in plaintext when the server has no TLS.
        if (requires_tls(options()) && mysql_get_ssl_cipher(handle->get()) == nullptr) {
            throw connect_error("ssl_mode is " + options().ssl_mode +
                                " but the server does not support TLS");
        }
        main_ = std::move(handle);
        try {
            apply_session_settings();
        } catch (...) {
            disconnect();
            throw;
        }
    }

    void disconnect() noexcept override {
        // The result is freed before its handle; a suspended call is abandoned with its handle
        // (mysql_close frees the call's context).
        result_.reset();
        main_.reset();
        phase_ = Phase::Idle;
        broken_ = false;
        row_ = nullptr;
    }

    bool socket_alive() override {
        if (!main_ || broken_) return false;
        // An idle MySQL session receives nothing: a readable socket is the end of the stream
        // (server restart, KILL, wait_timeout), possibly after an error packet.
        pollfd p{};
        p.fd = static_cast<int>(mysql_get_socket(main_->get()));
        p.events = POLLIN;
        if (p.fd < 0) return false;
        return poll(&p, 1, 0) == 0;
    }

    bool start_statement(std::string_view sql, std::vector<Column>& columns) override {
        sql_.assign(sql);  // the library may still read it while a send is suspended
        rows_affected_ = 0;
        result_.reset();
        row_ = nullptr;
        phase_ = Phase::Querying;
        MYSQL* m = main_->get();
        if (!main_->run(
                mysql_real_query_start(&query_status_, m, sql_.data(),
                                       static_cast<unsigned long>(sql_.size())),
                [this, m](int ready) { return mysql_real_query_cont(&query_status_, m, ready); },
                statement_deadline(), interrupt_check())) {
            throw timeout_error();
        }
        if (query_status_ != 0) throw statement_failure();
        if (mysql_field_count(m) == 0) {
            rows_affected_ = mysql_affected_rows(m);
            phase_ = Phase::Idle;
            return false;
        }
        open_result();
        const unsigned int n = mysql_num_fields(result_.get());
        const MYSQL_FIELD* fields = mysql_fetch_fields(result_.get());
        columns.clear();
        conversions_.assign(n, Conversion::None);
        for (unsigned int i = 0; i < n; ++i)
            columns.push_back(describe_column(fields[i], conversions_[i]));
        values_.assign(n, Value{});
        scratch_.assign(n, std::string());
        return true;
    }

    bool fetch_row() override {
        if (!fetch_next(statement_deadline(), interrupt_check())) throw timeout_error();
        if (row_ == nullptr) {
            if (mysql_errno(main_->get()) != 0) throw statement_failure();
            result_.reset();  // at the end: nothing left to read
            phase_ = Phase::Idle;
            return false;
        }
        convert_row();
        return true;
    }

    Value row_value(size_t column) const override { return values_[column]; }

    uint64_t rows_affected() const override { return rows_affected_; }

    bool statement_in_flight() const override { return phase_ != Phase::Idle; }

    bool session_broken() const override { return !main_ || broken_; }

    bool finish_if_arrived(size_t max_rows) noexcept override {
        if (!main_ || main_->suspended() || phase_ != Phase::Streaming) {
            return phase_ == Phase::Idle && !broken_;
        }
        try {
            for (size_t n = 0; n <= max_rows; ++n) {
                // A deadline already reached: only rows that need no wait are read. A fetch that
                // would wait stays suspended, for cancel_and_drain to finish.
                if (!fetch_next(steady_now_ms(), {})) return false;
                if (row_ == nullptr) return end_of_drained_result();
            }
        } catch (...) {
            return false;
        }
        return false;
    }

    bool cancel_and_drain(int deadline_ms) noexcept override {
        if (!main_) return false;
        if (phase_ == Phase::Idle) return !broken_;
        const int64_t deadline = deadline_after_ms(deadline_ms);
        return cancel_repeatedly(
            deadline_ms,
            [&] { kill_query(deadline); },  // if it fails, the statement may still end in time
            [&](int64_t until) { return drain_until(until); });
    }

private:
    enum class Phase {
        Idle,
        Querying,   // mysql_real_query sent, its reply not (fully) read
        Streaming,  // rows being read with mysql_use_result
    };

    // Connects `h` with options(); false when `deadline` passed. connected_ is null on failure.
    bool connect_handle(AsyncHandle& h, int64_t deadline, const InterruptCheck& check,
                        const std::string& dbname) {
        const RemoteOptions& o = options();
        configure(h.get(), o);
        const bool socket = is_socket_path(o.host);
        const char* host = socket ? "localhost" : o.host.c_str();
        const char* unix_socket = socket ? o.host.c_str() : nullptr;
        const auto port = static_cast<unsigned int>(o.port);
        MYSQL* m = h.get();
        connected_ = nullptr;
        return h.run(
            mysql_real_connect_start(&connected_, m, host, or_null(o.user), or_null(o.password),
                                     or_null(dbname), port, unix_socket, 0),
            [this, m](int ready) { return mysql_real_connect_cont(&connected_, m, ready); },
            deadline, check);
    }

    void apply_session_settings() {
        MYSQL* m = main_->get();
        sql_ = kSessionSettings;
        if (!main_->run(
                mysql_real_query_start(&query_status_, m, sql_.data(),
                                       static_cast<unsigned long>(sql_.size())),
                [this, m](int ready) { return mysql_real_query_cont(&query_status_, m, ready); },
                deadline_after_ms(options().connect_timeout_ms), interrupt_check())) {
            throw connect_error("timeout expired while setting up the session");
        }
        if (query_status_ != 0) {
            throw connect_error(std::string("setting up the session failed: ") + mysql_error(m));
        }
    }

    // Finishes the interrupted call and reads the rest of the result away (after a kill: the
    // error that ends the rows).
    Drain drain_until(int64_t deadline) {
        if (main_->suspended() && !main_->finish(deadline)) return Drain::TimedOut;
        if (phase_ == Phase::Querying && query_status_ == 0 &&
            mysql_field_count(main_->get()) != 0) {
            open_result();
        }
        if (phase_ == Phase::Streaming) {
            // A fetch after the end (the finished call may have read it) returns null at once.
            do {
                if (!fetch_next(deadline, {})) return Drain::TimedOut;
            } while (row_ != nullptr);
        }
        return end_of_drained_result() ? Drain::Idle : Drain::Broken;
    }

    // The statement being stopped has ended (its rows read away, or its error received): the
    // session is idle, and usable unless the error was the session's.
    bool end_of_drained_result() {
        if (is_session_error(mysql_errno(main_->get()))) broken_ = true;
        result_.reset();
        row_ = nullptr;
        phase_ = Phase::Idle;
        return !broken_;
    }

    void open_result() {
        // No I/O: the rows are read one by one by mysql_fetch_row.
        result_.reset(mysql_use_result(main_->get()));
        if (!result_) throw statement_failure();
        phase_ = Phase::Streaming;
    }

    // Reads the next row into row_ (null at the end or on an error); false when `deadline`
    // passed first.
    bool fetch_next(int64_t deadline, const InterruptCheck& check) {
        MYSQL_RES* r = result_.get();
        return main_->run(
            mysql_fetch_row_start(&row_, r),
            [this, r](int ready) { return mysql_fetch_row_cont(&row_, r, ready); }, deadline,
            check);
    }

    void convert_row() {
        const unsigned long* lengths = mysql_fetch_lengths(result_.get());
        for (size_t i = 0; i < values_.size(); ++i) {
            const char* data = row_[i];
            if (data == nullptr) {
                values_[i] = Value{};
                continue;
            }
            const std::string_view text(data, lengths[i]);
            switch (conversions_[i]) {
                case Conversion::None:
                    values_[i] = Value{data, text.size()};
                    break;
                case Conversion::Bit:
                    scratch_[i] = bit_to_decimal(text);
                    values_[i] = Value{scratch_[i].data(), scratch_[i].size()};
                    break;
                case Conversion::ZeroDateToNull:
                    values_[i] = has_zero_date_part(text) ? Value{} : Value{data, text.size()};
                    break;
                case Conversion::UtcInstant:
                    if (has_zero_date_part(text)) {
                        values_[i] = Value{};
                        break;
                    }
                    scratch_[i].assign(text);
                    scratch_[i] += "+00";
                    values_[i] = Value{scratch_[i].data(), scratch_[i].size()};
                    break;
            }
        }
    }

    // The error of the last call: the session is then idle (a statement error, the remote's
    // SQLSTATE) or gone (08006).
    RemoteError statement_failure() {
        MYSQL* m = main_->get();
        const unsigned int err = mysql_errno(m);
        const std::string message = mysql_error(m);
        const std::string state = mysql_sqlstate(m);
        result_.reset();
        row_ = nullptr;
        phase_ = Phase::Idle;
        const std::string detail = "MySQL error " + std::to_string(err);
        if (is_session_error(err)) {
            broken_ = true;
            return lost_error(message + " (" + detail + ")");
        }
        return error(state.size() == 5 ? state.c_str() : quarry::sqlstate::kInternalError,
                     label() + ": " + message, detail);
    }

    // KILL QUERY <thread id> from a second session of the same user (who may always kill their
    // own statements). It stops the statement, not the session. Bounded by `deadline`;
    // failures are ignored (the caller's drain then decides).
    void kill_query(int64_t deadline) noexcept {
        try {
            AsyncHandle side;
            if (!connect_handle(side, deadline, {}, std::string()) || connected_ == nullptr) {
                return;
            }
            const std::string kill = "KILL QUERY " + std::to_string(mysql_thread_id(main_->get()));
            MYSQL* m = side.get();
            int status = 0;
            (void)side.run(
                mysql_real_query_start(&status, m, kill.data(),
                                       static_cast<unsigned long>(kill.size())),
                [&status, m](int ready) { return mysql_real_query_cont(&status, m, ready); },
                deadline, {});
        } catch (...) {
            // Out of memory or an unpollable socket: the drain's deadline still bounds the wait.
        }
    }

    std::unique_ptr<AsyncHandle> main_;
    ResultPtr result_;
    std::string sql_;
    // Where the suspended non-blocking calls write their results: members, so that a call
    // interrupted in one frame can be finished from another.
    MYSQL* connected_ = nullptr;
    int query_status_ = 0;
    MYSQL_ROW row_ = nullptr;
    Phase phase_ = Phase::Idle;
    bool broken_ = false;
    uint64_t rows_affected_ = 0;
    std::vector<Conversion> conversions_;
    std::vector<Value> values_;         // the current row, after conversion
    std::vector<std::string> scratch_;  // converted texts the values point into
};

}  // namespace

std::unique_ptr<RemoteConnection> make_mysql_connection() {
    return std::make_unique<MysqlConnection>();
}

}  // namespace quarry::remote
