#include "connector/store/codec.h"

#include <array>
#include <cstdio>

#include "connector/json/call_json.h"

namespace cti::store {

std::string encode_headers(const HeaderList& headers) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& [k, v] : headers) j.push_back({k, v});
  return j.dump();
}

HeaderList decode_headers(const std::string& text) {
  HeaderList out;
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return out;
  for (const auto& h : j)
    if (h.is_array() && h.size() == 2 && h[0].is_string() && h[1].is_string())
      out.emplace_back(h[0].get<std::string>(), h[1].get<std::string>());
  return out;
}

std::optional<core::CallEvent> event_from_json(const nlohmann::json& j) {
  using K = core::CallEventKind;
  constexpr std::array kinds{K::Queued,  K::Ringing,     K::RingingStopped, K::Answered, K::Held,
                             K::Resumed, K::Transferred, K::Abandoned,      K::Ended};
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) return std::nullopt;
  const auto type = j["type"].get<std::string>();
  core::CallEvent e;
  bool known = false;
  for (K k : kinds)
    if (core::to_string(k) == type) {
      e.kind = k;
      known = true;
    }
  if (!known) return std::nullopt;
  e.seq = j.value("seq", std::uint64_t{0});
  if (auto t = core::parse_rfc3339(j.value("occurred_at", ""))) e.occurred_at = *t;
  e.agent = j.value("agent", "");
  e.reason = j.value("reason", "");
  if (j.contains("call"))
    if (auto r = json::record_from_json(j["call"])) e.call = std::move(*r);
  e.call_id = e.call.call_id;
  if (const auto id = j.value("id", ""); e.call_id.empty() && id.rfind(':') != std::string::npos)
    e.call_id = id.substr(0, id.rfind(':'));
  return e;
}

std::string derive_idempotency_key(const std::string& event_id, const core::HttpRequest& req) {
  // FNV-1a 64: deterministic across builds and runs (std::hash is not).
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;  // separator so ("ab","c") != ("a","bc")
    h *= 1099511628211ULL;
  };
  mix(req.method);
  mix(req.url);
  mix(req.body);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return event_id + ":" + hex;
}

}  // namespace cti::store
