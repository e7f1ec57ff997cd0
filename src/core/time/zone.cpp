// IANA time zones from TZif files (RFC 8536): the 64-bit transitions and the POSIX TZ footer
// rule for instants after them. Zones are loaded once per process into a shared cache.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <iterator>
#include <limits>
#include <mutex>
#include <unordered_map>

#include "common/error.hpp"
#include "common/text.hpp"
#include "time/civil_internal.hpp"
#include "time/time.hpp"

namespace quarry {

namespace {

constexpr const char* kZoneDirectory = "/usr/share/zoneinfo";
constexpr size_t kMaxZoneNameLength = 64;
constexpr size_t kMaxZoneFileSize = 1 << 20;  // real ones are a few kB
constexpr int kDefaultRuleTime = 7200;        // POSIX: transitions at 02:00 unless told
constexpr size_t kMaxCachedNames = 4096;

// Names that mean UTC itself, case-insensitive.
constexpr std::array<std::string_view, 12> kUtcAliases = {
    "UTC",     "Etc/UTC", "Z",       "Zulu",      "Etc/Zulu",      "GMT",
    "Etc/GMT", "UCT",     "Etc/UCT", "Universal", "Etc/Universal", "GMT0"};

[[noreturn]] void unknown_zone(std::string_view name) {
    throw Error(sqlstate::kInvalidParameterValue, "unknown time zone " + quote_for_message(name));
}

[[noreturn]] void malformed_zone(std::string_view name) {
    throw Error(sqlstate::kInvalidParameterValue,
                "time zone file of " + quote_for_message(name) + " is malformed");
}

bool is_utc_alias(std::string_view name) {
    return std::any_of(kUtcAliases.begin(), kUtcAliases.end(), [&](std::string_view alias) {
        return equals_ignoring_ascii_case(alias, name);
    });
}

// Segments of [A-Za-z0-9_+-] separated by single '/': no "..", no absolute path, nothing a
// shell or the file system would read specially.
bool is_valid_zone_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxZoneNameLength) return false;
    bool segment_empty = true;
    for (char c : name) {
        if (c == '/') {
            if (segment_empty) return false;
            segment_empty = true;
            continue;
        }
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-';
        if (!ok) return false;
        segment_empty = false;
    }
    return !segment_empty;
}

// A regular file of at most kMaxZoneFileSize bytes (symbolic links followed).
bool read_file(const std::string& path, std::string& out) {
    struct stat info;
    if (stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
        static_cast<size_t>(info.st_size) > kMaxZoneFileSize) {
        return false;
    }
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return false;
    out.resize(static_cast<size_t>(info.st_size));
    const size_t got = std::fread(out.data(), 1, out.size(), f);
    std::fclose(f);
    return got == out.size();
}

// The directory entry in `dir` whose name equals `segment` ignoring case, if any.
bool find_entry_ignoring_case(const std::string& dir, std::string_view segment,
                              std::string& found) {
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) return false;
    bool ok = false;
    while (const dirent* entry = readdir(d)) {
        if (equals_ignoring_ascii_case(entry->d_name, segment)) {
            found = entry->d_name;
            ok = true;
            break;
        }
    }
    closedir(d);
    return ok;
}

// The zone database's spelling of a (validated) name, or false when there is no such file.
bool resolve_spelling(std::string_view name, std::string& spelled) {
    std::string dir = kZoneDirectory;
    spelled.clear();
    size_t start = 0;
    while (start <= name.size()) {
        const size_t slash = std::min(name.find('/', start), name.size());
        std::string entry;
        if (!find_entry_ignoring_case(dir, name.substr(start, slash - start), entry)) {
            return false;
        }
        if (!spelled.empty()) spelled += '/';
        spelled += entry;
        dir += '/';
        dir += entry;
        start = slash + 1;
    }
    return true;
}

// ---- TZif ------------------------------------------------------------------------------------

class Reader {
public:
    Reader(std::string_view data, std::string_view zone) : data_(data), zone_(zone) {}

    size_t position() const { return pos_; }
    void skip(size_t n) {
        need(n);
        pos_ += n;
    }
    std::string_view bytes(size_t n) {
        need(n);
        std::string_view out = data_.substr(pos_, n);
        pos_ += n;
        return out;
    }
    uint8_t u8() { return static_cast<uint8_t>(bytes(1)[0]); }
    int64_t big_endian(size_t width) {
        std::string_view b = bytes(width);
        uint64_t v = 0;
        for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
        if (width == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
        return static_cast<int64_t>(v);
    }
    std::string_view rest() const { return data_.substr(pos_); }

private:
    void need(size_t n) const {
        if (data_.size() - pos_ < n) malformed_zone(zone_);
    }
    std::string_view data_;
    std::string_view zone_;
    size_t pos_ = 0;
};

struct Header {
    char version = 0;
    int64_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

Header read_header(Reader& in, std::string_view zone) {
    if (in.bytes(4) != "TZif") malformed_zone(zone);
    Header h;
    h.version = static_cast<char>(in.u8());
    in.skip(15);
    h.isutcnt = in.big_endian(4);
    h.isstdcnt = in.big_endian(4);
    h.leapcnt = in.big_endian(4);
    h.timecnt = in.big_endian(4);
    h.typecnt = in.big_endian(4);
    h.charcnt = in.big_endian(4);
    const bool sane = h.isutcnt >= 0 && h.isstdcnt >= 0 && h.leapcnt >= 0 && h.timecnt >= 0 &&
                      h.typecnt > 0 && h.charcnt >= 0 && h.typecnt <= 256;
    if (!sane) malformed_zone(zone);
    return h;
}

void skip_block(Reader& in, const Header& h, size_t time_size) {
    in.skip(h.timecnt * time_size + h.timecnt + h.typecnt * 6 + h.charcnt +
            h.leapcnt * (time_size + 4) + h.isstdcnt + h.isutcnt);
}

// ---- POSIX TZ rules ---------------------------------------------------------------------------

class RuleParser {
public:
    explicit RuleParser(std::string_view text) : text_(text) {}

    bool parse(TimeZone::Rule& rule) {
        int std_west = 0;
        if (!name() || !offset(std_west, 24)) return false;
        rule.std_offset = -std_west;
        if (done()) return true;
        if (!name()) return false;
        rule.has_dst = true;
        rule.dst_offset = rule.std_offset + 3600;
        if (!done() && peek() != ',') {
            int dst_west = 0;
            if (!offset(dst_west, 24)) return false;
            rule.dst_offset = -dst_west;
        }
        if (done()) {
            // No rule given: POSIX leaves it to the implementation; the US rule is the tz
            // database's default (posixrules).
            rule.dst_start = TimeZone::RuleDate{'M', 3, 2, 0, 0, kDefaultRuleTime};
            rule.dst_end = TimeZone::RuleDate{'M', 11, 1, 0, 0, kDefaultRuleTime};
            return true;
        }
        return accept(',') && date(rule.dst_start) && accept(',') && date(rule.dst_end) && done();
    }

private:
    bool done() const { return pos_ == text_.size(); }
    char peek() const { return done() ? '\0' : text_[pos_]; }
    bool accept(char c) {
        if (done() || text_[pos_] != c) return false;
        ++pos_;
        return true;
    }
    static bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
    static bool is_digit(char c) { return c >= '0' && c <= '9'; }

    // "CET" (3+ letters) or "<+0330>".
    bool name() {
        if (accept('<')) {
            const size_t close = text_.find('>', pos_);
            if (close == std::string_view::npos || close - pos_ < 3) return false;
            pos_ = close + 1;
            return true;
        }
        const size_t start = pos_;
        while (!done() && is_alpha(peek())) ++pos_;
        return pos_ - start >= 3;
    }
    bool number(int& out, int max) {
        if (!is_digit(peek())) return false;
        int v = 0;
        while (is_digit(peek())) {
            v = v * 10 + (text_[pos_++] - '0');
            if (v > max) return false;
        }
        out = v;
        return true;
    }
    // [+-]hh[:mm[:ss]] in seconds.
    bool offset(int& seconds, int max_hours) {
        int sign = 1;
        if (accept('-')) {
            sign = -1;
        } else {
            accept('+');
        }
        int h = 0;
        int m = 0;
        int s = 0;
        if (!number(h, max_hours)) return false;
        if (accept(':') && (!number(m, 59) || (accept(':') && !number(s, 59)))) return false;
        seconds = sign * (h * 3600 + m * 60 + s);
        return true;
    }
    bool date(TimeZone::RuleDate& d) {
        if (accept('M')) {
            d.kind = 'M';
            if (!number(d.month, 12) || d.month < 1 || !accept('.') || !number(d.week, 5) ||
                d.week < 1 || !accept('.') || !number(d.weekday, 6)) {
                return false;
            }
        } else if (accept('J')) {
            d.kind = 'J';
            if (!number(d.day, 365) || d.day < 1) return false;
        } else {
            d.kind = 'D';
            if (!number(d.day, 365)) return false;
        }
        d.time = kDefaultRuleTime;
        // RFC 8536 extends the time to -167..167 hours.
        return !accept('/') || offset(d.time, 167);
    }

    std::string_view text_;
    size_t pos_ = 0;
};

// The day (since the epoch) a rule date falls on in `year`.
int64_t rule_day(const TimeZone::RuleDate& d, int year) {
    const int64_t jan1 = days_from_civil(year, 1, 1);
    switch (d.kind) {
        case 'J':  // Feb 29 is never counted
            return jan1 + d.day - 1 + (is_leap_year(year) && d.day >= 60 ? 1 : 0);
        case 'D':
            return jan1 + d.day;
        default: {
            const int64_t first = days_from_civil(year, d.month, 1);
            const int first_weekday = iso_weekday(year, d.month, 1) % 7;  // Sunday = 0
            int day = 1 + (d.weekday - first_weekday + 7) % 7 + 7 * (d.week - 1);
            while (day > days_in_month(year, d.month)) day -= 7;  // week 5: the last one
            return first + day - 1;
        }
    }
}

}  // namespace

// Builds TimeZone objects (a friend: fills the private members).
struct TimeZoneLoader {
    static std::shared_ptr<const TimeZone> utc() {
        auto zone = std::make_shared<TimeZone>();
        zone->name_ = "UTC";
        zone->utc_ = true;
        return zone;
    }

    static std::shared_ptr<const TimeZone> from_file(const std::string& spelled) {
        std::string data;
        if (!read_file(std::string(kZoneDirectory) + "/" + spelled, data)) unknown_zone(spelled);
        if (data.compare(0, 4, "TZif") != 0) unknown_zone(spelled);
        auto zone = std::make_shared<TimeZone>();
        zone->name_ = spelled;
        parse_tzif(data, spelled, *zone);
        return zone;
    }

private:
    static void parse_tzif(std::string_view data, std::string_view name, TimeZone& zone) {
        Reader in(data, name);
        Header h = read_header(in, name);
        size_t time_size = 4;
        if (h.version >= '2') {
            // The 32-bit block is for old readers; the 64-bit one follows with its own header.
            skip_block(in, h, 4);
            h = read_header(in, name);
            time_size = 8;
        }
        if (h.leapcnt > 0) {
            throw Error(sqlstate::kInvalidParameterValue,
                        "time zone " + quote_for_message(name) +
                            " counts leap seconds, which quarry does not support");
        }
        std::vector<int64_t> times(h.timecnt);
        for (int64_t& t : times) t = in.big_endian(time_size);
        std::vector<uint8_t> type_of(h.timecnt);
        for (uint8_t& t : type_of) {
            t = in.u8();
            if (t >= h.typecnt) malformed_zone(name);
        }
        std::vector<int> offsets(h.typecnt);
        for (int& offset : offsets) {
            offset = static_cast<int>(in.big_endian(4));
            in.skip(2);  // is_dst, abbreviation index: not needed for offsets
            if (offset < -25 * 3600 || offset > 26 * 3600) malformed_zone(name);
        }
        in.skip(h.charcnt + h.isstdcnt + h.isutcnt);
        set_transitions(times, type_of, offsets, zone);
        if (time_size == 8) parse_footer(in, name, zone);
    }

    static void set_transitions(const std::vector<int64_t>& times,
                                const std::vector<uint8_t>& type_of,
                                const std::vector<int>& offsets, TimeZone& zone) {
        // Seconds beyond what microseconds in 64 bits hold (the "big bang" transition at -2^59).
        constexpr int64_t kLimit = std::numeric_limits<int64_t>::max() / kMicrosPerSecond;
        zone.initial_offset_ = offsets[0];
        int current = zone.initial_offset_;
        for (size_t i = 0; i < times.size(); ++i) {
            if (i > 0 && times[i] <= times[i - 1]) malformed_zone(zone.name_);
            const int offset = offsets[type_of[i]];
            if (times[i] < -kLimit) {
                zone.initial_offset_ = current = offset;
                continue;
            }
            if (times[i] > kLimit) break;
            if (offset == current) continue;
            zone.transitions_.push_back({times[i] * kMicrosPerSecond, offset});
            current = offset;
        }
    }

    static void parse_footer(Reader& in, std::string_view name, TimeZone& zone) {
        std::string_view footer = in.rest();
        if (footer.size() < 2 || footer.front() != '\n') malformed_zone(name);
        const size_t end = footer.find('\n', 1);
        if (end == std::string_view::npos) malformed_zone(name);
        footer = footer.substr(1, end - 1);
        if (footer.empty()) return;  // no rule: the last transition holds forever
        if (!RuleParser(footer).parse(zone.rule_)) malformed_zone(name);
        zone.has_rule_ = true;
    }
};

std::shared_ptr<const TimeZone> TimeZone::load(std::string_view name) {
    if (!is_valid_zone_name(name) || name.find("..") != std::string_view::npos) {
        unknown_zone(name);
    }
    static std::mutex mutex;
    static std::unordered_map<std::string, std::shared_ptr<const TimeZone>> cache;
    const std::string key(name);
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;

    std::shared_ptr<const TimeZone> zone;
    if (is_utc_alias(name)) {
        zone = TimeZoneLoader::utc();
    } else {
        std::string spelled;
        if (!resolve_spelling(name, spelled)) unknown_zone(name);
        auto same = cache.find(spelled);
        zone = same != cache.end() ? same->second : TimeZoneLoader::from_file(spelled);
        cache.emplace(spelled, zone);
    }
    // Only names that exist are cached, and spellings beyond a bound are not remembered, so
    // hostile names ("eUrOpE/pArIs" ...) cannot grow the cache.
    if (cache.size() < kMaxCachedNames) cache.emplace(key, zone);
    return zone;
}

int TimeZone::rule_offset_at(Instant utc) const {
    if (!rule_.has_dst) return rule_.std_offset;
    const int64_t seconds = floor_div(utc, kMicrosPerSecond);
    const int year = civil_from_days(floor_div(seconds + rule_.std_offset, 86400)).year;
    const int64_t start =
        rule_day(rule_.dst_start, year) * 86400 + rule_.dst_start.time - rule_.std_offset;
    const int64_t end =
        rule_day(rule_.dst_end, year) * 86400 + rule_.dst_end.time - rule_.dst_offset;
    // Southern hemisphere rules start DST late in the year and end it early in the next.
    const bool in_dst =
        start < end ? (seconds >= start && seconds < end) : !(seconds >= end && seconds < start);
    return in_dst ? rule_.dst_offset : rule_.std_offset;
}

int TimeZone::utc_offset_at(Instant utc) const {
    if (utc_) return 0;
    auto after = std::upper_bound(transitions_.begin(), transitions_.end(), utc,
                                  [](Instant t, const Transition& tr) { return t < tr.at; });
    if (after == transitions_.end() && has_rule_ &&
        (transitions_.empty() || utc >= transitions_.back().at)) {
        return rule_offset_at(utc);
    }
    if (after == transitions_.begin()) return initial_offset_;
    return std::prev(after)->offset;
}

CivilTime TimeZone::to_local(Instant utc) const {
    return civil_from_micros(utc + utc_offset_at(utc) * kMicrosPerSecond);
}

Instant TimeZone::from_local(const CivilTime& local) const {
    const int64_t wall = micros_from_civil(local);
    if (utc_) return wall;
    // Offsets change at most once within a day around `wall` (true of every real zone): the
    // offset a day before and a day after are the two candidates.
    const int before = utc_offset_at(wall - kMicrosPerDay);
    const int after = utc_offset_at(wall + kMicrosPerDay);
    const Instant with_before = wall - before * kMicrosPerSecond;
    const Instant with_after = wall - after * kMicrosPerSecond;
    const bool before_fits = utc_offset_at(with_before) == before;
    const bool after_fits = utc_offset_at(with_after) == after;
    if (before_fits && after_fits) return std::min(with_before, with_after);  // overlap
    if (after_fits) return with_after;
    // Either only the earlier offset fits, or the time is in a gap: the offset before it moves
    // the time forward past the gap.
    return with_before;
}

}  // namespace quarry
