// CallTracker alone on generated PbxEvent streams with every call pattern in
// the mix (direct, queue ringall answered/abandoned/voicemail, blind and
// attended transfer, unanswered consultation, pickup, outbound, internal;
// tests/support/call_scenarios.h), and its memory per active call.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include "connector/core/call_tracker.h"
#include "tests/support/call_scenarios.h"

namespace {

using namespace cti;

constexpr std::uint64_t kCalls = 20'000;

core::TrackerConfig config(const scenarios::ScenarioGenerator& gen) {
  core::TrackerConfig c;
  for (const auto& ext : gen.agent_extensions()) c.agents[ext] = "agent" + ext;
  return c;
}

struct Stream {
  std::vector<core::PbxEvent> events;
  core::TrackerConfig config;
  std::size_t records = 0;  // what the scripted calls expect
};

const Stream& mixed_stream() {
  static const Stream s = [] {
    Stream st;
    scenarios::ScenarioGenerator gen(42, 300);
    scenarios::InterleavedStream play(gen, 200, kCalls);
    while (const core::PbxEvent* e = play.next()) {
      st.events.push_back(*e);
      for (const auto& done : play.take_finished()) st.records += done.expected.size();
    }
    for (const auto& done : play.take_finished()) st.records += done.expected.size();
    st.config = config(gen);
    return st;
  }();
  return s;
}

void BM_TrackerMixedPatterns(benchmark::State& state) {
  const Stream& s = mixed_stream();
  std::size_t records = 0, live = 0;
  for (auto _ : state) {
    core::CallTracker tracker(s.config);
    core::TrackerOutput out;
    records = 0;
    for (const auto& e : s.events) {
      tracker.on_event(e, out);
      records += out.records.size();
      out.clear();
    }
    live = tracker.active_calls();
    benchmark::DoNotOptimize(records);
  }
  state.counters["events/s"] =
      benchmark::Counter(double(s.events.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["calls/s"] =
      benchmark::Counter(double(kCalls), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["events_per_pass"] = double(s.events.size());
  state.counters["records_ok"] = records == s.records ? 1 : 0;
  state.counters["calls_live_at_end"] = double(live);
}
BENCHMARK(BM_TrackerMixedPatterns)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Heap held by the tracker per call in progress: 10,000 calls, each fed up
// to the middle of its script (ringing or talking), measured with mallinfo2.
void BM_TrackerBytesPerActiveCall(benchmark::State& state) {
  const std::size_t concurrent = std::size_t(state.range(0));
  scenarios::ScenarioGenerator gen(7, 300);
  std::vector<scenarios::ScriptedCall> calls;
  for (std::size_t i = 0; i < concurrent; ++i) calls.push_back(gen.make(gen.random_scenario()));
  std::int64_t now = 1'800'000'000'000'000;
  for (auto& c : calls)
    for (auto& e : c.events) e.at = core::from_unix_micros(now += 1000);
  double per_call = 0;
  std::size_t active = 0;
  for (auto _ : state) {
    malloc_trim(0);
    const std::size_t before = mallinfo2().uordblks;
    {
      core::CallTracker tracker(config(gen));
      core::TrackerOutput out;
      for (const auto& c : calls)
        for (std::size_t i = 0; i < c.events.size() / 2; ++i) {
          tracker.on_event(c.events[i], out);
          out.clear();
        }
      const std::size_t after = mallinfo2().uordblks;
      active = tracker.active_calls();
      per_call = (double(after) - double(before)) / double(active);
    }
  }
  state.counters["active_calls"] = double(active);
  state.counters["bytes_per_active_call"] = per_call;
}
BENCHMARK(BM_TrackerBytesPerActiveCall)->Arg(10'000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
