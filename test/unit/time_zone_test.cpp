// IANA zones from TZif files: transitions, gaps and overlaps, the footer rule after 2037, name
// validation and the process-wide cache. Expected offsets come from the tz database (checked
// against Python's zoneinfo).
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "time/time.hpp"

namespace quarry {
namespace {

Instant utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
    CivilTime t;
    t.year = y;
    t.month = mo;
    t.day = d;
    t.hour = h;
    t.minute = mi;
    t.second = s;
    return micros_from_civil(t);
}

CivilTime wall(int y, int mo, int d, int h = 0, int mi = 0) {
    CivilTime t;
    t.year = y;
    t.month = mo;
    t.day = d;
    t.hour = h;
    t.minute = mi;
    return t;
}

std::string error_of(std::string_view name) {
    try {
        TimeZone::load(name);
    } catch (const Error& e) {
        EXPECT_EQ(e.sqlstate(), "22023");
        return e.what();
    }
    return "no error";
}

TEST(TimeZone, UtcAndItsAliasesNeedNoFile) {
    for (const char* name : {"UTC", "utc", "Etc/UTC", "Z", "GMT", "etc/universal"}) {
        auto zone = TimeZone::load(name);
        EXPECT_TRUE(zone->is_utc()) << name;
        EXPECT_EQ(zone->name(), "UTC");
        EXPECT_EQ(zone->utc_offset_at(utc(2026, 7, 1)), 0);
    }
    EXPECT_FALSE(TimeZone::load("Europe/Paris")->is_utc());
}

TEST(TimeZone, ParisTransitionsIn2026) {
    auto paris = TimeZone::load("Europe/Paris");
    EXPECT_EQ(paris->name(), "Europe/Paris");
    EXPECT_EQ(paris->utc_offset_at(utc(2026, 3, 29, 0, 59, 59)), 3600);
    EXPECT_EQ(paris->utc_offset_at(utc(2026, 3, 29, 1)), 7200);
    EXPECT_EQ(paris->utc_offset_at(utc(2026, 10, 25, 0, 59, 59)), 7200);
    EXPECT_EQ(paris->utc_offset_at(utc(2026, 10, 25, 1)), 3600);
    EXPECT_EQ(format_timestamp(paris->to_local(utc(2026, 3, 29, 1))), "2026-03-29 03:00:00");
    EXPECT_EQ(format_timestamp(paris->to_local(utc(2026, 3, 29, 0, 59, 59))),
              "2026-03-29 01:59:59");
    // Local mean time before the zone existed.
    EXPECT_EQ(paris->utc_offset_at(utc(1800, 1, 1)), 561);
}

TEST(TimeZone, NewYorkTransitionsIn2026) {
    auto ny = TimeZone::load("America/New_York");
    EXPECT_EQ(ny->utc_offset_at(utc(2026, 3, 8, 6, 59, 59)), -5 * 3600);
    EXPECT_EQ(ny->utc_offset_at(utc(2026, 3, 8, 7)), -4 * 3600);
    EXPECT_EQ(ny->utc_offset_at(utc(2026, 11, 1, 5, 59, 59)), -4 * 3600);
    EXPECT_EQ(ny->utc_offset_at(utc(2026, 11, 1, 6)), -5 * 3600);
}

TEST(TimeZone, GapReadsTheTimeWithTheOffsetBeforeIt) {
    auto paris = TimeZone::load("Europe/Paris");
    // 02:30 does not exist on 2026-03-29: it is read as 02:30 CET = 01:30 UTC = 03:30 CEST.
    EXPECT_EQ(paris->from_local(wall(2026, 3, 29, 2, 30)), utc(2026, 3, 29, 1, 30));
    EXPECT_EQ(paris->from_local(wall(2026, 3, 29, 2, 0)), utc(2026, 3, 29, 1, 0));
    EXPECT_EQ(paris->from_local(wall(2026, 3, 29, 3, 0)), utc(2026, 3, 29, 1, 0));
    EXPECT_EQ(paris->from_local(wall(2026, 3, 29, 1, 59)), utc(2026, 3, 29, 0, 59));
    auto ny = TimeZone::load("America/New_York");
    EXPECT_EQ(ny->from_local(wall(2026, 3, 8, 2, 15)), utc(2026, 3, 8, 7, 15));
}

TEST(TimeZone, OverlapTakesTheEarlierInstant) {
    auto paris = TimeZone::load("Europe/Paris");
    // 02:30 happens twice on 2026-10-25: first in CEST (00:30 UTC), then in CET (01:30 UTC).
    EXPECT_EQ(paris->from_local(wall(2026, 10, 25, 2, 30)), utc(2026, 10, 25, 0, 30));
    EXPECT_EQ(paris->from_local(wall(2026, 10, 25, 3, 0)), utc(2026, 10, 25, 2, 0));
    EXPECT_EQ(paris->from_local(wall(2026, 10, 25, 1, 59)), utc(2026, 10, 24, 23, 59));
    auto ny = TimeZone::load("America/New_York");
    EXPECT_EQ(ny->from_local(wall(2026, 11, 1, 1, 30)), utc(2026, 11, 1, 5, 30));
}

TEST(TimeZone, MidnightThatDoesNotExistStartsTheDayAtTheGap) {
    // Chile springs forward at 24:00 on the first Saturday of September: Sunday 00:00 is
    // skipped, the day starts at 01:00 local (04:00 UTC).
    auto santiago = TimeZone::load("America/Santiago");
    EXPECT_EQ(santiago->from_local(wall(2026, 9, 6)), utc(2026, 9, 6, 4));
    EXPECT_EQ(format_timestamp(santiago->to_local(utc(2026, 9, 6, 4))), "2026-09-06 01:00:00");
}

TEST(TimeZone, RoundTripsAwayFromTransitions) {
    auto paris = TimeZone::load("Europe/Paris");
    for (Instant t = utc(1990, 1, 1, 12); t < utc(2060, 1, 1); t += 86400LL * 7919 * 1000000) {
        const CivilTime local = paris->to_local(t);
        if (local.hour >= 1 && local.hour <= 3) continue;
        EXPECT_EQ(paris->from_local(local), t) << format_timestamp(local);
    }
}

TEST(TimeZone, FooterRuleAfter2037) {
    auto paris = TimeZone::load("Europe/Paris");
    EXPECT_EQ(paris->utc_offset_at(utc(2040, 3, 25, 0, 59, 59)), 3600);
    EXPECT_EQ(paris->utc_offset_at(utc(2040, 3, 25, 1)), 7200);
    EXPECT_EQ(paris->utc_offset_at(utc(2040, 10, 28, 0, 59, 59)), 7200);
    EXPECT_EQ(paris->utc_offset_at(utc(2040, 10, 28, 1)), 3600);
    EXPECT_EQ(paris->utc_offset_at(utc(2100, 7, 1)), 7200);
    EXPECT_EQ(paris->utc_offset_at(utc(2100, 12, 1)), 3600);

    auto ny = TimeZone::load("America/New_York");
    EXPECT_EQ(ny->utc_offset_at(utc(2045, 3, 12, 6, 59, 59)), -18000);
    EXPECT_EQ(ny->utc_offset_at(utc(2045, 3, 12, 7)), -14400);
    EXPECT_EQ(ny->utc_offset_at(utc(2045, 11, 5, 5, 59, 59)), -14400);
    EXPECT_EQ(ny->utc_offset_at(utc(2045, 11, 5, 6)), -18000);
}

TEST(TimeZone, FooterRulesOfTheSouthernHemisphereAndOddOffsets) {
    auto sydney = TimeZone::load("Australia/Sydney");
    EXPECT_EQ(sydney->utc_offset_at(utc(2050, 1, 15)), 39600);
    EXPECT_EQ(sydney->utc_offset_at(utc(2050, 7, 15)), 36000);
    EXPECT_EQ(sydney->utc_offset_at(utc(2050, 4, 2, 15, 59, 59)), 39600);
    EXPECT_EQ(sydney->utc_offset_at(utc(2050, 4, 2, 16)), 36000);
    EXPECT_EQ(sydney->utc_offset_at(utc(2050, 10, 1, 15, 59, 59)), 36000);
    EXPECT_EQ(sydney->utc_offset_at(utc(2050, 10, 1, 16)), 39600);
    // <-04>4<-03>,M9.1.6/24,M4.1.6/24: quoted names and 24:00 transition times.
    auto santiago = TimeZone::load("America/Santiago");
    EXPECT_EQ(santiago->utc_offset_at(utc(2045, 1, 15)), -10800);
    EXPECT_EQ(santiago->utc_offset_at(utc(2045, 7, 15)), -14400);
    // <+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45: minutes in offsets and times.
    auto chatham = TimeZone::load("Pacific/Chatham");
    EXPECT_EQ(chatham->utc_offset_at(utc(2045, 1, 15)), 49500);
    EXPECT_EQ(chatham->utc_offset_at(utc(2045, 7, 15)), 45900);
    // <+0330>-3:30: no daylight time.
    EXPECT_EQ(TimeZone::load("Asia/Tehran")->utc_offset_at(utc(2045, 1, 15)), 12600);
}

TEST(TimeZone, NamesAreMatchedIgnoringCase) {
    auto zone = TimeZone::load("europe/PARIS");
    EXPECT_EQ(zone->name(), "Europe/Paris");
    EXPECT_EQ(zone.get(), TimeZone::load("Europe/Paris").get());
}

TEST(TimeZone, LoadsOncePerProcessFromManyThreads) {
    std::vector<const TimeZone*> seen(8);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < seen.size(); ++i) {
        threads.emplace_back([&seen, i] { seen[i] = TimeZone::load("Asia/Kolkata").get(); });
    }
    for (std::thread& t : threads) t.join();
    for (const TimeZone* z : seen) EXPECT_EQ(z, seen[0]);
}

TEST(TimeZone, InvalidNamesAreRejectedBeforeAnyFileIsRead) {
    EXPECT_EQ(error_of("../../etc/passwd"), "unknown time zone \"../../etc/passwd\"");
    EXPECT_EQ(error_of(""), "unknown time zone \"\"");
    EXPECT_EQ(error_of("/etc/passwd"), "unknown time zone \"/etc/passwd\"");
    EXPECT_EQ(error_of("Europe//Paris"), "unknown time zone \"Europe//Paris\"");
    EXPECT_EQ(error_of("Europe/Paris/"), "unknown time zone \"Europe/Paris/\"");
    EXPECT_EQ(error_of("Europe/Pa ris"), "unknown time zone \"Europe/Pa ris\"");
    EXPECT_EQ(error_of("zone.tab"), "unknown time zone \"zone.tab\"");
    EXPECT_EQ(error_of(std::string_view("Europe/Paris\0x", 14)),
              "unknown time zone \"Europe/Paris\\x00x\"");
    EXPECT_EQ(error_of("a\"b"), "unknown time zone \"a\\\"b\"");

    const std::string huge(1 << 20, 'A');
    const std::string message = error_of(huge);
    EXPECT_LT(message.size(), 120u);
    EXPECT_EQ(message, "unknown time zone \"" + std::string(64, 'A') + "\"...");
}

TEST(TimeZone, NamesThatAreNotZoneFilesAreUnknown) {
    EXPECT_EQ(error_of("Mars/Olympus_Mons"), "unknown time zone \"Mars/Olympus_Mons\"");
    EXPECT_EQ(error_of("Europe"), "unknown time zone \"Europe\"");
    EXPECT_EQ(error_of("leapseconds"), "unknown time zone \"leapseconds\"");
    EXPECT_EQ(error_of("Europe/Paris/x"), "unknown time zone \"Europe/Paris/x\"");
}

}  // namespace
}  // namespace quarry
