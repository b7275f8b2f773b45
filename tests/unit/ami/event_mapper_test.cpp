// The AMI event mapper on hand-written frames: fields land in PbxEvent,
// noise is ignored, and garbage numbers are rejected or clamped, never UB.
#include "connector/pbx/ami/event_mapper.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace cti::pbx::ami {
namespace {

std::optional<core::PbxEvent> map_one(const std::string& frame_text, MapperStats& stats) {
  FrameParser parser;
  std::optional<core::PbxEvent> out;
  parser.feed("Asterisk Call Manager/11.0.0\r\n" + frame_text,
              [&](const Frame& f) { out = map_frame(f, core::from_unix_micros(42), stats); });
  return out;
}

TEST(EventMapper, DialBeginFillsSourceAndDestination) {
  MapperStats stats;
  auto e = map_one(
      "Event: DialBegin\r\nChannel: PJSIP/trunk-1\r\nUniqueid: 1.1\r\nLinkedid: 1.1\r\n"
      "CallerIDNum: +34911111111\r\nExten: 912000100\r\nDestChannel: PJSIP/1001-2\r\n"
      "DestUniqueid: 1.2\r\nDestLinkedid: 1.1\r\nDestConnectedLineNum: +34911111111\r\n"
      "Timestamp: 1795879455.442094\r\n\r\n",
      stats);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, core::PbxEventKind::DialBegin);
  EXPECT_EQ(e->channel.name, "PJSIP/trunk-1");
  EXPECT_EQ(e->channel.exten, "912000100");
  EXPECT_EQ(e->peer.name, "PJSIP/1001-2");
  EXPECT_EQ(e->peer.uniqueid, "1.2");
  EXPECT_EQ(e->peer.connected_num, "+34911111111");
  EXPECT_TRUE(e->pbx_time);
  EXPECT_EQ(e->at, core::from_unix_micros(1795879455'442094));
}

TEST(EventMapper, NoiseAndUnwantedVariablesAreIgnored) {
  MapperStats stats;
  EXPECT_FALSE(map_one("Event: Newexten\r\nUniqueid: 1.1\r\n\r\n", stats));
  EXPECT_FALSE(map_one(
      "Event: VarSet\r\nUniqueid: 1.1\r\nVariable: DIALSTATUS\r\nValue: ANSWER\r\n\r\n", stats));
  auto kept = map_one(
      "Event: VarSet\r\nUniqueid: 1.1\r\nVariable: CTI_CALL_ID\r\nValue: c2c-1\r\n\r\n", stats);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->text, "c2c-1");
  EXPECT_EQ(stats.ignored, 2u);
  EXPECT_EQ(stats.mapped, 1u);
}

TEST(EventMapper, ChannelEventWithoutUniqueidIsInvalid) {
  MapperStats stats;
  EXPECT_FALSE(map_one("Event: Hangup\r\nChannel: PJSIP/1001-1\r\nCause: 16\r\n\r\n", stats));
  EXPECT_EQ(stats.invalid, 1u);
}

TEST(EventMapper, AbsurdTimestampFallsBackToArrivalTime) {
  // Regression from ami_event_mapper_fuzz (signed overflow in the seconds).
  MapperStats stats;
  auto e = map_one("Event: Hold\r\nUniqueid: 1.1\r\nTimestamp: 179587880978809.1\r\n\r\n", stats);
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->pbx_time);
  EXPECT_EQ(e->at, core::from_unix_micros(42));
}

TEST(EventMapper, GarbageDurationsAreClampedOrZero) {
  MapperStats stats;
  auto e = map_one("Event: CoreShowChannel\r\nUniqueid: 1.1\r\nDuration: 99999999999:00:00\r\n\r\n",
                   stats);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->hold_s, 0);
  e = map_one("Event: CoreShowChannel\r\nUniqueid: 1.1\r\nDuration: 01:02:03\r\n\r\n", stats);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->hold_s, 3723);
  e = map_one("Event: QueueCallerAbandon\r\nUniqueid: 1.1\r\nHoldTime: 1e300\r\n\r\n", stats);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->hold_s, 1e7);
}

TEST(EventMapper, OnlyVoiceMailNewextenIsKept) {
  MapperStats stats;
  EXPECT_FALSE(map_one(
      "Event: Newexten\r\nUniqueid: 1.1\r\nExtension: s\r\nApplication: Dial\r\n\r\n", stats));
  auto vm = map_one(
      "Event: Newexten\r\nChannel: Local/1001@agents-1;2\r\nUniqueid: 1.3\r\n"
      "Extension: 1001\r\nApplication: VoiceMail\r\nAppData: 1001@default\r\n\r\n",
      stats);
  ASSERT_TRUE(vm);
  EXPECT_EQ(vm->kind, core::PbxEventKind::ApplicationStarted);
  EXPECT_EQ(vm->text, "VoiceMail");
  EXPECT_EQ(vm->channel.uniqueid, "1.3");
}

TEST(EventMapper, PickupNamesPickerAndTarget) {
  MapperStats stats;
  auto e = map_one(
      "Event: Pickup\r\nChannel: PJSIP/1003-3\r\nUniqueid: 2.1\r\nLinkedid: 2.1\r\n"
      "TargetChannel: PJSIP/1001-2\r\nTargetUniqueid: 1.2\r\nTargetLinkedid: 1.1\r\n\r\n",
      stats);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, core::PbxEventKind::Pickup);
  EXPECT_EQ(e->channel.uniqueid, "2.1");
  EXPECT_EQ(e->peer.uniqueid, "1.2");
  EXPECT_EQ(e->peer.linkedid, "1.1");
}

TEST(EventMapper, TransfersNameTheirChannelsAndTarget) {
  MapperStats stats;
  auto blind = map_one(
      "Event: BlindTransfer\r\nResult: Success\r\nTransfererChannel: Local/1001@agents-1;1\r\n"
      "TransfererUniqueid: 1.2\r\nTransfereeChannel: PJSIP/trunk-1\r\nTransfereeUniqueid: 1.1\r\n"
      "IsExternal: Yes\r\nContext: internal\r\nExtension: 1002\r\n\r\n",
      stats);
  ASSERT_TRUE(blind);
  EXPECT_EQ(blind->channel.uniqueid, "1.2");
  EXPECT_EQ(blind->peer.uniqueid, "1.1");
  EXPECT_EQ(blind->text, "1002");
  EXPECT_EQ(blind->variable, "Success");
  auto attended = map_one(
      "Event: AttendedTransfer\r\nResult: Fail\r\nOrigTransfererUniqueid: 1.2\r\n"
      "SecondTransfererUniqueid: 3.1\r\nDestType: Bridge\r\n\r\n",
      stats);
  ASSERT_TRUE(attended);
  EXPECT_EQ(attended->channel.uniqueid, "1.2");
  EXPECT_EQ(attended->peer.uniqueid, "3.1");
  EXPECT_EQ(attended->variable, "Fail");
}

TEST(EventMapper, StatusIsAResyncChannelWithTheCallIdVariable) {
  MapperStats stats;
  auto e = map_one(
      "Event: Status\r\nChannel: Local/1001@agents-1;1\r\nChannelState: 6\r\n"
      "Uniqueid: 1.1\r\nLinkedid: 1.1\r\nApplication: AppDial\r\nBridgeID: b-1\r\n"
      "Seconds: 42\r\nVariable: CTI_CALL_ID=c2c-9\r\n\r\n",
      stats);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, core::PbxEventKind::ResyncChannel);
  EXPECT_EQ(e->variable, "CTI_CALL_ID");
  EXPECT_EQ(e->text, "c2c-9");
  EXPECT_EQ(e->hold_s, 42);
  EXPECT_EQ(e->bridge_id, "b-1");
  auto done = map_one("Event: StatusComplete\r\nEventList: Complete\r\nItems: 1\r\n\r\n", stats);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->kind, core::PbxEventKind::ResyncComplete);
}

TEST(EventMapper, DialEndKeepsWhereTheCallWasForwarded) {
  MapperStats stats;
  auto e = map_one(
      "Event: DialEnd\r\nChannel: PJSIP/trunk-1\r\nUniqueid: 1.1\r\nDestChannel: PJSIP/1001-2\r\n"
      "DestUniqueid: 1.2\r\nDestContext: agents\r\nDialStatus: CANCEL\r\nForward: "
      "600111222\r\n\r\n",
      stats);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->text, "CANCEL");
  EXPECT_EQ(e->variable, "600111222");
  EXPECT_EQ(e->peer.context, "agents");
}

TEST(EventMapper, ApplicationAndForwardOnlyFillTheEventsTheyBelongTo) {
  // OriginateResponse and CoreShowChannel carry "Application:" too; it must
  // not overwrite the Response (text) or pose as a dial forward.
  MapperStats stats;
  auto orig = map_one(
      "Event: OriginateResponse\r\nChannel: Local/1001@agents-1;1\r\nUniqueid: 1.1\r\n"
      "Response: Success\r\nReason: 4\r\nApplication: Wait\r\n\r\n",
      stats);
  ASSERT_TRUE(orig);
  EXPECT_EQ(orig->text, "Success");
  auto listed = map_one(
      "Event: CoreShowChannel\r\nChannel: PJSIP/1001-2\r\nUniqueid: 1.2\r\nLinkedid: 1.1\r\n"
      "Application: Dial\r\nForward: 600111222\r\nDuration: 00:00:12\r\n\r\n",
      stats);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->text, "");
  EXPECT_EQ(listed->variable, "");
  EXPECT_EQ(listed->hold_s, 12);
}

}  // namespace
}  // namespace cti::pbx::ami
