#include "connector/pbx/ami/replay.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace cti::pbx::ami {

std::optional<ArrivalTimeline> load_timeline_for(const std::string& capture_path) {
  std::string json_path = capture_path;
  if (json_path.ends_with(".ami")) json_path.resize(json_path.size() - 4);
  json_path += ".json";
  std::ifstream in(json_path);
  if (!in) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(in);
    if (!j.contains("rx_chunks") || !j.contains("started_utc")) return std::nullopt;
    const auto start = core::parse_rfc3339(j["started_utc"].get<std::string>());
    if (!start) return std::nullopt;
    ArrivalTimeline t;
    for (const auto& c : j["rx_chunks"]) {
      const auto offset = c.at(0).get<std::size_t>();
      const double secs = c.at(1).get<double>();
      t.chunks.emplace_back(offset, *start + std::chrono::microseconds(std::llround(secs * 1e6)));
    }
    if (t.chunks.empty()) return std::nullopt;
    return t;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

ReplayResult replay_bytes(std::string_view bytes, const core::TrackerConfig& config,
                          const std::optional<ArrivalTimeline>& timeline,
                          core::Timestamp fallback_arrival) {
  ReplayResult result;
  FrameParser parser;
  core::CallTracker tracker(config);
  core::PbxEvent event;
  core::TrackerOutput out;
  MapperOptions options;
  options.kinds = core::CallTracker::consumed_kinds();
  auto feed = [&](std::string_view chunk, core::Timestamp arrival) {
    parser.feed(chunk, [&](const Frame& frame) {
      if (!map_frame(frame, arrival, event, result.mapper, options)) return;
      tracker.on_event(event, out);
      for (auto& e : out.events) result.events.push_back(std::move(e));
      for (auto& r : out.records) result.records.push_back(std::move(r));
      out.clear();
    });
  };
  if (timeline && !timeline->chunks.empty()) {
    const auto& chunks = timeline->chunks;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      const std::size_t begin = std::min(chunks[i].first, bytes.size());
      const std::size_t end =
          i + 1 < chunks.size() ? std::min(chunks[i + 1].first, bytes.size()) : bytes.size();
      if (end > begin) feed(bytes.substr(begin, end - begin), chunks[i].second);
    }
  } else {
    feed(bytes, fallback_arrival);
  }
  result.live = tracker.live_calls();
  result.parser = parser.stats();
  result.tracker = tracker.stats();
  return result;
}

}  // namespace cti::pbx::ami
