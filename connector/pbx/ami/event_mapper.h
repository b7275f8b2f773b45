#pragma once
// AMI event frames -> PBX-neutral core::PbxEvent. Pure: no I/O, no clock
// (arrival time is passed in). Events the tracker does not need (Newexten,
// most VarSets, DeviceStateChange, ...) are recognised by name and dropped
// before any field is copied, which is what keeps the hot path cheap.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connector/core/pbx_event.h"
#include "connector/pbx/ami/frame_parser.h"

namespace cti::pbx::ami {

struct MapperStats {
  std::uint64_t mapped = 0;      // frames turned into a PbxEvent
  std::uint64_t ignored = 0;     // events we do not need (noise)
  std::uint64_t invalid = 0;     // events we need but that lack a required field
  std::uint64_t not_events = 0;  // responses and other non-event frames
};

struct MapperOptions {
  // Channel variables worth keeping (VarSet); others are noise.
  std::vector<std::string> variables{std::string(core::kCallIdVariable)};
  // Dialplan applications worth knowing about (Newexten); others are noise.
  std::vector<std::string> applications{"VoiceMail"};
  // Bit i set = map events of PbxEventKind i; others are counted as ignored
  // before any field is read (the pipeline passes what its consumer uses).
  std::uint64_t kinds = ~std::uint64_t{0};
};

// Fills `out` (reusing its string capacity) and returns true when the frame
// is an event the tracker consumes. `arrival` is used when the frame carries
// no `Timestamp:` header.
bool map_frame(const Frame& frame, core::Timestamp arrival, core::PbxEvent& out, MapperStats& stats,
               const MapperOptions& options = {});

// Convenience form for tests and fuzzing.
std::optional<core::PbxEvent> map_frame(const Frame& frame, core::Timestamp arrival,
                                        MapperStats& stats);

// "Local/1001@agents-00000001;1" -> true; used by the tracker too.
bool is_local_channel(std::string_view channel_name);

}  // namespace cti::pbx::ami
