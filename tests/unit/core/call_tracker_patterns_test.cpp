// CallTracker on call patterns the recorded captures do not cover, built by
// hand from the AMI events Asterisk documents for them: queue member ring
// timeouts, voicemail, call pickup, transfers done by the phones themselves
// (consultation on its own Linkedid) and consultations that never complete.
#include <gtest/gtest.h>

#include <algorithm>

#include "connector/core/call_tracker.h"
#include "support/pbx_events.h"

using namespace cti::core;

namespace {

using cti::test_support::at_s;
using cti::test_support::chan;
using cti::test_support::ev;

struct Feed {
  CallTracker tracker{[] {
    TrackerConfig c;
    c.agents = {{"1001", "ana"}, {"1002", "ben"}, {"1003", "eva"}};
    return c;
  }()};
  TrackerOutput out;
  void feed(const PbxEvent& e) { tracker.on_event(e, out); }
  void state(double t, ChannelInfo& c, int s) {
    c.state = s;
    feed(ev(PbxEventKind::ChannelState, t, c));
  }
  void hangup(double t, const ChannelInfo& c, int cause = 16) {
    auto e = ev(PbxEventKind::Hangup, t, c);
    e.cause = cause;
    feed(e);
  }
  // "type:agent:reason" for one call, in order.
  std::vector<std::string> events_of(const std::string& call_id) const {
    std::vector<std::string> t;
    for (const auto& e : out.events)
      if (e.call_id == call_id)
        t.push_back(std::string(to_string(e.kind)) + ":" + e.agent + ":" + e.reason);
    return t;
  }
  const CallRecord* record(const std::string& call_id) const {
    for (const auto& r : out.records)
      if (r.call_id == call_id) return &r;
    return nullptr;
  }
};

// Trunk channel of an inbound call from +34911111111 to DID 912000100.
ChannelInfo trunk(std::string uid = "10.1") {
  return chan("PJSIP/trunk-00000001", uid, uid, "+34911111111", "912000100", 4);
}

}  // namespace

TEST(CallPatterns, QueueMemberTimeoutThenVoicemail) {
  Feed r;
  auto caller = trunk();
  r.feed(ev(PbxEventKind::ChannelCreated, 0, caller));
  r.state(0.1, caller, 6);  // Answer() before Queue()
  auto join = ev(PbxEventKind::QueueCallerJoin, 0.2, caller);
  join.queue = "support";
  join.position = 3;
  r.feed(join);
  auto member = chan("PJSIP/1001-00000002", "10.2", "10.1", "", "1001", 0);
  r.feed(ev(PbxEventKind::ChannelCreated, 0.3, member));
  r.feed(ev(PbxEventKind::DialBegin, 0.3, caller, member));
  auto no_answer = ev(PbxEventKind::AgentRingNoAnswer, 15.3, caller, member);
  no_answer.queue = "support";
  r.feed(no_answer);
  r.hangup(15.3, member, 19);
  auto leave = ev(PbxEventKind::QueueCallerLeave, 30.2, caller);
  leave.queue = "support";
  r.feed(leave);
  auto vm = ev(PbxEventKind::ApplicationStarted, 30.3, caller);
  vm.text = "VoiceMail";
  r.feed(vm);
  r.hangup(52.0, caller);

  ASSERT_EQ(r.out.records.size(), 1u);
  const CallRecord& rec = r.out.records[0];
  EXPECT_EQ(rec.queue, "support");
  EXPECT_NEAR(rec.wait_s, 30.0, 1e-9);
  EXPECT_EQ(rec.disposition, Disposition::Voicemail);
  EXPECT_TRUE(rec.agents.empty());
  EXPECT_EQ(r.events_of("main-10.1"),
            (std::vector<std::string>{"call.queued::", "call.ringing:1001:",
                                      "call.ringing_stopped:1001:timeout", "call.ended::"}));
  EXPECT_EQ(r.out.events[0].position, 3);
}

TEST(CallPatterns, VoicemailAnsweringAnAgentLegIsNotAnAnswer) {
  Feed r;
  auto caller = trunk();
  r.feed(ev(PbxEventKind::ChannelCreated, 0, caller));
  auto one = chan("Local/1001@agents-00000001;1", "10.2", "10.1", "", "1001", 0);
  auto two = chan("Local/1001@agents-00000001;2", "10.3", "10.1", "", "1001", 4);
  r.feed(ev(PbxEventKind::ChannelCreated, 0.1, one));
  r.feed(ev(PbxEventKind::ChannelCreated, 0.1, two));
  r.feed(ev(PbxEventKind::DialBegin, 0.1, caller, one));
  r.state(0.2, one, 5);
  auto vm = ev(PbxEventKind::ApplicationStarted, 20.0, two);
  vm.text = "VoiceMail";
  r.feed(vm);
  r.state(20.1, two, 6);  // VoiceMail() answers its channel...
  r.state(20.1, one, 6);  // ...and the Local pair reports it
  r.hangup(40, two);
  r.hangup(40, one);
  r.hangup(40, caller);
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].disposition, Disposition::Voicemail);
  EXPECT_FALSE(r.out.records[0].answered_at.has_value());
  EXPECT_EQ(r.events_of("main-10.1"),
            (std::vector<std::string>{"call.ringing:1001:", "call.ringing_stopped:1001:voicemail",
                                      "call.ended::"}));
}

TEST(CallPatterns, PickupByAnotherAgentAnswersTheRingingCall) {
  Feed r;
  auto caller = trunk();
  auto ringing = chan("PJSIP/1001-00000002", "10.2", "10.1", "", "1001", 0);
  r.feed(ev(PbxEventKind::ChannelCreated, 0, caller));
  r.feed(ev(PbxEventKind::ChannelCreated, 0.1, ringing));
  r.feed(ev(PbxEventKind::DialBegin, 0.1, caller, ringing));
  r.state(0.2, ringing, 5);
  // 1003 dials *8 from their desk: a call of its own, until the pickup.
  auto picker = chan("PJSIP/1003-00000003", "20.1", "20.1", "1003", "*8", 4);
  r.feed(ev(PbxEventKind::ChannelCreated, 4.0, picker));
  r.feed(ev(PbxEventKind::Pickup, 4.5, picker, ringing));
  r.state(4.5, picker, 6);
  r.hangup(4.6, ringing, 26);
  r.hangup(30, picker);
  r.hangup(30, caller);

  ASSERT_EQ(r.out.records.size(), 1u) << "the *8 call is not a call record";
  const CallRecord& rec = r.out.records[0];
  EXPECT_EQ(rec.call_id, "main-10.1");
  EXPECT_EQ(rec.agent, "1003");
  EXPECT_EQ(rec.agents, std::vector<std::string>{"1003"});
  EXPECT_EQ(rec.disposition, Disposition::Answered);
  EXPECT_EQ(rec.answered_at, at_s(4.5));
  EXPECT_EQ(r.events_of("main-10.1"),
            (std::vector<std::string>{"call.ringing:1001:", "call.answered:1003:",
                                      "call.ringing_stopped:1001:answered_elsewhere",
                                      "call.ended:1003:"}));
  EXPECT_EQ(r.tracker.active_calls(), 0u);
  EXPECT_EQ(r.tracker.active_channels(), 0u);
}

TEST(CallPatterns, PhoneAttendedTransferAcrossLinkedids) {
  Feed r;
  // Customer call 10.1 answered by 1001's phone.
  auto caller = trunk();
  auto ana = chan("PJSIP/1001-00000002", "10.2", "10.1", "", "1001", 0);
  r.feed(ev(PbxEventKind::ChannelCreated, 0, caller));
  r.feed(ev(PbxEventKind::ChannelCreated, 0.1, ana));
  r.feed(ev(PbxEventKind::DialBegin, 0.1, caller, ana));
  r.state(2, ana, 6);
  // 1001's phone holds the customer and calls 1002: Linkedid 30.1.
  auto ana2 = chan("PJSIP/1001-00000004", "30.1", "30.1", "1001", "1002", 4);
  ana2.context = "from-internal";
  auto ben = chan("PJSIP/1002-00000005", "30.2", "30.1", "", "1002", 0);
  r.feed(ev(PbxEventKind::ChannelCreated, 10, ana2));
  r.feed(ev(PbxEventKind::ChannelCreated, 10.1, ben));
  r.feed(ev(PbxEventKind::DialBegin, 10.1, ana2, ben));
  r.state(13, ben, 6);
  // The phone completes the transfer (SIP REFER with Replaces).
  auto xfer = ev(PbxEventKind::AttendedTransfer, 16, ana, ana2);
  xfer.variable = "Success";
  r.feed(xfer);
  r.hangup(16.1, ana);
  r.hangup(16.1, ana2);
  r.hangup(40, ben);
  r.hangup(40, caller);

  ASSERT_EQ(r.out.records.size(), 2u);
  const CallRecord* consult = r.record("main-30.1");
  const CallRecord* customer = r.record("main-10.1");
  ASSERT_TRUE(consult && customer);
  EXPECT_EQ(consult->direction, Direction::Internal);
  EXPECT_EQ(consult->parent_call_id, "main-10.1");
  EXPECT_EQ(consult->ended_at, at_s(16));
  EXPECT_EQ(consult->from, "1001");
  EXPECT_EQ(consult->to, "1002");
  ASSERT_EQ(customer->transfers.size(), 1u);
  EXPECT_EQ(customer->transfers[0].type, "attended");
  EXPECT_EQ(customer->transfers[0].from_agent, "1001");
  EXPECT_EQ(customer->transfers[0].to, "1002");
  EXPECT_EQ(customer->transfers[0].consult_call_id, "main-30.1");
  EXPECT_EQ(customer->agent, "1002");
  EXPECT_EQ(customer->agents, (std::vector<std::string>{"1001", "1002"}));
  EXPECT_NEAR(customer->talk_s, 38.0, 1e-9);
  EXPECT_EQ(customer->ended_at, at_s(40));
  EXPECT_EQ(r.tracker.active_calls(), 0u);
  EXPECT_EQ(r.tracker.active_channels(), 0u);
}

TEST(CallPatterns, ConsultationThatIsNeverAnsweredLeavesTheCustomerCallAlone) {
  Feed r;
  auto caller = trunk();
  auto ana = chan("Local/1001@agents-00000001;1", "10.2", "10.1", "", "1001", 0);
  r.feed(ev(PbxEventKind::ChannelCreated, 0, caller));
  r.feed(ev(PbxEventKind::ChannelCreated, 0.1, ana));
  r.feed(ev(PbxEventKind::DialBegin, 0.1, caller, ana));
  r.state(2, ana, 6);
  // Atxfer: the PBX dials 1002 (no dialling channel); 1002 never answers.
  auto ben = chan("Local/1002@agents-00000002;1", "10.4", "10.1", "", "1002", 0);
  r.feed(ev(PbxEventKind::ChannelCreated, 5, ben));
  r.feed(ev(PbxEventKind::DialBegin, 5, ChannelInfo{}, ben));
  r.state(5.1, ben, 5);
  auto end = ev(PbxEventKind::DialEnd, 20, ChannelInfo{}, ben);
  end.text = "NOANSWER";
  r.feed(end);
  r.hangup(20, ben, 19);
  r.hangup(30, ana);
  r.hangup(30, caller);

  ASSERT_EQ(r.out.records.size(), 2u);
  const CallRecord* consult = r.record("main-10.1-consult-1");
  const CallRecord* customer = r.record("main-10.1");
  ASSERT_TRUE(consult && customer);
  EXPECT_EQ(consult->parent_call_id, "main-10.1");
  EXPECT_EQ(consult->disposition, Disposition::Missed);
  EXPECT_EQ(consult->from, "1001");
  EXPECT_EQ(consult->to, "1002");
  EXPECT_TRUE(customer->transfers.empty());
  EXPECT_EQ(customer->agents, std::vector<std::string>{"1001"});
  EXPECT_EQ(customer->disposition, Disposition::Answered);
  EXPECT_EQ(r.events_of("main-10.1-consult-1"),
            (std::vector<std::string>{"call.ringing:1002:", "call.ringing_stopped:1002:timeout",
                                      "call.ended::"}));
  // The customer's panel never saw 1002 ring.
  for (const auto& e : r.events_of("main-10.1")) EXPECT_EQ(e.find("1002"), std::string::npos) << e;
}

TEST(CallPatterns, AbandonInQueueWithoutAbandonEventStillCountsAsLeft) {
  Feed r;
  auto caller = trunk();
  r.feed(ev(PbxEventKind::ChannelCreated, 0, caller));
  auto join = ev(PbxEventKind::QueueCallerJoin, 1, caller);
  join.queue = "sales";
  r.feed(join);
  r.hangup(9, caller);  // the caller gave up; no QueueCallerLeave reached us
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_NEAR(r.out.records[0].wait_s, 8.0, 1e-9);
  EXPECT_EQ(r.out.records[0].queue, "sales");
  EXPECT_EQ(r.out.records[0].disposition, Disposition::Abandoned);
  EXPECT_EQ(r.events_of("main-10.1"),
            (std::vector<std::string>{"call.queued::", "call.abandoned::", "call.ended::"}));
}

TEST(CallPatterns, RestartAdoptsAClickToCallUnderItsOwnIdWithItsStoredState) {
  // After a restart the PBX lists the channels (Status); the originate
  // channel carries CTI_CALL_ID. The store already holds the call.
  CallRecord stored;
  stored.call_id = "c2c-7";
  stored.started_at = at_s(0);
  stored.answered_at = at_s(4);
  stored.agent = "1001";
  stored.agents = {"1001"};
  TrackerConfig config;
  config.agents = {{"1001", "ana"}};
  config.last_seq = [](const std::string& id) -> std::uint64_t { return id == "c2c-7" ? 3 : 0; };
  config.stored_call = [&](const std::string& id) -> std::optional<CallRecord> {
    if (id == "c2c-7") return stored;
    return std::nullopt;
  };
  CallTracker tracker(config);
  TrackerOutput out;
  tracker.begin_resync();
  auto far = chan("PJSIP/trunk-00000009", "40.3", "40.1", "+34910000001", "600111222", 6);
  auto agent = chan("Local/1001@agents-00000001;1", "40.1", "40.1", "1001", "1001", 6);
  auto list_far = ev(PbxEventKind::ResyncChannel, 10, far);
  list_far.hold_s = 6;
  tracker.on_event(list_far, out);  // listed first: the call starts under its Linkedid
  auto list_agent = ev(PbxEventKind::ResyncChannel, 10, agent);
  list_agent.hold_s = 10;
  list_agent.variable = "CTI_CALL_ID";
  list_agent.text = "c2c-7";
  tracker.on_event(list_agent, out);
  tracker.on_event(ev(PbxEventKind::ResyncComplete, 10), out);
  auto end1 = ev(PbxEventKind::Hangup, 12, far);
  end1.cause = 16;
  tracker.on_event(end1, out);
  tracker.on_event(ev(PbxEventKind::Hangup, 12, agent), out);

  ASSERT_EQ(out.records.size(), 1u);
  const CallRecord& rec = out.records[0];
  EXPECT_EQ(rec.call_id, "c2c-7");
  EXPECT_EQ(rec.answered_at, at_s(4));
  EXPECT_EQ(rec.started_at, at_s(0));
  EXPECT_EQ(rec.disposition, Disposition::Answered);
  EXPECT_EQ(rec.agent, "1001");
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].call_id, "c2c-7");
  EXPECT_EQ(out.events[0].seq, 4u) << "seq continues from the store";
}

TEST(CallPatterns, AnAgentRingingInACallWithNobodyElseLeftIsNotAConsultation) {
  // Found by call_tracker_fuzz: the caller and the answering agent are gone,
  // only a Local pair nobody dialled remains and starts ringing. Taking it
  // for a consultation emptied the customer call, which then lived on with
  // no channel. It stays one call.
  Feed r;
  auto caller = trunk();
  auto ana = chan("PJSIP/1001-00000002", "10.2", "10.1", "", "1001", 0);
  r.feed(ev(PbxEventKind::ChannelCreated, 0, caller));
  r.feed(ev(PbxEventKind::ChannelCreated, 0.1, ana));
  r.feed(ev(PbxEventKind::DialBegin, 0.1, caller, ana));
  r.state(2, ana, 6);
  auto b1 = chan("Local/1002@agents-00000003;1", "10.3", "10.1", "", "1002", 0);
  auto b2 = chan("Local/1002@agents-00000003;2", "10.4", "10.1", "", "1002", 4);
  r.feed(ev(PbxEventKind::ChannelCreated, 3, b1));
  r.feed(ev(PbxEventKind::ChannelCreated, 3, b2));
  r.hangup(4, ana);
  r.hangup(4, caller);
  r.state(5, b1, 5);
  EXPECT_EQ(r.tracker.check_consistency(), "");
  r.hangup(6, b2);
  r.hangup(6, b1);
  EXPECT_EQ(r.tracker.check_consistency(), "");
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].call_id, "main-10.1");
  EXPECT_EQ(r.tracker.active_calls(), 0u);
}

TEST(CallPatterns, CallForwardedFromAnAgentsPhoneIsAnsweredForThatAgent) {
  // app_dial on a 302: DialEnd CANCEL with Forward, then a DialBegin to the
  // forward target (the agent's mobile through the trunk).
  Feed r;
  auto caller = trunk();
  auto desk = chan("PJSIP/1001-00000002", "10.2", "10.1", "", "1001", 0);
  r.feed(ev(PbxEventKind::ChannelCreated, 0, caller));
  r.feed(ev(PbxEventKind::ChannelCreated, 0.1, desk));
  r.feed(ev(PbxEventKind::DialBegin, 0.1, caller, desk));
  r.state(0.2, desk, 5);
  auto forward = ev(PbxEventKind::DialEnd, 1.0, caller, desk);
  forward.text = "CANCEL";
  forward.variable = "600111222";
  r.feed(forward);
  r.hangup(1.0, desk, 16);
  auto mobile = chan("PJSIP/trunk-00000003", "10.3", "10.1", "+34911111111", "600111222", 0);
  r.feed(ev(PbxEventKind::ChannelCreated, 1.1, mobile));
  r.feed(ev(PbxEventKind::DialBegin, 1.1, caller, mobile));
  r.state(6.0, mobile, 6);
  r.hangup(20, mobile);
  r.hangup(20, caller);
  ASSERT_EQ(r.out.records.size(), 1u);
  const CallRecord& rec = r.out.records[0];
  EXPECT_EQ(rec.disposition, Disposition::Answered);
  EXPECT_EQ(rec.agent, "1001");
  EXPECT_EQ(rec.answered_at, at_s(6.0));
  EXPECT_EQ(r.events_of("main-10.1"),
            (std::vector<std::string>{"call.ringing:1001:", "call.ringing_stopped:1001:forwarded",
                                      "call.answered:1001:", "call.ended:1001:"}));
}
