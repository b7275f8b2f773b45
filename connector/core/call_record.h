#pragma once
// The call record: the public contract written to the store and to every CRM.
// JSON field names are fixed by the README ("Call record").
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "connector/core/time.h"

namespace cti::core {

enum class Direction : std::uint8_t { Inbound, Outbound, Internal };
enum class Disposition : std::uint8_t { Answered, Missed, Busy, Failed, Abandoned, Voicemail };

std::string_view to_string(Direction d);
std::string_view to_string(Disposition d);

struct Transfer {
  std::string type;        // "blind" | "attended"
  std::string from_agent;  // extension that transferred
  std::string to;          // extension or number it went to
  Timestamp at{};
  std::string consult_call_id;  // attended: the consultation leg's call id
};

struct CallRecord {
  std::string call_id;
  Direction direction = Direction::Inbound;
  std::string from;                 // E.164 or extension
  std::string to;                   // E.164 or extension
  std::string did;                  // inbound: company number dialled
  std::string caller_id_presented;  // outbound: number the callee saw
  std::string agent;                // extension that answered last
  std::vector<std::string> agents;  // every extension that talked, in order
  std::string queue;
  Timestamp started_at{};
  std::optional<Timestamp> answered_at;
  std::optional<Timestamp> ended_at;  // empty while the call is live
  double ring_s = 0;
  double talk_s = 0;
  double wait_s = 0;                       // time in queue
  std::optional<Disposition> disposition;  // set when ended
  int hangup_cause = 0;
  std::vector<Transfer> transfers;
  std::string pbx;
  // A consultation leg (attended transfer) names the customer call it served.
  std::string parent_call_id;
  bool incomplete = false;  // closed without seeing the PBX end it
};

}  // namespace cti::core
