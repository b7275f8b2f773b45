#pragma once
// What the outside world is told about a call: ordered per call by `seq`.
#include <cstdint>
#include <string>
#include <string_view>

#include "connector/core/call_record.h"

namespace cti::core {

enum class CallEventKind : std::uint8_t {
  Queued,
  Ringing,
  RingingStopped,
  Answered,
  Held,
  Resumed,
  Transferred,
  Abandoned,
  Ended,
};

// "call.ringing", "call.answered", ...
std::string_view to_string(CallEventKind kind);

struct CallEvent {
  CallEventKind kind{};
  std::string call_id;
  std::uint64_t seq = 0;  // strictly increasing per call, starting at 1
  Timestamp occurred_at{};
  std::string agent;   // the agent this event is about (ringing, answered...)
  std::string reason;  // ringing_stopped reason, transfer type...
  int position = 0;    // queued / abandoned: the caller's place in the queue
  CallRecord call;     // snapshot: record fields known so far
  // Stable id of this event: "<call_id>:<seq>".
  std::string id() const { return call_id + ":" + std::to_string(seq); }
};

}  // namespace cti::core
