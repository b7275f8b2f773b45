// Parser + mapper + CallTracker on one core: the whole per-event hot path of
// the connector up to the store hand-off. Same generated stream as
// ami_parser_bench (~440 bytes/event, many concurrent calls).
#include <benchmark/benchmark.h>

#include "bench/support/ami_stream_generator.h"
#include "connector/core/call_tracker.h"
#include "connector/pbx/ami/event_mapper.h"
#include "connector/pbx/ami/frame_parser.h"

namespace {

constexpr std::size_t kEvents = 1'000'000;

const cti::bench::AmiStream& stream() {
  static const cti::bench::AmiStream s = [] {
    auto st = cti::bench::make_ami_stream(kEvents, 42);
    st.bytes.insert(0, "Asterisk Call Manager/11.0.0\r\n");
    return st;
  }();
  return s;
}

cti::core::TrackerConfig config() {
  cti::core::TrackerConfig c;
  for (int ext = 1000; ext < 1300; ++ext)
    c.agents[std::to_string(ext)] = "agent" + std::to_string(ext);
  return c;
}

void BM_ParserMapperTracker(benchmark::State& state) {
  const auto& s = stream();
  const std::string_view bytes = s.bytes;
  const std::size_t chunk = 64 * 1024;  // like socket reads
  std::size_t records = 0, calls_left = 0, unknown = 0, mapped = 0, ignored = 0;
  for (auto _ : state) {
    cti::pbx::ami::FrameParser parser;
    cti::pbx::ami::MapperStats mstats;
    cti::core::CallTracker tracker(config());
    cti::core::PbxEvent event;
    cti::core::TrackerOutput out;
    cti::pbx::ami::MapperOptions options;
    options.kinds = cti::core::CallTracker::consumed_kinds();
    const auto arrival = cti::core::from_unix_micros(1'800'000'000'000'000);
    for (std::size_t off = 0; off < bytes.size(); off += chunk) {
      parser.feed(bytes.substr(off, chunk), [&](const cti::pbx::ami::Frame& f) {
        if (cti::pbx::ami::map_frame(f, arrival, event, mstats, options)) {
          tracker.on_event(event, out);
          records += out.records.size();
          out.clear();
        }
      });
    }
    calls_left = tracker.active_calls();
    mapped = mstats.mapped;
    ignored = mstats.ignored;
    unknown = tracker.stats().unknown_channel_events;
    benchmark::DoNotOptimize(records);
  }
  state.counters["events/s"] =
      benchmark::Counter(double(s.events), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["MB/s"] =
      benchmark::Counter(double(bytes.size()) / 1e6, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["calls_completed_in_stream"] = double(s.calls_completed);
  state.counters["records_per_pass"] = double(records) / double(state.iterations());
  state.counters["calls_live_at_end"] = double(calls_left);
  state.counters["unknown_channel_events"] = double(unknown);
  state.counters["mapped_per_pass"] = double(mapped);
  state.counters["ignored_per_pass"] = double(ignored);
}
BENCHMARK(BM_ParserMapperTracker)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
