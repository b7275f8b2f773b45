#pragma once
// Calling hours for commercial calls, in the destination's local time
// (Spain: art. 96.2 TRLGDCU — not before 9:00, not after 21:00, no weekends
// or holidays). Pure.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "connector/core/time.h"
#include "connector/policy/local_time.h"

namespace cti::policy {

struct TimeWindow {
  unsigned days = 0b0111110;  // bit 0 = Sunday ... bit 6 = Saturday (default Mon-Fri)
  std::chrono::minutes from{9 * 60}, to{21 * 60};  // [from, to)
};

struct Holiday {
  int year = 0;  // 0 = every year ("12-25")
  unsigned month = 1, day = 1;
};

struct HoursRule {
  Zone zone;
  // Parts of the country in another zone, by E.164 prefix (Canarias: +34922...).
  std::vector<std::pair<std::string, Zone>> prefix_zones;
  std::vector<TimeWindow> windows;
  std::vector<Holiday> holidays;
};

struct HoursVerdict {
  bool allowed = false;
  std::string local_time;  // "2026-11-28 22:13 (+01:00)"
  std::string why;         // for the reason message when refused
};

HoursVerdict check_calling_hours(const HoursRule& rule, std::string_view e164, core::Timestamp now);

// Spain's legal default: Mon-Fri 09:00-21:00 in Europe/Madrid (Canarias on
// Atlantic/Canary by prefix) and the national holidays that fall on the
// same date every year. Regional holidays and Good Friday come from config.
HoursRule spain_default_hours();

// "mon-fri", "sat", "mon,wed,fri" -> day mask; 0 on error.
unsigned parse_days(std::string_view text);
// "09:00" -> minutes; -1 on error ("24:00" allowed as end of day).
int parse_hhmm(std::string_view text);
// "2026-12-25" or "12-25" -> holiday; false on error.
bool parse_holiday(std::string_view text, Holiday& out);

}  // namespace cti::policy
