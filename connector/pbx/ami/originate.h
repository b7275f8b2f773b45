#pragma once
// The AMI Originate action of a click-to-call: ring the agent's phone
// first, then dial the customer presenting the chosen caller id, with the
// CTI_CALL_ID variable that names the resulting call (capture h shows the
// exact shape Asterisk 22 accepted). Pure: builds headers; the session
// sends them.
#include <chrono>
#include <expected>
#include <string>
#include <utility>
#include <vector>

namespace cti::pbx::ami {

struct OriginateRequest {
  std::string agent_endpoint;  // "PJSIP/1001" or "Local/1001@agents"
  std::string context;         // dialplan context that dials out ("from-internal")
  std::string exten;           // what that context dials ("600111222" or "+44…")
  std::string caller_id;       // E.164 presented to the customer
  std::string call_id;         // our call id, set as CTI_CALL_ID on the channel
  std::chrono::milliseconds ring_timeout{30000};  // the agent must answer within it
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// Refuses values that could inject AMI headers (CR/LF) or are empty.
std::expected<Headers, std::string> originate_action(const OriginateRequest& request);

}  // namespace cti::pbx::ami
