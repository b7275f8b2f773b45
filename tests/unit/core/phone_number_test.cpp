#include "connector/core/phone_number.h"

#include <gtest/gtest.h>

using cti::core::PhoneNumber;

TEST(PhoneNumber, NationalSpanishNumberBecomesE164) {
  const auto n = PhoneNumber::parse("912345678", "ES");
  EXPECT_EQ(n.kind(), PhoneNumber::Kind::E164);
  EXPECT_EQ(n.value(), "+34912345678");
}

TEST(PhoneNumber, InternationalFormsAgree) {
  for (const char* raw : {"+34 912 345 678", "0034912345678", "+34912345678", "912 34 56 78"})
    EXPECT_EQ(PhoneNumber::parse(raw, "ES").value(), "+34912345678") << raw;
}

TEST(PhoneNumber, InternationalPrefixFromSpainToUk) {
  EXPECT_EQ(PhoneNumber::parse("00442079460000", "ES").value(), "+442079460000");
}

TEST(PhoneNumber, DefaultRegionMatters) {
  EXPECT_EQ(PhoneNumber::parse("020 7946 0000", "GB").value(), "+442079460000");
}

TEST(PhoneNumber, ExtensionsAreKept) {
  const auto n = PhoneNumber::parse("1001", "ES");
  EXPECT_EQ(n.kind(), PhoneNumber::Kind::Extension);
  EXPECT_EQ(n.value(), "1001");
}

TEST(PhoneNumber, ExtensionLengthIsConfigurable) {
  EXPECT_EQ(PhoneNumber::parse("1234567", "ES", 8).kind(), PhoneNumber::Kind::Extension);
  EXPECT_NE(PhoneNumber::parse("1234567", "ES", 4).kind(), PhoneNumber::Kind::Extension);
}

TEST(PhoneNumber, WithheldAndUnknownAreNotMangled) {
  for (const char* raw : {"anonymous", "Anonymous", "restricted", "PRIVATE"}) {
    const auto n = PhoneNumber::parse(raw, "ES");
    EXPECT_EQ(n.kind(), PhoneNumber::Kind::Withheld) << raw;
    EXPECT_EQ(n.value(), "anonymous");
  }
  for (const char* raw : {"<unknown>", "", "  "}) {
    const auto n = PhoneNumber::parse(raw, "ES");
    EXPECT_EQ(n.kind(), PhoneNumber::Kind::Unknown) << raw;
    EXPECT_EQ(n.value(), "");
  }
}

TEST(PhoneNumber, GarbageIsKeptVerbatimNotInvented) {
  const auto n = PhoneNumber::parse("sip:bob@example.com", "ES");
  EXPECT_EQ(n.kind(), PhoneNumber::Kind::Unknown);
  EXPECT_EQ(n.value(), "sip:bob@example.com");
}
