#include "connector/app/store_backend.h"

#include "connector/pbx/ami/session.h"

namespace cti::app {

StoreBackend::StoreBackend(store::Store& store, common::Registry& metrics,
                           std::vector<std::shared_ptr<PbxHealth>> pbx,
                           std::function<void()> on_replay)
    : store_(store), metrics_(metrics), pbx_(std::move(pbx)), on_replay_(std::move(on_replay)) {}

std::vector<core::CallRecord> StoreBackend::list_calls(std::optional<core::Timestamp> since,
                                                       std::size_t limit) {
  return store_.list_calls(since, limit);
}

std::optional<core::CallRecord> StoreBackend::get_call(const std::string& call_id) {
  return store_.get_call(call_id);
}

std::vector<api::DeliveryView> StoreBackend::list_deliveries(std::string_view state,
                                                             std::size_t limit) {
  std::vector<api::DeliveryView> out;
  for (const auto& row : store_.list_deliveries(state, limit)) {
    api::DeliveryView v;
    v.id = row.id;
    v.adapter = row.adapter;
    v.call_id = row.call_id;
    v.event_id = row.event_id;
    v.state = row.state;
    v.url = row.url;
    v.last_error = row.last_error;
    v.seq = row.seq;
    v.attempts = row.attempts;
    v.last_status = row.last_status;
    v.created_at = row.created_at;
    v.next_attempt_at = row.next_attempt_at;
    v.delivered_at = row.delivered_at;
    out.push_back(std::move(v));
  }
  return out;
}

std::expected<void, std::string> StoreBackend::replay_delivery(std::int64_t id) {
  const auto row = store_.get_delivery(id);
  if (!row) return std::unexpected("not found");
  if (row->state != "dead") return std::unexpected("not dead");
  auto result = store_.replay_delivery(id);
  if (!result) return result;
  if (on_replay_) on_replay_();
  return {};
}

namespace {
const api::NumberError kNoDialer{"the dialing policy is not configured (no PBX)"};
}

std::expected<nlohmann::json, api::NumberError> StoreBackend::add_dnc(const api::Principal& by,
                                                                      const std::string& number,
                                                                      const std::string& reason) {
  if (!dialer_) return std::unexpected(kNoDialer);
  return dialer_->add_dnc(by, number, reason);
}

std::expected<bool, api::NumberError> StoreBackend::remove_dnc(const api::Principal& by,
                                                               const std::string& number) {
  if (!dialer_) return std::unexpected(kNoDialer);
  return dialer_->remove_dnc(by, number);
}

std::expected<nlohmann::json, api::NumberError> StoreBackend::add_consent(
    const api::ConsentCommand& c) {
  if (!dialer_) return std::unexpected(kNoDialer);
  return dialer_->add_consent(c);
}

nlohmann::json StoreBackend::list_audit(const api::AuditFilter& f) {
  if (!dialer_) return nlohmann::json::array();
  return dialer_->list_audit(f);
}

std::string StoreBackend::metrics_text() { return metrics_.render(); }

nlohmann::json StoreBackend::health() {
  nlohmann::json pbx = nlohmann::json::array();
  bool all_up = true;
  for (const auto& p : pbx_) {
    const auto state = static_cast<pbx::ami::SessionState>(p->state.load());
    all_up = all_up && state == pbx::ami::SessionState::Up;
    pbx.push_back({{"name", p->name}, {"state", std::string(pbx::ami::to_string(state))}});
  }
  return {{"status", all_up ? "ok" : "degraded"},
          {"pbx", pbx},
          {"store", "ok"},
          {"outbox_pending", store_.pending_count()}};
}

}  // namespace cti::app
