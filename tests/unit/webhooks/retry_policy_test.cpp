#include "webhooks/retry_policy.h"

#include <gtest/gtest.h>

namespace cti::webhooks {
namespace {

using namespace std::chrono_literals;

TEST(RetryPolicy, Classify) {
  for (int s : {200, 201, 202, 204, 299}) EXPECT_EQ(classify(s), Outcome::Delivered) << s;
  for (int s : {0, 408, 429, 500, 502, 503, 504, 599}) EXPECT_EQ(classify(s), Outcome::Retry) << s;
  for (int s : {301, 400, 401, 403, 404, 409, 410, 413, 422})
    EXPECT_EQ(classify(s), Outcome::Dead) << s;
}

TEST(RetryPolicy, BackoffDoublesUpToTheCap) {
  EXPECT_EQ(backoff_ceiling(1, 1000ms, 300000ms), 1000ms);
  EXPECT_EQ(backoff_ceiling(2, 1000ms, 300000ms), 2000ms);
  EXPECT_EQ(backoff_ceiling(5, 1000ms, 300000ms), 16000ms);
  EXPECT_EQ(backoff_ceiling(9, 1000ms, 300000ms), 256000ms);
  EXPECT_EQ(backoff_ceiling(10, 1000ms, 300000ms), 300000ms);
  EXPECT_EQ(backoff_ceiling(1000, 1000ms, 300000ms), 300000ms);  // no overflow
}

TEST(RetryPolicy, FullJitterStaysWithinCeilingAndVaries) {
  std::mt19937_64 rng(42);
  std::set<std::int64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto d = full_jitter(1000ms, rng);
    ASSERT_GE(d, 0ms);
    ASSERT_LE(d, 1000ms);
    seen.insert(d.count());
  }
  EXPECT_GT(seen.size(), 100u);
  EXPECT_EQ(full_jitter(0ms, rng), 0ms);
}

TEST(RetryPolicy, RetryAfterSeconds) {
  const auto now = core::from_unix_micros(0);
  EXPECT_EQ(parse_retry_after("120", now), 120s);
  EXPECT_EQ(parse_retry_after(" 0 ", now), 0s);
  EXPECT_FALSE(parse_retry_after("-5", now));
  EXPECT_FALSE(parse_retry_after("soon", now));
  EXPECT_FALSE(parse_retry_after("", now));
  EXPECT_FALSE(parse_retry_after("12abc", now));
}

TEST(RetryPolicy, RetryAfterHttpDate) {
  // 1994-11-06T08:49:37Z is Unix 784111777 (RFC 9110's example date).
  const auto now = core::from_unix_micros(784'111'777LL * 1'000'000 - 90'000'000);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), 90s);
  const auto later = core::from_unix_micros(784'111'777LL * 1'000'000 + 5'000'000);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", later), 0s);  // past: now
  EXPECT_FALSE(parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", now));
  EXPECT_FALSE(parse_retry_after("Sun, 31 Feb 1994 08:49:37 GMT", now));
  EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:37 PST", now));
}

}  // namespace
}  // namespace cti::webhooks
