// Destination classification against the installed libphonenumber
// (facts checked in compliance.md §6).
#include "connector/policy/destination.h"

#include <gtest/gtest.h>

#include <random>

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

namespace cti::policy {
namespace {

// The "+digits" fast path must classify exactly as libphonenumber's Parse:
// same verdict, E.164, region and type, over random numbers in every kind
// of country code (single- and multi-region, with and without national
// prefixes) and written with the separators CRMs use.
TEST(Destination, FastPathAgreesWithParse) {
  std::mt19937_64 rng(11);
  const char* ccs[] = {"1",   "7",   "20",  "27",  "31",  "33",  "34",  "36",  "39",  "44",
                       "49",  "52",  "54",  "55",  "61",  "81",  "86",  "91",  "351", "353",
                       "358", "371", "372", "380", "420", "852", "881", "882", "971", "979"};
  std::size_t valid = 0, total = 0;
  for (const char* cc : ccs) {
    for (int i = 0; i < 400; ++i) {
      std::string national = std::to_string(rng() % 10);
      const int len = 5 + static_cast<int>(rng() % 9);
      while (static_cast<int>(national.size()) < len) national += char('0' + rng() % 10);
      std::string raw = "+" + std::string(cc) + national;
      if (i % 3 == 1)
        raw = "+" + std::string(cc) + " " + national.substr(0, 3) + "-" + national.substr(3);
      if (i % 3 == 2)
        raw = "+" + std::string(cc) + " (" + national.substr(0, 2) + ") " + national.substr(2);
      const auto fast = classify_destination(raw, "ES");
      const auto slow = detail::classify_with_parse(raw, "ES");
      ++total;
      ASSERT_EQ(fast.has_value(), slow.has_value()) << raw;
      if (!fast) continue;
      ++valid;
      EXPECT_EQ(fast->e164, slow->e164) << raw;
      EXPECT_EQ(fast->region, slow->region) << raw;
      EXPECT_EQ(fast->type, slow->type) << raw;
      EXPECT_EQ(fast->country_code, slow->country_code) << raw;
    }
  }
  EXPECT_GT(valid, total / 20) << "too few valid numbers to compare";  // ~9% are valid
}

}  // namespace
}  // namespace cti::policy
