#pragma once
// A recorded AMI capture split into frames, for the replay server. Header-only
// because only the standalone tools use it; the connector has its own
// streaming parser in connector/pbx/ami/.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <expected>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cti::tools {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// "Key: Value" lines (CRLF or LF). Keys are kept as sent; lookups decide on
// case sensitivity. A line without ':' is kept with an empty value so raw
// command output is not lost.
inline Headers parse_headers(std::string_view frame) {
  Headers out;
  while (!frame.empty()) {
    auto eol = frame.find('\n');
    std::string_view line = frame.substr(0, eol);
    frame = eol == std::string_view::npos ? std::string_view{} : frame.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      out.emplace_back(std::string(line), std::string());
      continue;
    }
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    out.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return out;
}

// Exact-case lookup (what Asterisk emits); nullptr when absent.
inline const std::string* find_header(const Headers& h, std::string_view name) {
  for (const auto& [k, v] : h)
    if (k == name) return &v;
  return nullptr;
}

// Case-insensitive lookup (AMI clients may send any case in actions).
inline std::string header_ci(const Headers& h, std::string_view name) {
  for (const auto& [k, v] : h)
    if (iequals(k, name)) return v;
  return {};
}

// Splits complete frames (terminated by an empty line, CRLF or LF) off the
// front of `buffer`; returns each frame with its terminator.
inline std::vector<std::string> take_frames(std::string& buffer) {
  std::vector<std::string> frames;
  std::size_t start = 0;
  for (;;) {
    auto crlf = buffer.find("\r\n\r\n", start);
    auto lf = buffer.find("\n\n", start);
    if (crlf == std::string::npos && lf == std::string::npos) break;
    std::size_t end = std::min(crlf == std::string::npos ? std::string::npos : crlf + 4,
                               lf == std::string::npos ? std::string::npos : lf + 2);
    frames.push_back(buffer.substr(start, end - start));
    start = end;
  }
  buffer.erase(0, start);
  return frames;
}

struct CaptureFrame {
  std::string bytes;       // the frame as recorded, terminator included
  std::size_t offset = 0;  // byte offset in the capture file
  double t = 0;            // seconds since the recording connected (0 when untimed)
  // A response to the recording client's own action (Login, Originate,
  // Logoff...): a new client did not send those actions, so it must not see them.
  bool own_response = false;
  Headers headers;

  std::string_view event() const {
    auto* e = find_header(headers, "Event");
    return e ? std::string_view(*e) : std::string_view{};
  }
};

struct Capture {
  std::string name;
  std::vector<CaptureFrame> frames;
  bool timed = false;
};

inline constexpr std::string_view kBannerPrefix = "Asterisk Call Manager/";

// Pure: splits the raw bytes of a capture. The recorded banner is dropped.
inline std::vector<CaptureFrame> split_capture(std::string_view data) {
  std::vector<CaptureFrame> frames;
  std::size_t pos = 0;
  if (data.starts_with(kBannerPrefix)) {
    auto eol = data.find('\n');
    pos = eol == std::string_view::npos ? data.size() : eol + 1;
  }
  std::string rest(data.substr(pos));
  std::size_t base = pos;
  for (auto& f : take_frames(rest)) {
    CaptureFrame cf;
    cf.offset = base;
    base += f.size();
    cf.headers = parse_headers(f);
    cf.own_response = !cf.headers.empty() && iequals(cf.headers.front().first, "Response");
    cf.bytes = std::move(f);
    frames.push_back(std::move(cf));
  }
  return frames;
}

// rx_chunks [[offset, t], ...]: a frame is stamped with the time its last byte
// arrived in the recording.
inline void apply_timing(std::vector<CaptureFrame>& frames,
                         const std::vector<std::pair<std::size_t, double>>& chunks) {
  for (auto& f : frames) {
    std::size_t last = f.offset + (f.bytes.empty() ? 0 : f.bytes.size() - 1);
    auto it = std::upper_bound(chunks.begin(), chunks.end(), last,
                               [](std::size_t off, const auto& c) { return off < c.first; });
    f.t = it == chunks.begin() ? 0.0 : std::prev(it)->second;
  }
}

inline std::expected<Capture, std::string> load_capture(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected("cannot open " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  Capture cap;
  cap.name = path.filename().string();
  cap.frames = split_capture(ss.str());

  auto meta_path = path;
  meta_path.replace_extension(".json");
  std::ifstream meta(meta_path);
  if (meta) {
    auto j = nlohmann::json::parse(meta, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return std::unexpected("invalid JSON in " + meta_path.string());
    if (j.contains("rx_chunks") && j["rx_chunks"].is_array()) {
      std::vector<std::pair<std::size_t, double>> chunks;
      for (const auto& c : j["rx_chunks"]) {
        if (!c.is_array() || c.size() != 2 || !c[0].is_number() || !c[1].is_number())
          return std::unexpected("bad rx_chunks entry in " + meta_path.string());
        chunks.emplace_back(c[0].get<std::size_t>(), c[1].get<double>());
      }
      std::sort(chunks.begin(), chunks.end());
      apply_timing(cap.frames, chunks);
      cap.timed = !chunks.empty();
    }
  }
  return cap;
}

}  // namespace cti::tools
