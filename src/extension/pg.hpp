// The one way the extension includes PostgreSQL's headers.
//
// PostgreSQL's port.h redefines printf/snprintf/strerror... as macros and c.h defines Min, Max,
// Abs and _(), which would rewrite the C++ library's declarations if those came later. So this
// header first includes the standard and third-party headers the extension and the core use;
// their include guards keep them from being read again after PostgreSQL's macros exist. (A .cpp
// file needing another standard header includes it before any extension header.) The core's
// firewall (common/firewall.hpp) refuses postgres.h unless QUARRY_EXTENSION_SIDE is defined;
// the build passes -DQUARRY_EXTENSION_SIDE, and this header defines it for builds that do not.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#ifndef QUARRY_EXTENSION_SIDE
#define QUARRY_EXTENSION_SIDE 1
#endif

// PostgreSQL's headers are C: g++ objects to their __int128, flexible array members,
// `register` and unused parameters of inline functions, all fine for the compilers PostgreSQL
// supports.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wregister"
// postgres.h comes first, in a block of its own so that include sorting leaves it there.
extern "C" {
#include "postgres.h"
}
extern "C" {
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/tupdesc.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/pg_list.h"
#include "storage/lmgr.h"
#include "tcop/dest.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/elog.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/varlena.h"
}
#pragma GCC diagnostic pop
