#include "model/types.hpp"

#include <string>

#include "common/text.hpp"

namespace quarry {

std::string_view type_name(Type t) {
    switch (t) {
        case Type::Unknown:
            return "unknown";
        case Type::Boolean:
            return "boolean";
        case Type::Integer:
            return "integer";
        case Type::Numeric:
            return "numeric";
        case Type::Double:
            return "double";
        case Type::Text:
            return "text";
        case Type::Date:
            return "date";
        case Type::Timestamp:
            return "timestamp";
        case Type::TimestampTz:
            return "timestamptz";
    }
    return "unknown";
}

std::string_view time_unit_name(TimeUnit u) {
    switch (u) {
        case TimeUnit::Minute:
            return "minute";
        case TimeUnit::Hour:
            return "hour";
        case TimeUnit::Day:
            return "day";
        case TimeUnit::Week:
            return "week";
        case TimeUnit::Month:
            return "month";
        case TimeUnit::Quarter:
            return "quarter";
        case TimeUnit::Year:
            return "year";
    }
    return "day";
}

bool parse_time_unit(std::string_view text, TimeUnit& out) {
    std::string lower;
    lower.reserve(text.size());
    for (char c : text) lower += ascii_lower(c);
    if (lower.size() > 1 && lower.back() == 's') lower.pop_back();
    static constexpr TimeUnit kUnits[] = {TimeUnit::Minute, TimeUnit::Hour,  TimeUnit::Day,
                                          TimeUnit::Week,   TimeUnit::Month, TimeUnit::Quarter,
                                          TimeUnit::Year};
    for (TimeUnit u : kUnits) {
        if (lower == time_unit_name(u)) {
            out = u;
            return true;
        }
    }
    return false;
}

}  // namespace quarry
