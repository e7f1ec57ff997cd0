// Relative time ranges ("last 7 days") resolved to [from, to) in a zone. Calendar bounds are
// local midnights converted to instants with the zone, so a month in Europe/Paris starts at
// 23:00 or 22:00 UTC; rolling ranges (minutes, hours) count elapsed time.
#include <array>

#include "common/error.hpp"
#include "model/types.hpp"
#include "time/time.hpp"

namespace quarry {

namespace {

constexpr int64_t kMaxRangeCount = 10000;
constexpr size_t kMaxTokens = 4;

struct UnitName {
    std::string_view singular;
    std::string_view plural;
    TimeUnit unit;
};
constexpr std::array<UnitName, 7> kUnits = {{
    {"minute", "minutes", TimeUnit::Minute},
    {"hour", "hours", TimeUnit::Hour},
    {"day", "days", TimeUnit::Day},
    {"week", "weeks", TimeUnit::Week},
    {"month", "months", TimeUnit::Month},
    {"quarter", "quarters", TimeUnit::Quarter},
    {"year", "years", TimeUnit::Year},
}};

bool parse_unit(std::string_view word, bool plural_ok, TimeUnit& out) {
    for (const UnitName& u : kUnits) {
        if (word == u.singular || (plural_ok && word == u.plural)) {
            out = u.unit;
            return true;
        }
    }
    return false;
}

bool is_rolling(TimeUnit u) { return u == TimeUnit::Minute || u == TimeUnit::Hour; }

// Lower-cased words separated by blanks.
bool tokenize(std::string_view text, std::array<std::string, kMaxTokens>& words, size_t& count) {
    count = 0;
    size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            ++i;
            continue;
        }
        if (count == kMaxTokens) return false;
        std::string& word = words[count++];
        for (; i < text.size(); ++i) {
            const char w = text[i];
            if (w == ' ' || w == '\t' || w == '\n' || w == '\r') break;
            word += (w >= 'A' && w <= 'Z') ? static_cast<char>(w + 32) : w;
        }
    }
    return count > 0;
}

// 1..kMaxRangeCount, decimal digits only.
bool parse_count(std::string_view word, int64_t& out) {
    if (word.empty()) return false;
    int64_t v = 0;
    for (char c : word) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
        if (v > kMaxRangeCount) return false;
    }
    if (v < 1) return false;
    out = v;
    return true;
}

// The first day (days since the epoch) of the calendar period of `unit` holding `day`.
int64_t period_start(int64_t day, TimeUnit unit) {
    const CivilTime c = civil_from_days(day);
    switch (unit) {
        case TimeUnit::Minute:
        case TimeUnit::Hour:
        case TimeUnit::Day:
            return day;
        case TimeUnit::Week:
            return day - (iso_weekday(c.year, c.month, c.day) - 1);
        case TimeUnit::Month:
            return days_from_civil(c.year, c.month, 1);
        case TimeUnit::Quarter:
            return days_from_civil(c.year, (c.month - 1) / 3 * 3 + 1, 1);
        case TimeUnit::Year:
            return days_from_civil(c.year, 1, 1);
    }
    return day;
}

// A period start moved by `n` periods of `unit` (n < 0: into the past).
int64_t shift_periods(int64_t start, TimeUnit unit, int64_t n) {
    int64_t months = 0;
    switch (unit) {
        case TimeUnit::Minute:
        case TimeUnit::Hour:
        case TimeUnit::Day:
            return start + n;
        case TimeUnit::Week:
            return start + 7 * n;
        case TimeUnit::Month:
            months = n;
            break;
        case TimeUnit::Quarter:
            months = 3 * n;
            break;
        case TimeUnit::Year:
            months = 12 * n;
            break;
    }
    const CivilTime c = civil_from_days(start);
    const int64_t index = static_cast<int64_t>(c.year) * 12 + (c.month - 1) + months;
    const int64_t year = index >= 0 ? index / 12 : (index - 11) / 12;
    return days_from_civil(static_cast<int>(year), static_cast<int>(index - year * 12) + 1, 1);
}

TimeRange local_days(const TimeZone& zone, int64_t first_day, int64_t end_day) {
    TimeRange r;
    r.local_from = civil_from_days(first_day);
    r.local_to = civil_from_days(end_day);
    r.from = zone.from_local(r.local_from);
    r.to = zone.from_local(r.local_to);
    return r;
}

TimeRange rolling(const TimeZone& zone, Instant now, TimeUnit unit, int64_t n) {
    TimeRange r;
    r.from = now - n * (unit == TimeUnit::Minute ? kMicrosPerMinute : kMicrosPerHour);
    r.to = now;
    r.local_from = zone.to_local(r.from);
    r.local_to = zone.to_local(r.to);
    return r;
}

// "last N <unit>" (N = 1 when `count` is empty).
bool resolve_last(std::string_view count, std::string_view unit_word, const TimeZone& zone,
                  Instant now, int64_t today, TimeRange& out) {
    int64_t n = 1;
    if (!count.empty() && !parse_count(count, n)) return false;
    TimeUnit unit;
    if (!parse_unit(unit_word, !count.empty(), unit)) return false;
    if (is_rolling(unit)) {
        out = rolling(zone, now, unit, n);
        return true;
    }
    const int64_t start = period_start(today, unit);
    out = local_days(zone, shift_periods(start, unit, -n), start);
    return true;
}

bool resolve_words(const std::array<std::string, kMaxTokens>& w, size_t count, const TimeZone& zone,
                   Instant now, TimeRange& out) {
    const CivilTime local_now = zone.to_local(now);
    const int64_t today = days_from_civil(local_now.year, local_now.month, local_now.day);
    if (count == 1 && w[0] == "today") {
        out = local_days(zone, today, today + 1);
        return true;
    }
    if (count == 1 && w[0] == "yesterday") {
        out = local_days(zone, today - 1, today);
        return true;
    }
    if (count == 2 && w[0] == "this") {
        TimeUnit unit;
        if (!parse_unit(w[1], false, unit) || is_rolling(unit) || unit == TimeUnit::Day) {
            return false;
        }
        const int64_t start = period_start(today, unit);
        out = local_days(zone, start, shift_periods(start, unit, 1));
        return true;
    }
    if (count == 2 && w[0] == "last") return resolve_last({}, w[1], zone, now, today, out);
    if (count == 3 && w[0] == "last") return resolve_last(w[1], w[2], zone, now, today, out);
    if (count == 3 && w[0] == "year" && w[1] == "to" && w[2] == "date") {
        out = local_days(zone, period_start(today, TimeUnit::Year), today + 1);
        return true;
    }
    return false;
}

// An explicit bound: wall-clock in the zone, or an instant when it carries an offset.
void explicit_bound(std::string_view text, const TimeZone& zone, const std::string& path,
                    Instant& instant, CivilTime& local) {
    bool has_offset = false;
    int offset_seconds = 0;
    if (!parse_civil(text, local, has_offset, offset_seconds)) {
        throw spec_error(path, "invalid date/time " + quote_for_message(text) +
                                   " (expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)");
    }
    if (has_offset) {
        instant = micros_from_civil(local) - offset_seconds * kMicrosPerSecond;
        local = zone.to_local(instant);
    } else {
        instant = zone.from_local(local);
    }
}

}  // namespace

TimeRange resolve_range(std::string_view text, const TimeZone& zone, Instant now,
                        const std::string& json_path) {
    std::array<std::string, kMaxTokens> words;
    size_t count = 0;
    TimeRange out;
    if (!tokenize(text, words, count) || !resolve_words(words, count, zone, now, out)) {
        throw spec_error(json_path, "unknown range " + quote_for_message(text));
    }
    return out;
}

TimeRange resolve_explicit_range(std::string_view from, std::string_view to, const TimeZone& zone,
                                 const std::string& json_path) {
    TimeRange r;
    explicit_bound(from, zone, json_path + "[0]", r.from, r.local_from);
    explicit_bound(to, zone, json_path + "[1]", r.to, r.local_to);
    if (r.from >= r.to) {
        throw spec_error(json_path, "the start " + quote_for_message(from) +
                                        " is not before the end " + quote_for_message(to));
    }
    return r;
}

}  // namespace quarry
