#include "connector/policy/calling_hours.h"

#include <charconv>

namespace cti::policy {
namespace {

using namespace std::chrono;

constexpr std::string_view kDayNames[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

int day_index(std::string_view name) {
  for (int i = 0; i < 7; ++i)
    if (kDayNames[i] == name) return i;
  return -1;
}

bool to_uint(std::string_view s, unsigned& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size() && !s.empty();
}

}  // namespace

unsigned parse_days(std::string_view text) {
  unsigned mask = 0;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    const auto dash = item.find('-');
    if (dash == std::string_view::npos) {
      const int d = day_index(item);
      if (d < 0) return 0;
      mask |= 1u << d;
      continue;
    }
    const int from = day_index(item.substr(0, dash)), to = day_index(item.substr(dash + 1));
    if (from < 0 || to < 0) return 0;
    for (int d = from;; d = (d + 1) % 7) {
      mask |= 1u << d;
      if (d == to) break;
    }
  }
  return mask;
}

int parse_hhmm(std::string_view text) {
  unsigned h = 0, m = 0;
  if (text.size() != 5 || text[2] != ':' || !to_uint(text.substr(0, 2), h) ||
      !to_uint(text.substr(3, 2), m))
    return -1;
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return -1;
  return int(h * 60 + m);
}

bool parse_holiday(std::string_view text, Holiday& out) {
  unsigned y = 0, mo = 0, d = 0;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    if (!to_uint(text.substr(0, 4), y) || !to_uint(text.substr(5, 2), mo) ||
        !to_uint(text.substr(8, 2), d))
      return false;
  } else if (text.size() == 5 && text[2] == '-') {
    if (!to_uint(text.substr(0, 2), mo) || !to_uint(text.substr(3, 2), d)) return false;
  } else {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  if (y != 0 && !year_month_day{year(int(y)), month(mo), day(d)}.ok()) return false;
  out = Holiday{int(y), mo, d};
  return true;
}

HoursVerdict check_calling_hours(const HoursRule& rule, std::string_view e164,
                                 core::Timestamp now) {
  const Zone* zone = &rule.zone;
  std::size_t best = 0;
  for (const auto& [prefix, z] : rule.prefix_zones)
    if (e164.starts_with(prefix) && prefix.size() > best) {
      best = prefix.size();
      zone = &z;
    }
  const LocalTime local = to_local(*zone, now);
  HoursVerdict v;
  v.local_time = format_local(local);
  const year_month_day ymd{local.date};
  for (const auto& h : rule.holidays)
    if ((h.year == 0 || h.year == int(ymd.year())) && h.month == unsigned(ymd.month()) &&
        h.day == unsigned(ymd.day())) {
      v.why = "it is a holiday at the destination (" + v.local_time + ")";
      return v;
    }
  for (const auto& w : rule.windows)
    if ((w.days >> local.weekday & 1u) && local.of_day >= w.from && local.of_day < w.to) {
      v.allowed = true;
      return v;
    }
  v.why = "it is " + v.local_time + " at the destination, outside the allowed calling hours";
  return v;
}

HoursRule spain_default_hours() {
  HoursRule r;
  r.zone = *find_zone("Europe/Madrid");
  const Zone canary = *find_zone("Atlantic/Canary");
  for (const char* p : {"+34822", "+34828", "+34922", "+34928"})
    r.prefix_zones.emplace_back(p, canary);
  r.windows = {TimeWindow{}};
  for (const char* d :
       {"01-01", "01-06", "05-01", "08-15", "10-12", "11-01", "12-06", "12-08", "12-25"}) {
    Holiday h;
    parse_holiday(d, h);
    r.holidays.push_back(h);
  }
  return r;
}

}  // namespace cti::policy
