// Relative and explicit time ranges, with a fixed `now`, in UTC and in Europe/Paris.
#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"
#include "time/time.hpp"

namespace quarry {
namespace {

Instant at(std::string_view iso) {
    Instant t = 0;
    EXPECT_TRUE(parse_instant(iso, t)) << iso;
    return t;
}

// "[from, to)" as UTC instants, for compact expectations.
std::string bounds(const TimeRange& r) {
    return "[" + format_instant(r.from) + ", " + format_instant(r.to) + ")";
}

std::string in_zone(std::string_view text, std::string_view zone, std::string_view now) {
    return bounds(resolve_range(text, *TimeZone::load(zone), at(now), "time.range"));
}

std::string utc_range(std::string_view text, std::string_view now) {
    return in_zone(text, "UTC", now);
}

std::string range_error(std::string_view text) {
    try {
        resolve_range(text, *TimeZone::load("UTC"), at("2026-11-01T00:00:00Z"), "time.range");
    } catch (const Error& e) {
        EXPECT_EQ(e.sqlstate(), "22023");
        return e.what();
    }
    return "no error";
}

constexpr const char* kNow = "2026-11-04T15:30:00Z";  // a Wednesday

TEST(TimeRange, DaysInUtc) {
    EXPECT_EQ(utc_range("today", kNow), "[2026-11-04T00:00:00Z, 2026-11-05T00:00:00Z)");
    EXPECT_EQ(utc_range("yesterday", kNow), "[2026-11-03T00:00:00Z, 2026-11-04T00:00:00Z)");
    EXPECT_EQ(utc_range("last day", kNow), "[2026-11-03T00:00:00Z, 2026-11-04T00:00:00Z)");
    EXPECT_EQ(utc_range("last 1 day", kNow), "[2026-11-03T00:00:00Z, 2026-11-04T00:00:00Z)");
    EXPECT_EQ(utc_range("last 1 days", kNow), "[2026-11-03T00:00:00Z, 2026-11-04T00:00:00Z)");
    EXPECT_EQ(utc_range("last 7 days", kNow), "[2026-10-28T00:00:00Z, 2026-11-04T00:00:00Z)");
    EXPECT_EQ(utc_range("last 2 day", kNow), "[2026-11-02T00:00:00Z, 2026-11-04T00:00:00Z)");
}

TEST(TimeRange, CalendarPeriodsInUtc) {
    EXPECT_EQ(utc_range("this week", kNow), "[2026-11-02T00:00:00Z, 2026-11-09T00:00:00Z)");
    EXPECT_EQ(utc_range("last week", kNow), "[2026-10-26T00:00:00Z, 2026-11-02T00:00:00Z)");
    EXPECT_EQ(utc_range("last 2 weeks", kNow), "[2026-10-19T00:00:00Z, 2026-11-02T00:00:00Z)");
    EXPECT_EQ(utc_range("this month", kNow), "[2026-11-01T00:00:00Z, 2026-12-01T00:00:00Z)");
    EXPECT_EQ(utc_range("last month", kNow), "[2026-10-01T00:00:00Z, 2026-11-01T00:00:00Z)");
    EXPECT_EQ(utc_range("last 12 months", kNow), "[2025-11-01T00:00:00Z, 2026-11-01T00:00:00Z)");
    EXPECT_EQ(utc_range("this quarter", kNow), "[2026-10-01T00:00:00Z, 2027-01-01T00:00:00Z)");
    EXPECT_EQ(utc_range("last quarter", kNow), "[2026-07-01T00:00:00Z, 2026-10-01T00:00:00Z)");
    EXPECT_EQ(utc_range("last 5 quarters", kNow), "[2025-07-01T00:00:00Z, 2026-10-01T00:00:00Z)");
    EXPECT_EQ(utc_range("this year", kNow), "[2026-01-01T00:00:00Z, 2027-01-01T00:00:00Z)");
    EXPECT_EQ(utc_range("last year", kNow), "[2025-01-01T00:00:00Z, 2026-01-01T00:00:00Z)");
    EXPECT_EQ(utc_range("last 3 years", kNow), "[2023-01-01T00:00:00Z, 2026-01-01T00:00:00Z)");
    EXPECT_EQ(utc_range("year to date", kNow), "[2026-01-01T00:00:00Z, 2026-11-05T00:00:00Z)");
}

TEST(TimeRange, RollingMinutesAndHours) {
    EXPECT_EQ(utc_range("last 15 minutes", kNow), "[2026-11-04T15:15:00Z, 2026-11-04T15:30:00Z)");
    EXPECT_EQ(utc_range("last minute", kNow), "[2026-11-04T15:29:00Z, 2026-11-04T15:30:00Z)");
    EXPECT_EQ(utc_range("last 1 minute", kNow), "[2026-11-04T15:29:00Z, 2026-11-04T15:30:00Z)");
    EXPECT_EQ(utc_range("last 24 hours", kNow), "[2026-11-03T15:30:00Z, 2026-11-04T15:30:00Z)");
    EXPECT_EQ(utc_range("last hour", kNow), "[2026-11-04T14:30:00Z, 2026-11-04T15:30:00Z)");
}

TEST(TimeRange, SpellingIsForgiving) {
    EXPECT_EQ(utc_range("  Last   7\tDAYS ", kNow), utc_range("last 7 days", kNow));
    EXPECT_EQ(utc_range("TODAY", kNow), utc_range("today", kNow));
    EXPECT_EQ(utc_range("Year To Date", kNow), utc_range("year to date", kNow));
    EXPECT_EQ(utc_range("last 007 days", kNow), utc_range("last 7 days", kNow));
}

TEST(TimeRange, IsoWeeksAndYearBoundaries) {
    // 2023-01-01 is a Sunday: its ISO week started on Monday 2022-12-26.
    constexpr const char* kSunday = "2023-01-01T12:00:00Z";
    EXPECT_EQ(utc_range("this week", kSunday), "[2022-12-26T00:00:00Z, 2023-01-02T00:00:00Z)");
    EXPECT_EQ(utc_range("last week", kSunday), "[2022-12-19T00:00:00Z, 2022-12-26T00:00:00Z)");
    EXPECT_EQ(utc_range("this year", kSunday), "[2023-01-01T00:00:00Z, 2024-01-01T00:00:00Z)");
    EXPECT_EQ(utc_range("last year", kSunday), "[2022-01-01T00:00:00Z, 2023-01-01T00:00:00Z)");
    EXPECT_EQ(utc_range("yesterday", kSunday), "[2022-12-31T00:00:00Z, 2023-01-01T00:00:00Z)");
    EXPECT_EQ(utc_range("last month", kSunday), "[2022-12-01T00:00:00Z, 2023-01-01T00:00:00Z)");
    EXPECT_EQ(utc_range("last quarter", kSunday), "[2022-10-01T00:00:00Z, 2023-01-01T00:00:00Z)");
    EXPECT_EQ(utc_range("year to date", kSunday), "[2023-01-01T00:00:00Z, 2023-01-02T00:00:00Z)");
    // A Monday is the first day of its own week.
    EXPECT_EQ(utc_range("this week", "2024-01-01T00:00:00Z"),
              "[2024-01-01T00:00:00Z, 2024-01-08T00:00:00Z)");
    // Leap day: last month from March.
    EXPECT_EQ(utc_range("last month", "2024-03-31T23:59:59Z"),
              "[2024-02-01T00:00:00Z, 2024-03-01T00:00:00Z)");
}

TEST(TimeRange, ParisBoundsAreLocalMidnights) {
    // 2026-11-01 00:30 UTC is already 01:30 on Nov 1 in Paris (CET, +1).
    constexpr const char* kNowParis = "2026-11-01T00:30:00Z";
    EXPECT_EQ(in_zone("today", "Europe/Paris", kNowParis),
              "[2026-10-31T23:00:00Z, 2026-11-01T23:00:00Z)");
    EXPECT_EQ(utc_range("today", kNowParis), "[2026-11-01T00:00:00Z, 2026-11-02T00:00:00Z)");
    // October has 31 days and 1 hour in Paris: it starts in CEST and ends in CET.
    EXPECT_EQ(in_zone("last month", "Europe/Paris", kNowParis),
              "[2026-09-30T22:00:00Z, 2026-10-31T23:00:00Z)");
    EXPECT_EQ(in_zone("last 12 months", "Europe/Paris", kNowParis),
              "[2025-10-31T23:00:00Z, 2026-10-31T23:00:00Z)");
    EXPECT_EQ(in_zone("this year", "Europe/Paris", kNowParis),
              "[2025-12-31T23:00:00Z, 2026-12-31T23:00:00Z)");
    // Still Oct 31 in New York.
    EXPECT_EQ(in_zone("today", "America/New_York", kNowParis),
              "[2026-10-31T04:00:00Z, 2026-11-01T04:00:00Z)");
}

TEST(TimeRange, DstWeeksAndDays) {
    // The week of 2026-03-29 (spring forward) lasts 167 hours in Paris.
    const auto paris = TimeZone::load("Europe/Paris");
    const TimeRange week =
        resolve_range("this week", *paris, at("2026-03-27T12:00:00Z"), "time.range");
    EXPECT_EQ(bounds(week), "[2026-03-22T23:00:00Z, 2026-03-29T22:00:00Z)");
    EXPECT_EQ(week.to - week.from, 167 * kMicrosPerHour);
    EXPECT_EQ(format_timestamp(week.local_from), "2026-03-23 00:00:00");
    EXPECT_EQ(format_timestamp(week.local_to), "2026-03-30 00:00:00");
    // The day of the fall-back change lasts 25 hours.
    const TimeRange day =
        resolve_range("yesterday", *paris, at("2026-10-26T12:00:00Z"), "time.range");
    EXPECT_EQ(bounds(day), "[2026-10-24T22:00:00Z, 2026-10-25T23:00:00Z)");
    EXPECT_EQ(day.to - day.from, 25 * kMicrosPerHour);
}

TEST(TimeRange, LastHoursCountElapsedTimeAcrossDst) {
    const auto paris = TimeZone::load("Europe/Paris");
    const Instant now = at("2026-03-29T10:00:00Z");  // 12:00 CEST
    const TimeRange r = resolve_range("last 24 hours", *paris, now, "time.range");
    EXPECT_EQ(r.to, now);
    EXPECT_EQ(r.to - r.from, 24 * kMicrosPerHour);
    // In wall-clock time that is 25 hours: from 11:00 CET the day before.
    EXPECT_EQ(format_timestamp(r.local_from), "2026-03-28 11:00:00");
    EXPECT_EQ(format_timestamp(r.local_to), "2026-03-29 12:00:00");
}

TEST(TimeRange, LocalBoundsOfCalendarRanges) {
    const auto paris = TimeZone::load("Europe/Paris");
    const TimeRange r =
        resolve_range("last 7 days", *paris, at("2026-11-01T00:30:00Z"), "time.range");
    EXPECT_EQ(format_timestamp(r.local_from), "2026-10-25 00:00:00");
    EXPECT_EQ(format_timestamp(r.local_to), "2026-11-01 00:00:00");
}

TEST(TimeRange, UnknownRanges) {
    EXPECT_EQ(range_error("last fortnight"), "time.range: unknown range \"last fortnight\"");
    EXPECT_EQ(range_error(""), "time.range: unknown range \"\"");
    EXPECT_EQ(range_error("   "), "time.range: unknown range \"   \"");
    EXPECT_EQ(range_error("last 0 days"), "time.range: unknown range \"last 0 days\"");
    EXPECT_EQ(range_error("last 10001 days"), "time.range: unknown range \"last 10001 days\"");
    EXPECT_EQ(range_error("last -1 days"), "time.range: unknown range \"last -1 days\"");
    EXPECT_EQ(range_error("last 1.5 days"), "time.range: unknown range \"last 1.5 days\"");
    EXPECT_EQ(range_error("last days"), "time.range: unknown range \"last days\"");
    EXPECT_EQ(range_error("this day"), "time.range: unknown range \"this day\"");
    EXPECT_EQ(range_error("this hour"), "time.range: unknown range \"this hour\"");
    EXPECT_EQ(range_error("this weeks"), "time.range: unknown range \"this weeks\"");
    EXPECT_EQ(range_error("next week"), "time.range: unknown range \"next week\"");
    EXPECT_EQ(range_error("last 7 days ago"), "time.range: unknown range \"last 7 days ago\"");
    EXPECT_EQ(range_error("last 99999999999999999999 days"),
              "time.range: unknown range \"last 99999999999999999999 days\"");
    EXPECT_EQ(range_error("a b c d e f"), "time.range: unknown range \"a b c d e f\"");
    EXPECT_EQ(range_error(std::string_view("today\0", 6)),
              "time.range: unknown range \"today\\x00\"");
    EXPECT_EQ(range_error("last 10000 days").substr(0, 8), "no error");
}

TEST(TimeRange, ExplicitBoundsAreWallClockInTheZone) {
    const auto paris = TimeZone::load("Europe/Paris");
    TimeRange r = resolve_explicit_range("2024-01-01", "2024-02-01", *paris, "time.range");
    EXPECT_EQ(bounds(r), "[2023-12-31T23:00:00Z, 2024-01-31T23:00:00Z)");
    EXPECT_EQ(format_timestamp(r.local_from), "2024-01-01 00:00:00");
    r = resolve_explicit_range("2024-07-01 08:30", "2024-07-01T09:00:00Z", *paris, "time.range");
    EXPECT_EQ(bounds(r), "[2024-07-01T06:30:00Z, 2024-07-01T09:00:00Z)");
    EXPECT_EQ(format_timestamp(r.local_to), "2024-07-01 11:00:00");
    r = resolve_explicit_range("2024-01-01", "2024-02-01", *TimeZone::load("UTC"), "time.range");
    EXPECT_EQ(bounds(r), "[2024-01-01T00:00:00Z, 2024-02-01T00:00:00Z)");
}

std::string explicit_error(std::string_view from, std::string_view to) {
    try {
        resolve_explicit_range(from, to, *TimeZone::load("UTC"), "time.range");
    } catch (const Error& e) {
        EXPECT_EQ(e.sqlstate(), "22023");
        return e.what();
    }
    return "no error";
}

TEST(TimeRange, ExplicitBoundErrors) {
    EXPECT_EQ(explicit_error("2024-02-01", "2024-01-01"),
              "time.range: the start \"2024-02-01\" is not before the end \"2024-01-01\"");
    EXPECT_EQ(explicit_error("2024-01-01", "2024-01-01"),
              "time.range: the start \"2024-01-01\" is not before the end \"2024-01-01\"");
    EXPECT_EQ(explicit_error("2024-02-30", "2024-03-01"),
              "time.range[0]: invalid date/time \"2024-02-30\" (expected YYYY-MM-DD or "
              "YYYY-MM-DD HH:MM:SS)");
    EXPECT_EQ(explicit_error("2024-01-01", "tomorrow"),
              "time.range[1]: invalid date/time \"tomorrow\" (expected YYYY-MM-DD or "
              "YYYY-MM-DD HH:MM:SS)");
}

}  // namespace
}  // namespace quarry
