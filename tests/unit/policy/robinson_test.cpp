// Lista Robinson hashing against Adigital's own test vectors
// (../shared/fixtures/README.md, compliance.md §1.1).
#include "connector/policy/robinson.h"

#include <gtest/gtest.h>

namespace cti::policy {
namespace {

TEST(Robinson, NormalizesPhonesLikeAdigitalsClient) {
  EXPECT_EQ(robinson_normalize_phone("+34 93 240 40 70"), "0034932404070");
  EXPECT_EQ(robinson_normalize_phone("0034932404070"), "0034932404070");
  EXPECT_EQ(robinson_normalize_phone("932404070"), "0034932404070");
  EXPECT_EQ(robinson_normalize_phone("93-240.40.70"), "0034932404070");
  EXPECT_EQ(robinson_normalize_phone("+44 20 7946 0000"), "00442079460000");
  EXPECT_EQ(robinson_normalize_phone("345678890"), "0034345678890");
}

TEST(Robinson, HashesMatchTheTestVectors) {
  // sha256("04" + "0034345678890")
  EXPECT_EQ(to_hex(robinson_hash("345678890")),
            "9a0d14c71b6bb4b50fd4a9efc0536de8c7198f4bebdadcc4e7ee32731fb75c15");
  EXPECT_EQ(to_hex(robinson_hash("+34 345 678 890")), to_hex(robinson_hash("345678890")));
  // The SMS channel ("03") of the same number (vector quoted as ea48b0f3…95663ac4).
  const std::string sms = to_hex(robinson_hash("345678890", "03"));
  EXPECT_TRUE(sms.starts_with("ea48b0f3")) << sms;
  EXPECT_TRUE(sms.ends_with("95663ac4")) << sms;
}

TEST(Robinson, HexRoundTripsAndRejectsGarbage) {
  const Sha256 h = robinson_hash("911234567");
  Sha256 back{};
  ASSERT_TRUE(from_hex(to_hex(h), back));
  EXPECT_EQ(back, h);
  std::string upper = to_hex(h);
  for (auto& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_TRUE(from_hex(upper, back));
  EXPECT_EQ(back, h);
  EXPECT_FALSE(from_hex("abc", back));
  EXPECT_FALSE(from_hex(std::string(63, 'a') + "g", back));
}

}  // namespace
}  // namespace cti::policy
