// IMPORT FOREIGN SCHEMA for quarry_fdw: reads the remote catalog and returns one CREATE FOREIGN
// TABLE statement per remote table or view. The type mapping is docs/fdw.md "Type mapping".
//
//  - mysql: information_schema.COLUMNS of the database named by the remote schema (tables, views,
//    system-versioned tables); MariaDB's JSON (a LONGTEXT with a json_valid check) is recognised
//    by its check constraint. Table options dbname and table_name.
//  - postgres, redshift: information_schema.columns of the remote schema (tables, views, foreign
//    tables; Redshift has it too). Table options schema_name and table_name.
//
// Every remote name reaches the remote as a literal quoted by the server's dialect, and every
// name and literal of the statements returned is quoted by PostgreSQL's quote_identifier and
// quote_literal_cstr. LIMIT TO / EXCEPT match remote table names exactly (case-sensitively),
// locally, as PostgreSQL then does again on the returned statements.
//
// Import options (IMPORT ... OPTIONS (...)):
//   import_not_null      'true' (default): NOT NULL where the remote column is NOT NULL
//   unmapped_types       'error' (default): a column of a type with no mapping is an error
//                        naming the table, column and type; 'skip': the column is left out,
//                        with a NOTICE naming it
//   tinyint1_as_boolean  mysql only, 'true' (default): TINYINT(1) becomes boolean, else smallint
#include <map>
#include <string>
#include <vector>

#include "connections.hpp"
#include "dialects/dialect.hpp"
#include "fdw.hpp"

namespace quarry::fdw {

namespace {

enum class Unmapped { Error, Skip };

struct ImportOptions {
    bool import_not_null = true;
    Unmapped unmapped = Unmapped::Error;
    bool tinyint1_as_boolean = true;
};

// One column of the remote catalog. Numbers are -1 when the catalog says NULL.
struct RemoteColumn {
    std::string table;
    std::string name;
    std::string data_type;    // lower case: "int", "decimal", "character varying", "ARRAY"...
    std::string column_type;  // mysql: COLUMN_TYPE ("tinyint(1)", "bigint(20) unsigned");
                              // postgres: udt_name ("_int4", "my_enum")
    bool nullable = true;
    long precision = -1;
    long scale = -1;
    long datetime_precision = -1;
    long char_length = -1;
    bool json = false;    // MariaDB: a LONGTEXT with a json_valid(col) check
    std::string charset;  // mysql: CHARACTER_SET_NAME of text columns, lower case
};

std::string lower_ascii(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

long number_or(const remote::Value& v, long fallback) {
    if (v.is_null()) return fallback;
    long n = 0;
    for (const char c : v.text()) {
        if (c < '0' || c > '9') return fallback;
        n = n * 10 + (c - '0');
        if (n > 1000000000L) return fallback;
    }
    return n;
}

std::string text_of(const remote::Value& v) { return std::string(v.text()); }

bool contains_word(const std::string& text, const char* word) {
    return text.find(word) != std::string::npos;
}

std::string option_value(DefElem* def) {
    return pg::pg_call([def] { return defGetString(def); });
}

bool boolean_option(DefElem* def) {
    return pg::pg_call([def] { return defGetBoolean(def); });
}

ImportOptions import_options(List* options, bool mysql) {
    ImportOptions o;
    ListCell* cell;
    foreach (cell, options) {
        auto* def = static_cast<DefElem*>(lfirst(cell));
        const std::string name = def->defname;
        if (name == "import_not_null") {
            o.import_not_null = boolean_option(def);
        } else if (name == "unmapped_types") {
            const std::string value = option_value(def);
            if (value == "error") {
                o.unmapped = Unmapped::Error;
            } else if (value == "skip") {
                o.unmapped = Unmapped::Skip;
            } else {
                throw Error("HV024", "invalid value for option \"unmapped_types\": \"" + value +
                                         "\" is not error or skip");
            }
        } else if (name == "tinyint1_as_boolean" && mysql) {
            o.tinyint1_as_boolean = boolean_option(def);
        } else {
            throw Error("HV00D", "invalid option \"" + name + "\"", {},
                        mysql ? "Valid options in this context are: import_not_null, "
                                "unmapped_types, tinyint1_as_boolean"
                              : "Valid options in this context are: import_not_null, "
                                "unmapped_types");
        }
    }
    return o;
}

// --- the remote catalogs ---------------------------------------------------------------------

// Runs `sql` on the leased connection, calling `row` for each row.
template <typename Row>
void for_each_row(remote::RemoteConnection& connection, const std::string& sql, Row row) {
    std::unique_ptr<remote::RemoteCursor> cursor = connection.execute_streaming(sql);
    while (cursor->next()) {
        pg::check_for_interrupts();
        row(*cursor);
    }
}

bool schema_exists(remote::RemoteConnection& connection, bool mysql, const std::string& literal) {
    const std::string sql =
        mysql ? "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " + literal
              : "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = " + literal;
    bool found = false;
    for_each_row(connection, sql, [&found](remote::RemoteCursor&) { found = true; });
    return found;
}

std::vector<RemoteColumn> mysql_columns(remote::RemoteConnection& connection,
                                        const std::string& literal) {
    bool mariadb = false;
    for_each_row(connection, "SELECT VERSION()", [&mariadb](remote::RemoteCursor& c) {
        mariadb = contains_word(lower_ascii(text_of(c.value(0))), "mariadb");
    });
    // MariaDB's JSON is LONGTEXT with the check constraint json_valid(`col`) (MySQL 8 has a
    // JSON data type, and no TABLE_NAME in CHECK_CONSTRAINTS).
    const std::string json =
        mariadb ? "EXISTS (SELECT 1 FROM information_schema.CHECK_CONSTRAINTS k"
                  " WHERE k.CONSTRAINT_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME"
                  " AND k.CHECK_CLAUSE = CONCAT('json_valid(`', REPLACE(c.COLUMN_NAME, '`', "
                  "'``'), '`)'))"
                : "0";
    const std::string sql =
        "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.IS_NULLABLE,"
        " c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.DATETIME_PRECISION,"
        " c.CHARACTER_MAXIMUM_LENGTH, c.CHARACTER_SET_NAME, " +
        json +
        " FROM information_schema.COLUMNS c JOIN information_schema.TABLES t"
        " ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME"
        " WHERE c.TABLE_SCHEMA = " +
        literal +
        " AND t.TABLE_TYPE IN ('BASE TABLE', 'VIEW', 'SYSTEM VERSIONED')"
        " ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION";
    std::vector<RemoteColumn> columns;
    for_each_row(connection, sql, [&columns](remote::RemoteCursor& c) {
        RemoteColumn col;
        col.table = text_of(c.value(0));
        col.name = text_of(c.value(1));
        col.data_type = lower_ascii(text_of(c.value(2)));
        col.column_type = lower_ascii(text_of(c.value(3)));
        col.nullable = c.value(4).text() != "NO";
        col.precision = number_or(c.value(5), -1);
        col.scale = number_or(c.value(6), -1);
        col.datetime_precision = number_or(c.value(7), -1);
        col.char_length = number_or(c.value(8), -1);
        if (!c.value(9).is_null()) col.charset = lower_ascii(text_of(c.value(9)));
        col.json = c.value(10).text() == "1";
        columns.push_back(std::move(col));
    });
    return columns;
}

std::vector<RemoteColumn> postgres_columns(remote::RemoteConnection& connection,
                                           const std::string& literal) {
    // information_schema.columns: tables, views, foreign tables and partitioned tables the
    // user has a privilege on; the same view exists on Redshift.
    const std::string sql =
        "SELECT table_name, column_name, data_type, udt_name, is_nullable, numeric_precision,"
        " numeric_scale, datetime_precision, character_maximum_length"
        " FROM information_schema.columns WHERE table_schema = " +
        literal + " ORDER BY table_name, ordinal_position";
    std::vector<RemoteColumn> columns;
    for_each_row(connection, sql, [&columns](remote::RemoteCursor& c) {
        RemoteColumn col;
        col.table = text_of(c.value(0));
        col.name = text_of(c.value(1));
        col.data_type = text_of(c.value(2));
        col.column_type = text_of(c.value(3));
        col.nullable = c.value(4).text() != "NO";
        col.precision = number_or(c.value(5), -1);
        col.scale = number_or(c.value(6), -1);
        col.datetime_precision = number_or(c.value(7), -1);
        col.char_length = number_or(c.value(8), -1);
        columns.push_back(std::move(col));
    });
    return columns;
}

// --- the type mapping (docs/fdw.md "Type mapping") -------------------------------------------

// "timestamp", "timestamp(3) with time zone": the precision goes before the zone words, and
// is left out when it is the default.
std::string with_precision(const char* base, long p, long default_p, const char* zone = "") {
    std::string type = base;
    if (p >= 0 && p != default_p) type += "(" + std::to_string(p) + ")";
    return type + zone;
}

std::string numeric_type(long precision, long scale) {
    if (precision <= 0) return "numeric";
    return "numeric(" + std::to_string(precision) + "," + std::to_string(scale < 0 ? 0 : scale) +
           ")";
}

// The local type of a MySQL / MariaDB column; "" when there is no mapping.
std::string mysql_type(const RemoteColumn& c, const ImportOptions& o) {
    const std::string& t = c.data_type;
    const bool is_unsigned = contains_word(c.column_type, "unsigned");
    if (t == "tinyint") {
        if (o.tinyint1_as_boolean && c.column_type == "tinyint(1)") return "boolean";
        return "smallint";  // unsigned: 0 .. 255
    }
    if (t == "smallint") return is_unsigned ? "integer" : "smallint";
    if (t == "mediumint") return "integer";
    if (t == "int" || t == "integer") return is_unsigned ? "bigint" : "integer";
    if (t == "bigint") return is_unsigned ? "numeric(20,0)" : "bigint";
    if (t == "decimal" || t == "numeric" || t == "dec" || t == "fixed") {
        return numeric_type(c.precision, c.scale);
    }
    if (t == "float") return "real";
    if (t == "double" || t == "double precision" || t == "real") return "double precision";
    if (t == "bit") return c.precision > 0 ? "bit(" + std::to_string(c.precision) + ")" : "bit";
    if (t == "char" || t == "varchar") {
        return c.char_length > 0 ? "character varying(" + std::to_string(c.char_length) + ")"
                                 : "text";
    }
    if (t == "tinytext" || t == "text" || t == "mediumtext" || t == "longtext") {
        return c.json ? "jsonb" : "text";
    }
    if (t == "enum" || t == "set") return "text";
    if (t == "json") return "jsonb";
    if (t == "binary" || t == "varbinary" || t == "tinyblob" || t == "blob" || t == "mediumblob" ||
        t == "longblob") {
        return "bytea";
    }
    if (t == "date") return "date";
    if (t == "datetime") return with_precision("timestamp", c.datetime_precision, 6);
    if (t == "timestamp") {
        return with_precision("timestamp", c.datetime_precision, 6, " with time zone");
    }
    if (t == "time") return "interval";  // a duration: -838:59:59 .. 838:59:59
    if (t == "year") return "smallint";
    if (t == "uuid") return "uuid";
    if (t == "inet6" || t == "inet4") return "inet";
    return {};
}

// A PostgreSQL built-in type by its udt_name, for array elements; "" when unknown.
std::string postgres_udt_type(const std::string& udt) {
    static const std::map<std::string, std::string> kUdt = {
        {"int2", "smallint"},
        {"int4", "integer"},
        {"int8", "bigint"},
        {"float4", "real"},
        {"float8", "double precision"},
        {"numeric", "numeric"},
        {"bool", "boolean"},
        {"text", "text"},
        {"varchar", "character varying"},
        {"bpchar", "character"},
        {"date", "date"},
        {"time", "time"},
        {"timestamp", "timestamp"},
        {"timestamptz", "timestamp with time zone"},
        {"interval", "interval"},
        {"uuid", "uuid"},
        {"json", "json"},
        {"jsonb", "jsonb"},
        {"bytea", "bytea"},
        {"inet", "inet"},
        {"cidr", "cidr"},
    };
    auto it = kUdt.find(udt);
    return it == kUdt.end() ? std::string() : it->second;
}

// The local type of a PostgreSQL / Redshift column; "" when there is no mapping.
std::string postgres_type(const RemoteColumn& c) {
    const std::string& t = c.data_type;
    static const char* const kSame[] = {
        "smallint", "integer", "bigint", "real", "double precision", "boolean", "text", "date",
        "bytea",    "json",    "jsonb",  "uuid", "interval",         "inet",    "cidr", "macaddr",
        "xml",      "oid",     "name",
    };
    for (const char* same : kSame) {
        if (t == same) return t;
    }
    if (t == "numeric") return numeric_type(c.precision, c.scale);
    if (t == "character varying") {
        return c.char_length > 0 ? "character varying(" + std::to_string(c.char_length) + ")"
                                 : "character varying";
    }
    if (t == "character") {
        return "character(" + std::to_string(c.char_length > 0 ? c.char_length : 1) + ")";
    }
    if (t == "\"char\"") return "text";
    if (t == "timestamp without time zone") {
        return with_precision("timestamp", c.datetime_precision, 6);
    }
    if (t == "timestamp with time zone") {
        return with_precision("timestamp", c.datetime_precision, 6, " with time zone");
    }
    if (t == "time without time zone") return with_precision("time", c.datetime_precision, 6);
    if (t == "time with time zone") {
        return with_precision("time", c.datetime_precision, 6, " with time zone");
    }
    if (t == "ARRAY" && c.column_type.size() > 1 && c.column_type[0] == '_') {
        const std::string element = postgres_udt_type(c.column_type.substr(1));
        if (!element.empty()) return element + "[]";
    }
    return {};
}

// The remote type as the user knows it, for messages.
std::string remote_type_label(const RemoteColumn& c, bool mysql) {
    if (mysql) return c.column_type.empty() ? c.data_type : c.column_type;
    if (c.data_type == "USER-DEFINED" || c.data_type == "ARRAY") return c.column_type;
    return c.data_type;
}

// --- the statements ----------------------------------------------------------------------------

std::string pg_identifier(const std::string& name) {
    const char* in = name.c_str();
    return pg::pg_call([in] { return quote_identifier(in); });
}

std::string pg_literal(const std::string& text) {
    const char* in = text.c_str();
    return pg::pg_call([in] { return quote_literal_cstr(in); });
}

// A local name for a remote one: PostgreSQL names are at most NAMEDATALEN - 1 bytes.
std::string local_name(const std::string& remote) {
    if (remote.size() < NAMEDATALEN) return remote;
    const char* in = remote.c_str();
    const int length = static_cast<int>(remote.size());
    const int clipped =
        pg::pg_call([in, length] { return pg_mbcliplen(in, length, NAMEDATALEN - 1); });
    return remote.substr(0, static_cast<size_t>(clipped));
}

bool wanted(ImportForeignSchemaStmt* stmt, const std::string& table) {
    if (stmt->list_type == FDW_IMPORT_SCHEMA_ALL) return true;
    bool listed = false;
    ListCell* cell;
    foreach (cell, stmt->table_list) {
        auto* rv = static_cast<RangeVar*>(lfirst(cell));
        if (table == rv->relname) listed = true;
    }
    return stmt->list_type == FDW_IMPORT_SCHEMA_LIMIT_TO ? listed : !listed;
}

void notice_skipped(const std::string& message) {
    const char* text = message.c_str();
    pg::pg_call([text] { ereport(NOTICE, (errmsg_internal("%s", text))); });
}

}  // namespace

List* import_foreign_schema(ImportForeignSchemaStmt* stmt, Oid server_id) {
    ForeignServer* server = pg::pg_call([server_id] { return GetForeignServer(server_id); });
    std::string dialect;
    {
        ListCell* cell;
        foreach (cell, server->options) {
            auto* def = static_cast<DefElem*>(lfirst(cell));
            if (strcmp(def->defname, "dialect") == 0) dialect = option_value(def);
        }
    }
    const bool mysql = dialect == "mysql";
    const ImportOptions options = import_options(stmt->options, mysql);
    const std::string remote_schema = stmt->remote_schema;
    // The dialect's own quoting: MySQL escapes backslashes, Redshift's lexer treats them as
    // escapes, PostgreSQL's does not.
    const std::string literal = dialect_by_name(dialect).quote_string(remote_schema);

    std::vector<RemoteColumn> columns;
    {
        const Oid user = pg::pg_call([] { return GetUserId(); });
        Lease lease = lease_connection(server_id, user);
        if (!schema_exists(*lease, mysql, literal)) {
            throw Error("HV00R", std::string(mysql ? "database" : "schema") + " \"" +
                                     remote_schema + "\" is not present on foreign server \"" +
                                     server->servername + "\"");
        }
        columns = mysql ? mysql_columns(*lease, literal) : postgres_columns(*lease, literal);
    }

    // Tables in byte order of their remote names, columns in their remote order.
    std::map<std::string, std::vector<const RemoteColumn*>> tables;
    for (const RemoteColumn& c : columns) {
        if (wanted(stmt, c.table)) tables[c.table].push_back(&c);
    }

    const std::string server_name = pg_identifier(server->servername);
    const std::string schema_option = pg_literal(remote_schema);
    List* commands = NIL;
    for (const auto& [table, table_columns] : tables) {
        std::string sql = "CREATE FOREIGN TABLE " + pg_identifier(local_name(table)) + " (";
        bool first = true;
        for (const RemoteColumn* c : table_columns) {
            const std::string type = mysql ? mysql_type(*c, options) : postgres_type(*c);
            if (type.empty()) {
                const std::string message = "remote column \"" + c->name + "\" of table \"" +
                                            table + "\" has type " + remote_type_label(*c, mysql) +
                                            ", which quarry_fdw cannot map";
                if (options.unmapped == Unmapped::Skip) {
                    notice_skipped(message + "; the column is not imported");
                    continue;
                }
                throw Error("HV004", message, {},
                            "IMPORT FOREIGN SCHEMA ... OPTIONS (unmapped_types 'skip') leaves such "
                            "columns out; EXCEPT leaves out the table.");
            }
            if (!first) sql += ", ";
            first = false;
            const std::string local = local_name(c->name);
            sql += pg_identifier(local) + " " + type;
            std::vector<std::string> column_options;
            if (local != c->name) column_options.push_back("column_name " + pg_literal(c->name));
            if (type == "text" || type.rfind("character varying", 0) == 0) {
                if (!c->charset.empty() && !is_utf8_charset(c->charset)) {
                    column_options.push_back("charset " + pg_literal(c->charset));
                }
            }
            if (!column_options.empty()) {
                sql += " OPTIONS (";
                for (size_t i = 0; i < column_options.size(); ++i) {
                    if (i > 0) sql += ", ";
                    sql += column_options[i];
                }
                sql += ")";
            }
            if (options.import_not_null && !c->nullable) sql += " NOT NULL";
        }
        sql += ") SERVER " + server_name + " OPTIONS (" + (mysql ? "dbname " : "schema_name ") +
               schema_option + ", table_name " + pg_literal(table) + ")";
        const char* text = sql.c_str();
        commands = pg::pg_call([commands, text] { return lappend(commands, pstrdup(text)); });
    }
    return commands;
}

}  // namespace quarry::fdw
