// CallTracker behaviour on hand-built event streams: device (PJSIP) channels,
// duplicate and unknown events, the click-to-call link variable and restarts.
#include "connector/core/call_tracker.h"

#include <gtest/gtest.h>

#include <map>

#include "support/pbx_events.h"

using namespace cti::core;

namespace {

using cti::test_support::at_s;
using cti::test_support::chan;
using cti::test_support::ev;

TrackerConfig config() {
  TrackerConfig c;
  c.agents = {{"1001", "ana"}, {"1002", "ben"}};
  return c;
}

struct Feed {
  CallTracker tracker{config()};
  TrackerOutput out;
  void feed(const PbxEvent& e) { tracker.on_event(e, out); }
  std::vector<std::string> types() const {
    std::vector<std::string> t;
    for (const auto& e : out.events)
      t.emplace_back(std::string(to_string(e.kind)) + (e.agent.empty() ? "" : ":" + e.agent));
    return t;
  }
};

// An inbound PJSIP call answered by 1001: trunk channel, then the agent's.
void inbound_answered(Feed& r, double t0 = 0) {
  auto trunk = chan("PJSIP/trunk-00000001", "10.1", "10.1", "+34911111111", "912000100", 4);
  auto agent = chan("PJSIP/1001-00000002", "10.2", "10.1", "", "1001", 0);
  r.feed(ev(PbxEventKind::ChannelCreated, t0, trunk));
  r.feed(ev(PbxEventKind::ChannelCreated, t0 + 0.1, agent));
  r.feed(ev(PbxEventKind::DialBegin, t0 + 0.1, trunk, agent));
  agent.state = 5;
  r.feed(ev(PbxEventKind::ChannelState, t0 + 0.2, agent));
  agent.state = 6;
  r.feed(ev(PbxEventKind::ChannelState, t0 + 3, agent));
  auto end = ev(PbxEventKind::Hangup, t0 + 10, agent);
  end.cause = 16;
  r.feed(end);
  auto end2 = ev(PbxEventKind::Hangup, t0 + 10.1, trunk);
  end2.cause = 16;
  r.feed(end2);
}

}  // namespace

TEST(CallTracker, DeviceChannelsAreRecognisedByExtension) {
  Feed r;
  inbound_answered(r);
  ASSERT_EQ(r.out.records.size(), 1u);
  const auto& rec = r.out.records[0];
  EXPECT_EQ(rec.call_id, "main-10.1");
  EXPECT_EQ(rec.direction, Direction::Inbound);
  EXPECT_EQ(rec.from, "+34911111111");
  EXPECT_EQ(rec.did, "+34912000100");
  EXPECT_EQ(rec.agent, "1001");
  EXPECT_EQ(rec.agents, std::vector<std::string>{"1001"});
  EXPECT_DOUBLE_EQ(rec.ring_s, 3.0);
  EXPECT_DOUBLE_EQ(rec.talk_s, 7.1);
  EXPECT_EQ(rec.disposition, Disposition::Answered);
  EXPECT_EQ(r.types(), (std::vector<std::string>{"call.ringing:1001", "call.answered:1001",
                                                 "call.ended:1001"}));
  EXPECT_EQ(r.tracker.active_calls(), 0u);
  EXPECT_EQ(r.tracker.active_channels(), 0u);
}

TEST(CallTracker, DuplicateAndUnknownEventsCreateNothing) {
  Feed r;
  inbound_answered(r);
  const auto events_before = r.out.events.size();
  // A second Hangup for a channel already gone, and noise for a stranger.
  r.feed(ev(PbxEventKind::Hangup, 11, chan("PJSIP/trunk-00000001", "10.1", "10.1")));
  r.feed(ev(PbxEventKind::ChannelState, 11, chan("PJSIP/9999-00000009", "99.1", "99.1")));
  EXPECT_EQ(r.out.events.size(), events_before);
  EXPECT_EQ(r.out.records.size(), 1u);
  // The repeated Hangup is late (the channel just hung up); the stranger is unknown.
  EXPECT_EQ(r.tracker.stats().events_after_hangup, 1u);
  EXPECT_EQ(r.tracker.stats().unknown_channel_events, 1u);
  EXPECT_EQ(r.tracker.active_calls(), 0u);
}

TEST(CallTracker, LinkVariableNamesTheCallBeforeAnyEvent) {
  Feed r;
  auto agent = chan("PJSIP/1001-00000001", "20.1", "20.1", "+34910000001", "1001", 0);
  r.feed(ev(PbxEventKind::ChannelCreated, 0, agent));
  auto var = ev(PbxEventKind::VarSet, 0.01, agent);
  var.variable = "CTI_CALL_ID";
  var.text = "c2c-42";
  r.feed(var);
  auto h = ev(PbxEventKind::Hangup, 1, agent);
  h.cause = 16;
  r.feed(h);
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].call_id, "c2c-42");
}

TEST(CallTracker, LinkVariableAfterEventsDoesNotRenameTheCall) {
  Feed r;
  auto trunk = chan("PJSIP/trunk-00000001", "30.1", "30.1", "+34911111111", "912000100");
  auto agent = chan("PJSIP/1001-00000002", "30.2", "30.1", "", "1001", 0);
  r.feed(ev(PbxEventKind::ChannelCreated, 0, trunk));
  r.feed(ev(PbxEventKind::ChannelCreated, 0, agent));
  r.feed(ev(PbxEventKind::DialBegin, 0, trunk, agent));  // call.ringing went out
  auto var = ev(PbxEventKind::VarSet, 1, trunk);
  var.variable = "CTI_CALL_ID";
  var.text = "late";
  r.feed(var);
  r.feed(ev(PbxEventKind::Hangup, 2, agent));
  r.feed(ev(PbxEventKind::Hangup, 2, trunk));
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].call_id, "main-30.1");
  EXPECT_EQ(r.tracker.stats().late_call_id_links, 1u);
  for (const auto& e : r.out.events) EXPECT_EQ(e.call_id, "main-30.1");
}

TEST(CallTracker, ResyncAdoptsLiveCallsAndClosesVanishedOnesAsIncomplete) {
  Feed r;
  // Call A is live before the disconnect and still live after it.
  auto a_trunk = chan("PJSIP/trunk-00000001", "40.1", "40.1", "+34911111111", "912000100");
  r.feed(ev(PbxEventKind::ChannelCreated, 0, a_trunk));
  // Call B is live before the disconnect and gone after it.
  auto b_trunk = chan("PJSIP/trunk-00000002", "41.1", "41.1", "+34922222222", "912000100");
  r.feed(ev(PbxEventKind::ChannelCreated, 0, b_trunk));
  ASSERT_EQ(r.tracker.active_calls(), 2u);

  r.tracker.begin_resync();
  // After reconnect the PBX lists A and a call C that started while we were away.
  r.feed(ev(PbxEventKind::ResyncChannel, 30, a_trunk));
  auto c_trunk = chan("PJSIP/trunk-00000003", "42.1", "42.1", "+34933333333", "912000100", 6);
  auto c_agent = chan("PJSIP/1002-00000004", "42.2", "42.1", "+34933333333", "1002", 6);
  auto c_ev = ev(PbxEventKind::ResyncChannel, 30, c_trunk);
  c_ev.hold_s = 12;
  r.feed(c_ev);
  auto c_agent_ev = ev(PbxEventKind::ResyncChannel, 30, c_agent);
  c_agent_ev.hold_s = 10;
  r.feed(c_agent_ev);
  r.feed(ev(PbxEventKind::ResyncComplete, 30));

  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].call_id, "main-41.1");
  EXPECT_TRUE(r.out.records[0].incomplete);
  EXPECT_EQ(r.tracker.stats().calls_closed_by_resync, 1u);
  EXPECT_EQ(r.tracker.active_calls(), 2u);

  // C ends normally and its record knows who talked and roughly when it began.
  r.feed(ev(PbxEventKind::Hangup, 40, c_agent));
  r.feed(ev(PbxEventKind::Hangup, 40, c_trunk));
  ASSERT_EQ(r.out.records.size(), 2u);
  const auto& c = r.out.records[1];
  EXPECT_EQ(c.call_id, "main-42.1");
  EXPECT_EQ(c.agent, "1002");
  EXPECT_EQ(c.disposition, Disposition::Answered);
  EXPECT_EQ(c.started_at, at_s(18));
  EXPECT_FALSE(c.incomplete);
}

TEST(CallTracker, ResyncCompleteWithoutBeginClosesNothing) {
  Feed r;
  r.feed(ev(PbxEventKind::ChannelCreated, 0, chan("PJSIP/trunk-00000001", "50.1", "50.1")));
  r.feed(ev(PbxEventKind::ResyncComplete, 1));
  EXPECT_EQ(r.tracker.active_calls(), 1u);
  EXPECT_TRUE(r.out.records.empty());
}

TEST(CallTracker, BusyAgentGivesBusyDisposition) {
  Feed r;
  auto trunk = chan("PJSIP/trunk-00000001", "60.1", "60.1", "+34911111111", "912000100");
  auto agent = chan("PJSIP/1001-00000002", "60.2", "60.1", "", "1001", 0);
  r.feed(ev(PbxEventKind::ChannelCreated, 0, trunk));
  r.feed(ev(PbxEventKind::ChannelCreated, 0, agent));
  r.feed(ev(PbxEventKind::DialBegin, 0, trunk, agent));
  auto end = ev(PbxEventKind::DialEnd, 0.5, trunk, agent);
  end.text = "BUSY";
  r.feed(end);
  auto h = ev(PbxEventKind::Hangup, 0.6, agent);
  h.cause = 17;
  r.feed(h);
  auto h2 = ev(PbxEventKind::Hangup, 0.7, trunk);
  h2.cause = 17;
  r.feed(h2);
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].disposition, Disposition::Busy);
  EXPECT_EQ(r.out.records[0].hangup_cause, 17);
  EXPECT_EQ(r.types(), (std::vector<std::string>{"call.ringing:1001", "call.ringing_stopped:1001",
                                                 "call.ended"}));
}

TEST(CallTracker, ARepeatedLinkedidStartsANewCallWithADistinctId) {
  // Found by call_tracker_fuzz: the same capture twice in one stream.
  Feed r;
  inbound_answered(r);
  inbound_answered(r, 100);
  ASSERT_EQ(r.out.records.size(), 2u);
  EXPECT_EQ(r.out.records[0].call_id, "main-10.1");
  EXPECT_EQ(r.out.records[1].call_id, "main-10.1#2");
  EXPECT_EQ(r.tracker.stats().repeated_call_ids, 1u);
  std::map<std::string, std::uint64_t> last;
  for (const auto& e : r.out.events) {
    EXPECT_GT(e.seq, last[e.call_id]) << e.call_id;
    last[e.call_id] = e.seq;
  }
}

TEST(CallTracker, PbxClockSteppingBackKeepsTheRecordOrdered) {
  // Found by call_tracker_fuzz: Timestamp headers may step back.
  Feed r;
  auto trunk = chan("PJSIP/trunk-00000001", "70.1", "70.1", "+34911111111", "912000100");
  auto agent = chan("PJSIP/1001-00000002", "70.2", "70.1", "", "1001", 0);
  r.feed(ev(PbxEventKind::ChannelCreated, 10, trunk));
  r.feed(ev(PbxEventKind::ChannelCreated, 10, agent));
  agent.state = 6;
  r.feed(ev(PbxEventKind::ChannelState, 9.5, agent));  // "answered" before the call began
  r.feed(ev(PbxEventKind::Hangup, 12, agent));
  r.feed(ev(PbxEventKind::Hangup, 12, trunk));
  ASSERT_EQ(r.out.records.size(), 1u);
  const auto& rec = r.out.records[0];
  ASSERT_TRUE(rec.answered_at && rec.ended_at);
  EXPECT_EQ(*rec.answered_at, rec.started_at);
  EXPECT_LE(*rec.answered_at, *rec.ended_at);
  EXPECT_DOUBLE_EQ(rec.ring_s, 0.0);
  EXPECT_DOUBLE_EQ(rec.talk_s, 2.0);
}
