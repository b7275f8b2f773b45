#include "webhooks/retry_policy.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace cti::webhooks {

Outcome classify(int status) {
  if (status >= 200 && status < 300) return Outcome::Delivered;
  if (status == 0 || status == 408 || status == 429 || status >= 500) return Outcome::Retry;
  return Outcome::Dead;
}

std::chrono::milliseconds backoff_ceiling(int attempts, std::chrono::milliseconds initial,
                                          std::chrono::milliseconds max) {
  const int doublings = std::clamp(attempts - 1, 0, 40);  // 2^40 ms outlives any cap
  const auto raw = initial.count() * (std::int64_t{1} << doublings);
  return std::chrono::milliseconds{std::min<std::int64_t>(raw, max.count())};
}

std::chrono::milliseconds full_jitter(std::chrono::milliseconds ceiling, std::mt19937_64& rng) {
  if (ceiling.count() <= 0) return std::chrono::milliseconds{0};
  std::uniform_int_distribution<std::int64_t> dist(0, ceiling.count());
  return std::chrono::milliseconds{dist(rng)};
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// IMF-fixdate, the only form RFC 9110 requires senders to produce.
std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view s) {
  char wday[4] = {}, mon[4] = {}, zone[4] = {};
  int day = 0, year = 0, hh = 0, mm = 0, ss = 0;
  const std::string text(s);
  if (std::sscanf(text.c_str(), "%3s %d %3s %d %d:%d:%d %3s", wday, &day, mon, &year, &hh, &mm, &ss,
                  zone) != 8 &&
      std::sscanf(text.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", wday, &day, mon, &year, &hh, &mm,
                  &ss, zone) != 8)
    return std::nullopt;
  if (std::strcmp(zone, "GMT") != 0) return std::nullopt;
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  unsigned month = 0;
  for (unsigned i = 0; i < kMonths.size(); ++i)
    if (std::strcmp(mon, kMonths[i]) == 0) month = i + 1;
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (month == 0 || !ymd.ok() || hh > 23 || mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0)
    return std::nullopt;
  return std::chrono::sys_days{ymd} + std::chrono::hours{hh} + std::chrono::minutes{mm} +
         std::chrono::seconds{ss};
}

}  // namespace

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, core::Timestamp now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  std::int64_t secs = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
  if (ec == std::errc{} && end == value.data() + value.size())
    return secs < 0 ? std::nullopt : std::optional(std::chrono::seconds{secs});
  const auto date = parse_http_date(value);
  if (!date) return std::nullopt;
  const auto delta = std::chrono::ceil<std::chrono::seconds>(*date - now);
  return std::max(delta, std::chrono::seconds{0});
}

}  // namespace cti::webhooks
