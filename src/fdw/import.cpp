#include "fdw.hpp"

namespace quarry::fdw {

List* import_foreign_schema(ImportForeignSchemaStmt* /*stmt*/, Oid /*server_id*/) {
    throw Error("0A000", "IMPORT FOREIGN SCHEMA is not implemented yet");
}

}  // namespace quarry::fdw
