#include "connector/core/time.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace cti::core {

std::string format_rfc3339_ms(Timestamp t) {
  using namespace std::chrono;
  const auto ms_total = floor<milliseconds>(t.time_since_epoch()).count();
  const auto day_start = sys_days{floor<std::chrono::days>(milliseconds{ms_total})};
  const year_month_day ymd{day_start};
  const auto in_day = ms_total - duration_cast<milliseconds>(day_start.time_since_epoch()).count();
  const long long h = in_day / 3'600'000, m = in_day / 60'000 % 60, s = in_day / 1000 % 60,
                  ms = in_day % 1000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), h, m, s, ms);
  return buf;
}

namespace {
bool read_int(std::string_view& s, size_t n, int& out) {
  if (s.size() < n) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + n, out);
  if (ec != std::errc{} || p != s.data() + n) return false;
  s.remove_prefix(n);
  return true;
}
bool expect(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}
}  // namespace

std::optional<Timestamp> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  int y, mo, d, h, mi, se;
  if (!read_int(s, 4, y) || !expect(s, '-') || !read_int(s, 2, mo) || !expect(s, '-') ||
      !read_int(s, 2, d))
    return std::nullopt;
  if (s.empty() || (s.front() != 'T' && s.front() != 't' && s.front() != ' ')) return std::nullopt;
  s.remove_prefix(1);
  if (!read_int(s, 2, h) || !expect(s, ':') || !read_int(s, 2, mi) || !expect(s, ':') ||
      !read_int(s, 2, se))
    return std::nullopt;
  long long micros = 0;
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    int digits = 0;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
      if (digits < 6) micros = micros * 10 + (s.front() - '0');
      ++digits;
      s.remove_prefix(1);
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 6; ++i) micros *= 10;
  }
  long long offset_s = 0;
  if (s == "Z" || s == "z") {
  } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    const int sign = s.front() == '-' ? -1 : 1;
    s.remove_prefix(1);
    int oh, om;
    if (!read_int(s, 2, oh)) return std::nullopt;
    if (!s.empty() && s.front() == ':') s.remove_prefix(1);
    if (!read_int(s, 2, om) || !s.empty()) return std::nullopt;
    offset_s = sign * (oh * 3600LL + om * 60LL);
  } else {
    return std::nullopt;
  }
  const year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return std::nullopt;
  const auto secs =
      sys_days{ymd}.time_since_epoch() + hours{h} + minutes{mi} + seconds{se} - seconds{offset_s};
  return Timestamp{duration_cast<microseconds>(secs) + microseconds{micros}};
}

std::optional<Timestamp> parse_unix_seconds(std::string_view s) {
  long long whole = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), whole);
  // Past 9999-12-31 is garbage, and would overflow the microsecond count.
  constexpr long long kMaxSeconds = 253'402'300'799;
  if (ec != std::errc{} || whole < 0 || whole > kMaxSeconds) return std::nullopt;
  long long micros = 0;
  int digits = 0;
  if (p != s.data() + s.size()) {
    if (*p != '.') return std::nullopt;
    ++p;
    for (; p != s.data() + s.size(); ++p) {
      if (*p < '0' || *p > '9') return std::nullopt;
      if (digits < 6) micros = micros * 10 + (*p - '0');
      ++digits;
    }
    for (int i = std::min(digits, 6); i < 6; ++i) micros *= 10;
  }
  return from_unix_micros(whole * 1'000'000LL + micros);
}

double seconds_between(Timestamp from, Timestamp to) {
  const auto us = (to - from).count();
  if (us <= 0) return 0.0;
  return std::round(double(us) / 1000.0) / 1000.0;
}

}  // namespace cti::core
