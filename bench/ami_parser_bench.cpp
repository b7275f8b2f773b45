// AMI frame parser throughput on a generated stream of 1,000,000 realistic
// Asterisk events (bench/support/ami_stream_generator.h), fed in socket-sized
// chunks. Reports events/s and MB/s; a bare "\r\n\r\n" splitter is included as
// the floor any parser is compared with. Rates are per CPU second (one core),
// so a busy machine skews them less than wall time would.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string_view>

#include "bench/support/ami_stream_generator.h"
#include "connector/pbx/ami/frame_parser.h"

namespace {

const cti::bench::AmiStream& stream() {
  static const cti::bench::AmiStream s = cti::bench::make_ami_stream(1'000'000, 42);
  return s;
}

void report(benchmark::State& state, std::size_t events, std::size_t bytes) {
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events),
                                                  benchmark::Counter::kIsIterationInvariantRate);
  state.counters["MB/s"] = benchmark::Counter(static_cast<double>(bytes) / 1e6,
                                              benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bytes/event"] = static_cast<double>(bytes) / static_cast<double>(events);
}

// Parser alone; the callback reads the event name and a header like a mapper would.
void BM_AmiFrameParser(benchmark::State& state) {
  const auto& s = stream();
  const std::size_t chunk = static_cast<std::size_t>(state.range(0));
  const std::string_view all = s.bytes;
  std::size_t frames = 0, hits = 0;
  for (auto _ : state) {
    cti::pbx::ami::FrameParser parser;
    for (std::size_t at = 0; at < all.size(); at += chunk) {
      parser.feed(all.substr(at, std::min(chunk, all.size() - at)),
                  [&](const cti::pbx::ami::Frame& f) {
                    ++frames;
                    hits += f.event().size() + f.get("Uniqueid").size();
                  });
    }
    if (parser.stats().frames != s.events) state.SkipWithError("frame count mismatch");
  }
  benchmark::DoNotOptimize(hits);
  benchmark::DoNotOptimize(frames);
  report(state, s.events, s.bytes.size());
}
BENCHMARK(BM_AmiFrameParser)->Arg(64 * 1024)->Arg(1500)->Unit(benchmark::kMillisecond);

// Reference floor: split on blank lines only, no headers.
void BM_BareSplitter(benchmark::State& state) {
  const auto& s = stream();
  const std::string_view all = s.bytes;
  std::size_t frames = 0;
  for (auto _ : state) {
    for (std::size_t at = 0;;) {
      const auto end = all.find("\r\n\r\n", at);
      if (end == std::string_view::npos) break;
      ++frames;
      at = end + 4;
    }
  }
  benchmark::DoNotOptimize(frames);
  report(state, s.events, s.bytes.size());
}
BENCHMARK(BM_BareSplitter)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
