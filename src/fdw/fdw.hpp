// quarry_fdw: what the FDW's files share. The PostgreSQL side, so it includes the extension's
// pg.hpp and guard.hpp; the rules of guard.hpp hold here too (every callback is a guarded shim,
// every PostgreSQL call that may elog(ERROR) runs in pg_call).
//
// One job per file:
//   options.cpp      validator, server / user mapping / table / column options -> ForeignTableInfo
//   connections.cpp  the per-backend connection cache, invalidation, abort and interrupt hooks
//   pushdown.cpp     PostgreSQL planner expressions -> the query model (the shippability walker)
//   planner.cpp      GetForeignRelSize / Paths / Plan and GetForeignUpperPaths
//   scan.cpp         Begin / Iterate / ReScan / End and EXPLAIN
//   datum.cpp        remote values -> Datums of the local column types
//   import.cpp       IMPORT FOREIGN SCHEMA
//   handler.cpp      the handler and validator SQL functions
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/remote/connection.hpp"
#include "src/extension/guard.hpp"
#include "model/types.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "access/reloptions.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_user_mapping.h"
#include "commands/defrem.h"
#include "commands/explain.h"
#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "optimizer/tlist.h"
#include "parser/parsetree.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/selfuncs.h"
#include "utils/typcache.h"
}
#pragma GCC diagnostic pop

namespace quarry::fdw {

// A column of a foreign table as the remote knows it.
struct ForeignColumn {
    AttrNumber attnum = 0;
    std::string local_name;
    std::string remote_name;  // the column_name option, else the local name
    Oid type = InvalidOid;
    int32 typmod = -1;
    ColumnBounds bounds;    // of the declared type
    bool not_null = false;  // declared NOT NULL locally: the remote column is trusted to be so
    bool dropped = false;
};

// A foreign table of a quarry_fdw server, with what it takes to reach it as the current user.
struct ForeignTableInfo {
    Oid relid = InvalidOid;
    Oid server_id = InvalidOid;
    Oid user_id = InvalidOid;  // the role whose user mapping is used
    std::string server_name;
    std::string dialect;                 // "mysql", "postgres", "redshift"
    std::vector<std::string> relation;   // remote qualified name, outermost first
    std::vector<ForeignColumn> columns;  // by attnum - 1 (dropped columns included)
};

// ForeignScan::fdw_private of quarry_fdw's plans (planner.cpp writes it, scan.cpp reads it):
// the remote SQL (String), the attnums a base scan retrieves (IntList), and for each target
// entry of an upper scan whether it is an average computed here from a sum and a count (IntList).
enum PlanPrivate { kPlanSql = 0, kPlanRetrievedAttrs = 1, kPlanAverages = 2 };

// Reads the table's options and columns (no connection is made). `user` is the role checked
// against the user mapping (the table owner for a view's security, else the current user).
ForeignTableInfo foreign_table_info(Oid relid, Oid user);

// The connection options of a server and the user mapping of `user` (password included).
remote::RemoteOptions remote_options(ForeignServer* server, UserMapping* mapping);

// Whether `relid` is a foreign table of a quarry_fdw server.
bool is_quarry_foreign_table(Oid relid);

// The validator: raises HV00D for an unknown option, HV024 for an invalid value.
void validate_option_list(List* options, Oid catalog);
// Whether a MySQL character set (the column option charset) stores text as UTF-8 bytes: utf8mb4,
// utf8mb3 and ascii, a subset.
bool is_utf8_charset(std::string_view name);

// IMPORT FOREIGN SCHEMA (import.cpp): the CREATE FOREIGN TABLE statements.
List* import_foreign_schema(ImportForeignSchemaStmt* stmt, Oid server_id);

}  // namespace quarry::fdw
