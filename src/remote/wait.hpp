// The one blocking wait of src/remote. Every place that waits for a remote server (connecting,
// sending, reading a result, draining after a cancel, the KILL QUERY side connection) calls
// wait_socket(), so cancellation and timeouts have one implementation.
#pragma once

#include <cstdint>

#include "connection.hpp"

namespace quarry::remote {

// How often a blocked wait wakes up to call the interrupt check. It bounds the time from a
// local cancel (Ctrl-C, statement_timeout) to the remote cancel being sent.
inline constexpr int kInterruptPollMs = 50;
// How long cancelling a statement and draining the protocol may take before the connection is
// given up (closed) instead: a cancel must not hang the caller on a dead network.
inline constexpr int kCancelTimeoutMs = 5000;
// How often a cancel is sent again while the stopped statement has not ended. A cancel that
// reaches the server before it starts executing the statement is dropped (PostgreSQL ignores a
// cancel while reading a command; MariaDB clears KILL QUERY when the next command begins).
inline constexpr int kCancelRepeatMs = 1000;

enum WaitEvents : int {
    kWaitRead = 1,
    kWaitWrite = 2,
};

// Milliseconds on the steady clock (monotonic, unaffected by wall-clock changes).
int64_t steady_now_ms();
// now + ms, or 0 ("no deadline") when ms <= 0.
int64_t deadline_after_ms(int ms);
// The earlier of two deadlines, where 0 means none.
int64_t earliest_deadline(int64_t a, int64_t b);

// How reading a stopped statement back to idle ended.
enum class Drain { Idle, Broken, TimedOut };

// Stops the statement in flight: `ask` asks the server to stop it (again every kCancelRepeatMs),
// `drain_until(deadline)` reads the protocol until it is idle, broken, or the deadline passed.
// True when the session is idle again within `deadline_ms`; false otherwise (or if either
// throws): the caller then closes the connection.
template <typename Ask, typename DrainUntil>
bool cancel_repeatedly(int deadline_ms, Ask ask, DrainUntil drain_until) noexcept {
    const int64_t deadline = deadline_after_ms(deadline_ms);
    try {
        for (;;) {
            ask();
            const Drain drained =
                drain_until(earliest_deadline(deadline, deadline_after_ms(kCancelRepeatMs)));
            if (drained != Drain::TimedOut) return drained == Drain::Idle;
            if (steady_now_ms() >= deadline) return false;
        }
    } catch (...) {
        return false;
    }
}

// Waits until `fd` is ready for `events` (kWaitRead | kWaitWrite) or `deadline` (steady ms, 0 =
// none) passes. Calls `check` before each slice of at most kInterruptPollMs; whatever it throws
// propagates. Returns the ready events (hang-ups and errors count as readable: the client
// library then reads the end of the stream and reports it), or 0 when the deadline passed.
// Throws RemoteError 08006 when the socket cannot be polled.
int wait_socket(int fd, int events, int64_t deadline, const InterruptCheck& check);

}  // namespace quarry::remote
