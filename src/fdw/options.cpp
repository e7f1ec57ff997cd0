// Options of quarry_fdw servers, user mappings, foreign tables and their columns: the validator
// that checks them at CREATE / ALTER, and their reading into what a scan needs.
// docs/fdw.md "Options" is the reference.
#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/text.hpp"
#include "fdw.hpp"
#include "src/extension/pg_types.hpp"

namespace quarry::fdw {

namespace {

enum class ValueRule {
    Any,
    Dialect,
    Port,
    Seconds,
    FetchSize,
    Boolean,
    SslMode,
    NotEmpty,
    Charset
};

struct OptionRule {
    const char* name;
    Oid catalog;
    ValueRule rule;
};

const OptionRule kOptions[] = {
    {"dialect", ForeignServerRelationId, ValueRule::Dialect},
    {"host", ForeignServerRelationId, ValueRule::NotEmpty},
    {"port", ForeignServerRelationId, ValueRule::Port},
    {"dbname", ForeignServerRelationId, ValueRule::NotEmpty},
    {"connect_timeout", ForeignServerRelationId, ValueRule::Seconds},
    {"query_timeout", ForeignServerRelationId, ValueRule::Seconds},
    {"fetch_size", ForeignServerRelationId, ValueRule::FetchSize},
    {"sslmode", ForeignServerRelationId, ValueRule::SslMode},
    {"sslrootcert", ForeignServerRelationId, ValueRule::NotEmpty},
    {"user", UserMappingRelationId, ValueRule::NotEmpty},
    {"password", UserMappingRelationId, ValueRule::Any},
    {"password_required", UserMappingRelationId, ValueRule::Boolean},
    {"table_name", ForeignTableRelationId, ValueRule::NotEmpty},
    {"schema_name", ForeignTableRelationId, ValueRule::NotEmpty},
    {"dbname", ForeignTableRelationId, ValueRule::NotEmpty},
    {"column_name", AttributeRelationId, ValueRule::NotEmpty},
    {"charset", AttributeRelationId, ValueRule::Charset},
};

constexpr int kMaxFetchSize = 1000000;
constexpr int kMaxPort = 65535;
constexpr int kMaxTimeoutSeconds = 24 * 3600;
constexpr int kMillisecondsPerSecond = 1000;

std::string valid_names_for(Oid catalog) {
    std::string names;
    for (const OptionRule& option : kOptions) {
        if (option.catalog != catalog) continue;
        if (!names.empty()) names += ", ";
        names += option.name;
    }
    return names;
}

const OptionRule* find_rule(std::string_view name, Oid catalog) {
    for (const OptionRule& option : kOptions) {
        if (option.catalog == catalog && name == option.name) return &option;
    }
    return nullptr;
}

[[noreturn]] void invalid_value(std::string_view name, std::string_view problem) {
    throw Error("HV024",
                "invalid value for option \"" + std::string(name) + "\": " + std::string(problem));
}

// A whole decimal integer in [low, high]; std::nullopt otherwise.
std::optional<long> parse_integer(const std::string& text, long low, long high) {
    if (text.empty()) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    long value = std::strtol(text.c_str(), &end, 10);
    if (errno != 0 || end != text.c_str() + text.size() || value < low || value > high) {
        return std::nullopt;
    }
    return value;
}

bool parse_boolean(const std::string& text, bool& out) {
    return pg::pg_call([&text, &out] { return parse_bool(text.c_str(), &out); });
}

// MySQL's character set names: latin1, utf8mb4, cp1251, ...
bool is_charset_name(std::string_view name) {
    if (name.empty()) return false;
    for (const char c : name) {
        if (!is_ascii_letter(c) && !is_ascii_digit(c) && c != '_') return false;
    }
    return true;
}

void check_value(const OptionRule& option, const std::string& value) {
    switch (option.rule) {
        case ValueRule::Any:
            return;
        case ValueRule::NotEmpty:
            if (value.empty()) invalid_value(option.name, "must not be empty");
            return;
        case ValueRule::Dialect:
            if (value != "mysql" && value != "postgres" && value != "redshift") {
                invalid_value(option.name, "\"" + value + "\" is not mysql, postgres or redshift");
            }
            return;
        case ValueRule::Port:
            if (!parse_integer(value, 1, kMaxPort)) {
                invalid_value(option.name, "must be an integer between 1 and 65535");
            }
            return;
        case ValueRule::Seconds:
            if (!parse_integer(value, 0, kMaxTimeoutSeconds)) {
                invalid_value(option.name, "must be a whole number of seconds between 0 and 86400");
            }
            return;
        case ValueRule::FetchSize:
            if (!parse_integer(value, 1, kMaxFetchSize)) {
                invalid_value(option.name, "must be an integer between 1 and 1000000");
            }
            return;
        case ValueRule::Boolean: {
            bool ignored = false;
            if (!parse_boolean(value, ignored)) invalid_value(option.name, "must be a boolean");
            return;
        }
        case ValueRule::SslMode:
            for (const char* mode : {"disable", "prefer", "require", "verify-ca", "verify-full"}) {
                if (value == mode) return;
            }
            invalid_value(option.name,
                          "must be one of disable, prefer, require, verify-ca, verify-full");
            return;
        case ValueRule::Charset:
            if (!is_charset_name(value)) {
                invalid_value(option.name, "\"" + value + "\" is not a MySQL character set name");
            }
            return;
    }
}

std::string option_text(DefElem* def) {
    return pg::pg_call([def] { return defGetString(def); });
}

// name -> value of a DefElem list.
std::optional<std::string> find_option(List* options, const char* name) {
    ListCell* cell;
    foreach (cell, options) {
        auto* def = static_cast<DefElem*>(lfirst(cell));
        if (strcmp(def->defname, name) == 0) return option_text(def);
    }
    return std::nullopt;
}

int seconds_option_ms(List* options, const char* name, int fallback_ms) {
    auto text = find_option(options, name);
    if (!text) return fallback_ms;
    return static_cast<int>(*parse_integer(*text, 0, kMaxTimeoutSeconds)) * kMillisecondsPerSecond;
}

}  // namespace

bool is_utf8_charset(std::string_view name) {
    for (const char* utf8 : {"utf8mb4", "utf8mb3", "utf8", "ascii"}) {
        if (equals_ignoring_ascii_case(name, utf8)) return true;
    }
    return false;
}

void validate_option_list(List* options, Oid catalog) {
    ListCell* cell;
    foreach (cell, options) {
        auto* def = static_cast<DefElem*>(lfirst(cell));
        const OptionRule* rule = find_rule(def->defname, catalog);
        if (rule == nullptr) {
            std::string valid = valid_names_for(catalog);
            throw Error("HV00D", "invalid option \"" + std::string(def->defname) + "\"", {},
                        valid.empty() ? "There are no valid options in this context."
                                      : "Valid options in this context are: " + valid);
        }
        check_value(*rule, option_text(def));
    }
    if (catalog == ForeignServerRelationId && !find_option(options, "dialect")) {
        throw Error("HV00D", "quarry_fdw servers need the option \"dialect\"", {},
                    "dialect is mysql, postgres or redshift.");
    }
    if (catalog == UserMappingRelationId) {
        if (auto waived = find_option(options, "password_required")) {
            bool required = true;
            parse_boolean(*waived, required);
            if (!required && !pg::pg_call([] { return superuser(); })) {
                throw Error("42501", "password_required=false is superuser-only",
                            "User mappings with the password_required option set to false may "
                            "only be created or modified by the superuser.");
            }
        }
    }
}

remote::RemoteOptions remote_options(ForeignServer* server, UserMapping* mapping) {
    remote::RemoteOptions o;
    o.server_name = server->servername;
    auto dialect = find_option(server->options, "dialect");
    if (!dialect) {
        throw Error("HV00D",
                    "server \"" + std::string(server->servername) + "\" has no dialect option", {},
                    "ALTER SERVER ... OPTIONS (ADD dialect 'mysql') (or postgres, redshift).");
    }
    o.kind = remote::parse_remote_kind(*dialect);
    if (auto host = find_option(server->options, "host")) o.host = *host;
    if (auto port = find_option(server->options, "port")) {
        o.port = static_cast<int>(*parse_integer(*port, 1, kMaxPort));
    }
    if (auto dbname = find_option(server->options, "dbname")) o.dbname = *dbname;
    o.connect_timeout_ms =
        seconds_option_ms(server->options, "connect_timeout", o.connect_timeout_ms);
    o.query_timeout_ms = seconds_option_ms(server->options, "query_timeout", o.query_timeout_ms);
    if (auto fetch = find_option(server->options, "fetch_size")) {
        o.fetch_size = static_cast<int>(*parse_integer(*fetch, 1, kMaxFetchSize));
    }
    if (auto mode = find_option(server->options, "sslmode")) o.ssl_mode = *mode;
    if (auto root = find_option(server->options, "sslrootcert")) o.ssl_root_cert = *root;
    if (mapping != nullptr) {
        if (auto user = find_option(mapping->options, "user")) o.user = *user;
        if (auto password = find_option(mapping->options, "password")) o.password = *password;
    }
    return o;
}

bool is_quarry_foreign_table(Oid relid) {
    const char relkind = pg::pg_call([relid] { return get_rel_relkind(relid); });
    if (relkind != RELKIND_FOREIGN_TABLE) return false;
    const Oid server_id = pg::pg_call([relid] { return GetForeignServerIdByRelId(relid); });
    ForeignServer* server = pg::pg_call([server_id] { return GetForeignServer(server_id); });
    ForeignDataWrapper* wrapper =
        pg::pg_call([server] { return GetForeignDataWrapper(server->fdwid); });
    return strcmp(wrapper->fdwname, "quarry_fdw") == 0;
}

ForeignTableInfo foreign_table_info(Oid relid, Oid user) {
    ForeignTableInfo info;
    info.relid = relid;
    info.user_id = user;
    ForeignTable* table = pg::pg_call([relid] { return GetForeignTable(relid); });
    ForeignServer* server = pg::pg_call([table] { return GetForeignServer(table->serverid); });
    info.server_id = server->serverid;
    info.server_name = server->servername;
    info.dialect = find_option(server->options, "dialect").value_or("");

    const char* local_name = pg::pg_call([relid] { return get_rel_name(relid); });
    const Oid namespace_id = pg::pg_call([relid] { return get_rel_namespace(relid); });
    const char* local_schema =
        pg::pg_call([namespace_id] { return get_namespace_name(namespace_id); });
    std::string table_name = find_option(table->options, "table_name").value_or(local_name);
    if (info.dialect == "mysql") {
        auto db = find_option(table->options, "dbname");
        if (!db) db = find_option(table->options, "schema_name");
        if (!db) db = find_option(server->options, "dbname");
        if (db) info.relation.push_back(*db);
    } else {
        if (find_option(table->options, "dbname")) {
            throw Error("HV00D", "foreign table \"" + std::string(local_name) +
                                     "\": option \"dbname\" is for mysql servers; use schema_name");
        }
        info.relation.push_back(find_option(table->options, "schema_name").value_or(local_schema));
    }
    info.relation.push_back(table_name);

    Relation rel = pg::pg_call([relid] { return RelationIdGetRelation(relid); });
    TupleDesc desc = rel->rd_att;
    for (int i = 0; i < desc->natts; ++i) {
        Form_pg_attribute att = TupleDescAttr(desc, i);
        ForeignColumn column;
        column.attnum = att->attnum;
        column.local_name = NameStr(att->attname);
        column.type = att->atttypid;
        column.typmod = att->atttypmod;
        column.not_null = att->attnotnull;
        column.dropped = att->attisdropped;
        if (!column.dropped) column.bounds = pg::column_bounds_of(column.type, column.typmod);
        column.remote_name = column.local_name;
        info.columns.push_back(std::move(column));
    }
    pg::pg_call([rel] { RelationClose(rel); });
    for (ForeignColumn& column : info.columns) {
        if (column.dropped) continue;
        const AttrNumber attnum = column.attnum;
        List* options =
            pg::pg_call([relid, attnum] { return GetForeignColumnOptions(relid, attnum); });
        if (auto name = find_option(options, "column_name")) column.remote_name = *name;
        if (auto charset = find_option(options, "charset")) {
            if (info.dialect != "mysql") {
                throw Error("HV00D", "column \"" + column.local_name + "\" of foreign table \"" +
                                         local_name +
                                         "\": option \"charset\" is for mysql servers");
            }
            column.bounds.other_charset = !is_utf8_charset(*charset);
        }
    }
    return info;
}

}  // namespace quarry::fdw
