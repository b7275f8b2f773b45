#include "connector/pbx/ami/frame_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace cti::pbx::ami {
namespace {

namespace fs = std::filesystem;

// A frame copied out of the callback, comparable across runs.
struct Captured {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string output;
  std::string raw;
  bool operator==(const Captured&) const = default;
};

Captured capture(const Frame& f) {
  Captured c;
  for (const auto& h : f.headers()) c.headers.emplace_back(h.key, h.value);
  c.output = f.output();
  c.raw = f.raw();
  return c;
}

// Feeds `chunks` in order and returns every frame delivered.
std::vector<Captured> parse_chunks(FrameParser& p, const std::vector<std::string_view>& chunks) {
  std::vector<Captured> out;
  for (auto c : chunks) p.feed(c, [&](const Frame& f) { out.push_back(capture(f)); });
  return out;
}

std::vector<Captured> parse_all(std::string_view text, ParserLimits limits = {}) {
  FrameParser p(limits);
  return parse_chunks(p, {text});
}

std::vector<Captured> parse_bytewise(FrameParser& p, std::string_view text) {
  std::vector<std::string_view> chunks;
  for (std::size_t i = 0; i < text.size(); ++i) chunks.push_back(text.substr(i, 1));
  return parse_chunks(p, chunks);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> captures() {
  std::vector<fs::path> out;
  for (const auto* dir : {"ami", "ami/timestamped"}) {
    for (const auto& e : fs::directory_iterator(fs::path(CTI_FIXTURES) / dir)) {
      if (e.path().extension() == ".ami") out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FrameParser, BannerThenFrames) {
  FrameParser p;
  EXPECT_FALSE(p.banner().has_value());
  const auto frames =
      parse_chunks(p, {"Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nActionID: 1\r\n"
                       "Message: Authentication accepted\r\n\r\nEvent: FullyBooted\r\nStatus: "
                       "Fully Booted\r\n\r\n"});
  ASSERT_TRUE(p.banner().has_value());
  EXPECT_EQ(*p.banner(), "Asterisk Call Manager/11.0.0");
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].headers.size(), 3u);
  EXPECT_EQ(frames[0].headers[0], (std::pair<std::string, std::string>{"Response", "Success"}));
  EXPECT_EQ(frames[1].headers[1], (std::pair<std::string, std::string>{"Status", "Fully Booted"}));
  EXPECT_EQ(p.stats().frames, 2u);
  EXPECT_EQ(p.stats().malformed, 0u);
}

TEST(FrameParser, FramesWithoutBannerAreParsed) {
  FrameParser p;
  const auto frames = parse_chunks(p, {"Event: Hangup\r\nCause: 16\r\n\r\n"});
  EXPECT_FALSE(p.banner().has_value());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].headers[1].second, "16");
}

TEST(FrameParser, AccessorsAreCaseInsensitiveAndReturnFirstMatch) {
  FrameParser p;
  int n = 0;
  p.feed("Event: VarSet\r\nActionID: abc\r\nvariable: A\r\nVariable: B\r\nResponse: x\r\n\r\n",
         [&](const Frame& f) {
           ++n;
           EXPECT_EQ(f.event(), "VarSet");
           EXPECT_EQ(f.action_id(), "abc");
           EXPECT_EQ(f.response(), "x");
           EXPECT_EQ(f.get("VARIABLE"), "A");
           EXPECT_TRUE(f.has("variable"));
           EXPECT_FALSE(f.has("Value"));
           EXPECT_EQ(f.get("Value"), "");
           EXPECT_EQ(f.output(), "");
           EXPECT_EQ(f.headers().size(), 5u);
         });
  EXPECT_EQ(n, 1);
}

TEST(FrameParser, LfCrLfAndMixedLineEndings) {
  const std::string crlf = "Event: A\r\nK: v1\r\n\r\nEvent: B\r\nK: v2\r\n\r\n";
  const std::string lf = "Event: A\nK: v1\n\nEvent: B\nK: v2\n\n";
  const std::string mixed = "Event: A\r\nK: v1\n\r\nEvent: B\nK: v2\r\n\n";
  for (const auto& text : {crlf, lf, mixed}) {
    const auto frames = parse_all(text);
    ASSERT_EQ(frames.size(), 2u) << text;
    EXPECT_EQ(frames[0].headers[1].second, "v1");
    EXPECT_EQ(frames[1].headers[0].second, "B");
    EXPECT_EQ(frames[1].headers[1].second, "v2");
  }
}

TEST(FrameParser, ValueKeepsEverythingAfterFirstColonSpace) {
  const auto frames =
      parse_all("Event: X\r\nMessage: a: b: c\r\nAppData: SIP/1001:5060,30\r\nKey:nospace\r\n\r\n");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].headers[1].second, "a: b: c");
  EXPECT_EQ(frames[0].headers[2].second, "SIP/1001:5060,30");
  EXPECT_EQ(frames[0].headers[3].second, "nospace");
}

TEST(FrameParser, EmptyValues) {
  const auto frames = parse_all("Event: X\r\nAccountCode: \r\nPausedReason:\r\nLast: z\r\n\r\n");
  ASSERT_EQ(frames.size(), 1u);
  ASSERT_EQ(frames[0].headers.size(), 4u);
  EXPECT_EQ(frames[0].headers[1], (std::pair<std::string, std::string>{"AccountCode", ""}));
  EXPECT_EQ(frames[0].headers[2], (std::pair<std::string, std::string>{"PausedReason", ""}));
  EXPECT_EQ(frames[0].headers[3].second, "z");
}

TEST(FrameParser, RawIsTheFrameBytes) {
  const std::string a = "Event: A\r\nK: v\r\n\r\n", b = "Event: B\n\n";
  FrameParser p;
  std::vector<std::string> raws;
  p.feed(a + b, [&](const Frame& f) { raws.emplace_back(f.raw()); });
  EXPECT_EQ(raws, (std::vector<std::string>{a, b}));
}

TEST(FrameParser, ExtraBlankLinesBetweenFramesAreIgnored) {
  const auto frames = parse_all("\r\n\r\nEvent: A\r\n\r\n\r\n\nEvent: B\r\n\r\n");
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].headers[0].second, "B");
}

TEST(FrameParser, CommandOutputLines) {
  const auto frames = parse_all(
      "Response: Success\r\nActionID: 7\r\nMessage: Command output follows\r\n"
      "Output: Channel              Location\r\nOutput: PJSIP/1001-0001  s@default:1\r\n\r\n"
      "Event: After\r\n\r\n");
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].output, "Channel              Location\nPJSIP/1001-0001  s@default:1\n");
  EXPECT_EQ(frames[1].output, "");
}

TEST(FrameParser, CommandResponseFollowsWithRawBody) {
  const std::string text =
      "Response: Follows\r\nPrivilege: Command\r\nActionID: 9\r\n"
      "Name/username   Host\r\n1001/1001       10.0.0.1: 5060\r\n\r\n2 sip peers\r\n"
      "--END COMMAND--\r\n\r\nEvent: Next\r\n\r\n";
  FrameParser p;
  std::vector<Captured> frames;
  p.feed(text, [&](const Frame& f) {
    frames.push_back(capture(f));
    if (frames.size() == 1) {
      EXPECT_EQ(f.response(), "Follows");
      EXPECT_EQ(f.action_id(), "9");
      EXPECT_FALSE(f.has("1001/1001       10.0.0.1"));
    }
  });
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].output,
            "Name/username   Host\n1001/1001       10.0.0.1: 5060\n\n2 sip peers\n");
  EXPECT_EQ(frames[0].headers.size(), 3u);
  EXPECT_EQ(frames[1].headers[0].second, "Next");
  EXPECT_EQ(p.stats().malformed, 0u);
  // Same result at every split point.
  for (std::size_t i = 0; i <= text.size(); ++i) {
    FrameParser q;
    EXPECT_EQ(
        parse_chunks(q, {std::string_view(text).substr(0, i), std::string_view(text).substr(i)}),
        frames)
        << "split at " << i;
  }
}

TEST(FrameParser, CommandEndMarkerOnTheLastTextLine) {
  const auto frames =
      parse_all("Response: Follows\nPrivilege: Command\nline one\nlast--END COMMAND--\n\n");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].output, "line one\nlast\n");
}

TEST(FrameParser, EmptyCommandBody) {
  const auto frames =
      parse_all("Response: Follows\r\nPrivilege: Command\r\n--END COMMAND--\r\n\r\n");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].output, "");
  EXPECT_EQ(frames[0].headers.size(), 2u);
}

TEST(FrameParser, MalformedFrameIsCountedAndSkipped) {
  FrameParser p;
  const auto frames =
      parse_chunks(p, {"Event: A\r\n\r\nEvent: Bad\r\nthis line has no colon\r\nK: v\r\n\r\n"
                       ": empty key\r\n\r\nEvent: C\r\n\r\n"});
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].headers[0].second, "A");
  EXPECT_EQ(frames[1].headers[0].second, "C");
  EXPECT_EQ(p.stats().malformed, 2u);
  EXPECT_EQ(p.stats().frames, 2u);
}

std::string big_frame(std::size_t value_bytes) {
  return "Event: Big\r\nData: " + std::string(value_bytes, 'x') + "\r\nMore: y\r\n\r\n";
}

TEST(FrameParser, OversizedFrameIsSkippedAndParsingContinues) {
  const ParserLimits limits{.max_frame_bytes = 256, .max_headers = 512};
  const std::string text = "Event: A\r\n\r\n" + big_frame(1000) + "Event: B\r\nK: v\r\n\r\n";
  // One chunk, byte by byte, and at every split point: same outcome.
  std::vector<std::vector<std::string_view>> splits{{text}};
  for (std::size_t i = 0; i <= text.size(); i += 7) {
    splits.push_back({std::string_view(text).substr(0, i), std::string_view(text).substr(i)});
  }
  for (const auto& chunks : splits) {
    FrameParser p(limits);
    const auto frames = parse_chunks(p, chunks);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].headers[0].second, "A");
    EXPECT_EQ(frames[1].headers[1].second, "v");
    EXPECT_EQ(p.stats().oversized, 1u);
    EXPECT_LE(p.buffered_bytes(), limits.max_frame_bytes);
  }
  FrameParser p(limits);
  std::size_t max_buffered = 0;
  std::vector<Captured> frames;
  for (char c : text) {
    p.feed(std::string_view(&c, 1), [&](const Frame& f) { frames.push_back(capture(f)); });
    max_buffered = std::max(max_buffered, p.buffered_bytes());
  }
  EXPECT_EQ(frames.size(), 2u);
  EXPECT_EQ(p.stats().oversized, 1u);
  EXPECT_LE(max_buffered, limits.max_frame_bytes);
}

TEST(FrameParser, HugeLineWithoutNewlineDoesNotGrowTheBuffer) {
  const ParserLimits limits{.max_frame_bytes = 1024, .max_headers = 512};
  FrameParser p(limits);
  std::vector<Captured> frames;
  auto sink = [&](const Frame& f) { frames.push_back(capture(f)); };
  p.feed("Event: A\r\nData: ", sink);
  const std::string chunk(4096, 'z');
  for (int i = 0; i < 100; ++i) {
    p.feed(chunk, sink);
    EXPECT_LE(p.buffered_bytes(), limits.max_frame_bytes);
  }
  p.feed("\r\n\r\nEvent: B\r\n\r\n", sink);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].headers[0].second, "B");
  EXPECT_EQ(p.stats().oversized, 1u);
}

TEST(FrameParser, TooManyHeadersCountsAsOversized) {
  FrameParser p(ParserLimits{.max_frame_bytes = 64 * 1024, .max_headers = 4});
  std::string text = "Event: Many\r\n";
  for (int i = 0; i < 10; ++i) text += "K" + std::to_string(i) + ": v\r\n";
  text += "\r\nEvent: Ok\r\nA: 1\r\n\r\n";
  const auto frames = parse_chunks(p, {text});
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].headers[0].second, "Ok");
  EXPECT_EQ(p.stats().oversized, 1u);
}

TEST(FrameParser, FrameExactlyAtTheLimitIsDelivered) {
  const std::string frame = big_frame(100);
  FrameParser exact(ParserLimits{.max_frame_bytes = frame.size(), .max_headers = 512});
  EXPECT_EQ(parse_chunks(exact, {frame}).size(), 1u);
  FrameParser smaller(ParserLimits{.max_frame_bytes = frame.size() - 1, .max_headers = 512});
  EXPECT_EQ(parse_chunks(smaller, {frame, "Event: B\r\n\r\n"}).size(), 1u);
  EXPECT_EQ(smaller.stats().oversized, 1u);
}

TEST(FrameParser, ResetDropsPartialFrameAndExpectsBannerAgain) {
  FrameParser p;
  std::vector<Captured> frames;
  auto sink = [&](const Frame& f) { frames.push_back(capture(f)); };
  p.feed("Asterisk Call Manager/2.10.0\r\nEvent: Half\r\nK: ", sink);
  EXPECT_EQ(*p.banner(), "Asterisk Call Manager/2.10.0");
  EXPECT_GT(p.buffered_bytes(), 0u);
  p.reset();
  EXPECT_FALSE(p.banner().has_value());
  EXPECT_EQ(p.buffered_bytes(), 0u);
  p.feed("Asterisk Call Manager/11.0.0\r\nEvent: Whole\r\n\r\n", sink);
  EXPECT_EQ(*p.banner(), "Asterisk Call Manager/11.0.0");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].headers[0].second, "Whole");
}

TEST(FrameParser, StatsCountBytes) {
  FrameParser p;
  const std::string text = "Event: A\r\n\r\nEvent: B\r\n";
  p.feed(text, [](const Frame&) {});
  EXPECT_EQ(p.stats().bytes, text.size());
  EXPECT_EQ(p.stats().frames, 1u);
}

TEST(FrameParser, ToOwnedOutlivesTheBuffer) {
  OwnedFrame owned;
  {
    FrameParser p;
    std::string text = "Response: Success\r\nActionID: x-1\r\nOutput: hi\r\n\r\n";
    p.feed(text, [&](const Frame& f) { owned = to_owned(f); });
    text.assign(text.size(), '#');
  }
  EXPECT_EQ(owned.get("actionid"), "x-1");
  EXPECT_EQ(owned.get("Missing"), "");
  EXPECT_EQ(owned.output, "hi\n");
  EXPECT_EQ(owned.headers.size(), 3u);
}

// --- real captures -----------------------------------------------------------

TEST(FrameParserCaptures, EventCountsMatchTheRecordings) {
  const auto files = captures();
  ASSERT_GE(files.size(), 13u);
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    const std::string text = read_file(path);
    auto json_path = path;
    json_path.replace_extension(".json");
    const auto meta = nlohmann::json::parse(read_file(json_path));
    std::size_t expected_events = 0;
    for (const auto& [name, count] : meta.at("event_counts").items()) {
      expected_events += count.get<std::size_t>();
    }
    FrameParser p;
    std::size_t events = 0;
    std::map<std::string, std::size_t> by_type;
    p.feed(text, [&](const Frame& f) {
      if (f.has("Event")) {
        ++events;
        ++by_type[std::string(f.event())];
      }
    });
    EXPECT_EQ(events, expected_events);
    for (const auto& [name, count] : meta.at("event_counts").items()) {
      EXPECT_EQ(by_type[name], count.get<std::size_t>()) << name;
    }
    if (meta.contains("messages")) {
      EXPECT_EQ(p.stats().frames, meta["messages"].get<std::size_t>());
    }
    EXPECT_EQ(p.stats().malformed, 0u);
    EXPECT_EQ(p.stats().oversized, 0u);
    EXPECT_EQ(p.stats().bytes, text.size());
    EXPECT_EQ(p.buffered_bytes(), 0u);
    ASSERT_TRUE(p.banner().has_value());
    EXPECT_EQ(*p.banner(), meta.at("ami").at("banner").get<std::string>());
  }
}

TEST(FrameParserCaptures, EverySingleSplitPointGivesTheSameFrames) {
  // Smallest capture: every split point (9 k parses of 9 kB).
  const std::string text = read_file(fs::path(CTI_FIXTURES) / "ami/i3_inbound_unallocated_did.ami");
  ASSERT_FALSE(text.empty());
  const auto whole = parse_all(text);
  ASSERT_GT(whole.size(), 20u);
  const std::string_view v = text;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    FrameParser p;
    const auto frames = parse_chunks(p, {v.substr(0, i), v.substr(i)});
    ASSERT_EQ(frames, whole) << "split at " << i;
  }
}

TEST(FrameParserCaptures, SplitsAtEveryOffsetAroundEveryFrameEnd) {
  // For every capture and every offset k in [-6, 6]: one parse with the stream
  // cut at (end of every frame + k), so each cut near a frame end — where the
  // parser changes state — is exercised in every frame of every capture.
  for (const auto& path : captures()) {
    SCOPED_TRACE(path.string());
    const std::string text = read_file(path);
    const auto whole = parse_all(text);
    const std::string_view v = text;
    std::vector<std::size_t> ends;
    for (auto nl = text.find("\n\r\n"); nl != std::string::npos; nl = text.find("\n\r\n", nl + 1)) {
      ends.push_back(nl + 3);
    }
    ASSERT_GE(ends.size() + 1, whole.size());
    for (int k = -6; k <= 6; ++k) {
      std::vector<std::string_view> chunks;
      std::size_t at = 0;
      for (std::size_t end : ends) {
        const auto cut =
            static_cast<std::size_t>(std::clamp<long>(long(end) + k, long(at), long(text.size())));
        chunks.push_back(v.substr(at, cut - at));
        at = cut;
      }
      chunks.push_back(v.substr(at));
      FrameParser p;
      ASSERT_EQ(parse_chunks(p, chunks), whole) << "offset " << k;
    }
  }
}

TEST(FrameParserCaptures, RandomSplitsAndByteAtATimeGiveTheSameFrames) {
  for (const auto& path : captures()) {
    SCOPED_TRACE(path.string());
    const std::string text = read_file(path);
    const auto whole = parse_all(text);
    const std::string_view v = text;
    {
      FrameParser p;
      ASSERT_EQ(parse_bytewise(p, text), whole);
    }
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      std::mt19937_64 rng(seed);
      // Mix of tiny and large chunks, like real socket reads.
      const std::size_t max_chunk = seed % 2 ? 64 : 4096;
      std::uniform_int_distribution<std::size_t> len(1, max_chunk);
      std::vector<std::string_view> chunks;
      for (std::size_t at = 0; at < text.size();) {
        const std::size_t n = std::min(len(rng), text.size() - at);
        chunks.push_back(v.substr(at, n));
        at += n;
      }
      FrameParser p;
      ASSERT_EQ(parse_chunks(p, chunks), whole) << "seed " << seed;
      EXPECT_EQ(p.buffered_bytes(), 0u);
    }
  }
}

TEST(FrameParserCaptures, LfOnlyCopyOfACaptureParsesTheSame) {
  const std::string text = read_file(fs::path(CTI_FIXTURES) / "ami/a_inbound_answered.ami");
  std::string lf;
  for (char c : text) {
    if (c != '\r') lf.push_back(c);
  }
  const auto crlf_frames = parse_all(text);
  const auto lf_frames = parse_all(lf);
  ASSERT_EQ(crlf_frames.size(), lf_frames.size());
  for (std::size_t i = 0; i < crlf_frames.size(); ++i) {
    EXPECT_EQ(crlf_frames[i].headers, lf_frames[i].headers);
  }
}

}  // namespace
}  // namespace cti::pbx::ami
