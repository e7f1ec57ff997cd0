#include "wait.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

namespace quarry::remote {

int64_t steady_now_ms() {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    using std::chrono::steady_clock;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

int64_t deadline_after_ms(int ms) { return ms > 0 ? steady_now_ms() + ms : 0; }

int64_t earliest_deadline(int64_t a, int64_t b) {
    if (a == 0) return b;
    if (b == 0) return a;
    return std::min(a, b);
}

namespace {

short poll_events(int events) {
    short out = 0;
    if ((events & kWaitRead) != 0) out |= POLLIN;
    if ((events & kWaitWrite) != 0) out |= POLLOUT;
    return out;
}

int ready_events(short revents, int wanted) {
    int out = 0;
    // A hang-up or an error is reported as readable: the library's read then sees the end of
    // the stream (or the error) and says so in its own words.
    if ((revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) != 0) out |= kWaitRead;
    if ((revents & (POLLOUT | POLLERR | POLLHUP)) != 0) out |= kWaitWrite;
    out &= wanted;
    return out != 0 ? out : wanted;  // POLLERR with only one wanted event: hand it that one
}

}  // namespace

int wait_socket(int fd, int events, int64_t deadline, const InterruptCheck& check) {
    if (fd < 0) {
        throw RemoteError(sqlstate::kConnectionFailure, "remote connection has no socket");
    }
    pollfd p{};
    p.fd = fd;
    p.events = poll_events(events);
    for (;;) {
        if (check) check();
        int slice = kInterruptPollMs;
        if (deadline != 0) {
            const int64_t left = deadline - steady_now_ms();
            if (left <= 0) return 0;
            slice = static_cast<int>(std::min<int64_t>(left, slice));
        }
        p.revents = 0;
        const int n = poll(&p, 1, slice);
        if (n > 0) return ready_events(p.revents, events);
        if (n < 0 && errno != EINTR) {
            const int saved = errno;
            throw RemoteError(
                sqlstate::kConnectionFailure,
                std::string("could not wait for the remote server: ") + std::strerror(saved));
        }
    }
}

}  // namespace quarry::remote
