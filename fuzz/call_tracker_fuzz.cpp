// libFuzzer target for the whole pure event path: AMI bytes -> frame parser ->
// event mapper -> CallTracker. Hostile or truncated streams must never crash
// or trip a sanitizer, and the tracker's own invariants must hold: seq
// strictly increasing per call, at most one call.ended per call, records never
// with negative durations or ended before started, and the tracker's own
// bookkeeping consistent (CallTracker::check_consistency).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "connector/core/call_tracker.h"
#include "connector/pbx/ami/event_mapper.h"
#include "connector/pbx/ami/frame_parser.h"

namespace {
[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "invariant broken: %s: %s\n", what, detail.c_str());
  std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cti;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  core::TrackerConfig config;
  config.agents = {{"1001", "ana"}, {"1002", "ben"}, {"1003", "eva"}};
  core::CallTracker tracker(config);
  pbx::ami::FrameParser parser;
  pbx::ami::MapperStats stats;
  core::PbxEvent event;
  core::TrackerOutput out;
  std::map<std::string, std::uint64_t> last_seq;
  std::set<std::string> ended;
  auto arrival = core::from_unix_micros(1'795'878'809'000'000);
  bool resynced = false;
  parser.feed(in, [&](const pbx::ami::Frame& f) {
    arrival += std::chrono::milliseconds(3);
    if (!pbx::ami::map_frame(f, arrival, event, stats)) return;
    if (event.kind == core::PbxEventKind::ResyncChannel && !resynced) {
      tracker.begin_resync();
      resynced = true;
    }
    tracker.on_event(event, out);
    for (const auto& e : out.events) {
      if (e.seq <= last_seq[e.call_id]) fail("seq did not increase", e.call_id);
      last_seq[e.call_id] = e.seq;
      if (e.kind == core::CallEventKind::Ended && !ended.insert(e.call_id).second)
        fail("second call.ended", e.call_id);
    }
    for (const auto& r : out.records) {
      if (!r.ended_at || *r.ended_at < r.started_at || r.ring_s < 0 || r.talk_s < 0)
        fail("record times out of order", r.call_id);
      if (r.answered_at && (*r.answered_at < r.started_at || *r.answered_at > *r.ended_at))
        fail("answered_at outside the call", r.call_id);
    }
    out.clear();
    // No channel in two calls, every call's channel list exact. Checked
    // every 16 frames: it walks all channels.
    if ((stats.mapped & 15) == 0)
      if (auto why = tracker.check_consistency(); !why.empty()) fail("inconsistent", why);
  });
  if (auto why = tracker.check_consistency(); !why.empty()) fail("inconsistent", why);
  (void)tracker.live_calls();
  return 0;
}
