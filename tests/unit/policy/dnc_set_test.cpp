// DncSet: exact membership for numbers and Robinson hashes, at sizes from
// empty to 300,000 entries.
#include "connector/policy/dnc_set.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace cti::policy {
namespace {

TEST(DncSet, NumberKeysAreExact) {
  EXPECT_FALSE(dnc_key_for_e164("912345678"));
  EXPECT_FALSE(dnc_key_for_e164("+"));
  EXPECT_FALSE(dnc_key_for_e164("+3491234567a"));
  EXPECT_FALSE(dnc_key_for_e164("+1234567890123456"));  // 16 digits
  DncSet set({*dnc_key_for_e164("+34912345678"), *dnc_key_for_e164("+447583123456")});
  EXPECT_TRUE(set.contains(*dnc_key_for_e164("+34912345678")));
  EXPECT_TRUE(set.contains(*dnc_key_for_e164("+447583123456")));
  EXPECT_FALSE(set.contains(*dnc_key_for_e164("+34912345679")));
  EXPECT_FALSE(set.contains(*dnc_key_for_e164("+3491234567")));
  EXPECT_NE(*dnc_key_for_e164("+3491"), *dnc_key_for_e164("+34091"));
}

TEST(DncSet, EmptyAndDuplicates) {
  DncSet empty;
  EXPECT_FALSE(empty.contains(42));
  DncSet dup({7, 7, 7, 3});
  EXPECT_EQ(dup.size(), 2u);
  EXPECT_TRUE(dup.contains(7));
  EXPECT_TRUE(dup.contains(3));
  EXPECT_FALSE(dup.contains(5));
}

TEST(DncSet, ManyNumbersAllFoundOthersNot) {
  std::mt19937_64 rng(11);
  std::vector<std::uint64_t> keys;
  std::set<std::string> numbers;
  while (numbers.size() < 300000)
    numbers.insert("+346" + std::to_string(10000000 + rng() % 89999999));
  for (const auto& n : numbers) keys.push_back(*dnc_key_for_e164(n));
  DncSet set(std::move(keys));
  EXPECT_EQ(set.size(), numbers.size());
  EXPECT_LT(set.memory_bytes(), 20 * set.size()) << "the budget is 20 bytes per entry";
  std::size_t found = 0;
  for (const auto& n : numbers) found += set.contains(*dnc_key_for_e164(n));
  EXPECT_EQ(found, numbers.size());
  std::size_t false_hits = 0, probes = 0;
  for (int i = 0; i < 200000; ++i) {
    const std::string n = "+347" + std::to_string(10000000 + rng() % 89999999);
    ++probes;
    false_hits += set.contains(*dnc_key_for_e164(n));
  }
  EXPECT_EQ(false_hits, 0u) << probes << " probes";
}

TEST(DncSet, RobinsonHashKeys) {
  DncSet set({dnc_key_for_hash(robinson_hash("345678890")),
              dnc_key_for_hash(robinson_hash("+34 600 11 12 22"))});
  EXPECT_TRUE(set.contains(dnc_key_for_hash(robinson_hash("0034345678890"))));
  EXPECT_TRUE(set.contains(dnc_key_for_hash(robinson_hash("600111222"))));
  EXPECT_FALSE(set.contains(dnc_key_for_hash(robinson_hash("600111223"))));
}

}  // namespace
}  // namespace cti::policy
