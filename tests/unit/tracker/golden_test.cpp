// Golden tests: every direct-call capture replayed through parser, mapper and
// tracker must give the records and events written in tests/golden/ by
// reading the capture (see tests/golden/README.md).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "connector/json/call_json.h"
#include "connector/pbx/ami/replay.h"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

cti::core::TrackerConfig test_config() {
  cti::core::TrackerConfig c;
  c.pbx = "main";
  c.agents = {{"1001", "ana"}, {"1002", "ben"}, {"1003", "eva"}};
  c.default_region = "ES";
  return c;
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, RecordsAndEventsMatchTheCapture) {
  const std::string golden_path = std::string(CTI_GOLDEN) + "/" + GetParam();
  const auto golden = nlohmann::json::parse(read_file(golden_path));
  const std::string capture =
      std::string(CTI_FIXTURES) + "/ami/" + golden["capture"].get<std::string>();
  const std::string bytes = read_file(capture);
  ASSERT_FALSE(bytes.empty()) << capture;
  const auto timeline = cti::pbx::ami::load_timeline_for(capture);
  const auto result = cti::pbx::ami::replay_bytes(bytes, test_config(), timeline, {});

  EXPECT_TRUE(result.live.empty()) << "calls left active at the end of " << capture;
  ASSERT_EQ(result.records.size(), golden["records"].size());
  for (std::size_t i = 0; i < result.records.size(); ++i) {
    const auto got = cti::json::to_json(result.records[i]);
    const auto& want = golden["records"][i];
    for (const auto& [field, value] : want.items()) {
      ASSERT_TRUE(got.contains(field)) << field;
      if (value.is_number_float())
        EXPECT_NEAR(got[field].get<double>(), value.get<double>(), 0.0005)
            << GetParam() << " field " << field;
      else
        EXPECT_EQ(got[field], value)
            << GetParam() << " field " << field
            << " why: " << golden["why"].value(field, nlohmann::json()).dump();
    }
  }
  if (golden.value("all_events", false)) {
    // Every event, in emission order, with the fields the golden file names.
    ASSERT_EQ(result.events.size(), golden["events"].size()) << GetParam();
    for (std::size_t i = 0; i < result.events.size(); ++i) {
      const auto got = cti::json::to_json(result.events[i]);
      const auto& want = golden["events"][i];
      const std::string where = GetParam() + " events[" + std::to_string(i) + "]";
      const auto why = golden["why"].value("events[" + std::to_string(i) + "]", nlohmann::json());
      EXPECT_EQ(got["call"]["call_id"], want["call_id"]) << where << " why: " << why.dump();
      EXPECT_EQ(got["type"], want["type"]) << where << " why: " << why.dump();
      EXPECT_EQ(got["occurred_at"], want["occurred_at"]) << where << " why: " << why.dump();
      for (const char* field : {"agent", "reason", "position"}) {
        if (want.contains(field)) {
          EXPECT_EQ(got.value(field, nlohmann::json()), want[field])
              << where << " " << field << " why: " << why.dump();
        }
      }
      if (want.contains("transfer")) {
        for (const auto& [k, v] : want["transfer"].items()) {
          EXPECT_EQ(got["transfer"].value(k, nlohmann::json()), v) << where << " transfer." << k;
        }
      }
    }
    return;
  }
  // Events: ringing / answered / ended in order (other kinds are checked by invariants).
  std::vector<std::pair<std::string, std::string>> got_events;
  for (const auto& e : result.events) {
    const std::string type(cti::core::to_string(e.kind));
    if (type == "call.ringing" || type == "call.answered")
      got_events.emplace_back(type, e.agent);
    else if (type == "call.ended")
      got_events.emplace_back(type, "");
  }
  std::vector<std::pair<std::string, std::string>> want_events;
  for (const auto& e : golden["events"])
    want_events.emplace_back(e["type"].get<std::string>(),
                             e["type"] == "call.ended" ? "" : e.value("agent", ""));
  EXPECT_EQ(got_events, want_events);
}

TEST_P(Golden, InvariantsHold) {
  const auto golden = nlohmann::json::parse(read_file(std::string(CTI_GOLDEN) + "/" + GetParam()));
  const std::string capture =
      std::string(CTI_FIXTURES) + "/ami/" + golden["capture"].get<std::string>();
  const auto result = cti::pbx::ami::replay_bytes(read_file(capture), test_config(),
                                                  cti::pbx::ami::load_timeline_for(capture), {});
  std::map<std::string, std::uint64_t> last_seq;
  std::map<std::string, std::map<std::string, bool>> ringing;  // call -> agent -> open
  std::map<std::string, int> ended;
  for (const auto& e : result.events) {
    EXPECT_GT(e.seq, last_seq[e.call_id]) << "seq must increase per call";
    last_seq[e.call_id] = e.seq;
    if (e.kind == cti::core::CallEventKind::Ringing) ringing[e.call_id][e.agent] = true;
    if (e.kind == cti::core::CallEventKind::Answered ||
        e.kind == cti::core::CallEventKind::RingingStopped)
      ringing[e.call_id][e.agent] = false;
    if (e.kind == cti::core::CallEventKind::Ended) {
      ++ended[e.call_id];
      for (const auto& [agent, open] : ringing[e.call_id])
        EXPECT_FALSE(open) << "agent " << agent << " still ringing when the call ended";
    }
  }
  for (const auto& r : result.records) {
    EXPECT_EQ(ended[r.call_id], 1) << "exactly one call.ended per call";
    ASSERT_TRUE(r.ended_at.has_value());
    EXPECT_GE(*r.ended_at, r.started_at);
    if (r.answered_at) {
      EXPECT_GE(*r.answered_at, r.started_at);
      EXPECT_GE(*r.ended_at, *r.answered_at);
    }
    EXPECT_GE(r.ring_s, 0);
    EXPECT_GE(r.talk_s, 0);
  }
  EXPECT_EQ(result.parser.malformed, 0u);
  EXPECT_EQ(result.tracker.unknown_channel_events, 0u);
}

std::vector<std::string> golden_files() {
  return {"a_inbound_answered.json",
          "b_inbound_missed_noanswer.json",
          "c_inbound_busy.json",
          "d_queue_answered.json",
          "e_queue_abandon.json",
          "f_blind_transfer.json",
          "g_attended_transfer.json",
          "h_click_to_call.json",
          "i_outbound_congestion.json",
          "i2_outbound_unallocated.json",
          "i3_inbound_unallocated_did.json",
          "j_outbound_agent_direct.json",
          "k_internal.json",
          "timestamped_a_inbound_answered.json",
          "timestamped_d_queue_answered.json",
          "timestamped_f_blind_transfer.json",
          "timestamped_g_attended_transfer.json",
          "timestamped_h_click_to_call.json"};
}

INSTANTIATE_TEST_SUITE_P(Captures, Golden, ::testing::ValuesIn(golden_files()),
                         [](const auto& info) {
                           std::string n = info.param.substr(0, info.param.size() - 5);
                           for (auto& ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

}  // namespace
