// The FdwRoutine callbacks of quarry_fdw, defined in planner.cpp, scan.cpp and import.cpp.
#pragma once

#include "fdw.hpp"

namespace quarry::fdw {

void fill_routine(FdwRoutine* routine);
void fill_planner_callbacks(FdwRoutine* routine);  // planner.cpp
void fill_scan_callbacks(FdwRoutine* routine);     // scan.cpp

}  // namespace quarry::fdw
