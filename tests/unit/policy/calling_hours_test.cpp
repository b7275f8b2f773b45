// Local time by zone (EU and North American daylight saving) and Spain's
// commercial calling hours.
#include "connector/policy/calling_hours.h"

#include <gtest/gtest.h>

namespace cti::policy {
namespace {

core::Timestamp utc(const char* rfc3339) { return *core::parse_rfc3339(rfc3339); }

TEST(LocalTime, EuropeanDaylightSavingSwitchesAtOneUtc) {
  const Zone madrid = *find_zone("Europe/Madrid");
  // 2026: DST from Sunday 29 March 01:00 UTC to Sunday 25 October 01:00 UTC.
  EXPECT_EQ(format_local(to_local(madrid, utc("2026-03-29T00:59:00Z"))),
            "2026-03-29 01:59 (+01:00)");
  EXPECT_EQ(format_local(to_local(madrid, utc("2026-03-29T01:00:00Z"))),
            "2026-03-29 03:00 (+02:00)");
  EXPECT_EQ(format_local(to_local(madrid, utc("2026-10-25T00:59:00Z"))),
            "2026-10-25 02:59 (+02:00)");
  EXPECT_EQ(format_local(to_local(madrid, utc("2026-10-25T01:00:00Z"))),
            "2026-10-25 02:00 (+01:00)");
  const Zone canary = *find_zone("Atlantic/Canary");
  EXPECT_EQ(format_local(to_local(canary, utc("2026-07-01T12:00:00Z"))),
            "2026-07-01 13:00 (+01:00)");
}

TEST(LocalTime, NorthAmericanDaylightSaving) {
  const Zone ny = *find_zone("America/New_York");
  // 2026: from Sunday 8 March 02:00 EST (07:00 UTC) to Sunday 1 November 02:00 EDT (06:00 UTC).
  EXPECT_EQ(format_local(to_local(ny, utc("2026-03-08T06:59:00Z"))), "2026-03-08 01:59 (-05:00)");
  EXPECT_EQ(format_local(to_local(ny, utc("2026-03-08T07:00:00Z"))), "2026-03-08 03:00 (-04:00)");
  EXPECT_EQ(format_local(to_local(ny, utc("2026-11-01T05:59:00Z"))), "2026-11-01 01:59 (-04:00)");
  EXPECT_EQ(format_local(to_local(ny, utc("2026-11-01T06:00:00Z"))), "2026-11-01 01:00 (-05:00)");
  EXPECT_FALSE(find_zone("Mars/Olympus_Mons"));
}

TEST(CallingHours, SpainNineToNineOnWorkingDays) {
  const HoursRule es = spain_default_hours();
  // Monday 30 November 2026 (CET, +01:00).
  EXPECT_FALSE(
      check_calling_hours(es, "+34912345678", utc("2026-11-30T07:59:00Z")).allowed);  // 08:59
  EXPECT_TRUE(
      check_calling_hours(es, "+34912345678", utc("2026-11-30T08:00:00Z")).allowed);  // 09:00
  EXPECT_TRUE(
      check_calling_hours(es, "+34912345678", utc("2026-11-30T19:59:00Z")).allowed);       // 20:59
  const auto late = check_calling_hours(es, "+34912345678", utc("2026-11-30T20:00:00Z"));  // 21:00
  EXPECT_FALSE(late.allowed);
  EXPECT_NE(late.why.find("21:00"), std::string::npos) << late.why;
  // Saturday 28 November 2026, noon.
  EXPECT_FALSE(check_calling_hours(es, "+34912345678", utc("2026-11-28T11:00:00Z")).allowed);
  // Tuesday 8 December 2026 (Inmaculada Concepción), noon.
  const auto holiday = check_calling_hours(es, "+34912345678", utc("2026-12-08T11:00:00Z"));
  EXPECT_FALSE(holiday.allowed);
  EXPECT_NE(holiday.why.find("holiday"), std::string::npos);
}

TEST(CallingHours, CanariasIsAnHourBehind) {
  const HoursRule es = spain_default_hours();
  // Monday 30 November 2026, 20:30 UTC: 21:30 in Madrid, 20:30 in Las Palmas.
  EXPECT_FALSE(check_calling_hours(es, "+34912345678", utc("2026-11-30T20:30:00Z")).allowed);
  EXPECT_TRUE(check_calling_hours(es, "+34928123456", utc("2026-11-30T20:30:00Z")).allowed);
}

TEST(CallingHours, ParsersRejectGarbage) {
  EXPECT_EQ(parse_days("mon-fri"), 0b0111110u);
  EXPECT_EQ(parse_days("sat,sun"), 0b1000001u);
  EXPECT_EQ(parse_days("fri-mon"), 0b1100011u);  // fri, sat, sun, mon
  EXPECT_EQ(parse_days("monday"), 0u);
  EXPECT_EQ(parse_hhmm("09:30"), 570);
  EXPECT_EQ(parse_hhmm("24:00"), 1440);
  EXPECT_EQ(parse_hhmm("24:01"), -1);
  EXPECT_EQ(parse_hhmm("9:30"), -1);
  Holiday h;
  EXPECT_TRUE(parse_holiday("2026-04-03", h));
  EXPECT_EQ(h.year, 2026);
  EXPECT_TRUE(parse_holiday("12-25", h));
  EXPECT_EQ(h.year, 0);
  EXPECT_FALSE(parse_holiday("2026-02-30", h));
  EXPECT_FALSE(parse_holiday("13-01", h));
}

}  // namespace
}  // namespace cti::policy
