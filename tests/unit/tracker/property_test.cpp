// Property tests: randomized interleavings of every call pattern the tracker
// knows (tests/support/call_scenarios.h) must give exactly the records each
// scripted call expects, and the invariants must hold after every event:
// one final record per call, every ringing closed by an answer or a
// ringing_stopped for that agent, seq strictly increasing per call,
// started <= answered <= ended, no channel in two live calls.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "connector/core/call_tracker.h"
#include "support/call_scenarios.h"

namespace {

using namespace cti;

std::string describe(const scenarios::ExpectedRecord& r) {
  std::string t;
  for (const auto& x : r.transfers) t += x + " ";
  std::string a;
  for (const auto& x : r.agents) a += x + " ";
  return r.call_id + " " + std::string(core::to_string(r.direction)) + " " +
         std::string(core::to_string(r.disposition)) + " agent=" + r.agent + " agents=[" + a +
         "] queue=" + r.queue + " transfers=[" + t + "] parent=" + r.parent_call_id;
}

class TrackerProperties : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(TrackerProperties, RandomInterleavingsGiveExactRecordsAndKeepInvariants) {
  scenarios::ScenarioGenerator gen(GetParam(), 12);
  scenarios::InterleavedStream stream(gen, 40, 2500);
  core::TrackerConfig config;
  for (const auto& ext : gen.agent_extensions()) config.agents[ext] = "agent" + ext;
  core::CallTracker tracker(config);
  core::TrackerOutput out;

  std::map<std::string, std::uint64_t> last_seq;
  std::map<std::string, std::set<std::string>> ringing;  // call -> agents ringing now
  std::map<std::string, core::CallRecord> records;
  std::vector<scenarios::ExpectedRecord> expected;
  std::size_t events = 0;
  while (const core::PbxEvent* e = stream.next()) {
    tracker.on_event(*e, out);
    ++events;
    const std::string state = tracker.check_consistency();
    ASSERT_EQ(state, "") << "after event " << events << " (" << core::to_string(e->kind) << ")";
    for (const auto& ce : out.events) {
      ASSERT_GT(ce.seq, last_seq[ce.call_id]) << ce.call_id << " seq must increase";
      last_seq[ce.call_id] = ce.seq;
      auto& open = ringing[ce.call_id];
      switch (ce.kind) {
        case core::CallEventKind::Ringing:
          EXPECT_TRUE(open.insert(ce.agent).second)
              << ce.call_id << " rang " << ce.agent << " twice";
          break;
        case core::CallEventKind::Answered:
        case core::CallEventKind::RingingStopped:
          open.erase(ce.agent);
          break;
        case core::CallEventKind::Ended:
          EXPECT_TRUE(open.empty()) << ce.call_id << " ended with " << *open.begin() << " ringing";
          ringing.erase(ce.call_id);
          break;
        default:
          break;
      }
    }
    for (const auto& r : out.records) {
      ASSERT_TRUE(records.emplace(r.call_id, r).second) << "two final records for " << r.call_id;
      ASSERT_TRUE(r.ended_at);
      EXPECT_LE(r.started_at, *r.ended_at) << r.call_id;
      if (r.answered_at) {
        EXPECT_LE(r.started_at, *r.answered_at) << r.call_id;
        EXPECT_LE(*r.answered_at, *r.ended_at) << r.call_id;
      }
      EXPECT_GE(r.ring_s, 0);
      EXPECT_GE(r.talk_s, 0);
      EXPECT_GE(r.wait_s, 0);
    }
    out.clear();
    for (auto& done : stream.take_finished())
      for (auto& x : done.expected) expected.push_back(std::move(x));
  }
  for (auto& done : stream.take_finished())
    for (auto& x : done.expected) expected.push_back(std::move(x));
  EXPECT_EQ(tracker.active_calls(), 0u);
  EXPECT_EQ(tracker.active_channels(), 0u);
  EXPECT_EQ(tracker.stats().unknown_channel_events, 0u);

  ASSERT_EQ(records.size(), expected.size());
  for (const auto& want : expected) {
    auto it = records.find(want.call_id);
    ASSERT_NE(it, records.end()) << "no record for " << describe(want);
    const core::CallRecord& got = it->second;
    ASSERT_TRUE(got.disposition.has_value()) << got.call_id;
    EXPECT_TRUE(scenarios::observed(got) == want)
        << "want " << describe(want) << "\n got " << describe(scenarios::observed(got));
    if (!want.queue.empty()) {
      EXPECT_GT(got.wait_s, 0) << got.call_id;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, TrackerProperties, ::testing::Values(1, 2, 3, 4, 5, 6, 7, 8));

}  // namespace
