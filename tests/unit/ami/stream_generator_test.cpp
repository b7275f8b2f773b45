// The benchmark stream generator must produce what it claims, or the
// benchmark figures mean nothing.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "bench/support/ami_stream_generator.h"
#include "connector/pbx/ami/frame_parser.h"

namespace cti::pbx::ami {
namespace {

TEST(AmiStreamGenerator, IsDeterministicRealisticAndWellFormed) {
  const auto s = bench::make_ami_stream(20'000, 7);
  EXPECT_EQ(s.bytes, bench::make_ami_stream(20'000, 7).bytes);
  EXPECT_NE(s.bytes, bench::make_ami_stream(20'000, 8).bytes);
  const double per_event = double(s.bytes.size()) / double(s.events);
  EXPECT_GT(per_event, 380);
  EXPECT_LT(per_event, 520);

  FrameParser p;
  std::map<std::string, std::size_t> kinds;
  std::map<std::string, std::string> linked_of;  // uniqueid -> linkedid
  std::size_t local_bridges = 0;
  std::size_t cdrs = 0;
  p.feed(s.bytes, [&](const Frame& f) {
    ++kinds[std::string(f.event())];
    if (f.event() == "Cdr") ++cdrs;
    const auto uid = f.get("Uniqueid");
    if (!uid.empty() && f.has("Linkedid")) {  // Cdr has UniqueID but no Linkedid
      auto [it, fresh] = linked_of.emplace(uid, f.get("Linkedid"));
      EXPECT_EQ(it->second, f.get("Linkedid")) << "linkedid changed for " << uid;
    }
    if (f.event() == "LocalBridge") {  // Local channels come in ;1/;2 pairs
      ++local_bridges;
      const auto one = f.get("LocalOneChannel"), two = f.get("LocalTwoChannel");
      EXPECT_TRUE(one.starts_with("Local/") && one.ends_with(";1")) << one;
      EXPECT_TRUE(two.ends_with(";2")) << two;
      EXPECT_EQ(one.substr(0, one.size() - 2), two.substr(0, two.size() - 2));
    }
    EXPECT_TRUE(f.has("Timestamp"));
  });
  EXPECT_EQ(p.stats().frames, s.events);
  EXPECT_EQ(p.stats().malformed, 0u);
  EXPECT_EQ(cdrs, s.calls_completed);
  EXPECT_GT(s.calls_completed, 300u);
  EXPECT_GE(s.calls_started, s.calls_completed);
  for (const char* k : {"Newchannel", "NewCallerid", "Newexten", "VarSet", "DialBegin", "DialState",
                        "DialEnd", "Newstate", "BridgeEnter", "BridgeLeave", "Hangup",
                        "DeviceStateChange", "Cdr", "LocalBridge", "QueueCallerJoin"}) {
    EXPECT_GT(kinds[k], 0u) << k;
  }
  EXPECT_GT(local_bridges, 0u);

  std::size_t calls = 0;
  EXPECT_EQ(bench::generate_ami_stream(20'000, 7, &calls), s.bytes);
  EXPECT_EQ(calls, s.calls_completed);
}

}  // namespace
}  // namespace cti::pbx::ami
