#pragma once
// What the API needs from the rest of the connector, as an interface so the
// API never depends on the store library. The application implements it over
// the real store, metrics registry and PBX sessions; tests use a fake.
#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connector/core/call_record.h"
#include "connector/core/time.h"

namespace cti::api {

// One outbound delivery (outbox row or dead letter) as the API shows it.
struct DeliveryView {
  std::int64_t id = 0;
  std::string adapter, call_id, event_id, state, url, last_error;
  std::uint64_t seq = 0;
  int attempts = 0, last_status = 0;
  std::optional<core::Timestamp> created_at, next_attempt_at, delivered_at;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // All may be called from the API's thread(s), concurrently when the
  // io_context runs on several threads; implementations may block briefly
  // (SQLite reads). Throwing is allowed: the API answers 500 and carries on.

  // Newest first is not required; the API returns them in the given order.
  virtual std::vector<core::CallRecord> list_calls(std::optional<core::Timestamp> since,
                                                   std::size_t limit) = 0;
  virtual std::optional<core::CallRecord> get_call(const std::string& call_id) = 0;
  // state is one of "dead", "pending", "delivered" (validated by the API).
  virtual std::vector<DeliveryView> list_deliveries(std::string_view state, std::size_t limit) = 0;
  // Error text exactly "not found" (404) or "not dead" (409); anything else is a 500.
  virtual std::expected<void, std::string> replay_delivery(std::int64_t id) = 0;
  virtual std::string metrics_text() = 0;  // Prometheus text exposition format 0.0.4
  // {"status":"ok", "pbx":[{"name","state"}], "store":"ok", ...}
  virtual nlohmann::json health() = 0;
};

}  // namespace cti::api
