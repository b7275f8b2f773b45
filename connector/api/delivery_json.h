#pragma once
#include <nlohmann/json.hpp>

#include "connector/api/backend.h"

namespace cti::api {

// {id, adapter, call_id, event_id, seq, state, url, attempts, last_status,
//  last_error, created_at, next_attempt_at, delivered_at} (times RFC 3339 or null).
nlohmann::json to_json(const DeliveryView& d);

}  // namespace cti::api
