// quarry.run of a spec whose source is a quarry_fdw foreign table: its SQL, rendered in the
// server's dialect, runs there as one statement, and the rows stream into quarry.run's JSON.
#pragma once

#include <vector>

#include "fdw.hpp"
#include "model/types.hpp"
#include "src/extension/result_json.hpp"

namespace quarry::fdw {

// Raises 42501 unless the current user may SELECT from the foreign table (quarry.run reads a
// source with the caller's rights; here no executor checks them).
void check_select_privilege(Oid relid);

// Runs meta.sql on `server` as the current user; `types` are the model types of the columns.
Datum run_remote_to_jsonb(Oid server_id, const std::vector<pg::ResultColumn>& columns,
                          const std::vector<Type>& types, const pg::ResultMeta& meta);

}  // namespace quarry::fdw
