// Proleptic Gregorian calendar arithmetic (days counted from 1970-01-01, eras of 400 years so
// every division is exact), and the strict ISO-8601 subset specs may write.
#include <string>

#include "time/civil_internal.hpp"
#include "time/time.hpp"

namespace quarry {

namespace {

constexpr int64_t kDaysPerEra = 146097;  // 400 Gregorian years
constexpr int64_t kEpochShift = 719468;  // days from 0000-03-01 to 1970-01-01
constexpr int kMinParsedYear = 1;
constexpr int kMaxParsedYear = 9999;

// A cursor over text being parsed: every read checks the bounds.
class Cursor {
public:
    explicit Cursor(std::string_view text) : text_(text) {}

    bool done() const { return pos_ == text_.size(); }
    char peek() const { return done() ? '\0' : text_[pos_]; }
    bool accept(char c) {
        if (done() || text_[pos_] != c) return false;
        ++pos_;
        return true;
    }
    // Exactly `width` decimal digits.
    bool digits(int width, int& out) {
        if (text_.size() - pos_ < static_cast<size_t>(width)) return false;
        int value = 0;
        for (int i = 0; i < width; ++i) {
            const char c = text_[pos_ + i];
            if (c < '0' || c > '9') return false;
            value = value * 10 + (c - '0');
        }
        pos_ += width;
        out = value;
        return true;
    }
    // 1 to 6 fraction digits, scaled to microseconds.
    bool fraction(int& micros) {
        int count = 0;
        int value = 0;
        while (!done() && peek() >= '0' && peek() <= '9') {
            if (++count > 6) return false;
            value = value * 10 + (text_[pos_++] - '0');
        }
        if (count == 0) return false;
        for (int i = count; i < 6; ++i) value *= 10;
        micros = value;
        return true;
    }

private:
    std::string_view text_;
    size_t pos_ = 0;
};

bool parse_date_part(Cursor& in, CivilTime& t) {
    if (!in.digits(4, t.year) || !in.accept('-') || !in.digits(2, t.month) || !in.accept('-') ||
        !in.digits(2, t.day)) {
        return false;
    }
    return t.year >= kMinParsedYear && t.year <= kMaxParsedYear && t.month >= 1 && t.month <= 12 &&
           t.day >= 1 && t.day <= days_in_month(t.year, t.month);
}

bool parse_time_part(Cursor& in, CivilTime& t) {
    if (!in.digits(2, t.hour) || !in.accept(':') || !in.digits(2, t.minute)) return false;
    if (in.accept(':')) {
        if (!in.digits(2, t.second)) return false;
        if (in.accept('.') && !in.fraction(t.micros)) return false;
    }
    return t.hour <= 23 && t.minute <= 59 && t.second <= 59;
}

// Z, or ±HH[:MM] / ±HHMM.
bool parse_offset(Cursor& in, int& offset_seconds) {
    if (in.accept('Z') || in.accept('z')) {
        offset_seconds = 0;
        return true;
    }
    int sign = 0;
    if (in.accept('+')) {
        sign = 1;
    } else if (in.accept('-')) {
        sign = -1;
    } else {
        return false;
    }
    int hours = 0;
    int minutes = 0;
    if (!in.digits(2, hours)) return false;
    if (in.accept(':')) {
        if (!in.digits(2, minutes)) return false;
    } else if (!in.done()) {
        if (!in.digits(2, minutes)) return false;
    }
    if (hours > 15 || minutes > 59) return false;
    offset_seconds = sign * (hours * 3600 + minutes * 60);
    return true;
}

void append_two(std::string& out, int v) {
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
}

}  // namespace

int64_t floor_div(int64_t a, int64_t b) {
    const int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

bool is_leap_year(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int days_in_month(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap_year(year)) return 29;
    return kDays[month - 1];
}

// Years counted from March, so the leap day ends the year and month lengths follow a 5-month
// pattern (153 days).
int64_t days_from_civil(int year, int month, int day) {
    const int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
    const int64_t era = floor_div(y, 400);
    const int64_t year_of_era = y - era * 400;                            // [0, 399]
    const int64_t shifted_month = month > 2 ? month - 3 : month + 9;      // March = 0
    const int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;  // [0, 365]
    const int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;  // [0, 146096]
    return era * kDaysPerEra + day_of_era - kEpochShift;
}

CivilTime civil_from_days(int64_t days_since_epoch) {
    const int64_t z = days_since_epoch + kEpochShift;
    const int64_t era = floor_div(z, kDaysPerEra);
    const int64_t day_of_era = z - era * kDaysPerEra;  // [0, 146096]
    const int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const int64_t day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);  // [0, 365]
    const int64_t shifted_month = (5 * day_of_year + 2) / 153;                   // March = 0
    CivilTime t;
    t.day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
    t.month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
    t.year = static_cast<int>(year_of_era + era * 400 + (t.month <= 2 ? 1 : 0));
    return t;
}

CivilTime civil_from_micros(int64_t micros_since_epoch) {
    const int64_t days = floor_div(micros_since_epoch, kMicrosPerDay);
    int64_t rest = micros_since_epoch - days * kMicrosPerDay;
    CivilTime t = civil_from_days(days);
    t.hour = static_cast<int>(rest / kMicrosPerHour);
    rest %= kMicrosPerHour;
    t.minute = static_cast<int>(rest / kMicrosPerMinute);
    rest %= kMicrosPerMinute;
    t.second = static_cast<int>(rest / kMicrosPerSecond);
    t.micros = static_cast<int>(rest % kMicrosPerSecond);
    return t;
}

int64_t micros_from_civil(const CivilTime& t) {
    return days_from_civil(t.year, t.month, t.day) * kMicrosPerDay + t.hour * kMicrosPerHour +
           t.minute * kMicrosPerMinute + t.second * kMicrosPerSecond + t.micros;
}

int iso_weekday(int year, int month, int day) {
    // 1970-01-01 was a Thursday (4).
    return static_cast<int>(floor_mod(days_from_civil(year, month, day) + 3, 7)) + 1;
}

std::string format_date(const CivilTime& t) {
    std::string out;
    out.reserve(27);
    if (t.year >= 0 && t.year <= 9999) {
        append_two(out, t.year / 100);
        append_two(out, t.year % 100);
    } else {
        out += std::to_string(t.year);  // outside what parse_civil reads back; shown as is
    }
    out += '-';
    append_two(out, t.month);
    out += '-';
    append_two(out, t.day);
    return out;
}

std::string format_timestamp(const CivilTime& t) {
    std::string out = format_date(t);
    out += ' ';
    append_two(out, t.hour);
    out += ':';
    append_two(out, t.minute);
    out += ':';
    append_two(out, t.second);
    if (t.micros != 0) {
        out += '.';
        append_two(out, t.micros / 10000);
        append_two(out, t.micros / 100 % 100);
        append_two(out, t.micros % 100);
    }
    return out;
}

std::string format_instant(Instant t) {
    std::string out = format_timestamp(civil_from_micros(t));
    out[out.find(' ')] = 'T';
    out += 'Z';
    return out;
}

bool parse_civil(std::string_view text, CivilTime& out, bool& has_offset, int& offset_seconds) {
    Cursor in(text);
    CivilTime t;
    if (!parse_date_part(in, t)) return false;
    has_offset = false;
    offset_seconds = 0;
    if (!in.done()) {
        if (!in.accept('T') && !in.accept(' ')) return false;
        if (!parse_time_part(in, t)) return false;
        if (!in.done()) {
            if (!parse_offset(in, offset_seconds)) return false;
            has_offset = true;
        }
    }
    if (!in.done()) return false;
    out = t;
    return true;
}

bool parse_instant(std::string_view text, Instant& out) {
    CivilTime t;
    bool has_offset = false;
    int offset_seconds = 0;
    if (!parse_civil(text, t, has_offset, offset_seconds) || !has_offset) return false;
    out = micros_from_civil(t) - offset_seconds * kMicrosPerSecond;
    return true;
}

}  // namespace quarry
