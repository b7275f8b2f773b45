#pragma once
// Column encodings of the store that are not plain values (internal to store/).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connector/core/call_event.h"
#include "connector/core/http_request.h"

namespace cti::store {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// [["Name","value"],...] keeps order and duplicates, unlike an object.
std::string encode_headers(const HeaderList& headers);
HeaderList decode_headers(const std::string& text);

// Inverse of json::to_json(CallEvent); nullopt on malformed input.
std::optional<core::CallEvent> event_from_json(const nlohmann::json& j);

// Key used when an adapter gave none: stable for the same event and request,
// so replaying the same capture hits the UNIQUE constraint.
std::string derive_idempotency_key(const std::string& event_id, const core::HttpRequest& req);

}  // namespace cti::store
