#include "connector/core/time.h"

#include <gtest/gtest.h>

using namespace cti::core;

TEST(Time, FormatsRfc3339WithMillisecondsUtc) {
  EXPECT_EQ(format_rfc3339_ms(from_unix_micros(1795878809'778081)), "2026-11-28T15:13:29.778Z");
  EXPECT_EQ(format_rfc3339_ms(from_unix_micros(0)), "1970-01-01T00:00:00.000Z");
}

TEST(Time, ParsesRfc3339WithOffsetsAndFractions) {
  EXPECT_EQ(parse_rfc3339("2026-11-28T15:13:29.778081+00:00"), from_unix_micros(1795878809'778081));
  EXPECT_EQ(parse_rfc3339("2026-11-28T16:13:29.778Z").has_value(), true);
  EXPECT_EQ(*parse_rfc3339("2026-11-28T16:13:29+01:00"), *parse_rfc3339("2026-11-28T15:13:29Z"));
  EXPECT_FALSE(parse_rfc3339("2026-13-28T15:13:29Z"));
  EXPECT_FALSE(parse_rfc3339("yesterday"));
  EXPECT_FALSE(parse_rfc3339("2026-11-28T15:13:29"));  // no zone: ambiguous
}

TEST(Time, ParsesAmiTimestampHeader) {
  EXPECT_EQ(parse_unix_seconds("1795879455.442094"), from_unix_micros(1795879455'442094));
  EXPECT_EQ(parse_unix_seconds("1795879455"), from_unix_micros(1795879455'000000));
  EXPECT_EQ(parse_unix_seconds("1795879455.5"), from_unix_micros(1795879455'500000));
  EXPECT_FALSE(parse_unix_seconds("abc"));
  EXPECT_FALSE(parse_unix_seconds("12.3x"));
}

TEST(Time, SecondsBetweenRoundsToMillisecondsAndIsNeverNegative) {
  EXPECT_DOUBLE_EQ(seconds_between(from_unix_micros(0), from_unix_micros(2'007'600)), 2.008);
  EXPECT_DOUBLE_EQ(seconds_between(from_unix_micros(5), from_unix_micros(1)), 0.0);
}

TEST(Time, AbsurdAmiTimestampsAreRejectedNotOverflowed) {
  // Found by ami_event_mapper_fuzz: 179587880978809 s overflowed the microsecond count.
  EXPECT_FALSE(parse_unix_seconds("179587880978809.1"));
  EXPECT_FALSE(parse_unix_seconds("99999999999999999999"));
  EXPECT_TRUE(parse_unix_seconds("253402300799"));
}
