#include "run.hpp"

#include <chrono>
#include <string>
#include <string_view>

#include "connections.hpp"

namespace quarry::fdw {

namespace {

bool starts_like_a_number(std::string_view text) {
    size_t i = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
    return i < text.size() && text[i] >= '0' && text[i] <= '9';
}

bool is_true(std::string_view text) { return text == "t" || text == "1" || text == "true"; }

// "YYYY-MM-DD[ HH:MM:SS[.ffffff]][+00[:00]]" -> ISO 8601 with a 'T' (and 'Z' for instants).
// A date alone is its midnight (a dialect may select a DATE for a day bucket).
void append_timestamp(StringInfo out, std::string_view text, bool instant) {
    std::string iso(text);
    if (iso.size() == 10) iso += " 00:00:00";
    if (iso.size() > 10 && iso[10] == ' ') iso[10] = 'T';
    if (instant) {
        for (std::string_view zone : {"+00:00", "+00"}) {
            if (iso.size() > zone.size() &&
                iso.compare(iso.size() - zone.size(), zone.size(), zone) == 0) {
                iso.resize(iso.size() - zone.size());
                break;
            }
        }
        iso += 'Z';
    }
    pg::append_json_string(out, iso.data(), iso.size());
}

// One value, by the model type of its column (the spec's), as quarry.run writes it locally.
void append_value(StringInfo out, remote::Value value, Type type) {
    if (value.is_null()) {
        appendStringInfoString(out, "null");
        return;
    }
    const std::string_view text = value.text();
    switch (type) {
        case Type::Integer:
        case Type::Numeric:
        case Type::Double:
            if (starts_like_a_number(text)) {
                appendBinaryStringInfo(out, text.data(), static_cast<int>(text.size()));
            } else {
                appendStringInfoString(out, "null");  // NaN, Infinity
            }
            return;
        case Type::Boolean:
            appendStringInfoString(out, is_true(text) ? "true" : "false");
            return;
        case Type::Date:
            if (starts_like_a_number(text)) {
                pg::append_json_string(out, text.data(), text.size());
            } else {
                appendStringInfoString(out, "null");  // infinity
            }
            return;
        case Type::Timestamp:
        case Type::TimestampTz:
            if (starts_like_a_number(text)) {
                append_timestamp(out, text, type == Type::TimestampTz);
            } else {
                appendStringInfoString(out, "null");
            }
            return;
        case Type::Text:
        case Type::Unknown:
            pg::append_json_string(out, text.data(), text.size());
            return;
    }
}

}  // namespace

void check_select_privilege(Oid relid) {
    const Oid user = GetUserId();
    const AclResult result =
        pg::pg_call([relid, user] { return pg_class_aclcheck(relid, user, ACL_SELECT); });
    if (result == ACLCHECK_OK) return;
    const char* name = pg::pg_call([relid] { return get_rel_name(relid); });
    throw Error("42501",
                "permission denied for foreign table " + std::string(name != nullptr ? name : "?"));
}

Datum run_remote_to_jsonb(Oid server_id, const std::vector<pg::ResultColumn>& columns,
                          const std::vector<Type>& types, const pg::ResultMeta& meta) {
    StringInfo out = pg::begin_result_json(columns);
    const auto started = std::chrono::steady_clock::now();
    uint64 rows = 0;
    {
        Lease lease = lease_connection(server_id, GetUserId());
        std::unique_ptr<remote::RemoteCursor> cursor = lease->execute_streaming(meta.sql);
        if (cursor->columns().size() != types.size()) {
            throw Error("XX000", "quarry.run: the remote returned " +
                                     std::to_string(cursor->columns().size()) + " columns for " +
                                     std::to_string(types.size()));
        }
        while (cursor->next()) {
            appendStringInfoString(out, rows == 0 ? "[" : ",[");
            for (size_t i = 0; i < types.size(); ++i) {
                if (i > 0) appendStringInfoChar(out, ',');
                append_value(out, cursor->value(i), types[i]);
            }
            appendStringInfoChar(out, ']');
            ++rows;
        }
    }
    const std::chrono::duration<double, std::milli> elapsed =
        std::chrono::steady_clock::now() - started;
    return pg::finish_result_json(out, meta, elapsed.count(), rows);
}

}  // namespace quarry::fdw
