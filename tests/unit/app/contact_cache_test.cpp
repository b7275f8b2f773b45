// Remembered lookups: contacts and "no contact" for their own TTLs.
#include "connector/app/contact_cache.h"

#include <gtest/gtest.h>

namespace cti::app {
namespace {

using namespace std::chrono_literals;

TEST(ContactCache, FoundAndMissingExpireAfterTheirOwnTtl) {
  ContactCache cache(300s, 60s);
  const auto t0 = ContactCache::Clock::time_point{} + 1000s;
  adapters::Contact ana;
  ana.id = "501";
  cache.put("+34912345678", ana, t0);
  cache.put("+34600000000", std::nullopt, t0);
  ASSERT_TRUE(cache.get("+34912345678", t0 + 299s));
  EXPECT_EQ((*cache.get("+34912345678", t0 + 299s))->id, "501");
  const auto missing = cache.get("+34600000000", t0 + 59s);
  ASSERT_TRUE(missing);                // cached...
  EXPECT_FALSE(missing->has_value());  // ...as "no contact"
  EXPECT_FALSE(cache.get("+34600000000", t0 + 60s));
  EXPECT_FALSE(cache.get("+34912345678", t0 + 300s));
  EXPECT_FALSE(cache.get("+34999999999", t0));
}

TEST(ContactCache, ZeroTtlSwitchesCachingOffAndTheSizeIsBounded) {
  ContactCache off(0s, 0s);
  off.put("+34912345678", adapters::Contact{}, {});
  EXPECT_EQ(off.size(), 0u);
  ContactCache small(300s, 60s, 3);
  const auto t0 = ContactCache::Clock::time_point{} + 1000s;
  for (int i = 0; i < 10; ++i) small.put("+3491234567" + std::to_string(i), std::nullopt, t0);
  EXPECT_LE(small.size(), 3u);
  EXPECT_TRUE(small.get("+34912345679", t0));  // the newest is always kept
}

}  // namespace
}  // namespace cti::app
