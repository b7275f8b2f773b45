// libFuzzer target for the AMI event mapper: every frame the parser produces
// from the input goes through map_frame(); both forms must agree and never
// crash. The first byte is the split point for a second, chunked parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "connector/pbx/ami/event_mapper.h"
#include "connector/pbx/ami/frame_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  using namespace cti::pbx::ami;
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t split = in.empty() ? 0 : (data[0] * 7919u) % (in.size() + 1);
  const auto arrival = cti::core::from_unix_micros(1'795'878'809'000'000);
  FrameParser parser;
  MapperStats stats_a, stats_b;
  cti::core::PbxEvent reused;
  auto on_frame = [&](const Frame& f) {
    const auto one = map_frame(f, arrival, stats_a);
    const bool two = map_frame(f, arrival, reused, stats_b);
    if (one.has_value() != two) std::abort();
    if (two && (one->kind != reused.kind || one->channel.uniqueid != reused.channel.uniqueid ||
                one->at != reused.at)) {
      std::abort();
    }
  };
  parser.feed(in.substr(0, split), on_frame);
  parser.feed(in.substr(split), on_frame);
  return 0;
}
