// Every recorded capture, served over a real TCP socket in random-sized
// chunks by ami-replay-server, must give the connector the same call records
// as replaying the capture file: the socket and its split points change
// nothing but arrival times.
#include "connector/json/call_json.h"
#include "e2e_support.h"

namespace cti::e2e {
namespace {

// All captures (timestamped/h repeats h's CTI_CALL_ID, so one tracker would
// rightly name it "c2c-h-0001#2": it is left out here).
const std::vector<std::string> kAll = {"a_inbound_answered",
                                       "b_inbound_missed_noanswer",
                                       "c_inbound_busy",
                                       "d_queue_answered",
                                       "e_queue_abandon",
                                       "f_blind_transfer",
                                       "g_attended_transfer",
                                       "h_click_to_call",
                                       "i_outbound_congestion",
                                       "i2_outbound_unallocated",
                                       "i3_inbound_unallocated_did",
                                       "j_outbound_agent_direct",
                                       "k_internal",
                                       "timestamped/a_inbound_answered",
                                       "timestamped/d_queue_answered",
                                       "timestamped/f_blind_transfer",
                                       "timestamped/g_attended_transfer"};

// Fields that depend on when bytes arrive, unless the PBX stamped its events.
const std::set<std::string> kArrivalTimed = {"started_at", "answered_at", "ended_at",
                                             "ring_s",     "talk_s",      "wait_s"};

class CaptureSplit : public E2e, public ::testing::WithParamInterface<unsigned> {};

TEST_P(CaptureSplit, SocketReplayGivesTheFileReplayRecords) {
  start_receiver();
  start_ami(kAll, {"--speed", "0", "--split-seed", std::to_string(GetParam())});
  write_config(receiver_port_);
  start_connector();

  const core::TrackerConfig tc = tracker_config();
  std::map<std::string, std::pair<json, bool>> want;  // call_id -> record, pbx-timed
  for (const auto& name : kAll) {
    const auto file = capture(name);
    const auto r = pbx::ami::replay_bytes(slurp(file), tc, pbx::ami::load_timeline_for(file), {});
    ASSERT_TRUE(r.live.empty()) << name;
    for (const auto& rec : r.records) {
      const bool stamped = name.starts_with("timestamped/");
      ASSERT_TRUE(want.emplace(rec.call_id, std::pair{::cti::json::to_json(rec), stamped}).second)
          << "call id repeated across captures: " << rec.call_id;
    }
  }
  ASSERT_EQ(want.size(), 19u);

  // Done when the store holds every call, all ended (live calls are stored too).
  ASSERT_TRUE(eventually([&] {
    auto calls = api_get("/v1/calls?limit=100");
    if (!calls || calls->status != 200) return false;
    const auto list = json::parse(calls->body)["calls"];
    if (list.size() != want.size()) return false;
    for (const auto& c : list)
      if (c["ended_at"].is_null()) return false;
    return true;
  })) << slurp(path("connector.err"));

  for (const auto& [call_id, expected] : want) {
    const auto& [record, stamped] = expected;
    auto got = api_get("/v1/calls/" + call_id);
    ASSERT_TRUE(got) << call_id;
    ASSERT_EQ(got->status, 200) << call_id;
    const auto body = json::parse(got->body);
    for (const auto& [field, value] : record.items()) {
      if (!stamped && kArrivalTimed.count(field)) continue;
      if (!stamped && field == "transfers") {
        ASSERT_EQ(body[field].size(), value.size()) << call_id;
        for (std::size_t i = 0; i < value.size(); ++i)
          for (const char* k : {"type", "from_agent", "to", "consult_call_id"})
            EXPECT_EQ(body[field][i][k], value[i][k]) << call_id << " transfers." << k;
        continue;
      }
      EXPECT_EQ(body[field], value) << call_id << " field " << field;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, CaptureSplit, ::testing::Values(7u, 1499u));

}  // namespace
}  // namespace cti::e2e
