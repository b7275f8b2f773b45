#include "connector/policy/local_time.h"

#include <array>
#include <cstdio>

namespace cti::policy {
namespace {

using namespace std::chrono;

struct ZoneRow {
  const char* name;
  int standard_minutes;
  DstRule dst;
};

constexpr std::array<ZoneRow, 30> kZones = {{
    {"UTC", 0, DstRule::None},
    {"Europe/Madrid", 60, DstRule::Eu},
    {"Africa/Ceuta", 60, DstRule::Eu},
    {"Atlantic/Canary", 0, DstRule::Eu},
    {"Europe/Lisbon", 0, DstRule::Eu},
    {"Atlantic/Madeira", 0, DstRule::Eu},
    {"Atlantic/Azores", -60, DstRule::Eu},
    {"Europe/London", 0, DstRule::Eu},
    {"Europe/Dublin", 0, DstRule::Eu},
    {"Europe/Paris", 60, DstRule::Eu},
    {"Europe/Berlin", 60, DstRule::Eu},
    {"Europe/Rome", 60, DstRule::Eu},
    {"Europe/Amsterdam", 60, DstRule::Eu},
    {"Europe/Brussels", 60, DstRule::Eu},
    {"Europe/Vienna", 60, DstRule::Eu},
    {"Europe/Zurich", 60, DstRule::Eu},
    {"Europe/Stockholm", 60, DstRule::Eu},
    {"Europe/Warsaw", 60, DstRule::Eu},
    {"Europe/Prague", 60, DstRule::Eu},
    {"Europe/Athens", 120, DstRule::Eu},
    {"Europe/Helsinki", 120, DstRule::Eu},
    {"America/New_York", -300, DstRule::NorthAmerica},
    {"America/Chicago", -360, DstRule::NorthAmerica},
    {"America/Denver", -420, DstRule::NorthAmerica},
    {"America/Phoenix", -420, DstRule::None},
    {"America/Los_Angeles", -480, DstRule::NorthAmerica},
    {"America/Mexico_City", -360, DstRule::None},
    {"America/Bogota", -300, DstRule::None},
    {"America/Argentina/Buenos_Aires", -180, DstRule::None},
    {"America/Sao_Paulo", -180, DstRule::None},
}};

// The n-th (1-based) or last (n = 0) given weekday of a month, as a day.
sys_days nth_weekday(year y, month m, weekday wd, unsigned n) {
  if (n == 0) return sys_days{y / m / wd[last]};
  return sys_days{y / m / wd[n]};
}

bool in_dst(const Zone& z, sys_seconds utc) {
  const year y = year_month_day{floor<days>(utc)}.year();
  switch (z.dst) {
    case DstRule::None:
      return false;
    case DstRule::Eu: {
      // 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.
      const sys_seconds start = nth_weekday(y, March, Sunday, 0) + hours(1);
      const sys_seconds end = nth_weekday(y, October, Sunday, 0) + hours(1);
      return utc >= start && utc < end;
    }
    case DstRule::NorthAmerica: {
      // 02:00 local standard time, second Sunday of March, to 02:00 local
      // daylight time (01:00 standard), first Sunday of November.
      const sys_seconds start = nth_weekday(y, March, Sunday, 2) + hours(2) - z.standard;
      const sys_seconds end = nth_weekday(y, November, Sunday, 1) + hours(1) - z.standard;
      return utc >= start && utc < end;
    }
  }
  return false;
}

}  // namespace

std::optional<Zone> find_zone(std::string_view iana_name) {
  for (const auto& row : kZones)
    if (iana_name == row.name) return Zone{row.name, minutes(row.standard_minutes), row.dst};
  return std::nullopt;
}

LocalTime to_local(const Zone& zone, core::Timestamp utc) {
  const sys_seconds s = floor<seconds>(utc);
  LocalTime t;
  t.offset = zone.standard + (in_dst(zone, s) ? hours(1) : hours(0));
  const sys_seconds local = s + t.offset;
  t.date = floor<days>(local);
  t.of_day = floor<minutes>(local - t.date);
  t.weekday = weekday{t.date}.c_encoding();
  return t;
}

std::string format_local(const LocalTime& t) {
  const year_month_day ymd{t.date};
  const int off = int(t.offset.count());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d (%c%02d:%02d)", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(t.of_day.count() / 60),
                int(t.of_day.count() % 60), off < 0 ? '-' : '+', std::abs(off) / 60,
                std::abs(off) % 60);
  return buf;
}

}  // namespace cti::policy
