// Civil time and time zones, without PostgreSQL: IANA zones are read from the system's TZif
// files (/usr/share/zoneinfo), the same database PostgreSQL and MariaDB use here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/firewall.hpp"

namespace quarry {

// Microseconds since 1970-01-01 00:00:00 UTC.
using Instant = int64_t;

inline constexpr int64_t kMicrosPerSecond = 1000000;
inline constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

struct CivilTime {
    int year = 1970, month = 1, day = 1;
    int hour = 0, minute = 0, second = 0;
    int micros = 0;
};

int64_t days_from_civil(int year, int month, int day);    // days since 1970-01-01
CivilTime civil_from_days(int64_t days_since_epoch);      // that day at midnight
CivilTime civil_from_micros(int64_t micros_since_epoch);  // proleptic Gregorian, no zone
int64_t micros_from_civil(const CivilTime& t);
int iso_weekday(int year, int month, int day);  // Monday = 1 ... Sunday = 7
int days_in_month(int year, int month);
bool is_leap_year(int year);

std::string format_date(const CivilTime& t);       // "YYYY-MM-DD"
std::string format_timestamp(const CivilTime& t);  // "YYYY-MM-DD HH:MM:SS[.ffffff]"
std::string format_instant(Instant t);             // "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"
// Parses "YYYY-MM-DD" and "YYYY-MM-DD{T| }HH:MM[:SS[.f{1,6}]][Z|±HH[:MM]]" (years 0001-9999).
// Returns false on any malformed or out-of-range input (Feb 30, 24:00, a leap second...).
// `has_offset`/`offset_seconds` report an explicit zone suffix (seconds east of UTC).
bool parse_civil(std::string_view text, CivilTime& out, bool& has_offset, int& offset_seconds);
// An ISO-8601 instant: parse_civil's forms with a mandatory zone suffix ("...Z", "...+02:00").
bool parse_instant(std::string_view text, Instant& out);

class TimeZone {
public:
    // Loads an IANA zone ("Europe/Paris", "UTC"). Throws Error 22023 naming the zone if it is
    // not a valid zone name or not found. Names are validated before any file is touched:
    // segments of [A-Za-z0-9_+-] separated by '/', at most 64 bytes. "UTC" and its aliases
    // ("Etc/UTC", "Z", "GMT", ...) are UTC without reading any file. Other names are matched
    // case-insensitively, as PostgreSQL does, and name() is the zone database's spelling.
    // Zones are loaded once per process and shared (thread-safe).
    static std::shared_ptr<const TimeZone> load(std::string_view name);

    const std::string& name() const { return name_; }
    bool is_utc() const { return utc_; }
    int utc_offset_at(Instant utc) const;  // seconds east of UTC
    CivilTime to_local(Instant utc) const;
    // Wall-clock -> instant. A wall-clock time in a gap (spring forward) is read with the offset
    // in force before the gap, as PostgreSQL does: it lands after the gap, moved forward by the
    // gap's length (02:30 on 2026-03-29 in Europe/Paris is 03:30 CEST). A wall-clock time in an
    // overlap (fall back) is the earlier of its two instants. So a local midnight that does not
    // exist still starts its day at the first instant of that day.
    Instant from_local(const CivilTime& local) const;

    struct Transition {
        Instant at;  // UTC microseconds
        int offset;  // seconds east of UTC from `at` on
    };

    // A POSIX TZ rule (the TZif footer, e.g. "CET-1CEST,M3.5.0,M10.5.0/3"): the offsets of
    // instants after the last transition of the file.
    struct RuleDate {
        char kind = 'M';  // 'M': month.week.weekday, 'J': Julian 1-365 (no Feb 29), 'D': 0-365
        int month = 0, week = 0, weekday = 0;  // 'M' (weekday 0 = Sunday, week 5 = last)
        int day = 0;                           // 'J' and 'D'
        int time = 7200;                       // seconds after local midnight (may be <0, >24h)
    };
    struct Rule {
        int std_offset = 0;  // seconds east of UTC
        bool has_dst = false;
        int dst_offset = 0;
        RuleDate dst_start, dst_end;  // wall-clock in standard time / in daylight time
    };

private:
    int rule_offset_at(Instant utc) const;

    std::string name_;
    bool utc_ = false;
    std::vector<Transition> transitions_;  // ascending; only those that change the offset
    int initial_offset_ = 0;               // before the first transition
    bool has_rule_ = false;
    Rule rule_;
    friend struct TimeZoneLoader;
};

// A time range [from, to) resolved against a zone: the instants, and the same bounds as
// wall-clock times in the zone (local midnights for calendar ranges).
struct TimeRange {
    Instant from = 0;
    Instant to = 0;
    CivilTime local_from;
    CivilTime local_to;
};

// Resolves a relative range (PRODUCT.md, `time.range`) against `now` in `zone`:
// today, yesterday, this week|month|quarter|year, last week|month|quarter|year, last N
// minutes|hours (rolling: [now - N, now) in elapsed time), last N days|weeks|months|quarters|
// years (the N complete calendar periods before the current one), last day (= yesterday, as is
// "last 1 day"), year to date (= [Jan 1, start of tomorrow)). Weeks are ISO (Monday).
// Case-insensitive; extra blanks are ignored. N is 1..10000. Throws Error 22023
// `<json_path>: unknown range "..."` for anything else.
TimeRange resolve_range(std::string_view text, const TimeZone& zone, Instant now,
                        const std::string& json_path);

// An explicit range ["2024-01-01", "2024-02-01"]: wall-clock times in `zone` (or instants when
// they carry an offset), start inclusive, end exclusive. Errors (22023) name `json_path[0]`,
// `json_path[1]`, or `json_path` when the start is not before the end.
TimeRange resolve_explicit_range(std::string_view from, std::string_view to, const TimeZone& zone,
                                 const std::string& json_path);

}  // namespace quarry
