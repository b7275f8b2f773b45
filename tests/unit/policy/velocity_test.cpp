// VelocityCounter: per-minute and per-hour windows slide with the clock.
#include "connector/policy/velocity.h"

#include <gtest/gtest.h>

namespace cti::policy {
namespace {

core::Timestamp at_s(double s) { return core::from_unix_micros(std::int64_t(1.8e15 + s * 1e6)); }

TEST(Velocity, WindowsSlide) {
  VelocityCounter v;
  for (int i = 0; i < 5; ++i) v.record("ana", "+3491000000" + std::to_string(i), at_s(i));
  v.record("ben", "+34910000009", at_s(10));
  PolicyState s;
  v.snapshot("ana", "+34910000001", at_s(30), s);
  EXPECT_EQ(s.agent_calls_last_minute, 5);
  EXPECT_EQ(s.agent_distinct_last_hour, 5);
  EXPECT_TRUE(s.destination_seen_last_hour);
  EXPECT_EQ(s.tenant_calls_last_minute, 6);
  v.snapshot("ana", "+34919999999", at_s(62), s);  // calls at 0..2 s fell out of the minute
  EXPECT_EQ(s.agent_calls_last_minute, 2);
  EXPECT_EQ(s.agent_distinct_last_hour, 5);
  EXPECT_FALSE(s.destination_seen_last_hour);
  EXPECT_EQ(s.tenant_calls_last_minute, 3);
  v.snapshot("ana", "+34910000001", at_s(3605), s);  // an hour later: nothing left
  EXPECT_EQ(s.agent_distinct_last_hour, 0);
  EXPECT_EQ(v.agents(), 1u) << "ben's entries are dropped when ben is next seen";
  v.snapshot("nobody", "+34910000001", at_s(3605), s);
  EXPECT_EQ(s.agent_calls_last_minute, 0);
}

}  // namespace
}  // namespace cti::policy
