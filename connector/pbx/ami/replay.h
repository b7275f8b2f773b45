#pragma once
// Replays a recorded AMI byte stream through the same parser, mapper and
// tracker the live connector uses. Used by `cti-connector replay` and by the
// golden tests.
#include <optional>
#include <string>
#include <vector>

#include "connector/core/call_tracker.h"
#include "connector/pbx/ami/event_mapper.h"
#include "connector/pbx/ami/frame_parser.h"

namespace cti::pbx::ami {

// When each byte arrived: [offset, time] pairs, ascending (a capture's
// rx_chunks). Frames take the arrival time of the chunk holding their last byte.
struct ArrivalTimeline {
  std::vector<std::pair<std::size_t, core::Timestamp>> chunks;
};

// Reads "<capture>.json" beside a capture (started_utc + rx_chunks) if present.
std::optional<ArrivalTimeline> load_timeline_for(const std::string& capture_path);

struct ReplayResult {
  std::vector<core::CallEvent> events;
  std::vector<core::CallRecord> records;  // calls that ended, in end order
  std::vector<core::CallRecord> live;     // calls still active at the end
  ParserStats parser;
  MapperStats mapper;
  core::TrackerStats tracker;
};

// `timeline` absent: every frame gets `fallback_arrival`.
ReplayResult replay_bytes(std::string_view bytes, const core::TrackerConfig& config,
                          const std::optional<ArrivalTimeline>& timeline,
                          core::Timestamp fallback_arrival);

}  // namespace cti::pbx::ami
