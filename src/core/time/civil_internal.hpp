// Integer helpers of the time module (not part of its API).
#pragma once

#include <cstdint>

#include "common/firewall.hpp"

namespace quarry {

// Division and remainder rounding toward negative infinity (instants before 1970 are negative).
int64_t floor_div(int64_t a, int64_t b);
int64_t floor_mod(int64_t a, int64_t b);

}  // namespace quarry
