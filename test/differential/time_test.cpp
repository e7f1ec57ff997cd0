// Time functions on every engine, in UTC and in Europe/Berlin: date parts (ISO weeks, Monday = 1)
// at year and ISO-week boundaries, date_trunc for every unit, date_add clamping to the month's
// end, date_diff counting wall-clock boundaries across both DST changes of 2021, now()/today()
// from options.now, and the time block's grains and ranges. Formulas compute on wall-clock time in
// time.timezone: both instant columns (at_tz, at_utc) must give the same answers.
#include "fixture.hpp"
#include "harness.hpp"

namespace quarry::diff {

namespace {

const char* const kBerlin = "Europe/Berlin";

// The rows that have a time, in the order of `values` below; row 4 (all NULL) gives NULL.
constexpr int kTimedRows[] = {1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12};

// A per-row case over every row: `values` lists the rows of kTimedRows in order.
DiffCase every_row(std::string name, std::string formula, std::vector<std::string> values,
                   std::string zone = {}) {
    std::vector<std::pair<int, std::string>> by_id;
    size_t next = 0;
    for (int id = 1; id <= 12; ++id) {
        if (id == 4) {
            by_id.emplace_back(id, kNull);
        } else {
            by_id.emplace_back(id, next < values.size() ? values[next] : "(missing)");
            ++next;
        }
    }
    static_assert(sizeof kTimedRows / sizeof kTimedRows[0] == 11, "rows with a time");
    return per_row(std::move(name), std::move(formula), std::move(by_id), std::move(zone));
}

// The same parts from both instant columns: at_tz (timestamptz / DATETIME) and at_utc (timestamp
// / TIMESTAMP, holding UTC).
void both_columns(std::vector<DiffCase>& out, const std::string& name, const std::string& part,
                  const std::vector<std::string>& values, const std::string& zone = {}) {
    out.push_back(every_row(name + "_at_tz", part + "(at_tz)", values, zone));
    out.push_back(every_row(name + "_at_utc", part + "(at_utc)", values, zone));
}

DiffCase with_now(DiffCase c, const char* now) {
    c.spec["options"]["now"] = now;
    return c;
}

std::vector<DiffCase> part_cases() {
    std::vector<DiffCase> out;
    // Rows:                1       2       3       5       6       7       8       9      10     11
    // 12
    both_columns(
        out, "year_utc", "year",
        {"2020", "2021", "2021", "2024", "2024", "2021", "2021", "2021", "2021", "2021", "2027"});
    both_columns(
        out, "year_berlin", "year",
        {"2021", "2021", "2021", "2024", "2024", "2021", "2021", "2021", "2021", "2022", "2027"},
        kBerlin);
    both_columns(out, "quarter_utc", "quarter",
                 {"4", "1", "1", "1", "4", "1", "1", "4", "4", "4", "1"});
    both_columns(out, "quarter_berlin", "quarter",
                 {"1", "1", "1", "1", "4", "1", "1", "4", "4", "1", "1"}, kBerlin);
    both_columns(out, "month_utc", "month",
                 {"12", "1", "1", "2", "12", "3", "3", "10", "10", "12", "1"});
    both_columns(out, "month_berlin", "month",
                 {"1", "1", "1", "2", "12", "3", "3", "10", "10", "1", "1"}, kBerlin);
    // ISO weeks: 2021-01-03 is in week 53 (of 2020), 2024-12-30 in week 1 (of 2025),
    // 2027-01-01 in week 53 (of 2026).
    both_columns(out, "week_utc", "week",
                 {"53", "53", "1", "9", "1", "12", "12", "43", "43", "52", "53"});
    both_columns(out, "week_berlin", "week",
                 {"53", "1", "1", "9", "1", "12", "12", "43", "43", "52", "53"}, kBerlin);
    both_columns(out, "day_utc", "day",
                 {"31", "3", "4", "29", "30", "28", "28", "31", "31", "31", "1"});
    both_columns(out, "day_berlin", "day",
                 {"1", "4", "4", "29", "30", "28", "28", "31", "31", "1", "1"}, kBerlin);
    both_columns(out, "hour_utc", "hour",
                 {"23", "23", "0", "12", "8", "0", "1", "0", "1", "23", "0"});
    // Rows 9 and 10 are an hour apart but both 02:30 in Berlin (the autumn DST change).
    both_columns(out, "hour_berlin", "hour",
                 {"0", "0", "1", "13", "9", "1", "3", "2", "2", "0", "1"}, kBerlin);
    both_columns(out, "minute_utc", "minute",
                 {"30", "30", "0", "0", "0", "30", "30", "30", "30", "59", "0"});
    both_columns(out, "minute_berlin", "minute",
                 {"30", "30", "0", "0", "0", "30", "30", "30", "30", "59", "0"}, kBerlin);
    both_columns(out, "weekday_utc", "weekday",
                 {"4", "7", "1", "4", "1", "7", "7", "7", "7", "5", "5"});
    both_columns(out, "weekday_berlin", "weekday",
                 {"5", "1", "1", "4", "1", "7", "7", "7", "7", "6", "5"}, kBerlin);

    // A date column is a calendar date: no zone applies to it.
    out.push_back(every_row(
        "year_of_date", "year(day)",
        {"2020", "2021", "2021", "2024", "2024", "2021", "2021", "2023", "2020", "2021", "2027"},
        kBerlin));
    out.push_back(every_row("quarter_of_date", "quarter(day)",
                            {"4", "1", "1", "1", "4", "1", "1", "1", "1", "4", "1"}));
    out.push_back(every_row("month_of_date", "month(day)",
                            {"12", "1", "1", "2", "12", "1", "3", "1", "1", "12", "1"}));
    out.push_back(every_row("week_of_date", "week(day)",
                            {"53", "53", "1", "9", "1", "4", "12", "5", "1", "52", "53"}));
    out.push_back(every_row("day_of_date", "day(day)",
                            {"31", "3", "4", "29", "30", "31", "28", "31", "1", "31", "3"}));
    out.push_back(every_row("weekday_of_date", "weekday(day)",
                            {"4", "7", "1", "4", "1", "7", "7", "2", "3", "5", "7"}, kBerlin));
    out.push_back(every_row("hour_of_date", "hour(day)",
                            {"0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"}));
    out.push_back(every_row("minute_of_date", "minute(day)",
                            {"0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"}, kBerlin));
    return out;
}

std::vector<DiffCase> trunc_cases() {
    const std::string& N = kNull;
    std::vector<DiffCase> out;
    const std::vector<std::string> weeks_utc = {
        "2020-12-28 00:00:00", "2020-12-28 00:00:00", "2021-01-04 00:00:00", "2024-02-26 00:00:00",
        "2024-12-30 00:00:00", "2021-03-22 00:00:00", "2021-03-22 00:00:00", "2021-10-25 00:00:00",
        "2021-10-25 00:00:00", "2021-12-27 00:00:00", "2026-12-28 00:00:00"};
    std::vector<std::string> weeks_berlin = weeks_utc;
    weeks_berlin[1] = "2021-01-04 00:00:00";  // row 2 is Monday 00:30 in Berlin
    out.push_back(every_row("trunc_week_utc", "date_trunc('week', at_tz)", weeks_utc));
    out.push_back(
        every_row("trunc_week_berlin", "date_trunc('week', at_tz)", weeks_berlin, kBerlin));
    out.push_back(every_row("trunc_week_utc_timestamp_berlin", "date_trunc('week', at_utc)",
                            weeks_berlin, kBerlin));
    out.push_back(per_row("trunc_month_utc", "date_trunc('month', at_tz)",
                          {{1, "2020-12-01 00:00:00"},
                           {4, N},
                           {5, "2024-02-01 00:00:00"},
                           {11, "2021-12-01 00:00:00"}}));
    out.push_back(per_row(
        "trunc_month_berlin", "date_trunc('month', at_tz)",
        {{1, "2021-01-01 00:00:00"}, {5, "2024-02-01 00:00:00"}, {11, "2022-01-01 00:00:00"}},
        kBerlin));
    out.push_back(per_row("trunc_quarter_utc", "date_trunc('quarter', at_tz)",
                          {{1, "2020-10-01 00:00:00"},
                           {2, "2021-01-01 00:00:00"},
                           {6, "2024-10-01 00:00:00"},
                           {11, "2021-10-01 00:00:00"}}));
    out.push_back(per_row(
        "trunc_quarter_berlin", "date_trunc('quarter', at_utc)",
        {{1, "2021-01-01 00:00:00"}, {6, "2024-10-01 00:00:00"}, {11, "2022-01-01 00:00:00"}},
        kBerlin));
    out.push_back(per_row(
        "trunc_year_utc", "date_trunc('year', at_tz)",
        {{1, "2020-01-01 00:00:00"}, {11, "2021-01-01 00:00:00"}, {12, "2027-01-01 00:00:00"}}));
    out.push_back(per_row("trunc_year_berlin", "date_trunc('year', at_tz)",
                          {{1, "2021-01-01 00:00:00"}, {11, "2022-01-01 00:00:00"}}, kBerlin));
    out.push_back(per_row("trunc_day_berlin", "date_trunc('day', at_tz)",
                          {{1, "2021-01-01 00:00:00"},
                           {2, "2021-01-04 00:00:00"},
                           {8, "2021-03-28 00:00:00"},
                           {11, "2022-01-01 00:00:00"}},
                          kBerlin));
    out.push_back(per_row("trunc_hour_berlin_across_dst", "date_trunc('hour', at_tz)",
                          {{7, "2021-03-28 01:00:00"},
                           {8, "2021-03-28 03:00:00"},
                           {9, "2021-10-31 02:00:00"},
                           {10, "2021-10-31 02:00:00"}},
                          kBerlin));
    out.push_back(per_row("trunc_minute_utc", "date_trunc('minute', at_tz)",
                          {{4, N}, {11, "2021-12-31 23:59:00"}}));
    out.push_back(per_row("trunc_minute_berlin", "date_trunc('minute', at_utc)",
                          {{11, "2022-01-01 00:59:00"}}, kBerlin));
    // Zones with a half-hour offset and west of UTC (New York's DST changes on other days).
    out.push_back(per_row("trunc_hour_kolkata", "date_trunc('hour', at_tz)",
                          {{1, "2021-01-01 05:00:00"}, {3, "2021-01-04 05:00:00"}},
                          "Asia/Kolkata"));
    out.push_back(per_row("trunc_day_new_york", "date_trunc('day', at_utc)",
                          {{3, "2021-01-03 00:00:00"}, {12, "2026-12-31 00:00:00"}},
                          "America/New_York"));
    out.push_back(
        per_row("year_new_york", "year(at_tz)", {{1, "2020"}, {12, "2026"}}, "America/New_York"));
    out.push_back(per_row("trunc_week_of_date", "date_trunc('week', day)",
                          {{1, "2020-12-28 00:00:00"},
                           {2, "2020-12-28 00:00:00"},
                           {3, "2021-01-04 00:00:00"},
                           {4, N},
                           {7, "2021-01-25 00:00:00"},
                           {10, "2019-12-30 00:00:00"},
                           {12, "2026-12-28 00:00:00"}},
                          kBerlin));
    out.push_back(per_row("trunc_month_of_date", "date_trunc('month', day)",
                          {{5, "2024-02-01 00:00:00"}, {7, "2021-01-01 00:00:00"}}));
    return out;
}

std::vector<DiffCase> add_cases() {
    const std::string& N = kNull;
    return {
        // Adding months clamps to the month's last day.
        per_row(
            "add_month_to_date_clamps", "date_add('month', 1, day)",
            {{1, "2021-01-31"}, {4, N}, {5, "2024-03-29"}, {7, "2021-02-28"}, {9, "2023-02-28"}}),
        per_row("add_year_to_leap_day", "date_add('year', 1, day)",
                {{1, "2021-12-31"}, {5, "2025-02-28"}}),
        per_row("add_quarter_to_date", "date_add('quarter', 1, day)",
                {{1, "2021-03-31"}, {7, "2021-04-30"}, {9, "2023-04-30"}}),
        per_row("add_week_to_date", "date_add('week', 1, day)",
                {{1, "2021-01-07"}, {12, "2027-01-10"}}),
        per_row("add_negative_days", "date_add('day', -1, day)",
                {{3, "2021-01-03"}, {5, "2024-02-28"}, {10, "2019-12-31"}}),
        per_row("add_hours_to_date", "date_add('hour', 5, day)", {{1, "2020-12-31 05:00:00"}}),
        per_row(
            "add_column_months", "date_add('month', j, day)",
            {{1, "2021-02-28"}, {2, "2020-11-03"}, {7, "2021-02-28"}, {9, N}, {12, "2026-09-03"}}),
        // Wall-clock arithmetic: 01:30 + 1 hour is 02:30 even where Berlin skips that hour.
        per_row("add_hour_berlin", "date_add('hour', 1, at_tz)",
                {{7, "2021-03-28 02:30:00"}, {9, "2021-10-31 03:30:00"}}, kBerlin),
        per_row("add_minutes_berlin", "date_add('minute', 90, at_tz)",
                {{1, "2021-01-01 02:00:00"}, {7, "2021-03-28 03:00:00"}}, kBerlin),
        per_row("add_month_berlin", "date_add('month', 1, at_tz)",
                {{1, "2021-02-01 00:30:00"}, {11, "2022-02-01 00:59:59.5"}}, kBerlin),
        per_row("add_day_utc_timestamp_berlin", "date_add('day', 1, at_utc)",
                {{7, "2021-03-29 01:30:00"}}, kBerlin),
        per_row("add_negative_quarter", "date_add('quarter', -1, at_tz)",
                {{6, "2024-09-30 08:00:00"}}),
        per_row("add_negative_weeks", "date_add('week', -2, at_tz)", {{3, "2020-12-21 00:00:00"}}),
        per_row("add_negative_year_from_leap_day", "date_add('year', -1, at_utc)",
                {{5, "2023-02-28 12:00:00"}}),
    };
}

std::vector<DiffCase> diff_cases() {
    const std::string& N = kNull;
    return {
        per_row("diff_days_utc", "date_diff('day', '2021-01-01', at_tz)",
                {{1, "-1"}, {2, "2"}, {4, N}}),
        per_row("diff_days_berlin", "date_diff('day', '2021-01-01', at_tz)", {{1, "0"}, {2, "3"}},
                kBerlin),
        // Wall-clock hours: Berlin's 01:30 to 03:30 on 2021-03-28 crosses two hour boundaries.
        per_row("diff_hours_spring_utc", "date_diff('hour', '2021-03-28 00:00:00', at_tz)",
                {{7, "0"}, {8, "1"}}),
        per_row("diff_hours_spring_berlin", "date_diff('hour', '2021-03-28 00:00:00', at_tz)",
                {{7, "1"}, {8, "3"}}, kBerlin),
        per_row("diff_hours_autumn_utc", "date_diff('hour', '2021-10-31 00:00:00', at_utc)",
                {{9, "0"}, {10, "1"}}),
        per_row("diff_hours_autumn_berlin", "date_diff('hour', '2021-10-31 00:00:00', at_utc)",
                {{9, "2"}, {10, "2"}}, kBerlin),
        per_row("diff_minutes_negative", "date_diff('minute', '2021-03-28 01:00:00', at_tz)",
                {{7, "-30"}, {8, "30"}}),
        // Boundaries crossed, not whole units elapsed.
        per_row("diff_minutes_boundaries", "date_diff('minute', '2021-12-31 23:58:30', at_tz)",
                {{11, "1"}}),
        per_row("diff_hours_to_new_year_utc", "date_diff('hour', at_tz, '2022-01-01 00:00:00')",
                {{11, "1"}}),
        per_row("diff_hours_to_new_year_berlin", "date_diff('hour', at_tz, '2022-01-01 00:00:00')",
                {{11, "0"}}, kBerlin),
        per_row("diff_weeks_iso", "date_diff('week', day, '2021-01-04')",
                {{1, "1"}, {2, "1"}, {3, "0"}, {4, N}, {7, "-3"}, {10, "53"}}),
        per_row("diff_weeks_utc", "date_diff('week', '2021-01-03', at_tz)", {{2, "0"}, {3, "1"}}),
        per_row("diff_weeks_berlin", "date_diff('week', '2021-01-03', at_tz)", {{2, "1"}, {3, "1"}},
                kBerlin),
        per_row("diff_months", "date_diff('month', day, '2021-03-01')",
                {{1, "3"}, {5, "-35"}, {7, "2"}, {10, "14"}}),
        per_row("diff_quarters", "date_diff('quarter', day, '2021-04-01')",
                {{1, "2"}, {5, "-11"}, {7, "1"}}),
        per_row("diff_years_utc", "date_diff('year', day, at_tz)",
                {{1, "0"}, {4, N}, {11, "0"}, {12, "0"}}),
        per_row("diff_years_berlin", "date_diff('year', day, at_tz)",
                {{1, "1"}, {11, "1"}, {12, "0"}}, kBerlin),
        per_row("diff_days_date_to_instant_utc", "date_diff('day', day, at_tz)",
                {{1, "0"}, {2, "0"}, {7, "56"}}),
        per_row("diff_days_date_to_instant_berlin", "date_diff('day', day, at_utc)",
                {{1, "1"}, {2, "1"}, {7, "56"}}, kBerlin),
        per_row("diff_months_same_instant", "date_diff('month', at_tz, at_utc)",
                {{1, "0"}, {4, N}, {11, "0"}}, kBerlin),
    };
}

std::vector<DiffCase> now_cases() {
    return {
        per_row("now_utc", "now()", {{1, "2021-03-28 01:30:00"}}),
        per_row("now_berlin", "now()", {{1, "2021-03-28 03:30:00"}}, kBerlin),
        per_row("hour_of_now_berlin", "hour(now())", {{1, "3"}}, kBerlin),
        with_now(per_row("today_utc", "today()", {{1, "2021-03-27"}}), "2021-03-27T23:30:00Z"),
        with_now(per_row("today_berlin", "today()", {{1, "2021-03-28"}}, kBerlin),
                 "2021-03-27T23:30:00Z"),
        per_row("days_until_today", "date_diff('day', day, today())", {{7, "56"}, {8, "0"}}),
        per_row("instant_before_now_berlin", "at_tz < now()",
                {{7, "true"}, {8, "false"}, {9, "false"}}, kBerlin),
    };
}

// The time block: buckets are wall-clock in time.timezone, explicit ranges are wall-clock
// bounds there, relative ranges resolve against options.now in the zone.
std::vector<DiffCase> time_block_cases() {
    const nlohmann::json count = {{{"formula", "count(*)"}, {"as", "n"}}};
    auto time = [](nlohmann::json block) { return nlohmann::json{{"time", std::move(block)}}; };
    auto spec = [&](nlohmann::json block) {
        nlohmann::json s = time(std::move(block));
        s["metrics"] = count;
        return s;
    };
    return {
        // The autumn change: 00:30 and 01:30 UTC are both 02:30 in Berlin, one hour bucket.
        spec_case("grain_hour_berlin_merges_repeated_hour",
                  spec({{"column", "at_tz"},
                        {"grain", "hour"},
                        {"timezone", kBerlin},
                        {"range", {"2021-10-31", "2021-11-01"}}}),
                  {{"2021-10-31 02:00:00", "2"}}),
        spec_case(
            "grain_hour_utc",
            spec({{"column", "at_tz"}, {"grain", "hour"}, {"range", {"2021-10-31", "2021-11-01"}}}),
            {{"2021-10-31 00:00:00", "1"}, {"2021-10-31 01:00:00", "1"}}),
        spec_case("grain_week_berlin",
                  spec({{"column", "at_tz"}, {"grain", "week"}, {"timezone", kBerlin}}),
                  {{"2020-12-28 00:00:00", "1"},
                   {"2021-01-04 00:00:00", "2"},
                   {"2021-03-22 00:00:00", "2"},
                   {"2021-10-25 00:00:00", "2"},
                   {"2021-12-27 00:00:00", "1"},
                   {"2024-02-26 00:00:00", "1"},
                   {"2024-12-30 00:00:00", "1"},
                   {"2026-12-28 00:00:00", "1"},
                   {kNull, "1"}}),
        spec_case("grain_week_utc", spec({{"column", "at_utc"}, {"grain", "week"}}),
                  {{"2020-12-28 00:00:00", "2"},
                   {"2021-01-04 00:00:00", "1"},
                   {"2021-03-22 00:00:00", "2"},
                   {"2021-10-25 00:00:00", "2"},
                   {"2021-12-27 00:00:00", "1"},
                   {"2024-02-26 00:00:00", "1"},
                   {"2024-12-30 00:00:00", "1"},
                   {"2026-12-28 00:00:00", "1"},
                   {kNull, "1"}}),
        spec_case("grain_day_utc_timestamp_berlin",
                  spec({{"column", "at_utc"},
                        {"grain", "day"},
                        {"timezone", kBerlin},
                        {"range", {"2020-12-31", "2021-01-05"}}}),
                  {{"2021-01-01 00:00:00", "1"}, {"2021-01-04 00:00:00", "2"}}),
        spec_case(
            "grain_day_utc",
            spec({{"column", "at_tz"}, {"grain", "day"}, {"range", {"2020-12-31", "2021-01-05"}}}),
            {{"2020-12-31 00:00:00", "1"},
             {"2021-01-03 00:00:00", "1"},
             {"2021-01-04 00:00:00", "1"}}),
        spec_case("grain_quarter_berlin",
                  spec({{"column", "at_tz"}, {"grain", "quarter"}, {"timezone", kBerlin}}),
                  {{"2021-01-01 00:00:00", "5"},
                   {"2021-10-01 00:00:00", "2"},
                   {"2022-01-01 00:00:00", "1"},
                   {"2024-01-01 00:00:00", "1"},
                   {"2024-10-01 00:00:00", "1"},
                   {"2027-01-01 00:00:00", "1"},
                   {kNull, "1"}}),
        spec_case("grain_year_of_date_column", spec({{"column", "day"}, {"grain", "year"}}),
                  {{"2020-01-01", "2"},
                   {"2021-01-01", "5"},
                   {"2023-01-01", "1"},
                   {"2024-01-01", "2"},
                   {"2027-01-01", "1"},
                   {kNull, "1"}}),
        spec_case("grain_minute_fractional_second",
                  spec({{"column", "at_tz"},
                        {"grain", "minute"},
                        {"range", {"2021-12-31", "2022-01-01"}}}),
                  {{"2021-12-31 23:59:00", "1"}}),
        spec_case("grain_month_of_date_column",
                  spec({{"column", "day"},
                        {"grain", "month"},
                        {"timezone", kBerlin},
                        {"range", {"2021-01-01", "2021-04-01"}}}),
                  {{"2021-01-01", "3"}, {"2021-03-01", "1"}}),
        // kNow is 03:30 on 2021-03-28 in Berlin: today is [00:00 CET, 24:00 CEST).
        spec_case("range_today_berlin",
                  spec({{"column", "at_tz"}, {"range", "today"}, {"timezone", kBerlin}}), {{"2"}}),
        spec_case("range_today_utc_timestamp_berlin",
                  spec({{"column", "at_utc"}, {"range", "today"}, {"timezone", kBerlin}}), {{"2"}}),
        // Rolling hours are elapsed time: [23:30, 01:30) UTC holds row 7, not row 8 (= now).
        spec_case("range_last_hours_across_dst",
                  spec({{"column", "at_tz"}, {"range", "last 2 hours"}, {"timezone", kBerlin}}),
                  {{"1"}}),
        // Calendar ranges on a date column are local dates: 2018, 2019 and 2020.
        spec_case("range_last_years_of_date_column",
                  spec({{"column", "day"}, {"range", "last 3 years"}, {"timezone", kBerlin}}),
                  {{"2"}}),
        // [Jan 1, tomorrow): 2020-12-31 23:30 UTC is already 2021 in Berlin.
        spec_case("range_year_to_date_berlin",
                  spec({{"column", "at_tz"}, {"range", "year to date"}, {"timezone", kBerlin}}),
                  {{"5"}}),
        spec_case("range_year_to_date_utc", spec({{"column", "at_utc"}, {"range", "year to date"}}),
                  {{"4"}}),
        // Singular units: "last day" and "last 1 day" are yesterday (now: 03:00 on the 29th in
        // Berlin, so yesterday is the DST-change day, 23 hours long).
        with_now(
            spec_case("range_last_day_is_yesterday",
                      spec({{"column", "at_tz"}, {"range", "last day"}, {"timezone", kBerlin}}),
                      {{"2"}}),
            "2021-03-29T01:00:00Z"),
        with_now(
            spec_case("range_last_1_day",
                      spec({{"column", "at_utc"}, {"range", "last 1 day"}, {"timezone", kBerlin}}),
                      {{"2"}}),
            "2021-03-29T01:00:00Z"),
        spec_case("range_this_month_berlin",
                  spec({{"column", "at_utc"}, {"range", "this month"}, {"timezone", kBerlin}}),
                  {{"2"}}),
    };
}

}  // namespace

std::vector<DiffCase> time_cases() {
    std::vector<DiffCase> all;
    for (auto* part :
         {&part_cases, &trunc_cases, &add_cases, &diff_cases, &now_cases, &time_block_cases}) {
        for (DiffCase& c : (*part)()) all.push_back(std::move(c));
    }
    return all;
}

INSTANTIATE_TEST_SUITE_P(Time, Differential, ::testing::ValuesIn(time_cases()), case_name);

}  // namespace quarry::diff

namespace quarry::diff {

// A known limit, not tested here (docs/dialects.md, Known limits): MySQL's CONVERT_TZ leaves a
// DATETIME outside TIMESTAMP's range (before 1970, after 2038-01-19) unconverted, so a wall-clock
// formula over such an instant in a non-UTC zone gives UTC time on MySQL.

// In UTC nothing is converted: the same instants agree everywhere.
TEST(DifferentialKnownLimits, InstantsOutsideMysqlTimestampRangeInUtc) {
    run_case(spec_case("far_instants_utc",
                       {{"source", kFarInstantsTable},
                        {"groupby", {"id", {{"formula", "date_trunc('week', at)"}, {"as", "w"}}}},
                        {"order", {"id"}}},
                       {{"1", "1965-06-28 00:00:00"}, {"2", "2040-06-25 00:00:00"}}));
}

}  // namespace quarry::diff
