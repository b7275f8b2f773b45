// Soak: 1,000,000 generated calls (every pattern, 200 at a time) through one
// CallTracker. At the end no call or channel is left, every call gave its
// records, and the heap in use after the warm-up (the tracker's bounded
// caches filling) stays flat: a leak of even 2 bytes per call would show.
#include <gtest/gtest.h>
#include <malloc.h>

#include "connector/core/call_tracker.h"
#include "support/call_scenarios.h"

namespace {

using namespace cti;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;  // ASan's allocator: no mallinfo2, and 10x slower
#else
constexpr bool kSanitized = false;
#endif

std::size_t heap_in_use() { return mallinfo2().uordblks; }

TEST(TrackerSoak, MillionCallsEndWithNothingLiveAndFlatMemory) {
  const std::uint64_t total = kSanitized ? 100'000 : 1'000'000;
  const std::uint64_t warm_up = total / 4;
  scenarios::ScenarioGenerator gen(20261128, 300);
  scenarios::InterleavedStream stream(gen, 200, total);
  core::TrackerConfig config;
  for (const auto& ext : gen.agent_extensions()) config.agents[ext] = "agent" + ext;
  core::CallTracker tracker(config);
  core::TrackerOutput out;

  std::uint64_t finished = 0, expected_records = 0, records = 0, events = 0;
  // Two checkpoints with the same load (200 scripted calls in flight): after
  // the warm-up and near the end.
  const std::uint64_t late = total - total / 20;
  std::size_t heap_after_warm_up = 0, live_at_warm_up = 0, heap_late = 0, live_late = 0;
  while (const core::PbxEvent* e = stream.next()) {
    tracker.on_event(*e, out);
    ++events;
    records += out.records.size();
    out.clear();
    for (const auto& done : stream.take_finished()) {
      ++finished;
      expected_records += done.expected.size();
      if (finished == warm_up) {
        heap_after_warm_up = heap_in_use();
        live_at_warm_up = tracker.active_calls();
      }
      if (finished == late) {
        heap_late = heap_in_use();
        live_late = tracker.active_calls();
      }
    }
  }
  for (const auto& done : stream.take_finished()) {
    ++finished;
    expected_records += done.expected.size();
  }
  EXPECT_EQ(finished, total);
  EXPECT_EQ(records, expected_records);
  EXPECT_EQ(tracker.active_calls(), 0u);
  EXPECT_EQ(tracker.active_channels(), 0u);
  EXPECT_EQ(tracker.stats().unknown_channel_events, 0u);
  EXPECT_EQ(tracker.check_consistency(), "");
  std::cout << "[ soak ] " << finished << " calls, " << events << " events, " << records
            << " records; live calls at the checkpoints " << live_at_warm_up << ", " << live_late
            << "\n";
  if (kSanitized) return;
  const double growth = double(heap_late) - double(heap_after_warm_up);
  std::cout << "[ soak ] heap in use after " << warm_up << " calls: " << heap_after_warm_up
            << " B; after " << late << " calls: " << heap_late << " B; at end " << heap_in_use()
            << " B\n";
  EXPECT_LT(growth, 1.5 * 1024 * 1024)
      << "heap grew by " << growth << " B over " << late - warm_up << " calls";
}

}  // namespace
