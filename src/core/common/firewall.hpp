// The core knows no PostgreSQL: it is a plain C++17 library, unit-tested without a server.
// Every core header includes this one, so a core file that pulls in postgres.h fails to build.
#pragma once

#if defined(POSTGRES_H) && !defined(QUARRY_EXTENSION_SIDE)
#error "src/core and dialects/ must not include postgres.h"
#endif
