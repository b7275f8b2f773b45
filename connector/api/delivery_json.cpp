#include "connector/api/delivery_json.h"

namespace cti::api {
namespace {
nlohmann::json time_or_null(const std::optional<core::Timestamp>& t) {
  return t ? nlohmann::json(core::format_rfc3339_ms(*t)) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json to_json(const DeliveryView& d) {
  return {
      {"id", d.id},
      {"adapter", d.adapter},
      {"call_id", d.call_id},
      {"event_id", d.event_id},
      {"seq", d.seq},
      {"state", d.state},
      {"url", d.url},
      {"attempts", d.attempts},
      {"last_status", d.last_status},
      {"last_error", d.last_error},
      {"created_at", time_or_null(d.created_at)},
      {"next_attempt_at", time_or_null(d.next_attempt_at)},
      {"delivered_at", time_or_null(d.delivered_at)},
  };
}

}  // namespace cti::api
