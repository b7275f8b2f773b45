#pragma once
// Outbox rows as the delivery engine and the API see them.
#include <cstdint>
#include <optional>
#include <string>

#include "connector/core/http_request.h"
#include "connector/core/time.h"

namespace cti::store {

// A pending delivery handed to a worker. Nothing is locked in SQLite: the
// engine keeps the call in its busy set until it has recorded the outcome.
struct ClaimedDelivery {
  std::int64_t id = 0;
  std::string adapter, call_id, event_id;
  std::uint64_t seq = 0;
  int attempts = 0;  // attempts made before this one
  core::Timestamp created_at{};
  core::HttpRequest request;  // idempotency_key filled in
  std::string job;            // "" or "crm_log" (OutboxItem::job)
};

struct DeliveryRow {
  std::int64_t id = 0;
  std::string adapter, call_id, event_id, state, url, last_error;
  std::uint64_t seq = 0;
  int attempts = 0, last_status = 0;
  std::optional<core::Timestamp> created_at, next_attempt_at, delivered_at;
};

}  // namespace cti::store
