// Destination classification against the installed libphonenumber
// (facts checked in compliance.md §6).
#include "connector/policy/destination.h"

#include <gtest/gtest.h>

namespace cti::policy {
namespace {

TEST(Destination, NormalizesAndClassifies) {
  auto london = classify_destination("+44 20 7946 0000", "ES");
  ASSERT_TRUE(london);
  EXPECT_EQ(london->e164, "+442079460000");
  EXPECT_EQ(london->region, "GB");
  EXPECT_EQ(london->type, NumberType::FixedLine);
  auto madrid = classify_destination("912 345 678", "ES");
  ASSERT_TRUE(madrid);
  EXPECT_EQ(madrid->e164, "+34912345678");
  EXPECT_EQ(madrid->region, "ES");
  auto mobile = classify_destination("0034 612 345 678", "ES");
  ASSERT_TRUE(mobile);
  EXPECT_EQ(mobile->type, NumberType::Mobile);
  EXPECT_EQ(classify_destination("+34 806 123 456", "ES")->type, NumberType::PremiumRate);
  EXPECT_EQ(classify_destination("+34 902 123 456", "ES")->type, NumberType::SharedCost);
  EXPECT_EQ(classify_destination("+1 876 555 0100", "ES")->region, "JM") << "NANP: not US";
}

TEST(Destination, InvalidNumbersAreRefused) {
  for (const char* bad : {"", "hello", "+34 12", "+999 123456", "+34 400 123 456"}) {
    auto d = classify_destination(bad, "ES");
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.error().code, "number_invalid");
  }
  EXPECT_FALSE(classify_destination(std::string(100, '1'), "ES"));
}

}  // namespace
}  // namespace cti::policy
