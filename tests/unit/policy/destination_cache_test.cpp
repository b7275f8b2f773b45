#include "connector/policy/destination_cache.h"

#include <gtest/gtest.h>

namespace cti::policy {
namespace {

TEST(DestinationCache, AnswersLikeTheLibraryAndParsesEachNumberOnce) {
  DestinationCache cache("ES", 2);
  const auto first = cache.classify("600 111 222");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->e164, "+34600111222");
  EXPECT_EQ(first->type, NumberType::Mobile);
  const auto again = cache.classify("600 111 222");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->e164, first->e164);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
  // Errors are cached too, with their code.
  EXPECT_EQ(cache.classify("+34 12").error().code, "number_invalid");
  EXPECT_EQ(cache.classify("+34 12").error().code, "number_invalid");
  EXPECT_EQ(cache.hits(), 2u);
}

TEST(DestinationCache, EvictsTheLeastRecentlyUsed) {
  DestinationCache cache("ES", 2);
  (void)cache.classify("600111222");
  (void)cache.classify("+442079460000");
  (void)cache.classify("600111222");  // now most recent
  (void)cache.classify("912345678");  // evicts the UK number
  const auto misses = cache.misses();
  (void)cache.classify("600111222");
  EXPECT_EQ(cache.misses(), misses);
  (void)cache.classify("+442079460000");
  EXPECT_EQ(cache.misses(), misses + 1);
}

}  // namespace
}  // namespace cti::policy
