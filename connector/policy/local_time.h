#pragma once
// Local wall-clock time of a destination, for calling-hours rules. g++ 12's
// libstdc++ has no std::chrono time-zone database, so zones are a standard
// UTC offset plus a daylight-saving rule (EU or North American), which is
// exact for every zone in kZones since 2007. Pure.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "connector/core/time.h"

namespace cti::policy {

enum class DstRule : std::uint8_t { None, Eu, NorthAmerica };

struct Zone {
  std::string name;               // IANA name, e.g. "Europe/Madrid"
  std::chrono::minutes standard;  // UTC offset outside DST
  DstRule dst = DstRule::None;
};

// The built-in zones ("Europe/Madrid", "Atlantic/Canary", "Europe/London",
// "America/New_York", ...); nullopt for others (configure offset and rule).
std::optional<Zone> find_zone(std::string_view iana_name);

struct LocalTime {
  std::chrono::sys_days date;   // the local calendar day
  std::chrono::minutes of_day;  // minutes since local midnight
  unsigned weekday = 0;         // 0 = Sunday ... 6 = Saturday
  std::chrono::minutes offset;  // applied UTC offset
};

LocalTime to_local(const Zone& zone, core::Timestamp utc);

// "2026-11-28 15:13 (+01:00)" for messages and the audit log.
std::string format_local(const LocalTime& t);

}  // namespace cti::policy
