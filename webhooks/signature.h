#pragma once
// Webhook signatures: receivers recompute the HMAC over "t.body" with their
// copy of the secret and reject stale t to stop replays.
#include <cstdint>
#include <string>
#include <string_view>

namespace cti::webhooks {

// Lowercase hex HMAC-SHA256(key, data).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// "t=<unix>,v1=<lowercase hex HMAC-SHA256(secret, t + "." + body)>"
std::string sign(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

}  // namespace cti::webhooks
