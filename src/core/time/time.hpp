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

struct CivilTime {
    int year = 1970, month = 1, day = 1;
    int hour = 0, minute = 0, second = 0;
    int micros = 0;
};

int64_t days_from_civil(int year, int month, int day);      // days since 1970-01-01
CivilTime civil_from_micros(int64_t micros_since_epoch);    // proleptic Gregorian, no zone
int64_t micros_from_civil(const CivilTime& t);
int iso_weekday(int year, int month, int day);              // Monday = 1 ... Sunday = 7
int days_in_month(int year, int month);

std::string format_date(const CivilTime& t);       // "YYYY-MM-DD"
std::string format_timestamp(const CivilTime& t);  // "YYYY-MM-DD HH:MM:SS[.ffffff]"
// Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.f]]", "YYYY-MM-DDTHH:MM:SS[.f][Z|±HH:MM]".
// Returns false on any malformed or out-of-range input. `has_offset`/`offset_seconds` report
// an explicit zone suffix.
bool parse_civil(std::string_view text, CivilTime& out, bool& has_offset, int& offset_seconds);

class TimeZone {
public:
    // Loads an IANA zone ("Europe/Paris", "UTC"). Throws Error 22023 naming the zone if it is
    // not a valid zone name or not found. Names are validated before any file is touched.
    static std::shared_ptr<const TimeZone> load(std::string_view name);

    const std::string& name() const { return name_; }
    bool is_utc() const;
    int utc_offset_at(Instant utc) const;  // seconds east of UTC
    CivilTime to_local(Instant utc) const;
    // Wall-clock -> instant. In a gap (spring forward) the later offset applies, i.e. the
    // instant after the gap; in an overlap (fall back) the earlier instant.
    Instant from_local(const CivilTime& local) const;

    struct Transition {
        Instant at;       // UTC microseconds
        int offset;       // seconds east of UTC from `at` on
    };

private:
    std::string name_;
    std::vector<Transition> transitions_;
    int initial_offset_ = 0;
    std::string footer_;  // POSIX TZ rule for instants after the last transition
    friend struct TimeZoneLoader;
};

}  // namespace quarry
