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

}  // namespace
}  // namespace cti::pbx::ami
