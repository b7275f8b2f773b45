// libFuzzer target for the AMI frame parser. The first input byte chooses a
// split point and a small frame limit; the rest is the AMI byte stream, fed
// whole to one parser and in two pieces (plus byte by byte for short inputs)
// to others. Invariants: no crash or sanitizer report, every frame's raw()
// and header views lie inside the bytes given to that feed() call or the
// parser's own buffer, and all parsers deliver the same frames.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "connector/pbx/ami/frame_parser.h"

namespace {

using cti::pbx::ami::Frame;
using cti::pbx::ami::FrameParser;
using cti::pbx::ami::ParserLimits;

void check(bool ok) {
  if (!ok) std::abort();
}

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

struct Collector {
  std::vector<std::string> frames;
  std::string_view chunk;  // the bytes of the current feed() call

  void operator()(const Frame& f) {
    const std::string_view raw = f.raw();
    check(!raw.empty());
    // A frame is either in the caller's chunk or (when it spanned chunks) a
    // copy in the parser's buffer; either way its headers lie within raw().
    for (const auto& h : f.headers()) {
      check(inside(h.key, raw));
      check(inside(h.value, raw));
      check(!h.key.empty());
      check(f.has(h.key));
    }
    check(f.event() == f.get("event"));
    std::string s(raw);
    s += '\0';
    s += f.output();
    frames.push_back(std::move(s));
  }
};

std::vector<std::string> run(const std::vector<std::string_view>& chunks, ParserLimits limits,
                             cti::pbx::ami::ParserStats* stats_out = nullptr) {
  FrameParser p(limits);
  Collector c;
  for (auto chunk : chunks) {
    c.chunk = chunk;
    p.feed(chunk, c);
    check(p.buffered_bytes() <= limits.max_frame_bytes);
  }
  check(p.stats().frames == c.frames.size());
  if (stats_out) *stats_out = p.stats();
  return c.frames;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t knob = data[0];
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  // Small limits sometimes, so the oversized paths are reached too.
  ParserLimits limits;
  if (knob & 0x80)
    limits = ParserLimits{.max_frame_bytes = 64u + (knob & 0x3f) * 4u, .max_headers = 8};

  cti::pbx::ami::ParserStats whole_stats;
  const auto whole = run({in}, limits, &whole_stats);
  const std::size_t split = in.empty() ? 0 : (knob * 7919u) % (in.size() + 1);
  const auto two = run({in.substr(0, split), in.substr(split)}, limits);
  check(two == whole);
  if (in.size() <= 512) {
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < in.size(); ++i) bytes.push_back(in.substr(i, 1));
    check(run(bytes, limits) == whole);
  }
  check(whole_stats.bytes == in.size());
  return 0;
}
