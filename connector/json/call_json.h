#pragma once
// JSON forms of the public contract: the call record (README "Call record")
// and the webhook event envelope. One place so the store, the API and every
// adapter agree byte for byte.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "connector/core/call_event.h"
#include "connector/core/call_record.h"

namespace cti::json {

nlohmann::json to_json(const core::CallRecord& record);
// Inverse of to_json (for records read back from the store).
std::optional<core::CallRecord> record_from_json(const nlohmann::json& j);
// {id, type, occurred_at, seq, agent?, reason?, call:{...record fields known so far...}}
nlohmann::json to_json(const core::CallEvent& event);

}  // namespace cti::json
