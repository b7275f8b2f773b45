#pragma once
// What the e2e tests read from an agent panel's WebSocket messages: the
// screen_pop and call_update frames of /v1/ws (described in docs/openapi.yaml).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "integration/e2e/ws_client.h"

namespace cti::e2e {

// The Sec-WebSocket-Protocol a browser panel sends: the token rides in it
// because browsers cannot set Authorization on a WebSocket.
inline std::string panel_protocols(std::string_view token) {
  return "cti.v1, bearer." + base64url(token);
}

inline std::vector<nlohmann::json> of_type(const std::vector<nlohmann::json>& messages,
                                           const std::string& type) {
  std::vector<nlohmann::json> out;
  for (const auto& m : messages)
    if (m.value("type", "") == type) out.push_back(m);
  return out;
}

// The last screen_pop for the call (a late lookup replaces the first).
inline std::optional<nlohmann::json> final_pop(const WsClient& client, const std::string& call_id) {
  std::optional<nlohmann::json> last;
  for (const auto& m : of_type(client.messages(), "screen_pop"))
    if (m["call"]["call_id"] == call_id && m["lookup"] == "done") last = m;
  return last;
}

// Every call_update `event` the panel got for the call, in order.
inline std::vector<nlohmann::json> updates(const WsClient& client, const std::string& call_id,
                                           const std::string& event) {
  std::vector<nlohmann::json> out;
  for (const auto& m : of_type(client.messages(), "call_update"))
    if (m["call"]["call_id"] == call_id && m["event"] == event) out.push_back(m);
  return out;
}

inline bool has_update(const WsClient& client, const std::string& call_id,
                       const std::string& event) {
  return !updates(client, call_id, event).empty();
}

}  // namespace cti::e2e
