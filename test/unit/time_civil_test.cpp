// Civil calendar arithmetic, formatting and strict parsing.
#include <gtest/gtest.h>

#include <string>

#include "time/time.hpp"

namespace quarry {
namespace {

// The next day by the rules of the calendar, written independently of the era arithmetic.
CivilTime next_day(CivilTime t) {
    const bool leap = (t.year % 4 == 0 && t.year % 100 != 0) || t.year % 400 == 0;
    const int lengths[] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (++t.day > lengths[t.month - 1]) {
        t.day = 1;
        if (++t.month > 12) {
            t.month = 1;
            ++t.year;
        }
    }
    return t;
}

TEST(TimeCivil, KnownDays) {
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
    EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
    EXPECT_EQ(days_from_civil(1600, 1, 1), -135140);
    EXPECT_EQ(days_from_civil(1, 1, 1), -719162);
    EXPECT_EQ(days_from_civil(9999, 12, 31), 2932896);
}

TEST(TimeCivil, EveryDayFromYear1To2400RoundTrips) {
    CivilTime t;
    t.year = 1;
    int64_t days = days_from_civil(1, 1, 1);
    while (t.year < 2400) {
        ASSERT_EQ(days_from_civil(t.year, t.month, t.day), days) << format_date(t);
        const CivilTime back = civil_from_days(days);
        ASSERT_EQ(back.year, t.year);
        ASSERT_EQ(back.month, t.month);
        ASSERT_EQ(back.day, t.day);
        t = next_day(t);
        ++days;
    }
}

TEST(TimeCivil, NegativeYearsRoundTrip) {
    for (int64_t d = days_from_civil(-2000, 1, 1); d < days_from_civil(1, 1, 1); d += 37) {
        const CivilTime t = civil_from_days(d);
        EXPECT_EQ(days_from_civil(t.year, t.month, t.day), d);
    }
}

TEST(TimeCivil, LeapYears) {
    EXPECT_TRUE(is_leap_year(2000));
    EXPECT_TRUE(is_leap_year(2024));
    EXPECT_FALSE(is_leap_year(1900));
    EXPECT_FALSE(is_leap_year(2100));
    EXPECT_FALSE(is_leap_year(2023));
    EXPECT_EQ(days_in_month(2024, 2), 29);
    EXPECT_EQ(days_in_month(1900, 2), 28);
    EXPECT_EQ(days_in_month(2000, 2), 29);
    EXPECT_EQ(days_in_month(2023, 4), 30);
    EXPECT_EQ(days_in_month(2023, 12), 31);
    EXPECT_EQ(days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 28), 2);
    EXPECT_EQ(days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 28), 1);
}

TEST(TimeCivil, IsoWeekday) {
    EXPECT_EQ(iso_weekday(1970, 1, 1), 4);   // Thursday
    EXPECT_EQ(iso_weekday(2023, 1, 1), 7);   // Sunday
    EXPECT_EQ(iso_weekday(2024, 1, 1), 1);   // Monday
    EXPECT_EQ(iso_weekday(2026, 11, 1), 7);  // Sunday
    EXPECT_EQ(iso_weekday(2000, 2, 29), 2);  // Tuesday
    EXPECT_EQ(iso_weekday(1969, 12, 29), 1);
    EXPECT_EQ(iso_weekday(1600, 1, 1), 6);  // Saturday
}

TEST(TimeCivil, MicrosRoundTripBeforeAndAfterEpoch) {
    CivilTime t;
    t.year = 1969;
    t.month = 12;
    t.day = 31;
    t.hour = 23;
    t.minute = 59;
    t.second = 59;
    t.micros = 999999;
    EXPECT_EQ(micros_from_civil(t), -1);
    const CivilTime back = civil_from_micros(-1);
    EXPECT_EQ(format_timestamp(back), "1969-12-31 23:59:59.999999");
    EXPECT_EQ(format_timestamp(civil_from_micros(0)), "1970-01-01 00:00:00");
    for (int64_t m : {int64_t{-86400000001}, int64_t{1}, int64_t{1798761600123456},
                      int64_t{-11676096000000000}}) {
        EXPECT_EQ(micros_from_civil(civil_from_micros(m)), m);
    }
}

TEST(TimeCivil, Formatting) {
    CivilTime t;
    t.year = 2026;
    t.month = 3;
    t.day = 9;
    t.hour = 7;
    t.minute = 5;
    t.second = 3;
    EXPECT_EQ(format_date(t), "2026-03-09");
    EXPECT_EQ(format_timestamp(t), "2026-03-09 07:05:03");
    t.micros = 120;
    EXPECT_EQ(format_timestamp(t), "2026-03-09 07:05:03.000120");
    t.year = 33;
    EXPECT_EQ(format_date(t), "0033-03-09");
    EXPECT_EQ(format_instant(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(format_instant(1500000), "1970-01-01T00:00:01.500000Z");
}

struct Parsed {
    bool ok = false;
    CivilTime t;
    bool has_offset = false;
    int offset = 0;
};

Parsed parse(std::string_view text) {
    Parsed p;
    p.ok = parse_civil(text, p.t, p.has_offset, p.offset);
    return p;
}

TEST(TimeCivil, ParsesTheAcceptedForms) {
    Parsed p = parse("2024-02-29");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(format_timestamp(p.t), "2024-02-29 00:00:00");
    EXPECT_FALSE(p.has_offset);

    p = parse("2024-01-31 13:45");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(format_timestamp(p.t), "2024-01-31 13:45:00");

    p = parse("2024-01-31T13:45:07.5");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.t.micros, 500000);
    EXPECT_FALSE(p.has_offset);

    p = parse("2024-01-31T13:45:07.123456Z");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.t.micros, 123456);
    EXPECT_TRUE(p.has_offset);
    EXPECT_EQ(p.offset, 0);

    p = parse("2024-01-31T13:45:07+05:30");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.offset, 5 * 3600 + 30 * 60);
    p = parse("2024-01-31 13:45:07-0800");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.offset, -8 * 3600);
    p = parse("2024-01-31T13:45-03");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.offset, -3 * 3600);
}

TEST(TimeCivil, FormatParseRoundTrip) {
    for (int64_t m = -62135596800000000; m < 253402300799000000; m += 9876543210987) {
        const CivilTime t = civil_from_micros(m);
        Parsed p = parse(format_timestamp(t));
        ASSERT_TRUE(p.ok) << format_timestamp(t);
        ASSERT_EQ(micros_from_civil(p.t), m);
        Instant back = 0;
        ASSERT_TRUE(parse_instant(format_instant(m), back));
        ASSERT_EQ(back, m);
    }
}

TEST(TimeCivil, RejectsMalformedAndOutOfRange) {
    for (const char* bad : {"",
                            "2024",
                            "2024-1-01",
                            "2024-01-1",
                            "24-01-01",
                            "2024/01/01",
                            "2024-13-01",
                            "2024-00-10",
                            "2023-02-29",
                            "2024-04-31",
                            "0000-01-01",
                            "2024-01-01T",
                            "2024-01-01 ",
                            " 2024-01-01",
                            "2024-01-01T24:00:00",
                            "2024-01-01T23:60",
                            "2024-01-01T23:59:60",
                            "2024-01-01T1:00",
                            "2024-01-01T10",
                            "2024-01-01T10:00:00.",
                            "2024-01-01T10:00:00.1234567",
                            "2024-01-01T10:00:00+",
                            "2024-01-01T10:00:00+5",
                            "2024-01-01T10:00:00+16:00",
                            "2024-01-01T10:00:00+05:60",
                            "2024-01-01T10:00:00Zx",
                            "2024-01-01x",
                            "10000-01-01",
                            "2024-01-01T10:00:00 Z",
                            "２０２４-01-01"}) {
        EXPECT_FALSE(parse(bad).ok) << bad;
    }
    // An embedded NUL is not the end of the text.
    EXPECT_FALSE(parse(std::string_view("2024-01-01\0", 11)).ok);
}

TEST(TimeCivil, ParseInstantNeedsAnOffset) {
    Instant t = 0;
    EXPECT_FALSE(parse_instant("2026-11-01T00:00:00", t));
    EXPECT_FALSE(parse_instant("2026-11-01", t));
    ASSERT_TRUE(parse_instant("2026-11-01T00:00:00Z", t));
    EXPECT_EQ(t, days_from_civil(2026, 11, 1) * kMicrosPerDay);
    ASSERT_TRUE(parse_instant("2026-11-01T01:00:00+01:00", t));
    EXPECT_EQ(t, days_from_civil(2026, 11, 1) * kMicrosPerDay);
}

}  // namespace
}  // namespace quarry
