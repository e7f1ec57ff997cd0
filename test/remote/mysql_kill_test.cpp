// MariaDB: when the layer sends KILL QUERY and when it does not (a kill costs a side
// connection), counted with the server's Com_kill status counter.
#include <gtest/gtest.h>

#include <string>

#include "remote_env.hpp"

namespace quarry::remote::testing {
namespace {

class MysqlKill : public ::testing::Test {
protected:
    void SetUp() override {
        c_ = RemoteConnection::connect(mysql_options());
        admin_ = RemoteConnection::connect(mysql_options());
    }
    // KILL statements the server ran so far.
    long kills() {
        return std::stol(scalar(*admin_,
                                "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                                "WHERE VARIABLE_NAME = 'COM_KILL'"));
    }

    std::unique_ptr<RemoteConnection> c_;
    std::unique_ptr<RemoteConnection> admin_;
};

TEST_F(MysqlKill, ClosingAfterTheLastRowNeedsNoKill) {
    const long before = kills();
    auto cursor = c_->execute_streaming("SELECT seq FROM seq_1_to_10");
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(cursor->next());
    cursor->close();  // the end was not seen, but it has arrived
    EXPECT_EQ(kills(), before);
    EXPECT_EQ(scalar(*c_, "SELECT 1"), "1");
}

TEST_F(MysqlKill, ClosingAnEndlessStreamKillsItsQueryOnly) {
    const uint64_t id = c_->session_id();
    const long before = kills();
    auto cursor = c_->execute_streaming("SELECT seq FROM seq_1_to_1000000000");
    ASSERT_TRUE(cursor->next());
    cursor->close();
    EXPECT_EQ(kills(), before + 1);
    EXPECT_EQ(c_->session_id(), id);
    EXPECT_EQ(scalar(*c_, "SELECT 2"), "2");
}

TEST_F(MysqlKill, StatementErrorsNeedNoKill) {
    const long before = kills();
    EXPECT_THROW(c_->execute("SELECT * FROM no_such_table_here"), RemoteError);
    EXPECT_EQ(kills(), before);
}

}  // namespace
}  // namespace quarry::remote::testing
