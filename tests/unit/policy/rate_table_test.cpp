// RateTable on the real UK mobile price sample: only a longest-prefix match
// prices +447583… right (0.049, not 4475's 0.680).
#include "connector/policy/rate_table.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace cti::policy {
namespace {

std::string sample() {
  std::ifstream in(std::string(CTI_FIXTURES) + "/rates/uk-mobile-sample.csv", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RateTable, LongestPrefixWinsOnTheRealSample) {
  auto table = RateTable::parse_csv(sample());
  ASSERT_TRUE(table) << table.error().to_string();
  EXPECT_EQ(table->size(), 100u);
  const Rate* orange = table->lookup("+447583123456");
  ASSERT_NE(orange, nullptr);
  EXPECT_EQ(orange->prefix, "447583");
  EXPECT_DOUBLE_EQ(orange->per_min, 0.049);
  EXPECT_EQ(orange->currency, "EUR");
  EXPECT_EQ(orange->destination, "United Kingdom Orange Mobile");
  const Rate* other = table->lookup("+447520000000");  // no 447520 line: 4475 prices it
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->prefix, "4475");
  EXPECT_DOUBLE_EQ(other->per_min, 0.680);
  // Seven-digit prefixes flip the price back and forth inside 447532.
  EXPECT_DOUBLE_EQ(table->lookup("+447532412345")->per_min, 0.049);
  EXPECT_DOUBLE_EQ(table->lookup("+447532512345")->per_min, 0.680);
  EXPECT_EQ(table->lookup("+34912345678"), nullptr) << "no price for Spain in this sample";
}

TEST(RateTable, BadLinesAreErrorsWithTheLineNumber) {
  auto bad_rate = RateTable::parse_csv("prefix,rate_per_min,currency\n34,0.01,EUR\n44,abc,EUR\n");
  ASSERT_FALSE(bad_rate);
  EXPECT_EQ(bad_rate.error().line, 3u);
  auto bad_prefix = RateTable::parse_csv("prefix,rate_per_min\n+3x4,0.01\n");
  ASSERT_FALSE(bad_prefix);
  EXPECT_EQ(bad_prefix.error().line, 2u);
  auto negative = RateTable::parse_csv("prefix,rate_per_min\n34,-1\n");
  ASSERT_FALSE(negative);
  auto no_header = RateTable::parse_csv("34,0.01\n");
  ASSERT_FALSE(no_header);
  EXPECT_NE(no_header.error().reason.find("header"), std::string::npos);
  auto short_line = RateTable::parse_csv("prefix,rate_per_min,currency\n34,0.01\n");
  ASSERT_FALSE(short_line);
}

TEST(RateTable, ColumnsInAnyOrderAndShorterPrefixes) {
  auto t = RateTable::parse_csv("currency,rate_per_min,prefix\r\nEUR,0.10,34\r\nEUR,0.02,349\r\n");
  ASSERT_TRUE(t) << t.error().to_string();
  EXPECT_DOUBLE_EQ(t->lookup("+34912345678")->per_min, 0.02);
  EXPECT_DOUBLE_EQ(t->lookup("+34612345678")->per_min, 0.10);
  EXPECT_EQ(t->lookup("+33123456789"), nullptr);
}

}  // namespace
}  // namespace cti::policy
