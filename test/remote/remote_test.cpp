// Behaviour every remote kind shares, against the real servers: streaming in bounded memory,
// cancellation (interrupt, early close, query timeout), errors and their SQLSTATEs, passwords
// kept out of messages, reconnecting after the server ended the session.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "remote_env.hpp"

namespace quarry::remote::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

long elapsed_ms(Clock::time_point since) {
    return static_cast<long>(
        std::chrono::duration_cast<milliseconds>(Clock::now() - since).count());
}

// What `f` throws as a RemoteError: SQLSTATE and message.
template <typename F>
std::pair<std::string, std::string> remote_error_of(F f) {
    try {
        f();
    } catch (const RemoteError& e) {
        return {e.sqlstate(), std::string(e.what()) + " | " + e.detail() + " | " + e.hint()};
    }
    ADD_FAILURE() << "no RemoteError thrown";
    return {};
}

class RemoteTest : public ::testing::TestWithParam<Target> {
protected:
    const Target& target() const { return GetParam(); }
    RemoteOptions options() const { return target().options(); }

    std::unique_ptr<RemoteConnection> open(InterruptCheck check = {}) const {
        return RemoteConnection::connect(options(), std::move(check));
    }

    // Whether session `id` runs no statement any more, as another session sees it.
    bool statement_gone(RemoteConnection& admin, uint64_t id) const {
        return scalar(admin, target().running_statements(id)) == "0";
    }
    bool session_gone(RemoteConnection& admin, uint64_t id) const {
        return scalar(admin, target().sessions(id)) == "0";
    }
};

TEST_P(RemoteTest, RunsAStatementAndReportsColumns) {
    auto c = open();
    EXPECT_TRUE(c->is_alive());
    EXPECT_NE(c->session_id(), 0U);
    auto cursor = c->execute_streaming("SELECT 1 AS one, 'two' AS two");
    ASSERT_EQ(cursor->columns().size(), 2U);
    EXPECT_EQ(cursor->columns()[0].name, "one");
    EXPECT_EQ(cursor->columns()[0].kind, ValueKind::Integer);
    EXPECT_EQ(cursor->columns()[1].name, "two");
    EXPECT_EQ(cursor->columns()[1].kind, ValueKind::Text);
    ASSERT_TRUE(cursor->next());
    EXPECT_EQ(cursor->value(0).text(), "1");
    EXPECT_EQ(cursor->value(1).text(), "two");
    EXPECT_FALSE(cursor->next());
    EXPECT_FALSE(cursor->next());
    EXPECT_EQ(cursor->rows_read(), 1U);
}

TEST_P(RemoteTest, EmptyResultKeepsItsColumns) {
    auto c = open();
    auto cursor = c->execute_streaming("SELECT 1 AS a WHERE 1 = 0");
    ASSERT_EQ(cursor->columns().size(), 1U);
    EXPECT_EQ(cursor->columns()[0].name, "a");
    EXPECT_FALSE(cursor->next());
    EXPECT_EQ(scalar(*c, "SELECT 2"), "2");
}

TEST_P(RemoteTest, RefusesASecondStatementWhileRowsAreUnread) {
    auto c = open();
    auto cursor = c->execute_streaming(target().million_rows);
    ASSERT_TRUE(cursor->next());
    const auto [state, message] = remote_error_of([&] { c->execute("SELECT 1"); });
    EXPECT_EQ(state, "55000") << message;
    cursor->close();
    EXPECT_EQ(scalar(*c, "SELECT 3"), "3");
}

TEST_P(RemoteTest, StreamsAMillionRowsInBoundedMemory) {
    auto c = open();
    const bool reset = reset_peak_resident();
    const long before = reset ? resident_kb() : peak_resident_kb();
    auto cursor = c->execute_streaming(target().million_rows);
    uint64_t rows = 0;
    uint64_t bytes = 0;
    std::string last;
    while (cursor->next()) {
        ++rows;
        bytes += cursor->value(1).size;
        last = std::string(cursor->value(0).text());
    }
    const long growth_kb = peak_resident_kb() - before;
    EXPECT_EQ(rows, 1000000U);
    EXPECT_EQ(bytes, 100000000U);  // 100 MB of text went through
    EXPECT_EQ(last, "1000000");
    // A buffered result would hold the 100 MB at once.
    EXPECT_LT(growth_kb, 64 * 1024) << "peak resident memory grew by " << growth_kb << " kB";
    std::printf(
        "[ measure  ] %s: 1,000,000 rows (100 MB of text) streamed, peak RSS growth %ld kB%s\n",
        target().name.c_str(), growth_kb, reset ? "" : " (peak not resettable)");
}

TEST_P(RemoteTest, InterruptCancelsTheRemoteStatement) {
    Interrupter interrupter;
    auto c = open(interrupter.function());
    auto admin = open();
    const uint64_t id = c->session_id();
    interrupter.arm(milliseconds(200));
    const Clock::time_point start = Clock::now();
    EXPECT_THROW(c->execute(target().sleep_30s), Interrupted);
    const long total_ms = elapsed_ms(start);
    const long cancel_ms = static_cast<long>(
        std::chrono::duration_cast<milliseconds>(Clock::now() - interrupter.fired_at()).count());
    interrupter.disarm();
    EXPECT_TRUE(eventually([&] { return statement_gone(*admin, id); }))
        << "the remote statement still runs";
    // Only the statement was stopped: the same session goes on.
    EXPECT_EQ(c->session_id(), id);
    EXPECT_EQ(scalar(*c, "SELECT 42"), "42");
    std::printf(
        "[ measure  ] %s: interrupt -> remote statement cancelled and drained in %ld ms "
        "(statement returned after %ld ms)\n",
        target().name.c_str(), cancel_ms, total_ms);
}

TEST_P(RemoteTest, ClosingACursorEarlyStopsTheRemoteStatement) {
    auto c = open();
    auto admin = open();
    const uint64_t id = c->session_id();
    auto cursor = c->execute_streaming(target().endless_rows);
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(cursor->next());
    const Clock::time_point start = Clock::now();
    cursor->close();
    const long close_ms = elapsed_ms(start);
    EXPECT_FALSE(cursor->next());
    EXPECT_TRUE(eventually([&] { return statement_gone(*admin, id); }));
    EXPECT_EQ(c->session_id(), id);
    EXPECT_EQ(scalar(*c, "SELECT 7"), "7");
    std::printf("[ measure  ] %s: early close of an endless stream took %ld ms\n",
                target().name.c_str(), close_ms);
}

TEST_P(RemoteTest, DestroyingACursorStopsTheRemoteStatementToo) {
    auto c = open();
    {
        auto cursor = c->execute_streaming(target().endless_rows);
        ASSERT_TRUE(cursor->next());
    }
    EXPECT_EQ(scalar(*c, "SELECT 8"), "8");
}

TEST_P(RemoteTest, AbortStatementLeavesTheConnectionUsable) {
    auto c = open();
    auto cursor = c->execute_streaming(target().endless_rows);
    ASSERT_TRUE(cursor->next());
    c->abort_statement();
    EXPECT_FALSE(cursor->next());  // the cursor was let go
    EXPECT_EQ(scalar(*c, "SELECT 9"), "9");
}

TEST_P(RemoteTest, QueryTimeoutCancelsWith57014) {
    RemoteOptions o = options();
    o.query_timeout_ms = 300;
    auto c = RemoteConnection::connect(o);
    auto admin = open();
    const uint64_t id = c->session_id();
    const auto [state, message] = remote_error_of([&] { c->execute(target().sleep_30s); });
    EXPECT_EQ(state, "57014") << message;
    EXPECT_NE(message.find("300 ms"), std::string::npos) << message;
    EXPECT_TRUE(eventually([&] { return statement_gone(*admin, id); }));
    EXPECT_EQ(scalar(*c, "SELECT 5"), "5");
}

TEST_P(RemoteTest, UnknownTablePassesTheRemoteSqlstate) {
    auto c = open();
    const auto [state, message] =
        remote_error_of([&] { c->execute("SELECT * FROM no_such_table_here"); });
    EXPECT_EQ(state, target().unknown_table_state) << message;
    EXPECT_NE(message.find("no_such_table_here"), std::string::npos) << message;
    EXPECT_NE(message.find(std::to_string(options().port)), std::string::npos) << message;
    EXPECT_EQ(scalar(*c, "SELECT 11"), "11");  // still usable
}

TEST_P(RemoteTest, SyntaxErrorKeepsTheConnection) {
    auto c = open();
    const uint64_t id = c->session_id();
    const auto [state, message] = remote_error_of([&] { c->execute("SELEC 1"); });
    EXPECT_EQ(state, target().name == "mysql" ? "42000" : "42601") << message;
    EXPECT_EQ(c->session_id(), id);
    EXPECT_EQ(scalar(*c, "SELECT 12"), "12");
}

TEST_P(RemoteTest, PasswordNeverAppearsInRemoteMessages) {
    // A statement error that quotes the password back (as a table name) is redacted.
    RemoteOptions o = options();
    // The primary trusts its superuser and ignores any password: one is set all the same.
    if (o.password.empty()) o.password = "trusted_but_secret";
    auto c = RemoteConnection::connect(o);
    const auto [state, message] =
        remote_error_of([&] { c->execute("SELECT * FROM " + o.password + "_tbl"); });
    EXPECT_EQ(state, target().unknown_table_state) << message;
    EXPECT_EQ(message.find(o.password), std::string::npos) << message;
    EXPECT_NE(message.find("********"), std::string::npos) << message;
}

TEST_P(RemoteTest, WrongPasswordIs08001WithoutThePassword) {
    RemoteOptions o = options();
    o.user = target().name == "postgres" ? "quarry_no_such_user" : o.user;
    o.password = "Wr0ng-Secret-Pa55";
    auto c = RemoteConnection::create(o.kind);
    const auto [state, message] = remote_error_of([&] { c->open(o); });
    EXPECT_EQ(state, "08001") << message;
    EXPECT_EQ(message.find("Wr0ng-Secret-Pa55"), std::string::npos) << message;
    EXPECT_EQ(message.find(options().password.empty() ? "Wr0ng" : options().password),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("127.0.0.1:" + std::to_string(o.port)), std::string::npos) << message;
    EXPECT_FALSE(c->is_open());
}

TEST_P(RemoteTest, ServerDownIs08001) {
    RemoteOptions o = options();
    o.port = closed_port();
    auto c = RemoteConnection::create(o.kind);
    const auto [state, message] = remote_error_of([&] { c->open(o); });
    EXPECT_EQ(state, "08001") << message;
    EXPECT_NE(message.find("127.0.0.1:" + std::to_string(o.port)), std::string::npos) << message;
}

TEST_P(RemoteTest, HungServerHitsTheConnectTimeout) {
    SilentListener hung;
    RemoteOptions o = options();
    o.port = hung.port();
    o.connect_timeout_ms = 300;
    auto c = RemoteConnection::create(o.kind);
    const auto [state, message] = remote_error_of([&] { c->open(o); });
    EXPECT_EQ(state, "08001") << message;
    EXPECT_NE(message.find("timeout"), std::string::npos) << message;
}

TEST_P(RemoteTest, ConnectingIsInterruptible) {
    SilentListener hung;
    RemoteOptions o = options();
    o.port = hung.port();
    o.connect_timeout_ms = 0;  // none: only the interrupt ends the wait
    Interrupter interrupter;
    interrupter.arm(milliseconds(100));
    auto c = RemoteConnection::create(o.kind);
    c->set_interrupt_check(interrupter.function());
    EXPECT_THROW(c->open(o), Interrupted);
    EXPECT_FALSE(c->is_open());
}

TEST_P(RemoteTest, SslRequiredAgainstAServerWithoutTlsIs08001) {
    RemoteOptions o = options();
    o.ssl_mode = "require";
    auto c = RemoteConnection::create(o.kind);
    const auto [state, message] = remote_error_of([&] { c->open(o); });
    EXPECT_EQ(state, "08001") << message;
}

TEST_P(RemoteTest, ReopensAfterTheServerEndedTheSession) {
    auto c = open();
    auto admin = open();
    const uint64_t id = c->session_id();
    admin->execute(target().kill_session(id));
    ASSERT_TRUE(eventually([&] { return session_gone(*admin, id); }));
    EXPECT_TRUE(eventually([&] { return !c->is_alive(); })) << "the closed session looks alive";
    // Nothing ran when it went away: the next statement reconnects by itself.
    EXPECT_EQ(scalar(*c, "SELECT 13"), "13");
    EXPECT_NE(c->session_id(), id);
    EXPECT_TRUE(c->is_alive());
}

TEST_P(RemoteTest, SessionKilledMidQueryIs08006ThenReconnects) {
    auto c = open();
    const uint64_t id = c->session_id();
    std::string killer_failure;
    std::thread killer([&] {
        try {
            auto admin = open();
            eventually([&] { return !statement_gone(*admin, id); });  // the sleep has started
            admin->execute(target().kill_session(id));
        } catch (const std::exception& e) {
            killer_failure = e.what();
        }
    });
    const auto [state, message] = remote_error_of([&] { c->execute(target().sleep_30s); });
    killer.join();
    EXPECT_EQ(killer_failure, "");
    EXPECT_EQ(state.substr(0, 2), "08") << message;
    EXPECT_NE(message.find(std::to_string(options().port)), std::string::npos) << message;
    EXPECT_EQ(scalar(*c, "SELECT 14"), "14");
    EXPECT_NE(c->session_id(), id);
}

TEST_P(RemoteTest, ExplicitlyClosedConnectionIsNotReopened) {
    RemoteOptions o = options();
    auto c = RemoteConnection::connect(o);
    c->close();
    EXPECT_FALSE(c->is_open());
    const auto [state, message] = remote_error_of([&] { c->execute("SELECT 1"); });
    EXPECT_EQ(state, "55000") << message;  // closed on purpose: no silent reopen
    c->open(o);
    EXPECT_EQ(scalar(*c, "SELECT 15"), "15");
}

TEST_P(RemoteTest, DdlAndDmlReportAffectedRows) {
    auto c = open();
    const bool mysql = target().name == "mysql";
    c->execute(mysql ? "CREATE TEMPORARY TABLE remote_rows (a INT)"
                     : "CREATE TEMPORARY TABLE remote_rows (a int)");
    EXPECT_EQ(c->execute("INSERT INTO remote_rows VALUES (1), (2), (3)"), 3U);
    EXPECT_EQ(c->execute("SELECT a FROM remote_rows"), 3U);
    EXPECT_EQ(c->execute("UPDATE remote_rows SET a = a + 1 WHERE a > 1"), 2U);
}

INSTANTIATE_TEST_SUITE_P(Servers, RemoteTest, ::testing::ValuesIn(targets()),
                         [](const ::testing::TestParamInfo<Target>& info) {
                             return info.param.name;
                         });

}  // namespace
}  // namespace quarry::remote::testing
